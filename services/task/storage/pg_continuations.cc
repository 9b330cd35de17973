// ListContinuations, ConfirmContinuation, and the import's suggestions.
#include "services/task/storage/pg_continuations.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/bytea.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/grpc/resource_name.h"
#include "common/text/fold.h"
#include "services/task/continuity.h"
#include "services/task/storage/pg_task_store.h"

namespace p06::task {
namespace {

// $1 the year: every live task of that year's plans, with its folded title.
constexpr char kTasksOfYear[] = R"sql(
SELECT t.plan_id, t.number, split_part(t.search_text, ' | ', 1), t.definition
FROM tasks t JOIN plans p ON p.id = t.plan_id
WHERE p.year = $1 AND t.removed_in IS NULL ORDER BY t.plan_id, t.number
)sql";
constexpr char kSaveSuggestion[] = R"sql(
INSERT INTO task_continuations (plan_id, number, previous_plan_id, previous_number, score)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (plan_id, number) DO UPDATE
  SET previous_plan_id = EXCLUDED.previous_plan_id, previous_number = EXCLUDED.previous_number, score = EXCLUDED.score
  WHERE NOT task_continuations.confirmed
)sql";
constexpr char kConfirm[] = R"sql(
INSERT INTO task_continuations (plan_id, number, previous_plan_id, previous_number, score, confirmed)
VALUES ($1, $2, nullif($3, ''), nullif($4, 0), $5, true)
ON CONFLICT (plan_id, number) DO UPDATE
  SET previous_plan_id = EXCLUDED.previous_plan_id, previous_number = EXCLUDED.previous_number,
      score = EXCLUDED.score, confirmed = true
)sql";
constexpr char kListContinuations[] = R"sql(
SELECT c.number, coalesce(c.previous_plan_id, ''), coalesce(c.previous_number, 0), c.score, c.confirmed,
       prev.definition
FROM task_continuations c LEFT JOIN tasks prev ON prev.plan_id = c.previous_plan_id AND prev.number = c.previous_number
WHERE c.plan_id = $1 ORDER BY c.number
)sql";
constexpr char kPlanExists[] = "SELECT 1 FROM plans WHERE id = $1";

std::string TaskName(const std::string& plan_id, int number) {
  return absl::StrCat("plans/", plan_id, "/tasks/", number);
}

}  // namespace

namespace pg {

std::vector<pb::Continuation> SuggestContinuations(pqxx::transaction_base& tx, const PlanDraft& draft,
                                                   const std::vector<int>& numbers) {
  std::vector<TitledTask> previous;
  for (const auto& row : tx.exec_params(kTasksOfYear, draft.plan.year() - 1)) {
    previous.push_back({.name = TaskName(row[0].c_str(), row[1].as<int>()),
                        .folded_title = row[2].c_str(),
                        .title = db::ProtoFromBytea<pb::Task>(row[3]).title()});
  }
  const absl::flat_hash_set<int> wanted(numbers.begin(), numbers.end());
  std::vector<pb::Continuation> out;
  if (previous.empty()) return out;
  for (const TaskDraft& t : draft.tasks) {
    if (!wanted.contains(t.task.number())) continue;
    const TitledTask task{.name = TaskName(draft.plan_id, t.task.number()), .folded_title = text::Fold(t.task.title())};
    const ContinuationMatch match = BestContinuation(task, previous);
    if (match.previous < 0) continue;
    pb::Continuation c;
    c.set_task(task.name);
    c.set_previous_task(previous[static_cast<size_t>(match.previous)].name);
    c.set_previous_title(previous[static_cast<size_t>(match.previous)].title);
    c.set_score(match.score);
    out.push_back(std::move(c));
  }
  return out;
}

void SaveSuggestions(pqxx::work& tx, const std::string& plan_id, const std::vector<pb::Continuation>& suggestions) {
  for (const pb::Continuation& c : suggestions) {
    // Names SuggestContinuations built, so they parse.
    const std::vector<std::string> task = *ParseResourceName(c.task(), "plans/*/tasks/#", "task");
    const std::vector<std::string> previous = *ParseResourceName(c.previous_task(), "plans/*/tasks/#", "previous_task");
    tx.exec_params(kSaveSuggestion, plan_id, std::stoi(task[1]), previous[0], std::stoi(previous[1]), c.score());
  }
}

}  // namespace pg

absl::StatusOr<std::vector<pb::Continuation>> PgTaskStore::ListContinuations(const std::string& plan_id) {
  return db::RunReadOnly(pool_, "ListContinuations",
                         [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<pb::Continuation>> {
                           if (tx.exec_params(kPlanExists, plan_id).empty()) {
                             return absl::NotFoundError(absl::StrCat("plans/", plan_id, " not found"));
                           }
                           std::vector<pb::Continuation> out;
                           for (const auto& row : tx.exec_params(kListContinuations, plan_id)) {
                             pb::Continuation c;
                             c.set_task(TaskName(plan_id, row[0].as<int>()));
                             if (!std::string(row[1].c_str()).empty()) {
                               c.set_previous_task(TaskName(row[1].c_str(), row[2].as<int>()));
                               c.set_previous_title(db::ProtoFromBytea<pb::Task>(row[5]).title());
                             }
                             c.set_score(row[3].as<double>());
                             c.set_confirmed(row[4].as<bool>());
                             out.push_back(std::move(c));
                           }
                           return out;
                         });
}

absl::StatusOr<pb::Continuation> PgTaskStore::ConfirmContinuation(const std::string& caller,
                                                                  const pb::ConfirmContinuationRequest& request,
                                                                  const std::string& plan_id, int number,
                                                                  const std::string& previous_plan_id,
                                                                  int previous_number, double score,
                                                                  const std::string& previous_title) {
  return db::RunInTransaction(pool_, "ConfirmContinuation", [&](pqxx::work& tx) {
    return db::Idempotent<pb::Continuation>(
        tx, caller, request.request_id(), "ConfirmContinuation", request, [&]() -> absl::StatusOr<pb::Continuation> {
          tx.exec_params(kConfirm, plan_id, number, previous_plan_id, previous_number, score);
          pb::Continuation c;
          c.set_task(TaskName(plan_id, number));
          if (!previous_plan_id.empty()) {
            c.set_previous_task(TaskName(previous_plan_id, previous_number));
            c.set_previous_title(previous_title);
          }
          c.set_score(score);
          c.set_confirmed(true);
          return c;
        });
  });
}

}  // namespace p06::task
