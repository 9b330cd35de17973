// Continuations across yearly plans in PostgreSQL (008_task_continuations.sql): the
// suggestions an import makes, inside its transaction.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "p06/task/v1/task.pb.h"
#include "services/task/drafts.h"

namespace p06::task::pg {

// For each of `numbers` in `draft`, the task of a plan of the year before it most
// resembles by title (continuity.h), when one resembles it enough.
std::vector<pb::Continuation> SuggestContinuations(pqxx::transaction_base& tx, const PlanDraft& draft,
                                                   const std::vector<int>& numbers);

// Stores `suggestions` for `plan_id`, replacing earlier suggestions, never a confirmation.
void SaveSuggestions(pqxx::work& tx, const std::string& plan_id, const std::vector<pb::Continuation>& suggestions);

}  // namespace p06::task::pg
