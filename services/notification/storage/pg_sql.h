// Small SQL helpers shared by the store's two halves (pg_schedule.cc, pg_outbox.cc).
#pragma once

#include <pqxx/pqxx>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/grpc/proto_time.h"

namespace p06::notification::pg {

// A timestamptz parameter from Unix microseconds: to_timestamp($n::float8 / 1e6).
inline std::string Ts(int n) { return absl::StrFormat("to_timestamp($%d::double precision / 1000000)", n); }
// A timestamptz column as Unix microseconds (bigint).
inline std::string Us(const std::string& column) {
  return absl::StrFormat("(extract(epoch FROM %s) * 1000000)::bigint", column);
}
inline int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
inline std::optional<absl::Time> TimeField(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}
inline void SetTimestamp(const pqxx::field& f, google::protobuf::Timestamp* out) {
  if (!f.is_null()) *out = MicrosToProtoTimestamp(f.as<int64_t>());
}

}  // namespace p06::notification::pg
