// From a plan's text to what the store writes: parse the document, resolve every
// unit name through the directory, and lay out each task's units (groups expanded)
// and reporting obligations. Writes nothing; ImportPlan's dry run stops here.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/task/drafts.h"
#include "services/task/plan_text/plan_document.h"
#include "services/task/unit_resolver.h"

namespace p06::task {

// Names resolve on PlanResolutionDays(the plan, `today`). INVALID_ARGUMENT /
// RESOURCE_EXHAUSTED for text that is no plan (see ParsePlanDocument); UNAVAILABLE
// when the directory cannot be asked.
absl::StatusOr<PlanDraft> DraftPlan(absl::string_view text, UnitResolver& resolver, absl::CivilDay today,
                                    const IncomingCall& call);

// Resolves the unit names of one task on `days` into `draft` (its UnitRefs and unit
// rows), as an import would; a name no unit had on `days.as_of` is read as of
// `days.follow_to` (a unit formed since). `typed` are the names new in this edit.
// Returns, per role, the names that yield no unit (their refs keep the text): any the
// directory does not know, and those `typed` that name a unit ended with no successor
// (a stored one stays as the import left it). UNAVAILABLE when the directory cannot
// be asked.
struct UnresolvedNames {
  std::vector<std::string> lead, coordinating;
};
absl::StatusOr<UnresolvedNames> ResolveTaskUnits(UnitResolver& resolver, const ResolutionDays& days,
                                                 const std::set<std::string>& typed, const IncomingCall& call,
                                                 const std::vector<std::string>& lead_texts,
                                                 const std::vector<std::string>& coordinating_texts, TaskDraft& draft);

// The names of a task's cells, in order, each once: a cell naming several units yields
// a ref per unit, all with its text.
std::vector<std::string> CellTexts(const google::protobuf::RepeatedPtrField<pb::UnitRef>& refs);

// Clears what the store derives (status, percent, overdue, etag, update time), leaving
// the definition a draft stores.
void ClearDerivedFields(pb::Task& task);

// Derives what follows from draft.task: the primary lead, occurrences of the plan
// year, the definition hash and the search text.
void CompleteDraft(TaskDraft& draft, int plan_year);

// "910/QĐ-BTP", 2025 → "910-qd-btp-2025".
std::string PlanIdFor(absl::string_view decision_number, int year);

}  // namespace p06::task
