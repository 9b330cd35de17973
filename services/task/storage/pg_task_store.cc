#include "services/task/storage/pg_task_store.h"

#include <limits>
#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/etag.h"
#include "common/base/status_macros.h"
#include "common/db/arrays.h"
#include "common/db/bytea.h"
#include "common/db/idempotency.h"
#include "common/db/text_search.h"
#include "common/db/transaction.h"
#include "common/grpc/proto_time.h"
#include "services/task/storage/pg_continuations.h"
#include "services/task/storage/pg_events.h"

namespace p06::task {
namespace {

constexpr char kPlanByDecision[] =
    "SELECT id, revision, source_sha256 FROM plans WHERE decision_number = $1 FOR UPDATE";
constexpr char kPlanByDecisionNoLock[] = "SELECT id, revision, source_sha256 FROM plans WHERE decision_number = $1";
constexpr char kInsertPlan[] = R"sql(
INSERT INTO plans (id, decision_number, year, source_sha256, source_text, document) VALUES ($1, $2, $3, $4, $5, $6)
)sql";
constexpr char kRevisePlan[] = R"sql(
UPDATE plans SET revision = $2, source_sha256 = $3, source_text = $4, document = $5, update_time = now() WHERE id = $1
)sql";
constexpr char kSelectPlans[] = R"sql(
SELECT document, revision, (extract(epoch FROM create_time) * 1000000)::bigint,
       (extract(epoch FROM update_time) * 1000000)::bigint FROM plans
)sql";
constexpr char kTaskHashes[] = "SELECT number, definition_hash, removed_in FROM tasks WHERE plan_id = $1";
constexpr char kInsertTask[] = R"sql(
INSERT INTO tasks (plan_id, number, section_ordinal, definition, definition_hash, search_text) VALUES ($1, $2, $3, $4, $5, $6)
)sql";
constexpr char kUpdateTask[] = R"sql(
UPDATE tasks SET section_ordinal = $3, definition = $4, definition_hash = $5, search_text = $6, removed_in = NULL,
                 version = version + 1, update_time = now()
WHERE plan_id = $1 AND number = $2
)sql";
// What a search reads is derived from the definition; when the derivation changes
// (007_task_search.sql added the note and the units), an import of the same text
// brings stored tasks up to date without a new version or an event.
constexpr char kRefreshSearchText[] =
    "UPDATE tasks SET search_text = $3 WHERE plan_id = $1 AND number = $2 AND search_text <> $3";
constexpr char kRemoveTask[] =
    "UPDATE tasks SET removed_in = $3, version = version + 1, update_time = now() WHERE plan_id = $1 AND number = $2";
constexpr char kDeleteTaskUnits[] = "DELETE FROM task_units WHERE plan_id = $1 AND number = $2";
// What FollowTaskUnits compares: the version (etag), the definition's hash, the day
// the units were last followed to.
constexpr char kSelectFollowState[] = R"sql(
SELECT version, definition_hash, to_char(units_followed_on, 'YYYY-MM-DD') FROM tasks
WHERE plan_id = $1 AND number = $2 AND removed_in IS NULL
)sql";
// In the order of TaskDraft.units (CompleteDraft sorts them by role, then unit).
constexpr char kSelectTaskUnits[] =
    "SELECT role, unit FROM task_units WHERE plan_id = $1 AND number = $2 ORDER BY role, unit COLLATE \"C\"";
constexpr char kLockTaskRow[] = "SELECT 1 FROM tasks WHERE plan_id = $1 AND number = $2 FOR UPDATE";
constexpr char kSetUnitsFollowedOn[] =
    "UPDATE tasks SET units_followed_on = $3::date WHERE plan_id = $1 AND number = $2";
constexpr char kInsertTaskUnit[] = "INSERT INTO task_units (plan_id, number, role, unit) VALUES ($1, $2, $3, $4)";
constexpr char kInsertOccurrence[] = R"sql(
INSERT INTO occurrences (plan_id, number, sub_activity, due_date) VALUES ($1, $2, $3, $4::date) ON CONFLICT DO NOTHING
)sql";
// Obligations the revised task no longer has go, unless someone already reported on them.
constexpr char kDropStaleOccurrences[] = R"sql(
DELETE FROM occurrences WHERE plan_id = $1 AND number = $2 AND submission_count = 0
  AND NOT (to_char(due_date, 'YYYY-MM-DD') || '/' || sub_activity) = ANY($3::text[])
)sql";

// A task with its derived state. $2 is today (for overdue).
constexpr char kSelectTasks[] = R"sql(
SELECT t.definition, t.status, t.percent_complete, t.version, (extract(epoch FROM t.update_time) * 1000000)::bigint,
       EXISTS (SELECT 1 FROM occurrences o WHERE o.plan_id = t.plan_id AND o.number = t.number
               AND o.due_date < $2::date AND o.status NOT IN (status_completed(), status_cancelled())) AS overdue
FROM tasks t
)sql";
// $1 plan, $2 today, $3 section, $4 lead, $5 coordinating, $6 statuses ('{}' any),
// $7 overdue only, $8 due after ('' any), $9 due before, $10 search (db::PrefixTsQuery; '' any task).
constexpr char kWhereTaskFilters[] = R"sql(
WHERE t.plan_id = $1 AND t.removed_in IS NULL
  AND ($3 = 0 OR t.section_ordinal = $3)
  AND ($4 = '' OR EXISTS (SELECT 1 FROM task_units u WHERE u.plan_id = t.plan_id AND u.number = t.number
                          AND u.role = role_lead() AND u.unit = $4))
  AND ($5 = '' OR EXISTS (SELECT 1 FROM task_units u WHERE u.plan_id = t.plan_id AND u.number = t.number
                          AND u.role = role_coordinating() AND u.unit = $5))
  AND (cardinality($6::smallint[]) = 0 OR t.status = ANY($6::smallint[]))
  AND (NOT $7 OR EXISTS (SELECT 1 FROM occurrences o WHERE o.plan_id = t.plan_id AND o.number = t.number
                         AND o.due_date < $2::date AND o.status NOT IN (status_completed(), status_cancelled())))
  AND ($8 = '' OR EXISTS (SELECT 1 FROM occurrences o WHERE o.plan_id = t.plan_id AND o.number = t.number
                          AND o.due_date >= $8::date AND o.due_date <= $9::date))
  AND ($10 = '' OR t.search_vector @@ to_tsquery('simple', $10))
)sql";

constexpr char kSelectOccurrences[] = R"sql(
SELECT o.plan_id, o.number, o.sub_activity, to_char(o.due_date, 'YYYY-MM-DD'), o.status, o.submission_count,
       o.due_date < $2::date AND o.status NOT IN (status_completed(), status_cancelled())
FROM occurrences o JOIN tasks t ON t.plan_id = o.plan_id AND t.number = o.number
WHERE o.plan_id = $1 AND t.removed_in IS NULL AND ($3 = 0 OR o.number = $3)
  AND o.due_date >= $4::date AND o.due_date <= $5::date
  AND (to_char(o.due_date, 'YYYY-MM-DD') || '/' || lpad(o.number::text, 6, '0') || '/' || lpad(o.sub_activity::text, 4, '0')) > $6
ORDER BY o.due_date, o.number, o.sub_activity
LIMIT $7
)sql";

std::string Bytes(const google::protobuf::Message& m) { return m.SerializeAsString(); }

pb::Plan PlanFromRow(const pqxx::row& r) {
  pb::Plan p = db::ProtoFromBytea<pb::Plan>(r[0]);
  p.set_revision(r[1].as<int>());
  *p.mutable_create_time() = MicrosToProtoTimestamp(r[2].as<int64_t>());
  *p.mutable_update_time() = MicrosToProtoTimestamp(r[3].as<int64_t>());
  return p;
}

pb::Task TaskFromRow(const pqxx::row& r) {
  pb::Task t = db::ProtoFromBytea<pb::Task>(r[0]);
  t.set_status(static_cast<pb::TaskStatus>(r[1].as<int>()));
  t.set_percent_complete(r[2].as<int>());
  t.set_etag(r[3].c_str());
  *t.mutable_update_time() = MicrosToProtoTimestamp(r[4].as<int64_t>());
  t.set_overdue(r[5].as<bool>());
  return t;
}

std::string OccurrenceKeys(const TaskDraft& t) {
  std::vector<std::string> keys;
  for (const auto& [sub, due] : t.occurrences) keys.push_back(absl::StrCat(FormatIsoDate(due), "/", sub));
  return absl::StrCat("{", absl::StrJoin(keys, ","), "}");
}

void RefreshSearchTexts(pqxx::work& tx, const PlanDraft& draft) {
  for (const TaskDraft& t : draft.tasks) tx.exec_params(kRefreshSearchText, draft.plan_id, t.task.number(), t.search_text);
}

void WriteTaskChildren(pqxx::work& tx, const std::string& plan_id, const TaskDraft& t) {
  const int number = t.task.number();
  tx.exec_params(kDeleteTaskUnits, plan_id, number);
  for (const auto& [role, unit] : t.units)
    tx.exec_params(kInsertTaskUnit, plan_id, number, static_cast<int>(role), unit);
  tx.exec_params(kDropStaleOccurrences, plan_id, number, OccurrenceKeys(t));
  for (const auto& [sub, due] : t.occurrences)
    tx.exec_params(kInsertOccurrence, plan_id, number, sub, FormatIsoDate(due));
}

// The TASK_CHANGED event of a task added or changed: its definition and the
// occurrences it yields (see Event.occurrences).
pb::Event TaskChangedEvent(const TaskDraft& t) {
  pb::Event e;
  e.set_kind(pb::Event::KIND_TASK_CHANGED);
  e.set_resource(t.task.name());
  *e.mutable_task() = t.task;
  for (const auto& [sub, due] : t.occurrences) {
    pb::Occurrence* o = e.add_occurrences();
    o->set_name(OccurrenceName(t.task.name(), due, sub));
    *o->mutable_due_date() = ToProtoDate(due);
  }
  return e;
}

// Compares the draft with the stored tasks: added, changed, removed (and unchanged).
struct Comparison {
  pb::PlanDiff diff;
  absl::flat_hash_map<int, bool> exists;  // number → currently not removed
};

Comparison Compare(pqxx::transaction_base& tx, const std::string& plan_id, const PlanDraft& draft) {
  Comparison c;
  absl::flat_hash_map<int, std::pair<std::string, bool>> stored;  // number → (hash, removed)
  for (const auto& row : tx.exec_params(kTaskHashes, plan_id)) {
    stored[row[0].as<int>()] = {row[1].c_str(), !row[2].is_null()};
  }
  absl::flat_hash_map<int, bool> in_draft;
  for (const TaskDraft& t : draft.tasks) {
    const int n = t.task.number();
    in_draft[n] = true;
    auto it = stored.find(n);
    if (it == stored.end()) {
      c.diff.add_added_tasks(n);
    } else {
      c.exists[n] = true;
      if (it->second.second) {
        c.diff.add_added_tasks(n);  // Removed by an earlier revision: added back.
      } else if (it->second.first != t.definition_hash) {
        c.diff.add_changed_tasks(n);
      }
    }
  }
  for (const auto& [n, hash_removed] : stored) {
    if (!in_draft.contains(n) && !hash_removed.second) c.diff.add_removed_tasks(n);
  }
  std::sort(c.diff.mutable_removed_tasks()->begin(), c.diff.mutable_removed_tasks()->end());
  return c;
}

std::vector<pb::Task> ReadTasks(pqxx::transaction_base& tx, const std::string& plan_id, absl::CivilDay today) {
  std::vector<pb::Task> tasks;
  for (const auto& row :
       tx.exec_params(absl::StrCat(kSelectTasks, " WHERE t.plan_id = $1 AND t.removed_in IS NULL ORDER BY t.number"),
                      plan_id, FormatIsoDate(today))) {
    tasks.push_back(TaskFromRow(row));
  }
  return tasks;
}

absl::StatusOr<pb::Plan> ReadPlan(pqxx::transaction_base& tx, const std::string& plan_id) {
  pqxx::result rows = tx.exec_params(absl::StrCat(kSelectPlans, " WHERE id = $1"), plan_id);
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("plans/", plan_id, " not found"));
  return PlanFromRow(rows[0]);
}

}  // namespace

absl::StatusOr<pb::ImportPlanResponse> PgTaskStore::PreviewPlan(const PlanDraft& draft) {
  return db::RunReadOnly(pool_, "ImportPlan",
                         [&](pqxx::read_transaction& tx) -> absl::StatusOr<pb::ImportPlanResponse> {
                           pb::ImportPlanResponse response;
                           *response.mutable_plan() = draft.plan;
                           for (const TaskDraft& t : draft.tasks) *response.add_tasks() = t.task;
                           pqxx::result existing = tx.exec_params(kPlanByDecisionNoLock, draft.plan.decision_number());
                           auto suggest = [&] {
                             for (pb::Continuation& c : pg::SuggestContinuations(
                                      tx, draft, {response.diff().added_tasks().begin(), response.diff().added_tasks().end()})) {
                               *response.add_continuations() = std::move(c);
                             }
                           };
                           if (existing.empty()) {
                             response.mutable_plan()->set_revision(1);
                             for (const TaskDraft& t : draft.tasks)
                               response.mutable_diff()->add_added_tasks(t.task.number());
                             suggest();
                             return response;
                           }
                           const int revision = existing[0][1].as<int>();
                           if (draft.source_sha256 == existing[0][2].c_str()) {
                             response.set_unchanged(true);
                             response.mutable_plan()->set_revision(revision);
                             return response;
                           }
                           response.mutable_plan()->set_revision(revision + 1);
                           *response.mutable_diff() = Compare(tx, existing[0][0].c_str(), draft).diff;
                           suggest();
                           return response;
                         });
}

absl::StatusOr<pb::ImportPlanResponse> PgTaskStore::SavePlan(const PlanDraft& draft,
                                                             const pb::ImportPlanRequest& request,
                                                             const std::string& caller, absl::CivilDay today) {
  return Notifying(
      db::RunInTransaction(pool_, "ImportPlan", [&](pqxx::work& tx) -> absl::StatusOr<pb::ImportPlanResponse> {
        return db::Idempotent<pb::ImportPlanResponse>(
            tx, caller, request.request_id(), "ImportPlan", request, [&]() -> absl::StatusOr<pb::ImportPlanResponse> {
              pb::ImportPlanResponse response;
              const std::string& plan_id = draft.plan_id;
              pg::LockPlanForWrite(tx, plan_id);  // Before the first write: see pg_events.h.
              pqxx::result existing = tx.exec_params(kPlanByDecision, draft.plan.decision_number());
              pb::Plan document = draft.plan;
              document.clear_revision();
              if (!existing.empty() && existing[0][0].c_str() != plan_id) {
                return absl::FailedPreconditionError(absl::StrCat("decision ", draft.plan.decision_number(),
                                                                  " is stored as plans/", existing[0][0].c_str()));
              }
              if (!existing.empty() && draft.source_sha256 == existing[0][2].c_str()) {
                response.set_unchanged(true);  // The same text again: nothing to write but derived search texts.
                RefreshSearchTexts(tx, draft);
              } else {
                const int revision = existing.empty() ? 1 : existing[0][1].as<int>() + 1;
                Comparison cmp = Compare(tx, plan_id, draft);
                RETURN_IF_ERROR(CheckRemovalsConfirmed(cmp.diff, request));
                if (existing.empty()) {
                  tx.exec_params(kInsertPlan, plan_id, draft.plan.decision_number(), draft.plan.year(),
                                 draft.source_sha256, draft.source_text, pqxx::binarystring(Bytes(document)));
                } else {
                  tx.exec_params(kRevisePlan, plan_id, revision, draft.source_sha256, draft.source_text,
                                 pqxx::binarystring(Bytes(document)));
                }
                absl::flat_hash_map<int, bool> changed;
                for (int n : cmp.diff.added_tasks()) changed[n] = true;
                for (int n : cmp.diff.changed_tasks()) changed[n] = true;
                for (const TaskDraft& t : draft.tasks) {
                  const int n = t.task.number();
                  if (!changed.contains(n)) continue;  // Unchanged: its progress stays untouched.
                  tx.exec_params(cmp.exists.contains(n) ? kUpdateTask : kInsertTask, plan_id, n,
                                 t.task.section_ordinal(), pqxx::binarystring(Bytes(t.task)), t.definition_hash,
                                 t.search_text);
                  WriteTaskChildren(tx, plan_id, t);
                }
                for (int n : cmp.diff.removed_tasks()) tx.exec_params(kRemoveTask, plan_id, n, revision);
                RefreshSearchTexts(tx, draft);
                *response.mutable_diff() = cmp.diff;
                std::vector<pb::Continuation> continuations = pg::SuggestContinuations(
                    tx, draft, {cmp.diff.added_tasks().begin(), cmp.diff.added_tasks().end()});
                pg::SaveSuggestions(tx, plan_id, continuations);
                for (pb::Continuation& c : continuations) *response.add_continuations() = std::move(c);
                pb::Event plan_event;
                plan_event.set_kind(pb::Event::KIND_PLAN_IMPORTED);
                plan_event.set_resource(draft.plan.name());
                *plan_event.mutable_plan() = draft.plan;
                plan_event.mutable_plan()->set_revision(revision);
                RETURN_IF_ERROR(pg::AppendEvent(tx, plan_event, request.request_id()));
                for (const TaskDraft& t : draft.tasks) {
                  if (!changed.contains(t.task.number())) continue;
                  RETURN_IF_ERROR(pg::AppendEvent(tx, TaskChangedEvent(t), request.request_id()));
                }
                for (int n : cmp.diff.removed_tasks()) {  // Removed: an event without a payload.
                  pb::Event e;
                  e.set_kind(pb::Event::KIND_TASK_CHANGED);
                  e.set_resource(absl::StrCat(draft.plan.name(), "/tasks/", n));
                  RETURN_IF_ERROR(pg::AppendEvent(tx, e, request.request_id()));
                }
              }
              ASSIGN_OR_RETURN(*response.mutable_plan(), ReadPlan(tx, plan_id));
              for (pb::Task& t : ReadTasks(tx, plan_id, today)) *response.add_tasks() = std::move(t);
              return response;
            });
      }));
}

absl::StatusOr<pb::Task> PgTaskStore::UpdateTask(const std::string& plan_id, const TaskDraft& draft,
                                                 const std::string& etag, const pb::UpdateTaskRequest& request,
                                                 const std::string& caller, absl::CivilDay today) {
  const int number = draft.task.number();
  return Notifying(db::RunInTransaction(pool_, "UpdateTask", [&](pqxx::work& tx) -> absl::StatusOr<pb::Task> {
    return db::Idempotent<pb::Task>(tx, caller, request.request_id(), "UpdateTask", request, [&]() -> absl::StatusOr<pb::Task> {
      pg::LockTaskForWrite(tx, plan_id, number);  // Before the first write (FOR UPDATE is one): see pg_events.h.
      pqxx::result current = tx.exec_params(
          "SELECT version FROM tasks WHERE plan_id = $1 AND number = $2 AND removed_in IS NULL FOR UPDATE", plan_id,
          number);
      if (current.empty()) return absl::NotFoundError(absl::StrCat(draft.task.name(), " not found"));
      RETURN_IF_ERROR(CheckEtag(etag, current[0][0].c_str(), draft.task.name(), "task.etag"));
      tx.exec_params(kUpdateTask, plan_id, number, draft.task.section_ordinal(), pqxx::binarystring(Bytes(draft.task)),
                     draft.definition_hash, draft.search_text);
      WriteTaskChildren(tx, plan_id, draft);
      RETURN_IF_ERROR(pg::AppendEvent(tx, TaskChangedEvent(draft), request.request_id()));
      pqxx::result rows = tx.exec_params(absl::StrCat(kSelectTasks, " WHERE t.plan_id = $1 AND t.number = $3"), plan_id,
                                         FormatIsoDate(today), number);
      return TaskFromRow(rows[0]);
    });
  }));
}

absl::StatusOr<pb::Plan> PgTaskStore::GetPlan(const std::string& plan_id) {
  return db::RunReadOnly(pool_, "GetPlan", [&](pqxx::read_transaction& tx) { return ReadPlan(tx, plan_id); });
}

absl::StatusOr<std::vector<pb::Plan>> PgTaskStore::ListPlans(int year, const std::string& after_id, int limit) {
  return db::RunReadOnly(pool_, "ListPlans", [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<pb::Plan>> {
    std::vector<pb::Plan> plans;
    for (const auto& row :
         tx.exec_params(absl::StrCat(kSelectPlans, " WHERE ($1 = 0 OR year = $1) AND id > $2 ORDER BY id LIMIT $3"),
                        year, after_id, limit)) {
      plans.push_back(PlanFromRow(row));
    }
    return plans;
  });
}

absl::StatusOr<TaskRecord> PgTaskStore::GetTask(const std::string& plan_id, int number) {
  // kSelectTasks' $2 ("today") set far back: the row's overdue flag is not used here.
  static constexpr char kEarliestOpenDue[] = R"sql(,
       (SELECT to_char(min(o.due_date), 'YYYY-MM-DD') FROM occurrences o
        WHERE o.plan_id = t.plan_id AND o.number = t.number AND o.status NOT IN (status_completed(), status_cancelled()))
FROM tasks t WHERE t.plan_id = $1 AND t.number = $3)sql";
  static const std::string sql = [] {  // Built once: kSelectTasks with the column added.
    const std::string select = kSelectTasks;
    return absl::StrCat(select.substr(0, select.rfind("FROM tasks t")), kEarliestOpenDue);
  }();
  return db::RunSingleStatement(pool_, "GetTask", [&](pqxx::nontransaction& tx) -> absl::StatusOr<TaskRecord> {
    pqxx::result rows = tx.exec_params(sql, plan_id, "0001-01-01", number);
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("plans/", plan_id, "/tasks/", number, " not found"));
    TaskRecord record{.task = TaskFromRow(rows[0])};
    record.task.clear_overdue();
    absl::CivilDay due;
    if (!rows[0][6].is_null() && ParseIsoDate(rows[0][6].c_str(), &due)) record.earliest_open_due = due;
    return record;
  });
}

absl::StatusOr<EventPosition> PgTaskStore::StreamHead() {
  // Every transaction below the snapshot's xmin has ended: a reader positioned just
  // before xmin reads every event committed from now on.
  return db::RunSingleStatement(pool_, "StreamHead", [&](pqxx::nontransaction& tx) -> absl::StatusOr<EventPosition> {
    const int64_t xmin = tx.exec1("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")[0].as<int64_t>();
    return EventPosition{.xid = xmin - 1, .seq = std::numeric_limits<int64_t>::max()};
  });
}

absl::StatusOr<std::vector<RankedTask>> PgTaskStore::ListTasks(const TaskQuery& q) {
  return db::RunSingleStatement(
      pool_, "ListTasks", [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<RankedTask>> {
        std::string statuses = absl::StrCat("{", absl::StrJoin(q.statuses, ","), "}");
        // Ranked by the search (rank 0 for all without one), then by number; the page
        // resumes below the last row's rank, or at it past its number ($11, $12).
        static const std::string sql = [] {
          const std::string select = kSelectTasks;
          return db::RankedPageSql({.columns = select.substr(0, select.rfind("FROM tasks t")) + ", t.number",
                                    .from = absl::StrCat("FROM tasks t", kWhereTaskFilters),
                                    .vector = "t.search_vector",
                                    .search = "$10",
                                    .key = "number",
                                    .after_rank = "$11",
                                    .after_key = "$12",
                                    .limit = "$13"});
        }();
        std::vector<RankedTask> tasks;
        for (const auto& row : tx.exec_params(
                 sql, q.plan_id, FormatIsoDate(q.today), q.section_ordinal, q.lead_unit, q.coordinating_unit, statuses,
                 q.overdue_only, q.due_after ? FormatIsoDate(*q.due_after) : "",
                 q.due_before ? FormatIsoDate(*q.due_before) : "9999-12-31", db::PrefixTsQuery(q.folded_words),
                 q.after_rank, q.after_number, q.limit)) {
          tasks.push_back(RankedTask{.row = TaskFromRow(row), .rank = row["rank"].as<int64_t>()});
        }
        return tasks;
      });
}

absl::StatusOr<std::vector<pb::Occurrence>> PgTaskStore::ListOccurrences(const OccurrenceQuery& q) {
  return db::RunSingleStatement(
      pool_, "ListOccurrences", [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<pb::Occurrence>> {
        std::vector<pb::Occurrence> out;
        for (const auto& r :
             tx.exec_params(kSelectOccurrences, q.plan_id, FormatIsoDate(q.today), q.task_number,
                            FormatIsoDate(q.due_after), FormatIsoDate(q.due_before), q.after_key, q.limit)) {
          pb::Occurrence o;
          absl::CivilDay due;
          if (ParseIsoDate(r[3].c_str(), &due)) *o.mutable_due_date() = ToProtoDate(due);
          o.set_name(OccurrenceName(absl::StrCat("plans/", r[0].c_str(), "/tasks/", r[1].c_str()), due, r[2].as<int>()));
          o.set_status(static_cast<pb::TaskStatus>(r[4].as<int>()));
          o.set_submission_count(r[5].as<int>());
          o.set_overdue(r[6].as<bool>());
          out.push_back(std::move(o));
        }
        return out;
      });
}

absl::StatusOr<bool> PgTaskStore::FollowTaskUnits(const std::string& plan_id, const TaskDraft& draft,
                                                 const std::string& etag, absl::CivilDay followed_on,
                                                 const std::string& request_id) {
  const int number = draft.task.number();
  const std::string day = FormatIsoDate(followed_on);
  // Whether the task as stored (at `etag`) differs from the draft: a group's members
  // may change with no change to the refs, and so to the hash. Read first without a
  // lock, since most tasks of most passes have nothing to change.
  auto differs = [&](pqxx::transaction_base& tx) -> absl::StatusOr<bool> {
    pqxx::result current = tx.exec_params(kSelectFollowState, plan_id, number);
    if (current.empty()) return absl::NotFoundError(absl::StrCat(draft.task.name(), " not found"));
    RETURN_IF_ERROR(CheckEtag(etag, current[0][0].c_str(), draft.task.name(), "etag"));
    if (!current[0][2].is_null() && current[0][2].as<std::string>() > day) return false;  // Followed further already.
    std::vector<std::pair<UnitRole, std::string>> stored;
    for (const pqxx::row& r : tx.exec_params(kSelectTaskUnits, plan_id, number)) {
      stored.emplace_back(static_cast<UnitRole>(r[0].as<int>()), r[1].as<std::string>());
    }
    return current[0][1].as<std::string>() != draft.definition_hash || stored != draft.units;
  };
  ASSIGN_OR_RETURN(bool changed, db::RunReadOnly(pool_, "FollowTaskUnits", differs));
  if (!changed) return false;
  absl::StatusOr<bool> wrote = db::RunInTransaction(pool_, "FollowTaskUnits", [&](pqxx::work& tx) -> absl::StatusOr<bool> {
    pg::LockTaskForWrite(tx, plan_id, number);  // Before the first write (FOR UPDATE is one): see pg_events.h.
    tx.exec_params(kLockTaskRow, plan_id, number);
    ASSIGN_OR_RETURN(bool still, differs(tx));
    if (!still) return false;
    tx.exec_params(kUpdateTask, plan_id, number, draft.task.section_ordinal(), pqxx::binarystring(Bytes(draft.task)),
                   draft.definition_hash, draft.search_text);
    tx.exec_params(kSetUnitsFollowedOn, plan_id, number, day);
    WriteTaskChildren(tx, plan_id, draft);
    RETURN_IF_ERROR(pg::AppendEvent(tx, TaskChangedEvent(draft), request_id));
    return true;
  });
  if (wrote.ok() && *wrote) notifier_.Notify();
  return wrote;
}

}  // namespace p06::task
