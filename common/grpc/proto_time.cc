#include "common/grpc/proto_time.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/grpc/status_mapping.h"

namespace p06 {

p06::type::v1::Date ToProtoDate(absl::CivilDay day) {
  p06::type::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::StatusOr<absl::CivilDay> FromProtoDate(const p06::type::v1::Date& d, absl::string_view field) {
  if (d.year() < 1 || d.year() > 9999 || d.month() < 1 || d.month() > 12 || d.day() < 1 || d.day() > 31) {
    return InvalidField(field, "must be a calendar date with year, month and day set");
  }
  absl::CivilDay day(d.year(), d.month(), d.day());
  // CivilDay normalises 2025-02-30 to 2025-03-02; a real date survives unchanged.
  if (day.month() != d.month() || day.day() != d.day()) {
    return InvalidField(field, absl::StrFormat("%04d-%02d-%02d is not a calendar date", d.year(), d.month(), d.day()));
  }
  return day;
}

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

bool ParseIsoDate(absl::string_view text, absl::CivilDay* day) {
  return absl::ParseCivilTime(text, day) && FormatIsoDate(*day) == text;
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t) { return MicrosToProtoTimestamp(absl::ToUnixMicros(t)); }

google::protobuf::Timestamp MicrosToProtoTimestamp(int64_t unix_micros) {
  google::protobuf::Timestamp ts;
  int64_t seconds = unix_micros / 1000000;
  int64_t micros = unix_micros % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(micros * 1000));
  return ts;
}

}  // namespace p06
