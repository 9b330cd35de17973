#include "services/p06ctl/notifications.h"

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/clock.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/request_id.h"
#include "p06/notification/v1/notification.grpc.pb.h"

namespace p06::ctl {
namespace {

namespace npb = ::p06::notification::v1;

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(t.seconds()), VietnamTimeZone());
}

std::string Day(const p06::type::v1::Date& d) { return IsUnset(d) ? "-" : FormatIsoDate(CivilDayOf(d)); }

// "CHANNEL_EMAIL" → "email".
std::string Short(const std::string& name, size_t prefix) {
  return absl::AsciiStrToLower(name.substr(prefix));
}

}  // namespace

int ShowCalendar(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& start,
                 const std::string& end) {
  npb::GetCalendarRequest request;
  absl::CivilDay a, b;
  if (!ParseIsoDate(start, &a) || !ParseIsoDate(end, &b)) {
    std::cerr << "--start and --end: yyyy-mm-dd\n";
    return 2;
  }
  *request.mutable_start() = ToProtoDate(a);
  *request.mutable_end() = ToProtoDate(b);
  grpc::ClientContext ctx;
  Prepare(ctx, options);
  npb::Calendar calendar;
  grpc::Status s = npb::NotificationService::NewStub(channel)->GetCalendar(&ctx, request, &calendar);
  if (!s.ok()) return Fail(s);
  std::cout << calendar.working_days() << " working days from " << start << " to " << end << "\n";
  for (const auto& d : calendar.holidays()) std::cout << "day off\t" << Day(d) << "\n";
  for (const auto& d : calendar.make_up_working_days()) std::cout << "make-up working day\t" << Day(d) << "\n";
  return 0;
}

int ListRules(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options) {
  npb::ListRulesRequest request;
  request.set_page_size(500);
  grpc::ClientContext ctx;
  Prepare(ctx, options);
  npb::ListRulesResponse response;
  grpc::Status s = npb::NotificationService::NewStub(channel)->ListRules(&ctx, request, &response);
  if (!s.ok()) return Fail(s);
  for (const npb::Rule& r : response.rules()) {
    std::vector<std::string> channels;
    for (int c : r.channels()) channels.push_back(Short(npb::Channel_Name(c), 8));
    std::cout << r.name() << "\t" << Short(npb::Rule::Kind_Name(r.kind()), 5) << " "
              << r.working_days() << " working days\t"
              << Short(npb::Rule::Recipient_Name(r.recipient()), 10)
              << (r.recipient_unit().empty() ? "" : " " + r.recipient_unit()) << "\t" << absl::StrJoin(channels, ",")
              << "\t" << (r.enabled() ? "enabled" : "disabled") << "\t" << r.display_name() << "\n";
  }
  return 0;
}

int ListInbox(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& unit,
              bool unread_only) {
  npb::ListInboxRequest request;
  request.set_unit(unit);
  request.set_unread_only(unread_only);
  grpc::ClientContext ctx;
  Prepare(ctx, options);
  npb::ListInboxResponse response;
  grpc::Status s = npb::NotificationService::NewStub(channel)->ListInbox(&ctx, request, &response);
  if (!s.ok()) return Fail(s);
  for (const npb::Notification& n : response.notifications()) {
    std::cout << Time(n.create_time()) << "\t" << (n.has_read_time() ? "read" : "unread") << "\t" << n.name() << "\t"
              << n.subject() << "\n";
  }
  return 0;
}

int ListDeliveries(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                   const std::string& state) {
  npb::ListDeliveriesRequest request;
  request.set_page_size(100);
  if (!state.empty()) {
    npb::Delivery::State parsed;
    if (!npb::Delivery::State_Parse("STATE_" + absl::AsciiStrToUpper(state), &parsed)) {
      std::cerr << "--state: PENDING, DELIVERED or FAILED\n";
      return 2;
    }
    request.set_state(parsed);
  }
  grpc::ClientContext ctx;
  Prepare(ctx, options);
  npb::ListDeliveriesResponse response;
  grpc::Status s = npb::NotificationService::NewStub(channel)->ListDeliveries(&ctx, request, &response);
  if (!s.ok()) return Fail(s);
  for (const npb::Delivery& d : response.deliveries()) {
    std::cout << d.name() << "\t" << Short(npb::Delivery::State_Name(d.state()), 6) << "\t"
              << Short(npb::Channel_Name(d.channel()), 8) << "\t" << (d.address().empty() ? "-" : d.address())
              << "\tattempts " << d.attempts() << "\tdue " << Time(d.due_time()) << "\t" << d.notification()
              << (d.last_error().empty() ? "" : "\t" + d.last_error()) << "\n";
  }
  return 0;
}

int RetryDelivery(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& name,
                  const std::string& request_id) {
  npb::RetryDeliveryRequest request;
  request.set_name(name);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  grpc::ClientContext ctx;
  Prepare(ctx, options, request.request_id());
  npb::Delivery d;
  grpc::Status s = npb::NotificationService::NewStub(channel)->RetryDelivery(&ctx, request, &d);
  if (!s.ok()) return Fail(s);
  std::cout << d.name() << " pending again (request id " << request.request_id() << ")\n";
  return 0;
}

int RotateSecret(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& url,
                 const std::string& request_id) {
  npb::RotateWebhookSecretRequest request;
  request.set_url(url);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  grpc::ClientContext ctx;
  Prepare(ctx, options, request.request_id());
  npb::WebhookSecret secret;
  grpc::Status s = npb::NotificationService::NewStub(channel)->RotateWebhookSecret(&ctx, request, &secret);
  if (!s.ok()) return Fail(s);
  std::cout << secret.secret() << "\n";
  if (secret.has_previous_expire_time()) {
    std::cerr << "the previous secret stays valid until " << Time(secret.previous_expire_time()) << "\n";
  }
  return 0;
}

}  // namespace p06::ctl
