#include "common/grpc/stream_slots.h"

#include "absl/strings/str_cat.h"

namespace p06 {

absl::StatusOr<StreamSlots::Slot> StreamSlots::Take() {
  if (held_.fetch_add(1, std::memory_order_acq_rel) >= max_) {
    held_.fetch_sub(1, std::memory_order_acq_rel);
    refused_.Increment();
    return absl::ResourceExhaustedError(
        absl::StrCat("this server already holds ", max_, " streams; retry later or on another replica"));
  }
  open_.Increment();
  return Slot(this);
}

void StreamSlots::Release() {
  held_.fetch_sub(1, std::memory_order_acq_rel);
  open_.Decrement();
}

}  // namespace p06
