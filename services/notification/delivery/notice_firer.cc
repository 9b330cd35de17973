#include "services/notification/delivery/notice_firer.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "common/base/clock.h"
#include "common/base/status_macros.h"
#include "common/grpc/proto_time.h"
#include "common/log/log.h"
#include "services/notification/delivery/message_text.h"

namespace p06::notification {
namespace {

// A directory failure that may pass (try the batch again later): the directory down
// or failing, or refusing this service (a credential being rotated). Only an answer
// about the unit or group itself (NOT_FOUND, INVALID_ARGUMENT) skips it, logged, so
// that one bad name does not hold up every other notice.
bool Transient(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kCancelled:
      return true;
    default:
      return false;
  }
}

// The units a rule's notice goes to, groups expanded, in a stable order.
absl::StatusOr<std::vector<std::string>> TargetUnits(const pb::Rule& rule, const OccurrenceFacts& o,
                                                     RecipientDirectory& directory) {
  std::vector<std::string> refs;
  switch (rule.recipient()) {
    case pb::Rule::RECIPIENT_TASK_UNITS:
      refs = o.lead_units;
      refs.insert(refs.end(), o.coordinating_units.begin(), o.coordinating_units.end());
      break;
    case pb::Rule::RECIPIENT_UNIT:
      refs = {rule.recipient_unit()};
      break;
    default:  // Lead units, their focal points, their heads.
      refs = o.lead_units;
  }
  std::vector<std::string> units;
  std::set<std::string> seen;
  const std::set<std::string> disabled(rule.disabled_units().begin(), rule.disabled_units().end());
  auto add = [&](const std::string& u) {
    if (!disabled.contains(u) && seen.insert(u).second) units.push_back(u);
  };
  for (const std::string& ref : refs) {
    if (absl::StartsWith(ref, "groups/")) {
      absl::StatusOr<std::vector<std::string>> members = directory.Members(ref);
      if (!members.ok() && Transient(members.status())) return members.status();
      if (!members.ok()) {
        log::Warning("notice for a group the directory cannot give; skipped",
                     {{"group", ref}, {"occurrence", o.name}, {"error", members.status().ToString()}});
        continue;
      }
      for (const std::string& m : *members) add(m);
    } else {
      add(ref);
    }
  }
  return units;
}

std::vector<NewDelivery> DeliveriesFor(const pb::Rule& rule, const UnitRecipient& unit, const FireOptions& options) {
  std::vector<NewDelivery> out;
  auto wants = [&](pb::Channel c) { return std::find(rule.channels().begin(), rule.channels().end(), c) != rule.channels().end(); };
  const bool person_step =
      rule.recipient() == pb::Rule::RECIPIENT_FOCAL_POINTS || rule.recipient() == pb::Rule::RECIPIENT_HEADS;
  if (wants(pb::CHANNEL_EMAIL)) {
    if (person_step) {
      const dpb::Contact::Role role = rule.recipient() == pb::Rule::RECIPIENT_HEADS ? dpb::Contact::ROLE_HEAD
                                                                                      : dpb::Contact::ROLE_FOCAL_POINT;
      for (const dpb::Contact& c : unit.contacts) {
        if (c.role() == role && !c.email().empty()) out.push_back({pb::CHANNEL_EMAIL, c.email(), false, options.budget});
      }
    } else {
      for (const dpb::NotificationEndpoint& e : unit.endpoints) {
        if (e.channel() == dpb::NotificationEndpoint::CHANNEL_EMAIL) {
          out.push_back({pb::CHANNEL_EMAIL, e.address(), e.daily_digest(), options.budget});
        }
      }
    }
  }
  if (wants(pb::CHANNEL_WEBHOOK)) {
    for (const dpb::NotificationEndpoint& e : unit.endpoints) {
      if (e.channel() == dpb::NotificationEndpoint::CHANNEL_WEBHOOK) {
        out.push_back({pb::CHANNEL_WEBHOOK, e.address(), e.daily_digest(), options.budget});
      }
    }
  }
  if (wants(pb::CHANNEL_INBOX)) out.push_back({pb::CHANNEL_INBOX, "", false, options.budget});
  // The same address twice (an endpoint and a contact) is one delivery.
  std::sort(out.begin(), out.end(), [](const NewDelivery& a, const NewDelivery& b) {
    return std::tie(a.channel, a.address) < std::tie(b.channel, b.address);
  });
  out.erase(std::unique(out.begin(), out.end(), [](const NewDelivery& a, const NewDelivery& b) {
              return a.channel == b.channel && a.address == b.address;
            }), out.end());
  return out;
}

}  // namespace

absl::StatusOr<FireOutcome> DecideFiring(const std::vector<DueNotice>& due, const std::map<std::string, pb::Rule>& rules,
                                         RecipientDirectory& directory, absl::Time now, const FireOptions& options) {
  FireOutcome outcome;
  const absl::CivilDay today = absl::ToCivilDay(now, VietnamTimeZone());
  // The latest step per (occurrence, kind).
  std::map<std::pair<std::string, int>, const DueNotice*> latest;
  for (const DueNotice& n : due) {
    if (n.kind == pb::Rule::KIND_REMINDER && n.occurrence.due < today) {
      outcome.superseded.push_back(&n);
      continue;
    }
    auto [it, inserted] = latest.try_emplace({n.occurrence.name, n.kind}, &n);
    if (inserted) continue;
    const bool later = n.kind == pb::Rule::KIND_REMINDER ? n.working_days < it->second->working_days
                                                         : n.working_days > it->second->working_days;
    outcome.superseded.push_back(later ? it->second : &n);
    if (later) it->second = &n;
  }
  for (const auto& [key, n] : latest) {
    outcome.fired.push_back(n);
    auto rule = rules.find(n->rule_id);
    if (rule == rules.end()) continue;  // Removed since it was planned: fired into nothing.
    ASSIGN_OR_RETURN(std::vector<std::string> units, TargetUnits(rule->second, n->occurrence, directory));
    std::set<std::string> seen(units.begin(), units.end());
    for (size_t i = 0; i < units.size(); ++i) {
      const std::string unit_name = units[i];
      absl::StatusOr<UnitRecipient> unit = directory.Unit(unit_name);
      if (!unit.ok() && Transient(unit.status())) return unit.status();
      if (!unit.ok()) {
        log::Warning("notice for a unit the directory cannot give; skipped",
                     {{"unit", unit_name}, {"occurrence", n->occurrence.name}, {"error", unit.status().ToString()}});
        continue;
      }
      if (!unit->active) {
        // A merged or renamed unit's work passed to its successors: they are told.
        const auto& off = rule->second.disabled_units();
        for (const std::string& s : unit->successors) {
          if (std::find(off.begin(), off.end(), s) == off.end() && seen.insert(s).second) units.push_back(s);
        }
        continue;
      }
      NewNotification note;
      note.id = NotificationId(n->rule_id, n->occurrence.name, unit_name);
      note.unit = unit_name;
      note.occurrence = n->occurrence.name;
      note.task = n->occurrence.task;
      note.rule_id = n->rule_id;
      note.kind = n->kind;
      note.due = n->occurrence.due;
      const MessageText text = ComposeText(n->kind, n->working_days, n->occurrence, unit->display_name, note.id);
      note.subject = text.subject;
      note.body = text.body;
      note.deliveries = DeliveriesFor(rule->second, *unit, options);
      note.in_inbox = std::any_of(note.deliveries.begin(), note.deliveries.end(),
                                  [](const NewDelivery& d) { return d.channel == pb::CHANNEL_INBOX; });
      pb::Notification as_proto;
      as_proto.set_name("notifications/" + note.id);
      as_proto.set_unit(note.unit);
      as_proto.set_occurrence(note.occurrence);
      as_proto.set_task(note.task);
      as_proto.set_rule("rules/" + note.rule_id);
      as_proto.set_kind(note.kind);
      as_proto.set_subject(note.subject);
      as_proto.set_body(note.body);
      *as_proto.mutable_due_date() = ToProtoDate(note.due);
      *as_proto.mutable_create_time() = MicrosToProtoTimestamp(absl::ToUnixMicros(now));
      note.payload = WebhookPayload(as_proto);
      outcome.notifications.push_back(std::move(note));
    }
  }
  return outcome;
}

}  // namespace p06::notification
