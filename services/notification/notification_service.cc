#include "services/notification/notification_service.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/invalid_field.h"
#include "common/base/status_macros.h"
#include "common/grpc/field_mask.h"
#include "common/grpc/pagination.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "services/notification/channels/webhook_signature.h"

namespace p06::notification {
namespace {

constexpr int kMaxReminderDays = 60;
constexpr int kMaxEscalationDays = 60;
constexpr int kMaxDisabledUnits = 500;
constexpr int kMaxDisplayNameBytes = 300;
constexpr int kMaxCalendarDays = 3 * 366;
constexpr absl::Duration kMaxPreviousValid = absl::Hours(24 * 30);

const std::set<std::string> kWritable = {"display_name", "working_days",   "channels", "enabled",
                                         "recipient",    "recipient_unit", "scope",    "disabled_units"};

absl::Status CheckUnitName(const std::string& name, const std::string& field) {
  return ParseResourceId(name, "units/*", field).status();
}

// A task or occurrence name, parsed to its parts so nothing else reaches the SQL.
absl::Status CheckNoticeParent(const std::string& parent) {
  if (ParseResourceName(parent, "plans/*/tasks/*", "parent").ok()) return absl::OkStatus();
  if (ParseResourceName(parent, "plans/*/tasks/*/occurrences/*", "parent").ok()) return absl::OkStatus();
  return InvalidField("parent", "must be plans/{plan}/tasks/{task}[/occurrences/{yyyy-mm-dd}]");
}

absl::StatusOr<std::string> NotificationIdOf(const std::string& name, const std::string& field) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(name, "notifications/*", field));
  if (!absl::StartsWith(id, "ntf-") || id.size() != 36) return InvalidField(field, "not a notification name");
  return id;
}

}  // namespace

absl::Status ValidateRule(const pb::Rule& rule) {
  if (rule.kind() == pb::Rule::KIND_UNSPECIFIED || !pb::Rule::Kind_IsValid(rule.kind())) {
    return InvalidField("rule.kind", "required: REMINDER or ESCALATION");
  }
  if (rule.kind() == pb::Rule::KIND_REMINDER && (rule.working_days() < 0 || rule.working_days() > kMaxReminderDays)) {
    return InvalidField("rule.working_days", absl::StrCat("a reminder is 0..", kMaxReminderDays, " working days before"));
  }
  if (rule.kind() == pb::Rule::KIND_ESCALATION &&
      (rule.working_days() < 1 || rule.working_days() > kMaxEscalationDays)) {
    return InvalidField("rule.working_days",
                        absl::StrCat("an escalation is 1..", kMaxEscalationDays, " working days after"));
  }
  if (rule.channels().empty()) return InvalidField("rule.channels", "at least one of EMAIL, WEBHOOK, INBOX");
  std::set<int> channels;
  for (int i = 0; i < rule.channels_size(); ++i) {
    const int c = rule.channels(i);
    if (c == pb::CHANNEL_UNSPECIFIED || !pb::Channel_IsValid(c)) {
      return InvalidField(absl::StrCat("rule.channels[", i, "]"), "unknown channel");
    }
    if (!channels.insert(c).second) return InvalidField(absl::StrCat("rule.channels[", i, "]"), "listed twice");
  }
  if (rule.recipient() == pb::Rule::RECIPIENT_UNSPECIFIED || !pb::Rule::Recipient_IsValid(rule.recipient())) {
    return InvalidField("rule.recipient", "required");
  }
  if (rule.recipient() == pb::Rule::RECIPIENT_UNIT) {
    RETURN_IF_ERROR(CheckUnitName(rule.recipient_unit(), "rule.recipient_unit"));
  } else if (!rule.recipient_unit().empty()) {
    return InvalidField("rule.recipient_unit", "only with RECIPIENT_UNIT");
  }
  if (rule.display_name().size() > kMaxDisplayNameBytes) {
    return InvalidField("rule.display_name", absl::StrCat("at most ", kMaxDisplayNameBytes, " bytes"));
  }
  const pb::Rule::Scope& scope = rule.scope();
  if (!scope.plan().empty()) RETURN_IF_ERROR(ParseResourceId(scope.plan(), "plans/*", "rule.scope.plan").status());
  if (scope.section_ordinal() < 0 || scope.section_ordinal() > 100) {
    return InvalidField("rule.scope.section_ordinal", "0 (any) or 1..100");
  }
  if (!tpb::Schedule::Kind_IsValid(scope.schedule_kind())) return InvalidField("rule.scope.schedule_kind", "unknown");
  if (!scope.unit().empty()) RETURN_IF_ERROR(CheckUnitName(scope.unit(), "rule.scope.unit"));
  if (rule.disabled_units_size() > kMaxDisabledUnits) {
    return InvalidField("rule.disabled_units", absl::StrCat("at most ", kMaxDisabledUnits));
  }
  for (int i = 0; i < rule.disabled_units_size(); ++i) {
    RETURN_IF_ERROR(CheckUnitName(rule.disabled_units(i), absl::StrCat("rule.disabled_units[", i, "]")));
  }
  return absl::OkStatus();
}

absl::StatusOr<pb::ListRulesResponse> NotificationService::ListRules(const pb::ListRulesRequest& request) {
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters));
  ASSIGN_OR_RETURN(std::vector<pb::Rule> rules, store_.ListRules(page.after_key, page.size + 1));
  pb::ListRulesResponse response;
  response.set_next_page_token(TakePage(std::move(rules), page, response.mutable_rules(),
                                        [](const pb::Rule& r) { return RuleId(r); }, filters));
  return response;
}

absl::StatusOr<pb::Rule> NotificationService::GetRule(const pb::GetRuleRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "rules/*", "name"));
  return store_.GetRule(id);
}

absl::StatusOr<pb::Rule> NotificationService::CreateRule(const pb::CreateRuleRequest& request, const Principal& caller) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(absl::StrCat("rules/", request.rule_id()), "rules/*", "rule_id"));
  RETURN_IF_ERROR(ValidateRule(request.rule()));
  pb::CreateRuleRequest clean = request;
  clean.mutable_rule()->clear_name();
  clean.mutable_rule()->clear_etag();
  clean.mutable_rule()->clear_update_time();
  return store_.CreateRule(clean, caller.subject, clock_.Now());
}

absl::StatusOr<pb::Rule> NotificationService::UpdateRule(const pb::UpdateRuleRequest& request, const Principal& caller) {
  RETURN_IF_ERROR(ParseResourceId(request.rule().name(), "rules/*", "rule.name").status());
  if (request.update_mask().paths().empty()) return InvalidField("update_mask", "required");
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritable));
  return store_.UpdateRule(request, caller.subject, clock_.Now(), [&](pb::Rule& stored) -> absl::Status {
    ApplyUpdateMask(request.rule(), request.update_mask(), &stored);
    return ValidateRule(stored);
  });
}

absl::StatusOr<pb::Calendar> NotificationService::GetCalendar(const pb::GetCalendarRequest& request) {
  if (IsUnset(request.start())) return InvalidField("start", "required");
  if (IsUnset(request.end())) return InvalidField("end", "required");
  ASSIGN_OR_RETURN(absl::CivilDay start, FromProtoDate(request.start(), "start"));
  ASSIGN_OR_RETURN(absl::CivilDay end, FromProtoDate(request.end(), "end"));
  if (end < start) return InvalidField("end", "before start");
  if (end - start > kMaxCalendarDays) return InvalidField("end", "at most 3 years after start");
  pb::Calendar out;
  ASSIGN_OR_RETURN(int working, calendar_.CountWorkingDays(start, end));
  out.set_working_days(working);
  for (absl::CivilDay d = start; d <= end; ++d) {
    ASSIGN_OR_RETURN(calendar::DayInfo info, calendar_.Day(d));
    const absl::Weekday wd = absl::GetWeekday(d);
    const bool weekend = wd == absl::Weekday::saturday || wd == absl::Weekday::sunday;
    if (!info.working && !weekend) *out.add_holidays() = ToProtoDate(d);
    if (info.working && weekend) *out.add_make_up_working_days() = ToProtoDate(d);
  }
  return out;
}

absl::StatusOr<pb::ListInboxResponse> NotificationService::ListInbox(const pb::ListInboxRequest& request,
                                                                   const Principal& caller) {
  RETURN_IF_ERROR(CheckUnitName(request.unit(), "unit"));
  if (!caller.IsOffice() && caller.unit != request.unit()) {
    return absl::PermissionDeniedError(absl::StrCat("unit: the inbox of ", request.unit(), " is not yours"));
  }
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters));
  ASSIGN_OR_RETURN(std::vector<pb::Notification> rows,
                   store_.ListInbox(request.unit(), request.unread_only(), page.after_key, page.size + 1));
  pb::ListInboxResponse response;
  response.set_next_page_token(TakePage(
      std::move(rows), page, response.mutable_notifications(),
      [](const pb::Notification& n) {
        return absl::StrCat(absl::StrFormat("%020d", ProtoTimestampToMicros(n.create_time())), "/",
                            LastSegment(n.name()));
      },
      filters));
  return response;
}

absl::StatusOr<pb::Notification> NotificationService::MarkRead(const pb::MarkReadRequest& request,
                                                             const Principal& caller) {
  ASSIGN_OR_RETURN(std::string id, NotificationIdOf(request.name(), "name"));
  ASSIGN_OR_RETURN(pb::Notification n, store_.GetNotification(id));
  // The addressee reads it; the Office may look but not mark another unit's mail read.
  if (caller.unit != n.unit()) {
    return absl::PermissionDeniedError("name: not addressed to the caller's unit");
  }
  return store_.MarkRead(id, clock_.Now());
}

absl::StatusOr<pb::ListDeliveriesResponse> NotificationService::ListDeliveries(
    const pb::ListDeliveriesRequest& request, const Principal& caller) {
  // Addresses of every unit are in the log: the Office and auditors only.
  if (!caller.IsOffice() && !caller.HasRole(kRoleAuditor)) {
    return absl::PermissionDeniedError("the delivery log is for the Ministry Office and auditors");
  }
  if (!pb::Delivery::State_IsValid(request.state())) return InvalidField("state", "unknown");
  if (!pb::Channel_IsValid(request.channel())) return InvalidField("channel", "unknown");
  DeliveryFilter filter{.state = request.state(), .channel = request.channel()};
  if (!request.notification().empty()) {
    ASSIGN_OR_RETURN(filter.notification_id, NotificationIdOf(request.notification(), "notification"));
  }
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters));
  int64_t before = 0;
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &before)) {
    return InvalidField("page_token", "malformed");
  }
  ASSIGN_OR_RETURN(std::vector<pb::Delivery> rows, store_.ListDeliveries(filter, before, page.size + 1));
  pb::ListDeliveriesResponse response;
  response.set_next_page_token(TakePage(std::move(rows), page, response.mutable_deliveries(),
                                        [](const pb::Delivery& d) { return LastSegment(d.name()); }, filters));
  return response;
}

absl::StatusOr<pb::Delivery> NotificationService::RetryDelivery(const pb::RetryDeliveryRequest& request,
                                                              const Principal& caller) {
  ASSIGN_OR_RETURN(std::string id_text, ParseResourceId(request.name(), "deliveries/#", "name"));
  int64_t id = 0;
  if (!absl::SimpleAtoi(id_text, &id) || id <= 0) return InvalidField("name", "deliveries/{number}");
  return store_.RetryDelivery(request, id, caller.subject, budget_, clock_.Now());
}

absl::StatusOr<pb::WebhookSecret> NotificationService::RotateWebhookSecret(
    const pb::RotateWebhookSecretRequest& request, const Principal& caller) {
  RETURN_IF_ERROR(policy_.CheckUrlSyntax(request.url(), "url"));
  // A refused target is refused now; a name that does not resolve here may resolve
  // where and when the sends happen (they check again).
  if (absl::Status target = policy_.CheckUrlTarget(request.url()); absl::IsPermissionDenied(target)) {
    return InvalidField("url", target.message());
  }
  if (request.previous_valid_seconds() < 0 ||
      absl::Seconds(request.previous_valid_seconds()) > kMaxPreviousValid) {
    return InvalidField("previous_valid_seconds", "0..2592000 (30 days)");
  }
  const absl::Duration previous =
      request.previous_valid_seconds() == 0 ? absl::Hours(24) : absl::Seconds(request.previous_valid_seconds());
  return store_.RotateSecret(request, caller.subject, clock_.Now(), previous, [] { return NewWebhookSecret(); });
}

absl::StatusOr<pb::ListNoticesResponse> NotificationService::ListNotices(const pb::ListNoticesRequest& request) {
  RETURN_IF_ERROR(CheckNoticeParent(request.parent()));
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), filters, {.default_size = 100,
                                                                                          .max_size = 1000}));
  ASSIGN_OR_RETURN(std::vector<pb::Notice> rows, store_.ListNotices(request.parent(), page.after_key, page.size + 1));
  pb::ListNoticesResponse response;
  response.set_next_page_token(TakePage(
      std::move(rows), page, response.mutable_notices(),
      [](const pb::Notice& n) {
        return absl::StrCat(absl::StrFormat("%020d", ProtoTimestampToMicros(n.fire_time())), "/", n.occurrence(), "/",
                            LastSegment(n.rule()));
      },
      filters));
  return response;
}

}  // namespace p06::notification
