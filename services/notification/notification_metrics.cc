#include "services/notification/notification_metrics.h"

#include "absl/strings/ascii.h"

namespace p06::notification {

prometheus::Counter& NotificationMetrics::Delivery(v1::Channel channel, const std::string& outcome) {
  std::string name = absl::AsciiStrToLower(v1::Channel_Name(channel));
  if (name.rfind("channel_", 0) == 0) name = name.substr(8);
  return deliveries.Add({{"channel", name}, {"outcome", outcome}});
}

NotificationMetrics NotificationMetrics::Register(prometheus::Registry& registry) {
  NotificationMetrics m{
      .consumer = events::ConsumerMetrics::Register(registry, "notification"),
      .deliveries = prometheus::BuildCounter()
                        .Name("notification_deliveries_total")
                        .Help("Delivery attempts by channel and outcome (delivered, retry, failed).")
                        .Register(registry),
      .retries = prometheus::BuildCounter()
                     .Name("notification_delivery_retries_total")
                     .Help("Attempts that failed and were scheduled again.")
                     .Register(registry)
                     .Add({}),
      .queue_depth = prometheus::BuildGauge()
                         .Name("notification_delivery_queue_depth")
                         .Help("Deliveries due and not yet delivered or failed.")
                         .Register(registry)
                         .Add({}),
      .oldest_pending_age = prometheus::BuildGauge()
                                .Name("notification_oldest_pending_delivery_age_seconds")
                                .Help("Age of the oldest due delivery still pending; 0 when none.")
                                .Register(registry)
                                .Add({}),
      .delivery_latency = prometheus::BuildHistogram()
                              .Name("notification_delivery_latency_seconds")
                              .Help("From a notice's fire time to its delivery.")
                              .Register(registry)
                              .Add({}, prometheus::Histogram::BucketBoundaries{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
                                                                                60, 300, 3600}),
      .notices = prometheus::BuildCounter()
                     .Name("notification_notices_total")
                     .Help("Due notices settled, by outcome (fired, superseded).")
                     .Register(registry),
      .notifications_created = prometheus::BuildCounter()
                                   .Name("notification_notifications_created_total")
                                   .Help("Notifications made when notices fired (one per unit).")
                                   .Register(registry)
                                   .Add({}),
  };
  // Every series exists from the start, so that a scrape shows them before traffic.
  for (v1::Channel c : {v1::CHANNEL_EMAIL, v1::CHANNEL_WEBHOOK}) {
    for (const char* outcome : {"delivered", "retry", "failed"}) m.Delivery(c, outcome);
  }
  m.notices.Add({{"outcome", "fired"}});
  m.notices.Add({{"outcome", "superseded"}});
  return m;
}

}  // namespace p06::notification
