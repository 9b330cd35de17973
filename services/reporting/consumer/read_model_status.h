// What the reporting logic needs to know of the read model's consumer: up to when it
// is complete, and how far behind. EventConsumer is the real one; tests may fake it.
#pragma once

#include <optional>

#include "absl/time/time.h"
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

}  // namespace p06::reporting
