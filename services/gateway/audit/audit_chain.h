// The audit log's hash chain, pure: what an entry's hash is made of.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace p06::gateway {

struct AuditRecord {
  int64_t seq = 0;
  absl::Time time;  // Kept to the microsecond, as PostgreSQL stores it.
  std::string subject;
  std::string unit;
  std::string roles;  // Comma-separated.
  std::string method;
  std::string resource;
  std::string code;
  std::string request_id;
  std::string remote_address;
  std::string http_method;
  int http_status = 0;
  // The client certificate's subject (RFC 2253) of a call on the mutual-TLS port.
  std::string client_certificate;
  // kStageReceived for the entry written before a mutation is forwarded; "" for an
  // outcome (every entry written after the answer, and every row from before stages).
  std::string stage;
  // For the outcome of a forwarded mutation: the seq of its kStageReceived entry.
  int64_t received_seq = 0;
  std::string prev_hash;
  std::string hash;
};

inline constexpr char kStageReceived[] = "received";

// The hash of the first entry's predecessor.
inline constexpr char kGenesisHash[] = "0000000000000000000000000000000000000000000000000000000000000000";

// Hex SHA-256 over prev_hash and every field, each length-prefixed so that no two
// different records hash alike by moving bytes between fields.
std::string AuditHash(const AuditRecord& r);

}  // namespace p06::gateway
