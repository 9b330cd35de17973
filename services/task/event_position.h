// A position in the event stream, and its cursor text.
//
// Events are ordered by the id of the transaction that wrote them (xid), then by
// their sequence number within it; see schema/004_outbox_by_transaction.sql for why
// that order never skips an event and agrees with commit order for changes to the
// same task or plan.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06::task {

struct EventPosition {
  int64_t xid = 0;  // PostgreSQL's xid8, below 2^63.
  int64_t seq = 0;
  friend bool operator==(const EventPosition&, const EventPosition&) = default;
  friend auto operator<=>(const EventPosition&, const EventPosition&) = default;
};

// "xid.seq", as Event.cursor carries it.
std::string FormatCursor(const EventPosition& position);
// The start of the stream for an empty cursor; INVALID_ARGUMENT naming `field` for a
// text that FormatCursor did not make.
absl::StatusOr<EventPosition> ParseCursor(absl::string_view cursor, absl::string_view field);

}  // namespace p06::task
