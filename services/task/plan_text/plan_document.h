// The text of an official plan (a decision with its appendix table, as extracted from
// the PDF) → plan, sections and tasks, with a line-numbered diagnostic for every
// decision taken on the way. Unit names stay text here; resolving them is the
// importer's job (it asks the directory).
//
// What real documents contain and this handles (see shared DESIGN.md): the preamble
// (number, date, signer, title, year); the table header repeated at every page break;
// rows continued on the next page as a row with an empty TT cell (a title, a unit list
// or a time phrase cut anywhere, even between "Bồi" and "thường"); merged cells whose
// content stands in the cells of the sub-rows (task 36); <ul>, <li> and <i> markup;
// section rows in Roman numerals, including a label used twice; duplicates in unit
// lists; empty cells; CRLF line ends and decomposed Unicode.
//
// Pure and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "p06/task/v1/task.pb.h"

namespace p06::task {

namespace pb = ::p06::task::v1;

inline constexpr size_t kMaxPlanTextBytes = 8 << 20;

struct ParsedTask {
  int line = 0;                         // Line of the task's TT row.
  pb::Task task;                        // Everything but the resolved units.
  std::vector<std::string> lead_texts;  // Unit names as printed, split and de-duplicated.
  std::vector<std::string> coordinating_texts;
};

struct ParsedPlan {
  pb::Plan plan;  // Without name, revision and times.
  std::vector<ParsedTask> tasks;
  std::vector<pb::ImportDiagnostic> diagnostics;
};

// INVALID_ARGUMENT (naming the line where it can) for text that is not UTF-8, not a
// plan (no decision number, no task table) or too large; anything less is a
// diagnostic and the import goes on.
absl::StatusOr<ParsedPlan> ParsePlanDocument(absl::string_view text);

// Splits a unit cell ("<ul> - A; - B", "A; B") into names; markup, bullets and
// trailing punctuation removed. Exposed for tests.
std::vector<std::string> SplitUnitCell(absl::string_view cell);

}  // namespace p06::task
