// Bearer tokens for people, dashboards and other systems: JWTs (RFC 7519) signed with
// RS256 by an issuer whose public keys the gateway reads from a JWKS file (RFC 7517),
// checked with OpenSSL and nothing else:
//   - the algorithm is pinned: the header must say RS256 and the key (found by "kid")
//     must be an RSA key of at least 2048 bits declared for RS256. "none", HS256 signed
//     with the public key as a secret, and every other algorithm are refused;
//   - "exp" is required, "nbf" honoured, each with a small leeway for clock skew;
//   - "iss" must be the configured issuer and "aud" hold the configured audience;
//   - the principal is "sub", "p06_unit" ("units/{id}") and "p06_roles" (a list).
// Key rotation: the JWKS holds old and new keys side by side, told apart by "kid".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/grpc/principal.h"

namespace p06::gateway {

struct JwtPolicy {
  std::string issuer;
  std::string audience;
  absl::Duration leeway = absl::Seconds(30);
  size_t max_token_bytes = 8192;
};

class JwtVerifier {
 public:
  // INVALID_ARGUMENT naming the key for a JWKS that is not JSON, has no usable key, or
  // a key that is not RSA/RS256 of 2048 bits or more.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> FromJwks(const std::string& jwks_json, JwtPolicy policy);
  ~JwtVerifier();

  // The token's principal, or UNAUTHENTICATED saying what is wrong with it. A token
  // verified once is remembered (its exact bytes, up to kCacheEntries of them): later
  // requests with it skip the signature and JSON but still have exp and nbf checked
  // against `now`. The keys never change while the process runs, so a remembered
  // verdict cannot go stale but by time.
  absl::StatusOr<Principal> Verify(absl::string_view token, absl::Time now = absl::Now()) const;

  size_t key_count() const;

 private:
  struct Key;
  struct VerifiedToken {
    absl::Time expires;
    absl::Time not_before;
    Principal principal;
  };
  static constexpr size_t kCacheEntries = 4096;

  JwtVerifier() = default;
  absl::StatusOr<VerifiedToken> VerifyUncached(absl::string_view token, absl::Time now) const;

  std::vector<std::unique_ptr<Key>> keys_;
  JwtPolicy policy_;
  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, VerifiedToken> cache_ ABSL_GUARDED_BY(cache_mu_);
};

// What a token says, for minting (p06ctl token, tests).
struct TokenClaims {
  std::string issuer;
  std::string audience;
  std::string subject;
  std::string unit;
  std::vector<std::string> roles;
  absl::Time not_before = absl::InfinitePast();  // Omitted when infinite.
  absl::Time expires;
};

// An RS256 JWT over `claims` signed with the PEM private key `pem`, with header "kid".
absl::StatusOr<std::string> MintJwt(const std::string& pem, const std::string& kid, const TokenClaims& claims);

// The JWKS ({"keys": [...]}) with the public half of the PEM private key `pem`.
absl::StatusOr<std::string> JwksOfPrivateKey(const std::string& pem, const std::string& kid);

}  // namespace p06::gateway
