// Proof that a principal in call metadata was put there by the gateway or by another
// service of the suite, not by whoever can reach a service's port.
//
// Every process of the suite is configured with one internal key (32 random bytes,
// hex, in the file named by --internal_key_file / P06_INTERNAL_KEY_FILE; deploy/run.sh
// creates it). The caller adds
//   x-p06-proof: v1.<expiry, unix seconds>.<hex HMAC-SHA256(key, the principal and expiry)>
// beside x-p06-subject, x-p06-unit and x-p06-roles (AttachPrincipal does it), and the
// service checks it before it believes any of them (PrincipalOf). A proof lives
// kProofLifetime, so a captured one is useless soon after; it binds the three headers,
// so none of them can be changed under it.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace p06 {

inline constexpr char kProofHeader[] = "x-p06-proof";
inline constexpr absl::Duration kProofLifetime = absl::Minutes(5);

// Installs the process's key from `path` (64 hex digits, surrounding whitespace
// ignored). INVALID_ARGUMENT naming the file when it is missing or malformed. Called
// once at start, before any call is served or made.
absl::Status InstallInternalKeyFile(const std::string& path);
// As above from the key's bytes (at least 16); for tests.
void InstallInternalKey(std::string key);
bool HasInternalKey();

// The proof of (subject, unit, roles), valid until `now` + kProofLifetime. Empty when no
// key is installed.
std::string SignPrincipal(absl::string_view subject, absl::string_view unit, absl::string_view roles,
                          absl::Time now = absl::Now());
// UNAUTHENTICATED saying why when `proof` does not prove these headers now.
absl::Status VerifyPrincipal(absl::string_view proof, absl::string_view subject, absl::string_view unit,
                             absl::string_view roles, absl::Time now = absl::Now());

}  // namespace p06
