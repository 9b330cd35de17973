// Fuzz target: ParsePlanDocument (services/task/plan_text/plan_document.h).
//
// The input is the text of a decision, as ImportPlan receives it. Invariants:
//   - the only errors are INVALID_ARGUMENT (not UTF-8, not a plan) and
//     RESOURCE_EXHAUSTED (over kMaxPlanTextBytes); text that is not UTF-8 is refused;
//   - an accepted plan has a decision number, a decision date that is a calendar date
//     (FromProtoDate), sections numbered 1..n and at least one task;
//   - every task and diagnostic names a line of the text, and a task a number and a
//     section that exist; tasks come in the order of their lines;
//   - unit names are non-empty, split (no ';' or line end left), without bullets or
//     trailing punctuation, and de-duplicated after folding;
//   - one-off schedules of tasks and activities have calendar due dates.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/grpc/proto_time.h"
#include "common/text/fold.h"
#include "services/task/plan_text/plan_document.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace pb = ::p06::task::pb;

// The most lines the text can have once CR LF and lone CR are line ends.
int MaxLines(absl::string_view text) {
  int lines = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++lines;
  }
  return lines;
}

void CheckUnitNames(const std::vector<std::string>& names) {
  absl::flat_hash_set<std::string> folded;
  for (const std::string& name : names) {
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(name.find_first_of(";\n") == std::string::npos);
    FUZZ_CHECK(name.front() != '-' && name.front() != ' ');
    FUZZ_CHECK(name.back() != '.' && name.back() != ',' && name.back() != ' ');
    FUZZ_CHECK(folded.insert(p06::text::Fold(name)).second);
  }
}

void CheckSchedule(const pb::Schedule& s) {
  if (s.unparsed()) FUZZ_CHECK(s.kind() == pb::Schedule::KIND_UNSPECIFIED);
  if (s.kind() == pb::Schedule::KIND_ONE_OFF) FUZZ_CHECK(p06::FromProtoDate(s.due_date(), "due_date").ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<p06::task::ParsedPlan> parsed = p06::task::ParsePlanDocument(text);
  const absl::StatusCode code = parsed.status().code();
  FUZZ_CHECK(code == absl::StatusCode::kOk || code == absl::StatusCode::kInvalidArgument ||
             code == absl::StatusCode::kResourceExhausted);
  if (!p06::text::IsValidUtf8(text)) FUZZ_CHECK(!parsed.ok());
  if (!parsed.ok()) return 0;

  const pb::Plan& plan = parsed->plan;
  const int lines = MaxLines(text);
  FUZZ_CHECK(!plan.decision_number().empty());
  FUZZ_CHECK(p06::FromProtoDate(plan.decision_date(), "decision_date").ok());
  FUZZ_CHECK(plan.sections_size() > 0 && !parsed->tasks.empty());
  for (int i = 0; i < plan.sections_size(); ++i) FUZZ_CHECK(plan.sections(i).ordinal() == i + 1);
  for (const pb::ImportDiagnostic& d : parsed->diagnostics) {
    FUZZ_CHECK(d.line() >= 1 && d.line() <= lines);
    FUZZ_CHECK(d.kind() != pb::ImportDiagnostic::KIND_UNSPECIFIED);
  }
  int previous_line = 0;
  for (const p06::task::ParsedTask& t : parsed->tasks) {
    FUZZ_CHECK(t.line > previous_line && t.line <= lines);
    previous_line = t.line;
    FUZZ_CHECK(t.task.number() >= 1 && t.task.number() < 100000);
    FUZZ_CHECK(t.task.section_ordinal() >= 0 && t.task.section_ordinal() <= plan.sections_size());
    CheckUnitNames(t.lead_texts);
    CheckUnitNames(t.coordinating_texts);
    CheckSchedule(t.task.schedule());
    for (const pb::SubActivity& a : t.task.sub_activities()) CheckSchedule(a.schedule());
  }
  return 0;
}
