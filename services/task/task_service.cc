#include "services/task/task_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/db/idempotency.h"
#include "common/grpc/field_mask.h"
#include "common/grpc/pagination.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "common/text/fold.h"
#include "services/task/continuity.h"
#include "services/task/plan_import.h"
#include "services/task/plan_text/time_phrase.h"
#include "services/task/task_limits.h"

namespace p06::task {

absl::StatusOr<std::pair<std::string, int>> ParseTaskName(const std::string& name, absl::string_view field) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseResourceName(name, "plans/*/tasks/#", field));
  int number = 0;
  if (!absl::SimpleAtoi(ids[1], &number)) return InvalidField(field, "task number too large");
  return std::make_pair(ids[0], number);
}

namespace {

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(const p06::type::v1::Date& d, absl::string_view field) {
  if (IsUnset(d)) return std::optional<absl::CivilDay>();
  ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(d, field));
  return std::optional<absl::CivilDay>(day);
}

// A schedule as a caller may set it: a known kind with what that kind needs.
absl::Status ValidateSchedule(const pb::Schedule& s, const std::string& field) {
  if (!pb::Schedule::Kind_IsValid(s.kind())) return InvalidField(field + ".kind", "unknown value");
  std::set<int> months;
  for (int m : s.months()) {
    if (m < 1 || m > 12) return InvalidField(field + ".months", absl::StrCat(m, " is not a month (1..12)"));
    if (!months.insert(m).second) return InvalidField(field + ".months", absl::StrCat(m, " listed twice"));
  }
  if (s.kind() == pb::Schedule::KIND_ONE_OFF && IsUnset(s.due_date())) {
    return InvalidField(field + ".due_date", "required for KIND_ONE_OFF");
  }
  if (s.kind() == pb::Schedule::KIND_ON_MONTHS && months.empty()) {
    return InvalidField(field + ".months", "required for KIND_ON_MONTHS");
  }
  if (s.year() != 0 && (s.year() < 2000 || s.year() > 2100)) {
    return InvalidField(field + ".year", absl::StrCat(s.year(), " is not a year of a plan (2000..2100, or 0)"));
  }
  if (!IsUnset(s.due_date())) RETURN_IF_ERROR(FromProtoDate(s.due_date(), field + ".due_date").status());
  if (!IsUnset(s.window_start())) RETURN_IF_ERROR(FromProtoDate(s.window_start(), field + ".window_start").status());
  return absl::OkStatus();
}

absl::Status ValidateUnitFilter(const std::string& unit, absl::string_view field) {
  if (unit.empty()) return absl::OkStatus();
  if (ParseResourceId(unit, "units/*", field).ok() || ParseResourceId(unit, "groups/*", field).ok()) {
    return absl::OkStatus();
  }
  return InvalidField(field, "must be units/{unit_id} or groups/{group_id}");
}

}  // namespace

absl::StatusOr<pb::ImportPlanResponse> TaskService::ImportPlan(const pb::ImportPlanRequest& request,
                                                               const Principal& caller, const IncomingCall& call) {
  if (request.text().empty()) return InvalidField("text", "required: the decision's text, UTF-8");
  if (!request.request_id().empty()) RETURN_IF_ERROR(db::ValidateRequestId(request.request_id()));
  ASSIGN_OR_RETURN(PlanDraft draft, DraftPlan(request.text(), units_, Today(), call));
  absl::StatusOr<pb::ImportPlanResponse> response =
      request.dry_run() ? store_.PreviewPlan(draft) : store_.SavePlan(draft, request, caller.subject, Today());
  if (!response.ok()) return response;
  if (!request.dry_run()) cache_.Clear();  // Read your writes; other replicas follow the events.
  // Diagnostics come from this parse; a retried request gets them again, as computed now.
  response->clear_diagnostics();
  for (pb::ImportDiagnostic& d : draft.diagnostics) *response->add_diagnostics() = std::move(d);
  std::stable_sort(response->mutable_diagnostics()->begin(), response->mutable_diagnostics()->end(),
                   [](const auto& a, const auto& b) { return a.line() < b.line(); });
  return response;
}

absl::StatusOr<pb::ListContinuationsResponse> TaskService::ListContinuations(
    const pb::ListContinuationsRequest& request) {
  ASSIGN_OR_RETURN(std::string plan_id, ParseResourceId(request.parent(), "plans/*", "parent"));
  ASSIGN_OR_RETURN(std::vector<pb::Continuation> continuations, store_.ListContinuations(plan_id));
  pb::ListContinuationsResponse response;
  for (pb::Continuation& c : continuations) *response.add_continuations() = std::move(c);
  return response;
}

absl::StatusOr<pb::Continuation> TaskService::ConfirmContinuation(const pb::ConfirmContinuationRequest& request,
                                                                  const Principal& caller) {
  ASSIGN_OR_RETURN(auto task, ParseTaskName(request.task(), "task"));
  if (!request.request_id().empty()) RETURN_IF_ERROR(db::ValidateRequestId(request.request_id()));
  ASSIGN_OR_RETURN(pb::Plan plan, store_.GetPlan(task.first));
  ASSIGN_OR_RETURN(TaskRecord current, store_.GetTask(task.first, task.second));
  if (request.previous_task().empty()) {  // Continues nothing of last year's.
    return store_.ConfirmContinuation(caller.subject, request, task.first, task.second, "", 0, 0, "");
  }
  ASSIGN_OR_RETURN(auto previous, ParseTaskName(request.previous_task(), "previous_task"));
  ASSIGN_OR_RETURN(pb::Plan previous_plan, store_.GetPlan(previous.first));
  if (previous_plan.year() != plan.year() - 1) {
    return InvalidField("previous_task", absl::StrCat(previous_plan.name(), " is a plan of ", previous_plan.year(),
                                                      "; a task of ", plan.year(), " continues one of ",
                                                      plan.year() - 1));
  }
  ASSIGN_OR_RETURN(TaskRecord before, store_.GetTask(previous.first, previous.second));
  const double score = TitleSimilarity(text::Fold(current.task.title()), text::Fold(before.task.title()));
  return store_.ConfirmContinuation(caller.subject, request, task.first, task.second, previous.first, previous.second,
                                    score, before.task.title());
}

absl::StatusOr<pb::Task> TaskService::UpdateTask(const pb::UpdateTaskRequest& request, const Principal& caller,
                                                 const IncomingCall& call) {
  static const std::set<std::string> kWritable = {
      "title", "lead_units", "coordinating_units", "schedule", "expected_products", "funding_source", "note"};
  ASSIGN_OR_RETURN(auto id, ParseTaskName(request.task().name(), "task.name"));
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritable));
  if (!request.request_id().empty()) RETURN_IF_ERROR(db::ValidateRequestId(request.request_id()));
  ASSIGN_OR_RETURN(pb::Plan plan, store_.GetPlan(id.first));
  ASSIGN_OR_RETURN(TaskRecord current, store_.GetTask(id.first, id.second));
  TaskDraft draft;
  std::set<std::string> stored_texts;  // Unit names as the task has them: read as the import read them.
  for (const auto* refs : {&current.task.lead_units(), &current.task.coordinating_units()}) {
    for (const pb::UnitRef& ref : *refs) stored_texts.insert(ref.text());
  }
  draft.task = std::move(current.task);
  ApplyUpdateMask(request.task(), request.update_mask(), &draft.task);
  pb::Task& t = draft.task;
  ClearDerivedFields(t);
  ASSIGN_OR_RETURN(*t.mutable_title(), text::NormalizeNfc(t.title(), "task.title"));
  if (t.title().empty()) return InvalidField("task.title", "required");
  for (int i = 0; i < t.expected_products_size(); ++i) {
    ASSIGN_OR_RETURN(*t.mutable_expected_products(i),
                     text::NormalizeNfc(t.expected_products(i), absl::StrCat("task.expected_products[", i, "]")));
  }
  ASSIGN_OR_RETURN(*t.mutable_funding_source(), text::NormalizeNfc(t.funding_source(), "task.funding_source"));
  ASSIGN_OR_RETURN(*t.mutable_note(), text::NormalizeNfc(t.note(), "task.note"));
  ASSIGN_OR_RETURN(*t.mutable_schedule()->mutable_phrase(),
                   text::NormalizeNfc(t.schedule().phrase(), "task.schedule.phrase"));
  ASSIGN_OR_RETURN(*t.mutable_schedule()->mutable_trigger(),
                   text::NormalizeNfc(t.schedule().trigger(), "task.schedule.trigger"));
  for (auto [refs, field] : {std::pair{t.mutable_lead_units(), "task.lead_units"},
                             std::pair{t.mutable_coordinating_units(), "task.coordinating_units"}}) {
    for (int i = 0; i < refs->size(); ++i) {
      ASSIGN_OR_RETURN(*refs->Mutable(i)->mutable_text(),
                       text::NormalizeNfc(refs->Get(i).text(), absl::StrCat(field, "[", i, "].text")));
    }
  }
  RETURN_IF_ERROR(CheckTaskLimits(t, "task."));  // Also bounds the unit refs read below.
  if (t.schedule().kind() == pb::Schedule::KIND_UNSPECIFIED && !t.schedule().phrase().empty()) {
    *t.mutable_schedule() = ParseTimePhrase(t.schedule().phrase(), plan.year());  // A phrase alone: parse it.
  }
  RETURN_IF_ERROR(ValidateSchedule(t.schedule(), "task.schedule"));
  if (t.schedule().has_due_date()) {
    ASSIGN_OR_RETURN(absl::CivilDay due, FromProtoDate(t.schedule().due_date(), "task.schedule.due_date"));
    ASSIGN_OR_RETURN(absl::CivilDay decided, FromProtoDate(plan.decision_date(), "plan.decision_date"));
    if (due < decided) {
      return InvalidField(
          "task.schedule.due_date",
          absl::StrCat(FormatIsoDate(due), " is before the plan was decided (", FormatIsoDate(decided), ")"));
    }
  }
  // Units are named by text, as plans write them, and resolved again. One cell yields
  // a ref per unit it names ("Cục A, Cục B": two refs with that text and different
  // units), so each text is taken once: resolving it again yields the same refs, not
  // twice as many. The same ref twice is a mistake of the caller's.
  std::vector<std::string> lead, coordinating;
  for (auto [refs, texts, field] : {std::tuple{&t.lead_units(), &lead, "task.lead_units"},
                                    std::tuple{&t.coordinating_units(), &coordinating, "task.coordinating_units"}}) {
    std::set<std::pair<std::string, std::string>> seen;
    for (int i = 0; i < refs->size(); ++i) {
      const pb::UnitRef& ref = refs->Get(i);
      const std::string item = absl::StrCat(field, "[", i, "]");
      if (ref.text().empty()) return InvalidField(item + ".text", "required: the unit's name");
      if (!seen.emplace(ref.text(), ref.unit()).second) return InvalidField(item, "listed twice");
      if (std::find(texts->begin(), texts->end(), ref.text()) == texts->end()) texts->push_back(ref.text());
    }
  }
  if (lead.empty()) return InvalidField("task.lead_units", "at least one lead unit");
  std::set<std::string> typed;  // Names new in this edit.
  for (const auto* texts : {&lead, &coordinating}) {
    for (const std::string& text : *texts) {
      if (!stored_texts.contains(text)) typed.insert(text);
    }
  }
  // Read as the plan's import reads them, so that an edit of the title leaves the
  // units as imported; a name no unit had then may be a unit formed since.
  ASSIGN_OR_RETURN(UnresolvedNames unresolved,
                   ResolveTaskUnits(units_, PlanResolutionDays(plan, Today()), typed, call, lead, coordinating, draft));
  if (!unresolved.lead.empty() || !unresolved.coordinating.empty()) {
    const bool is_lead = !unresolved.lead.empty();
    return InvalidField(is_lead ? "task.lead_units" : "task.coordinating_units",
                        absl::StrCat("\"", is_lead ? unresolved.lead.front() : unresolved.coordinating.front(),
                                     "\" is not a unit the directory knows"));
  }
  CompleteDraft(draft, plan.year());
  absl::StatusOr<pb::Task> updated = store_.UpdateTask(id.first, draft, request.task().etag(), request, caller.subject, Today());
  if (updated.ok()) cache_.Invalidate(updated->name());
  return updated;
}

absl::StatusOr<pb::Plan> TaskService::GetPlan(const pb::GetPlanRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "plans/*", "name"));
  return store_.GetPlan(id);
}

absl::StatusOr<pb::ListPlansResponse> TaskService::ListPlans(const pb::ListPlansRequest& request) {
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters));
  ASSIGN_OR_RETURN(std::vector<pb::Plan> plans, store_.ListPlans(request.year(), page.after_key, page.size + 1));
  pb::ListPlansResponse response;
  response.set_next_page_token(TakePage(
      std::move(plans), page, response.mutable_plans(), [](const pb::Plan& p) { return LastSegment(p.name()); },
      filters));
  return response;
}

absl::StatusOr<pb::Task> TaskService::GetTask(const pb::GetTaskRequest& request) {
  ASSIGN_OR_RETURN(auto id, ParseTaskName(request.name(), "name"));
  ASSIGN_OR_RETURN(TaskRecord record, cache_.Get(id.first, id.second));
  return AsOfToday(std::move(record));
}

std::optional<absl::StatusOr<pb::Task>> TaskService::GetTaskWithoutWaiting(const pb::GetTaskRequest& request) {
  absl::StatusOr<std::pair<std::string, int>> id = ParseTaskName(request.name(), "name");
  if (!id.ok()) return id.status();
  std::optional<TaskRecord> record = cache_.Find(id->first, id->second);
  if (!record) return std::nullopt;
  return AsOfToday(*std::move(record));
}

pb::Task TaskService::AsOfToday(TaskRecord record) const {
  record.task.set_overdue(record.OverdueOn(Today()));
  return std::move(record.task);
}

absl::StatusOr<pb::ListTasksResponse> TaskService::ListTasks(const pb::ListTasksRequest& request) {
  TaskQuery q;
  ASSIGN_OR_RETURN(q.plan_id, ParseResourceId(request.parent(), "plans/*", "parent"));
  if (request.section_ordinal() < 0) return InvalidField("section_ordinal", "must not be negative");
  q.section_ordinal = request.section_ordinal();
  RETURN_IF_ERROR(ValidateUnitFilter(request.lead_unit(), "lead_unit"));
  RETURN_IF_ERROR(ValidateUnitFilter(request.coordinating_unit(), "coordinating_unit"));
  q.lead_unit = request.lead_unit();
  q.coordinating_unit = request.coordinating_unit();
  for (int s : request.statuses()) {
    if (s == pb::TASK_STATUS_UNSPECIFIED || !pb::TaskStatus_IsValid(s))
      return InvalidField("statuses", "unknown status");
    q.statuses.push_back(s);
  }
  q.overdue_only = request.overdue_only();
  ASSIGN_OR_RETURN(q.due_after, OptionalDate(request.due_after(), "due_after"));
  ASSIGN_OR_RETURN(q.due_before, OptionalDate(request.due_before(), "due_before"));
  if (q.due_before && !q.due_after) q.due_after = absl::CivilDay(1, 1, 1);
  if (q.due_after && q.due_before && *q.due_after > *q.due_before)
    return InvalidField("due_before", "is before due_after");
  if (request.query().size() > 300 || !text::IsValidUtf8(request.query())) {
    return InvalidField("query", "at most 300 bytes of UTF-8");
  }
  q.folded_words = text::FoldedWords(request.query());
  q.today = Today();

  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), filters));
  if (!page.after_key.empty()) {
    std::string number;
    if (!ParseRankedPageKey(page.after_key, &q.after_rank, &number) || !absl::SimpleAtoi(number, &q.after_number)) {
      return InvalidField("page_token", "malformed");
    }
  }
  q.limit = page.size + 1;
  ASSIGN_OR_RETURN(std::vector<RankedTask> ranked, store_.ListTasks(q));
  pb::ListTasksResponse response;
  response.set_next_page_token(TakeRankedPage(
      std::move(ranked), page, response.mutable_tasks(), [](const pb::Task& t) { return absl::StrCat(t.number()); },
      filters));
  return response;
}

absl::StatusOr<pb::ListOccurrencesResponse> TaskService::ListOccurrences(const pb::ListOccurrencesRequest& request) {
  OccurrenceQuery q;
  if (auto task = ParseTaskName(request.parent(), "parent"); task.ok()) {
    q.plan_id = task->first;
    q.task_number = task->second;
  } else {
    ASSIGN_OR_RETURN(q.plan_id, ParseResourceId(request.parent(), "plans/*", "parent"));
  }
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> after, OptionalDate(request.due_after(), "due_after"));
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> before, OptionalDate(request.due_before(), "due_before"));
  q.due_after = after.value_or(absl::CivilDay(1, 1, 1));
  q.due_before = before.value_or(absl::CivilDay(9999, 12, 31));
  if (q.due_after > q.due_before) return InvalidField("due_before", "is before due_after");
  q.today = Today();
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), filters,
                                    {.default_size = 100, .max_size = 1000}));
  q.after_key = page.after_key;
  q.limit = page.size + 1;
  ASSIGN_OR_RETURN(std::vector<pb::Occurrence> rows, store_.ListOccurrences(q));
  pb::ListOccurrencesResponse response;
  // The sort key the store's query compares: "yyyy-mm-dd/NNNNNN/SSSS" (date, task, activity).
  auto sort_key = [](const pb::Occurrence& o) {
    std::vector<std::string> parts = absl::StrSplit(o.name(), '/');  // plans/p/tasks/n/occurrences/date[-sub]
    const std::string& date_sub = parts.back();
    const std::string sub = date_sub.size() > 10 ? date_sub.substr(11) : "0";
    return absl::StrCat(date_sub.substr(0, 10), "/", std::string(6 - std::min<size_t>(6, parts[3].size()), '0'),
                        parts[3], "/", std::string(4 - std::min<size_t>(4, sub.size()), '0'), sub);
  };
  response.set_next_page_token(
      TakePage(std::move(rows), page, response.mutable_occurrences(), sort_key, filters));
  return response;
}

}  // namespace p06::task
