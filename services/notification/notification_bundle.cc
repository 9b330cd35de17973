#include "services/notification/notification_bundle.h"

#include "common/base/invalid_field.h"
#include "common/grpc/client.h"
#include "common/log/log.h"

namespace p06::notification {

absl::Status NotificationOptions::Validate() const {
  if (task_target.empty()) return InvalidField("task_target", "required: host:port of the task service");
  if (directory_target.empty()) return InvalidField("directory_target", "required: host:port of the directory");
  if (smtp.url.rfind("smtp://", 0) != 0 && smtp.url.rfind("smtps://", 0) != 0) {
    return InvalidField("smtp_url", "smtp://host:port or smtps://host:port");
  }
  if (absl::Status s = AddressPolicy::CheckEmail(smtp.from, "smtp_from"); !s.ok()) return s;
  if (dispatch.senders < 1 || dispatch.senders > 256) return InvalidField("delivery_senders", "1..256");
  if (dispatch.per_endpoint < 1) return InvalidField("per_endpoint_concurrency", "at least 1");
  if (dispatch.budget < 1 || dispatch.budget > 100) return InvalidField("delivery_budget", "1..100 attempts");
  // A lease shorter than a send's timeout (20 s) lets another worker send it again
  // while the first still is: more repeats, never a loss. Tests use a few seconds.
  if (dispatch.lease < absl::Seconds(5)) {
    return InvalidField("delivery_lease_seconds", "at least 5");
  }
  if (dispatch.pause_after_failures < 1) return InvalidField("endpoint_pause_after", "at least 1");
  return dispatch.window.Validate();
}

NotificationBundle::NotificationBundle(ServiceContext& ctx, const NotificationOptions& options)
    : options_(options),
      metrics_(NotificationMetrics::Register(ctx.metrics)),
      store_(ctx.pool, calendar::WorkingCalendar::Vietnam(), options.dispatch.window),
      consumer_(store_, MakeChannel(options.task_target), ctx.clock, metrics_.consumer, "notification"),
      policy_(options.webhook_allowed_hosts),
      recipients_(MakeChannel(options.directory_target)),
      webhook_(policy_, [this, &clock = ctx.clock](const std::string& url) { return store_.SecretsFor(url, clock.Now()); },
               ctx.clock),
      email_(options.smtp, ctx.clock),
      dispatcher_(store_, recipients_, webhook_, email_, calendar::WorkingCalendar::Vietnam(), ctx.clock, metrics_,
                  options.dispatch),
      service_(store_, calendar::WorkingCalendar::Vietnam(), policy_, ctx.clock, options.dispatch.budget),
      grpc_(service_) {}

absl::StatusOr<std::unique_ptr<NotificationBundle>> NotificationBundle::Create(ServiceContext& ctx,
                                                                               const NotificationOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  std::unique_ptr<NotificationBundle> bundle(new NotificationBundle(ctx, options));
  absl::StatusOr<int64_t> replanned = bundle->store_.ReplanAll();
  if (!replanned.ok()) return replanned.status();
  log::Info("notices planned again at start", {{"notices", std::to_string(*replanned)}});
  bundle->consumer_.Start();
  if (options.start_dispatcher) bundle->dispatcher_.Start();
  return bundle;
}

std::vector<NamedService> NotificationBundle::GrpcServices() {
  return {{pb::NotificationService::service_full_name(), &grpc_}};
}

void NotificationBundle::PrepareForShutdown() {
  consumer_.Stop();
  dispatcher_.Stop();
}

}  // namespace p06::notification
