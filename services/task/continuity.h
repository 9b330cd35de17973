// Which task of last year's plan a new task continues, judged by their titles: how a
// unit's work is followed from one yearly plan to the next. Pure.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace p06::task {

// The least resemblance the import suggests a continuation at.
inline constexpr double kMinContinuationScore = 0.5;

// How alike two folded titles (text::Fold) are, 0..1: the Dice coefficient of their
// word pairs (single words for a one-word title), years (1990..2100) left out, so
// that "… năm 2025" and "… năm 2026" are the same title.
double TitleSimilarity(absl::string_view folded_a, absl::string_view folded_b);

struct TitledTask {
  std::string name;          // "plans/{plan}/tasks/{n}"
  std::string folded_title;  // text::Fold(title)
  std::string title;
};

struct ContinuationMatch {
  int previous = -1;  // Index into the previous tasks; -1 for none.
  double score = 0;
};

// The previous task `task` most resembles, at kMinContinuationScore or more (the lower
// index on a tie).
ContinuationMatch BestContinuation(const TitledTask& task, const std::vector<TitledTask>& previous);

}  // namespace p06::task
