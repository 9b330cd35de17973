// Conversions between p06.type.v1.Date / google.protobuf.Timestamp and Abseil time.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "p06/type/v1/date.pb.h"

namespace p06 {

p06::type::v1::Date ToProtoDate(absl::CivilDay day);

// INVALID_ARGUMENT naming `field` unless the date is a real calendar date.
absl::StatusOr<absl::CivilDay> FromProtoDate(const p06::type::v1::Date& date, absl::string_view field);

// True when no part of the date is set (the proto default).
inline bool IsUnset(const p06::type::v1::Date& d) { return d.year() == 0 && d.month() == 0 && d.day() == 0; }

// "2025-03-31" ↔ CivilDay. ParseIsoDate returns false on anything else.
std::string FormatIsoDate(absl::CivilDay day);
bool ParseIsoDate(absl::string_view text, absl::CivilDay* day);

// The day of a date already checked (stored, or produced by this suite): no
// validation. Use FromProtoDate for a caller's date.
inline absl::CivilDay CivilDayOf(const p06::type::v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);
google::protobuf::Timestamp MicrosToProtoTimestamp(int64_t unix_micros);
inline int64_t ProtoTimestampToMicros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

}  // namespace p06
