// What the reporting logic needs to know of the read model's consumer: up to when it
// is complete, and how far behind. ConsumerStatus reads the real consumer
// (common/events); tests may fake the interface.
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "common/events/event_consumer.h"
#include "common/grpc/proto_time.h"
#include "p06/reporting/v1/reporting.pb.h"

namespace p06::reporting {

class ReadModelStatus {
 public:
  virtual ~ReadModelStatus() = default;
  // Up to when the read model holds every committed event; unset: never complete.
  virtual std::optional<absl::Time> CompleteAsOf() = 0;
  // The lag as reports state it.
  virtual ::p06::reporting::v1::Lag Lag() = 0;
};

// The status of the service's EventConsumer.
class ConsumerStatus final : public ReadModelStatus {
 public:
  explicit ConsumerStatus(events::EventConsumer& consumer) : consumer_(consumer) {}
  std::optional<absl::Time> CompleteAsOf() override { return consumer_.CompleteAsOf(); }
  ::p06::reporting::v1::Lag Lag() override {
    const events::ConsumerLag in = consumer_.Lag();
    ::p06::reporting::v1::Lag lag;
    lag.set_event_cursor(in.cursor);
    lag.set_events_applied(in.events_applied);
    lag.set_caught_up(in.caught_up);
    if (in.events_behind) lag.set_events_behind(*in.events_behind);
    if (in.last_commit_time) {
      *lag.mutable_last_event_commit_time() = MicrosToProtoTimestamp(absl::ToUnixMicros(*in.last_commit_time));
    }
    if (!in.caught_up) lag.set_seconds_behind(in.seconds_behind);
    return lag;
  }

 private:
  events::EventConsumer& consumer_;
};

}  // namespace p06::reporting
