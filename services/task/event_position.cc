#include "services/task/event_position.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/status_mapping.h"

namespace p06::task {

std::string FormatCursor(const EventPosition& position) { return absl::StrCat(position.xid, ".", position.seq); }

namespace {

// What FormatCursor writes for a number: decimal digits, no sign, space or leading zero
// (SimpleAtoi alone also takes " 1", "+1" and "01").
bool IsCanonicalNumber(absl::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<EventPosition> ParseCursor(absl::string_view cursor, absl::string_view field) {
  EventPosition position;
  if (cursor.empty()) return position;
  const size_t dot = cursor.find('.');
  if (dot == absl::string_view::npos || !IsCanonicalNumber(cursor.substr(0, dot)) ||
      !IsCanonicalNumber(cursor.substr(dot + 1)) || !absl::SimpleAtoi(cursor.substr(0, dot), &position.xid) ||
      !absl::SimpleAtoi(cursor.substr(dot + 1), &position.seq) || position.xid < 0 || position.seq < 0) {
    return InvalidField(field, "not a cursor of an event; pass Event.cursor as received");
  }
  return position;
}

}  // namespace p06::task
