// The schedule half of PgNotificationStore: occurrences from events, rules, the
// notices planned from them, and firing the due ones.
#include <openssl/sha.h>

#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/base/etag.h"
#include "common/base/status_macros.h"
#include "common/db/arrays.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/events/consumer_tables.h"
#include "common/log/log.h"
#include "services/notification/storage/pg_notification_store.h"
#include "services/notification/storage/pg_sql.h"

namespace p06::notification {
namespace {

using pg::Micros;
using pg::Ts;
using pg::Us;

const std::string kRuleColumns = absl::StrCat(
    "id, display_name, kind, working_days, channels, enabled, recipient, recipient_unit, scope_plan, scope_section, "
    "scope_schedule_kind, scope_unit, disabled_units, version, ", Us("update_time"));

pb::Rule RuleFromRow(const pqxx::row& r) {
  pb::Rule rule;
  rule.set_name(absl::StrCat("rules/", r[0].c_str()));
  rule.set_display_name(r[1].c_str());
  rule.set_kind(static_cast<pb::Rule::Kind>(r[2].as<int>()));
  rule.set_working_days(r[3].as<int>());
  for (int c : db::IntArray(r[4])) rule.add_channels(static_cast<pb::Channel>(c));
  rule.set_enabled(r[5].as<bool>());
  rule.set_recipient(static_cast<pb::Rule::Recipient>(r[6].as<int>()));
  rule.set_recipient_unit(r[7].c_str());
  rule.mutable_scope()->set_plan(r[8].c_str());
  rule.mutable_scope()->set_section_ordinal(r[9].as<int>());
  rule.mutable_scope()->set_schedule_kind(static_cast<tpb::Schedule::Kind>(r[10].as<int>()));
  rule.mutable_scope()->set_unit(r[11].c_str());
  for (std::string& u : db::TextArray(r[12])) rule.add_disabled_units(std::move(u));
  rule.set_etag(absl::StrCat("v", r[13].as<int64_t>()));
  pg::SetTimestamp(r[14], rule.mutable_update_time());
  return rule;
}

std::vector<pb::Rule> LoadRules(pqxx::transaction_base& tx) {
  std::vector<pb::Rule> rules;
  for (const pqxx::row& r : tx.exec(absl::StrCat("SELECT ", kRuleColumns, " FROM rules ORDER BY id"))) {
    rules.push_back(RuleFromRow(r));
  }
  return rules;
}

// A rule's stored columns, each with its parameter's cast and value: CreateRule and
// UpdateRule write this one list by name, so a column cannot be in one and missing
// from the other, nor a value bound in another's place.
struct RuleColumn {
  const char* column;
  const char* cast;  // Appended to the parameter ("" for text).
  std::string value;
};

std::vector<RuleColumn> RuleColumns(const pb::Rule& rule) {
  std::vector<int> channels(rule.channels().begin(), rule.channels().end());
  std::vector<std::string> disabled(rule.disabled_units().begin(), rule.disabled_units().end());
  return {{"display_name", "", rule.display_name()},
          {"kind", "::smallint", std::to_string(rule.kind())},
          {"working_days", "::int", std::to_string(rule.working_days())},
          {"channels", "::smallint[]", db::ArrayLiteral(channels)},
          {"enabled", "::boolean", rule.enabled() ? "true" : "false"},
          {"recipient", "::smallint", std::to_string(rule.recipient())},
          {"recipient_unit", "", rule.recipient_unit()},
          {"scope_plan", "", rule.scope().plan()},
          {"scope_section", "::int", std::to_string(rule.scope().section_ordinal())},
          {"scope_schedule_kind", "::smallint", std::to_string(rule.scope().schedule_kind())},
          {"scope_unit", "", rule.scope().unit()},
          {"disabled_units", "::text[]", db::ArrayLiteral(disabled)}};
}

// Writes `rule` as rules/`id` at `now`: an INSERT, or an UPDATE of the row (version
// moved on), from the one column list.
void WriteRule(pqxx::work& tx, const std::string& id, const pb::Rule& rule, absl::Time now, bool insert) {
  std::vector<std::string> params = {id};
  std::string columns, values, assignments;
  for (const RuleColumn& c : RuleColumns(rule)) {
    params.push_back(c.value);
    const std::string param = absl::StrCat("$", params.size(), c.cast);
    absl::StrAppend(&columns, c.column, ", ");
    absl::StrAppend(&values, param, ", ");
    absl::StrAppend(&assignments, c.column, " = ", param, ", ");
  }
  params.push_back(std::to_string(Micros(now)));
  const std::string update_time = Ts(static_cast<int>(params.size()));
  const std::string sql =
      insert ? absl::StrCat("INSERT INTO rules (id, ", columns, "update_time) VALUES ($1, ", values, update_time, ")")
             : absl::StrCat("UPDATE rules SET ", assignments, "version = version + 1, update_time = ", update_time,
                            " WHERE id = $1");
  tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params.begin(), params.end()));
}

constexpr char kOccurrenceColumns[] =
    "o.name, o.task, o.plan, o.title, o.section_ordinal, o.schedule_kind, o.lead_units, o.coordinating_units, "
    "to_char(o.due_date, 'YYYY-MM-DD'), o.status, o.removed";

OccurrenceFacts FactsFromRow(const pqxx::row& r, int at) {
  OccurrenceFacts f;
  f.name = r[at].c_str();
  f.task = r[at + 1].c_str();
  f.plan = r[at + 2].c_str();
  f.title = r[at + 3].c_str();
  f.section_ordinal = r[at + 4].as<int>();
  f.schedule_kind = static_cast<tpb::Schedule::Kind>(r[at + 5].as<int>());
  f.lead_units = db::TextArray(r[at + 6]);
  f.coordinating_units = db::TextArray(r[at + 7]);
  absl::ParseCivilTime(r[at + 8].c_str(), &f.due);
  f.status = static_cast<tpb::TaskStatus>(r[at + 9].as<int>());
  f.removed = r[at + 10].as<bool>();
  return f;
}

std::string TaskOf(const std::string& resource) {
  const size_t at = resource.find("/occurrences/");
  if (at != std::string::npos) return resource.substr(0, at);
  const size_t progress = resource.find("/progress/");
  return progress == std::string::npos ? resource : resource.substr(0, progress);
}

// The occurrences of many tasks in one statement: the tasks' fields once each (their
// unit lists as array literals), the occurrences joined to them by position.
constexpr char kUpsertOccurrences[] = R"sql(
INSERT INTO occurrences (name, task, plan, title, section_ordinal, schedule_kind, lead_units, coordinating_units,
                         due_date, status, removed)
SELECT o.n, t.task, t.plan, t.title, t.sec, t.kind, t.lead::text[], t.coord::text[], o.d::date, o.s, false
FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[])
       WITH ORDINALITY AS t(task, plan, title, sec, kind, lead, coord, i)
JOIN unnest($8::text[], $9::text[], $10::int[], $11::bigint[]) AS o(n, d, s, ti) ON o.ti = t.i
ON CONFLICT (name) DO UPDATE SET
  task = excluded.task, plan = excluded.plan, title = excluded.title, section_ordinal = excluded.section_ordinal,
  schedule_kind = excluded.schedule_kind, lead_units = excluded.lead_units,
  coordinating_units = excluded.coordinating_units, due_date = excluded.due_date, removed = false,
  -- The task's events carry the status the task service derived; unset keeps what progress said.
  status = CASE WHEN excluded.status = 0 THEN occurrences.status ELSE excluded.status END
)sql";

// Tasks as TASK_CHANGED events left them, written together (the last event of each
// task in a run of them); flushed before any other event, which may depend on them.
class TaskWrites {
 public:
  explicit TaskWrites(pqxx::work& tx) : tx_(tx) {}
  void Add(const tpb::Event& e) {
    auto [it, inserted] = index_.try_emplace(e.resource(), events_.size());
    if (inserted) {
      events_.push_back(&e);
    } else {
      events_[it->second] = &e;
    }
  }
  void Flush() {
    if (events_.empty()) return;
    std::vector<std::string> tasks, plans, titles, leads, coords, names, days;
    std::vector<int> sections, kinds, statuses;
    std::vector<int64_t> owner;
    for (const tpb::Event* e : events_) {
      std::vector<OccurrenceFacts> facts = FactsOf(e->task(), e->occurrences());
      tasks.push_back(e->resource());
      plans.push_back(e->resource().substr(0, e->resource().find("/tasks/")));
      titles.push_back(e->task().title());
      sections.push_back(e->task().section_ordinal());
      kinds.push_back(static_cast<int>(e->task().schedule().kind()));
      leads.push_back(db::ArrayLiteral(facts.empty() ? std::vector<std::string>{} : facts.front().lead_units));
      coords.push_back(
          db::ArrayLiteral(facts.empty() ? std::vector<std::string>{} : facts.front().coordinating_units));
      for (const OccurrenceFacts& f : facts) {
        names.push_back(f.name);
        days.push_back(FormatIsoDate(f.due));
        statuses.push_back(static_cast<int>(f.status));
        owner.push_back(static_cast<int64_t>(tasks.size()));  // WITH ORDINALITY counts from 1.
      }
    }
    // What a task no longer lists is gone (its notices are withdrawn by Replan).
    // (NOT IN a subquery: hashed, where "<> ALL(array)" compares every name with every one.)
    tx_.exec_params("UPDATE occurrences SET removed = true WHERE task = ANY($1::text[]) "
                    "AND NOT removed AND name NOT IN (SELECT unnest($2::text[]))",
                    db::ArrayLiteral(tasks), db::ArrayLiteral(names));
    if (!names.empty()) {
      tx_.exec_params(kUpsertOccurrences, db::ArrayLiteral(tasks), db::ArrayLiteral(plans), db::ArrayLiteral(titles),
                      db::ArrayLiteral(sections), db::ArrayLiteral(kinds), db::ArrayLiteral(leads),
                      db::ArrayLiteral(coords), db::ArrayLiteral(names), db::ArrayLiteral(days),
                      db::ArrayLiteral(statuses), db::ArrayLiteral(owner));
    }
    events_.clear();
    index_.clear();
  }

 private:
  pqxx::work& tx_;
  std::vector<const tpb::Event*> events_;
  std::map<std::string, size_t> index_;
};

// Applies one event to the occurrences; adds the tasks whose notices must be planned again.
void ApplyEvent(pqxx::work& tx, const tpb::Event& e, TaskWrites& writes, std::set<std::string>& touched) {
  if (e.kind() != tpb::Event::KIND_TASK_CHANGED) writes.Flush();  // Progress speaks of the tasks before it.
  switch (e.kind()) {
    case tpb::Event::KIND_TASK_CHANGED: {
      touched.insert(e.resource());
      if (e.has_task()) {
        writes.Add(e);
        return;
      }
      writes.Flush();
      tx.exec_params("UPDATE occurrences SET removed = true WHERE task = $1", e.resource());
      return;
    }
    case tpb::Event::KIND_PROGRESS_REPORTED: {
      const tpb::ProgressReport& p = e.progress();
      const int status = static_cast<int>(p.status());
      if (!p.occurrence().empty()) {
        tx.exec_params("UPDATE occurrences SET status = $2 WHERE name = $1", p.occurrence(), status);
        touched.insert(TaskOf(p.occurrence()));
      } else if (p.status() == tpb::TASK_STATUS_COMPLETED || p.status() == tpb::TASK_STATUS_CANCELLED) {
        // The task as a whole is done: none of its occurrences is awaited any more.
        const std::string task = TaskOf(p.name());
        tx.exec_params("UPDATE occurrences SET status = $2 WHERE task = $1 "
                       "AND status NOT IN (status_completed(), status_cancelled())", task, status);
        touched.insert(task);
      }
      return;
    }
    default:
      return;  // Plans and measurements change no notice.
  }
}

// Held by every planner (re-entrant within a transaction).
constexpr char kReplanLock[] = "SELECT pg_advisory_xact_lock(hashtextextended('notification replan', 0))";

constexpr char kUpsertNotices[] = R"sql(
INSERT INTO notices (occurrence, rule_id, kind, working_days, fire_time, state)
SELECT t.o, t.r, t.k, t.w, to_timestamp(t.f::double precision / 1000000), notice_pending()
FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[]) AS t(o, r, k, w, f)
ON CONFLICT (occurrence, rule_id) DO UPDATE SET
  kind = excluded.kind, working_days = excluded.working_days, fire_time = excluded.fire_time, state = notice_pending()
WHERE notices.state IN (notice_pending(), notice_withdrawn())
)sql";

}  // namespace

std::string NotificationId(const std::string& rule_id, const std::string& occurrence, const std::string& unit) {
  const std::string key = absl::StrCat(rule_id, "\n", occurrence, "\n", unit);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return absl::StrCat("ntf-", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 16)));
}

int64_t PgNotificationStore::ReplanEveryTask(pqxx::work& tx) {
  tx.exec(kReplanLock);  // Before the list: a batch committed meanwhile is in it.
  std::vector<std::string> tasks;
  for (const pqxx::row& r : tx.exec("SELECT DISTINCT task FROM occurrences WHERE NOT removed")) {
    tasks.push_back(r[0].c_str());
  }
  return Replan(tx, tasks);
}

int64_t PgNotificationStore::Replan(pqxx::work& tx, const std::vector<std::string>& tasks) {
  if (tasks.empty()) return 0;
  // One planner at a time: a rule change and a batch of events, each planning what
  // it can see, would otherwise miss each other's rows (the batch planning with the
  // old rules, the rule change not yet seeing the batch's occurrences). Waiting here,
  // the second sees what the first committed (each statement reads anew).
  tx.exec(kReplanLock);
  const std::vector<pb::Rule> rules = LoadRules(tx);
  const std::string task_array = db::ArrayLiteral(tasks);
  // Every pending notice of these tasks is withdrawn, then what the rules plan now is
  // written back as pending: one pass, whatever changed (due dates, rules, status).
  // The withdrawal names the occurrences, so it walks the notices' primary key
  // instead of every pending notice.
  std::vector<std::string> names;
  int unplannable = 0;  // Occurrences with a notice in a year without calendar data.
  std::string first_unplannable;
  std::vector<std::string> occurrences, rule_ids;
  std::vector<int> kinds, days;
  std::vector<int64_t> fire;
  for (const pqxx::row& r : tx.exec_params(
           // Locked (in name order) before their notices, as FireDue locks them: so the
           // two never wait for each other's notices in opposite orders.
           absl::StrCat("SELECT ", kOccurrenceColumns,
                        " FROM occurrences o WHERE o.task = ANY($1::text[]) ORDER BY o.name FOR UPDATE OF o"),
           task_array)) {
    const OccurrenceFacts facts = FactsFromRow(r, 0);
    names.push_back(facts.name);
    const Plan plan = PlanNotices(facts, rules, calendar_, window_);
    if (!plan.unplannable.empty() && unplannable++ == 0) first_unplannable = facts.name + ": " + plan.unplannable[0];
    for (const PlannedNotice& n : plan.notices) {
      occurrences.push_back(facts.name);
      rule_ids.push_back(n.rule_id);
      kinds.push_back(static_cast<int>(n.kind));
      days.push_back(n.working_days);
      fire.push_back(Micros(n.fire_time));
    }
  }
  if (!names.empty()) {
    tx.exec_params("UPDATE notices SET state = notice_withdrawn() WHERE occurrence = ANY($1::text[]) "
                   "AND state = notice_pending()",
                   db::ArrayLiteral(names));
  }
  if (unplannable > 0) {
    log::Warning("notices left unplanned: no calendar data for the year they fall in",
                 {{"occurrences", std::to_string(unplannable)}, {"first", first_unplannable}});
  }
  if (occurrences.empty()) return 0;
  tx.exec_params(kUpsertNotices, db::ArrayLiteral(occurrences), db::ArrayLiteral(rule_ids), db::ArrayLiteral(kinds),
                 db::ArrayLiteral(days), db::ArrayLiteral(fire));
  return static_cast<int64_t>(occurrences.size());
}

absl::StatusOr<events::ConsumerState> PgNotificationStore::State() {
  return db::RunSingleStatement(pool_, "ConsumerState",
                                [&](pqxx::nontransaction& tx) -> absl::StatusOr<events::ConsumerState> {
                                  return events::ReadConsumerState(tx);
                                });
}

absl::Status PgNotificationStore::Apply(const std::string& expected_cursor, const std::vector<tpb::Event>& events,
                                        bool caught_up, absl::Time now) {
  return db::RunInTransaction(pool_, "ApplyEvents", [&](pqxx::work& tx) -> absl::Status {
    // The planner's lock first, before any occurrence row: a rule change holds it and
    // then locks occurrences, so taking them the other way round would deadlock.
    tx.exec(kReplanLock);
    std::set<std::string> touched;
    TaskWrites writes(tx);
    for (const tpb::Event& e : events) ApplyEvent(tx, e, writes, touched);
    writes.Flush();
    Replan(tx, {touched.begin(), touched.end()});
    return events::MoveCursor(tx, expected_cursor, events, caught_up, now);
  });
}

absl::Status PgNotificationStore::Skip(const std::string& expected_cursor, const tpb::Event& event,
                                       const std::string& error, absl::Time now) {
  return db::RunInTransaction(pool_, "SkipEvent", [&](pqxx::work& tx) -> absl::Status {
    return events::SkipEvent(tx, expected_cursor, event, error, now);
  });
}

absl::Status PgNotificationStore::Rebuild(const std::string& expected_cursor, const std::vector<tpb::Event>& current) {
  return db::RunInTransaction(pool_, "RebuildSchedule", [&](pqxx::work& tx) -> absl::Status {
    tx.exec(kReplanLock);  // As in Apply: before any occurrence row.
    RETURN_IF_ERROR(events::RewindCursor(tx, expected_cursor));
    // What the List RPCs no longer show is gone; what they show comes back with its status.
    tx.exec0("UPDATE occurrences SET removed = true");
    std::set<std::string> touched;
    TaskWrites writes(tx);
    for (const tpb::Event& e : current) ApplyEvent(tx, e, writes, touched);
    writes.Flush();
    std::vector<std::string> tasks;  // Removed ones too: their pending notices are withdrawn.
    for (const pqxx::row& r : tx.exec("SELECT DISTINCT task FROM occurrences")) tasks.push_back(r[0].c_str());
    Replan(tx, tasks);
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> PgNotificationStore::ReplanAll() {
  return db::RunInTransaction(pool_, "ReplanAll",
                              [&](pqxx::work& tx) -> absl::StatusOr<int64_t> { return ReplanEveryTask(tx); });
}

absl::StatusOr<std::vector<pb::Rule>> PgNotificationStore::ListRules(const std::string& after_id, int limit) {
  return db::RunSingleStatement(pool_, "ListRules", [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<pb::Rule>> {
    std::vector<pb::Rule> rules;
    for (const pqxx::row& r : tx.exec_params(
             absl::StrCat("SELECT ", kRuleColumns, " FROM rules WHERE id > $1 ORDER BY id LIMIT $2"), after_id, limit)) {
      rules.push_back(RuleFromRow(r));
    }
    return rules;
  });
}

absl::StatusOr<pb::Rule> PgNotificationStore::GetRule(const std::string& id) {
  return db::RunSingleStatement(pool_, "GetRule", [&](pqxx::nontransaction& tx) -> absl::StatusOr<pb::Rule> {
    pqxx::result r = tx.exec_params(absl::StrCat("SELECT ", kRuleColumns, " FROM rules WHERE id = $1"), id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("rules/", id, " does not exist"));
    return RuleFromRow(r[0]);
  });
}

absl::StatusOr<pb::Rule> PgNotificationStore::CreateRule(const pb::CreateRuleRequest& request,
                                                         const std::string& caller, absl::Time now) {
  return db::RunInTransaction(pool_, "CreateRule", [&](pqxx::work& tx) -> absl::StatusOr<pb::Rule> {
    return db::Idempotent<pb::Rule>(tx, caller, request.request_id(), "CreateRule", request,
                                    [&]() -> absl::StatusOr<pb::Rule> {
      if (!tx.exec_params("SELECT 1 FROM rules WHERE id = $1", request.rule_id()).empty()) {
        return absl::AlreadyExistsError(absl::StrCat("rule_id: rules/", request.rule_id(), " already exists"));
      }
      WriteRule(tx, request.rule_id(), request.rule(), now, /*insert=*/true);
      ReplanEveryTask(tx);
      return RuleFromRow(
          tx.exec_params1(absl::StrCat("SELECT ", kRuleColumns, " FROM rules WHERE id = $1"), request.rule_id()));
    });
  });
}

absl::StatusOr<pb::Rule> PgNotificationStore::UpdateRule(const pb::UpdateRuleRequest& request,
                                                         const std::string& caller, absl::Time now,
                                                         const std::function<absl::Status(pb::Rule&)>& apply) {
  const std::string id = RuleId(request.rule());
  return db::RunInTransaction(pool_, "UpdateRule", [&](pqxx::work& tx) -> absl::StatusOr<pb::Rule> {
    return db::Idempotent<pb::Rule>(tx, caller, request.request_id(), "UpdateRule", request,
                                    [&]() -> absl::StatusOr<pb::Rule> {
      pqxx::result found = tx.exec_params(
          absl::StrCat("SELECT ", kRuleColumns, " FROM rules WHERE id = $1 FOR UPDATE"), id);
      if (found.empty()) return absl::NotFoundError(absl::StrCat("rule.name: rules/", id, " does not exist"));
      pb::Rule rule = RuleFromRow(found[0]);
      RETURN_IF_ERROR(CheckEtag(request.rule().etag(), rule.etag(), rule.name(), "rule.etag"));
      RETURN_IF_ERROR(apply(rule));
      WriteRule(tx, id, rule, now, /*insert=*/false);
      ReplanEveryTask(tx);
      return RuleFromRow(tx.exec_params1(absl::StrCat("SELECT ", kRuleColumns, " FROM rules WHERE id = $1"), id));
    });
  });
}

absl::StatusOr<int> PgNotificationStore::FireDue(absl::Time now, int limit, const FireFn& fire) {
  return db::RunInTransaction(pool_, "FireDue", [&](pqxx::work& tx) -> absl::StatusOr<int> {
    // Whole occurrences at a time: their rows are what replicas divide between them,
    // so that the latest-step rule sees every due notice of each.
    pqxx::result occurrences = tx.exec_params(
        absl::StrCat("SELECT o.name FROM occurrences o WHERE o.name IN (SELECT n.occurrence FROM notices n "
                     "WHERE n.state = notice_pending() AND n.fire_time <= ", Ts(1), ") ORDER BY o.name LIMIT $2 "
                     "FOR UPDATE OF o SKIP LOCKED"),
        Micros(now), limit);
    if (occurrences.empty()) return 0;
    std::vector<std::string> names;
    for (const pqxx::row& r : occurrences) names.push_back(r[0].c_str());
    pqxx::result rows = tx.exec_params(
        absl::StrCat("SELECT n.rule_id, n.kind, n.working_days, ", Us("n.fire_time"), ", ", kOccurrenceColumns,
                     " FROM notices n JOIN occurrences o ON o.name = n.occurrence WHERE n.state = notice_pending() "
                     "AND n.fire_time <= ",
                     Ts(1), " AND n.occurrence = ANY($2::text[]) FOR UPDATE OF n"),
        Micros(now), db::ArrayLiteral(names));
    std::vector<DueNotice> due;
    due.reserve(rows.size());
    for (const pqxx::row& r : rows) {
      due.push_back({.rule_id = r[0].c_str(),
                     .kind = static_cast<pb::Rule::Kind>(r[1].as<int>()),
                     .working_days = r[2].as<int>(),
                     .fire_time = absl::FromUnixMicros(r[3].as<int64_t>()),
                     .occurrence = FactsFromRow(r, 4)});
    }
    // Read after the notices' locks are held: a rule change plans notices again in
    // its own transaction, which waits for these rows, so these rules are the ones
    // the notices were last planned with or newer, never older.
    ASSIGN_OR_RETURN(FireOutcome outcome, fire(due, LoadRules(tx)));
    // Notifications, then their deliveries, each one multi-row statement.
    std::vector<std::string> ids, units, occ, tasks, rules, dues, subjects, bodies, payloads;
    std::vector<int> kinds, inbox;
    std::vector<std::string> d_ids, d_addresses;
    std::vector<int> d_channels, d_digest, d_state, d_budget;
    std::vector<int64_t> d_due;
    for (const NewNotification& n : outcome.notifications) {
      ids.push_back(n.id);
      units.push_back(n.unit);
      occ.push_back(n.occurrence);
      tasks.push_back(n.task);
      rules.push_back(n.rule_id);
      dues.push_back(FormatIsoDate(n.due));
      subjects.push_back(n.subject);
      bodies.push_back(n.body);
      payloads.push_back(n.payload);
      kinds.push_back(static_cast<int>(n.kind));
      inbox.push_back(n.in_inbox ? 1 : 0);
      for (const NewDelivery& d : n.deliveries) {
        d_ids.push_back(n.id);
        d_addresses.push_back(d.address);
        d_channels.push_back(static_cast<int>(d.channel));
        d_digest.push_back(d.digest ? 1 : 0);
        d_state.push_back(d.channel == pb::CHANNEL_INBOX ? pb::Delivery::STATE_DELIVERED : pb::Delivery::STATE_PENDING);
        d_budget.push_back(d.budget);
        d_due.push_back(Micros(now));
      }
    }
    if (!ids.empty()) {
      tx.exec_params(absl::StrCat(
                         "INSERT INTO notifications (id, unit, occurrence, task, rule_id, kind, due_date, subject, "
                         "body, payload, in_inbox, create_time) "
                         "SELECT t.i, t.u, t.o, t.t, t.r, t.k, t.d::date, t.s, t.b, t.p, t.x = 1, ", Ts(12),
                         " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], "
                         "$7::text[], $8::text[], $9::text[], $10::text[], $11::int[]) "
                         "AS t(i, u, o, t, r, k, d, s, b, p, x) ON CONFLICT (id) DO NOTHING"),
                     db::ArrayLiteral(ids), db::ArrayLiteral(units), db::ArrayLiteral(occ), db::ArrayLiteral(tasks),
                     db::ArrayLiteral(rules), db::ArrayLiteral(kinds), db::ArrayLiteral(dues),
                     db::ArrayLiteral(subjects), db::ArrayLiteral(bodies), db::ArrayLiteral(payloads),
                     db::ArrayLiteral(inbox), Micros(now));
    }
    if (!d_ids.empty()) {
      tx.exec_params(absl::StrCat(
                         "INSERT INTO deliveries (notification_id, channel, address, digest, state, budget, due_time, "
                         "next_attempt_time, deliver_time) "
                         "SELECT t.i, t.c, t.a, t.g = 1, t.s, t.b, to_timestamp(t.d::double precision / 1000000), ",
                         Ts(8), ", CASE WHEN t.s = delivery_delivered() THEN ", Ts(8), " END",
                         " FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::int[], $6::int[], "
                         "$7::bigint[]) AS t(i, c, a, g, s, b, d) "
                         "ON CONFLICT (notification_id, channel, address) DO NOTHING"),
                     db::ArrayLiteral(d_ids), db::ArrayLiteral(d_channels), db::ArrayLiteral(d_addresses),
                     db::ArrayLiteral(d_digest), db::ArrayLiteral(d_state), db::ArrayLiteral(d_budget),
                     db::ArrayLiteral(d_due), Micros(now));
    }
    auto mark = [&](const std::vector<const DueNotice*>& notices, int state) {
      if (notices.empty()) return;
      std::vector<std::string> o, r;
      for (const DueNotice* n : notices) {
        o.push_back(n->occurrence.name);
        r.push_back(n->rule_id);
      }
      tx.exec_params("UPDATE notices n SET state = $3 FROM unnest($1::text[], $2::text[]) AS t(o, r) "
                     "WHERE n.occurrence = t.o AND n.rule_id = t.r",
                     db::ArrayLiteral(o), db::ArrayLiteral(r), state);
    };
    mark(outcome.fired, pb::Notice::STATE_FIRED);
    mark(outcome.superseded, pb::Notice::STATE_SUPERSEDED);
    return static_cast<int>(due.size());
  });
}

absl::StatusOr<std::vector<pb::Notice>> PgNotificationStore::ListNotices(const std::string& parent,
                                                                          const std::string& after_key, int limit) {
  return db::RunSingleStatement(pool_, "ListNotices",
                                [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<pb::Notice>> {
    std::vector<pb::Notice> notices;
    // The key: zero-padded fire time, occurrence and rule, so text order is fire order.
    for (const pqxx::row& r : tx.exec_params(
             absl::StrCat("SELECT n.occurrence, n.rule_id, n.kind, ", Us("n.fire_time"),
                          ", n.state, to_char(o.due_date, 'YYYY-MM-DD') FROM notices n "
                          "JOIN occurrences o ON o.name = n.occurrence "
                          "WHERE (o.task = $1 OR o.name = $1) AND (lpad(", Us("n.fire_time"),
                          "::text, 20, '0') || '/' || n.occurrence || '/' || n.rule_id) > $2 "
                          "ORDER BY n.fire_time, n.occurrence, n.rule_id LIMIT $3"),
             parent, after_key, limit)) {
      pb::Notice& n = notices.emplace_back();
      n.set_occurrence(r[0].c_str());
      n.set_rule(absl::StrCat("rules/", r[1].c_str()));
      n.set_kind(static_cast<pb::Rule::Kind>(r[2].as<int>()));
      pg::SetTimestamp(r[3], n.mutable_fire_time());
      n.set_state(static_cast<pb::Notice::State>(r[4].as<int>()));
      absl::CivilDay due;
      if (absl::ParseCivilTime(r[5].c_str(), &due)) *n.mutable_due_date() = ToProtoDate(due);
    }
    return notices;
  });
}

}  // namespace p06::notification
