#include "services/task/continuity.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace p06::task {
namespace {

bool IsYear(absl::string_view w) {
  int n = 0;
  return w.size() == 4 && absl::SimpleAtoi(w, &n) && n >= 1990 && n <= 2100;
}

// The title's word pairs with their counts; its words when it has one.
absl::flat_hash_map<std::string, int> Shingles(absl::string_view folded) {
  std::vector<absl::string_view> words;
  for (absl::string_view w : absl::StrSplit(folded, ' ', absl::SkipEmpty())) {
    if (!IsYear(w)) words.push_back(w);
  }
  absl::flat_hash_map<std::string, int> out;
  if (words.size() == 1) out[std::string(words[0])] = 1;
  for (size_t i = 0; i + 1 < words.size(); ++i) ++out[absl::StrCat(words[i], " ", words[i + 1])];
  return out;
}

}  // namespace

double TitleSimilarity(absl::string_view folded_a, absl::string_view folded_b) {
  const auto a = Shingles(folded_a), b = Shingles(folded_b);
  int total = 0, common = 0;
  for (const auto& [s, n] : a) total += n;
  for (const auto& [s, n] : b) {
    total += n;
    if (auto it = a.find(s); it != a.end()) common += std::min(n, it->second);
  }
  return total == 0 ? 0.0 : 2.0 * common / total;
}

ContinuationMatch BestContinuation(const TitledTask& task, const std::vector<TitledTask>& previous) {
  ContinuationMatch best;
  for (size_t i = 0; i < previous.size(); ++i) {
    const double score = TitleSimilarity(task.folded_title, previous[i].folded_title);
    if (score >= kMinContinuationScore && score > best.score) best = {static_cast<int>(i), score};
  }
  return best;
}

}  // namespace p06::task
