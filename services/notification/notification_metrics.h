// The notification service's own metrics, declared in one place beside the common
// ones (grpc_server_*, p06_db_pool_*, p06_build_info). tests/golden/notification_metrics.txt
// lists the names a scrape must show.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "common/events/event_consumer.h"
#include "p06/notification/v1/notification.pb.h"

namespace p06::notification {

struct NotificationMetrics {
  events::ConsumerMetrics consumer;                            // notification_events_*, notification_event_*
  prometheus::Family<prometheus::Counter>& deliveries;         // notification_deliveries_total{channel,outcome}
  prometheus::Counter& retries;                                // notification_delivery_retries_total
  prometheus::Gauge& queue_depth;                              // notification_delivery_queue_depth
  prometheus::Gauge& oldest_pending_age;                       // notification_oldest_pending_delivery_age_seconds
  prometheus::Histogram& delivery_latency;                     // notification_delivery_latency_seconds
  prometheus::Family<prometheus::Counter>& notices;            // notification_notices_total{outcome}
  prometheus::Counter& notifications_created;                  // notification_notifications_created_total

  // outcome: "delivered", "retry", "failed".
  prometheus::Counter& Delivery(v1::Channel channel, const std::string& outcome);

  static NotificationMetrics Register(prometheus::Registry& registry);
};

}  // namespace p06::notification
