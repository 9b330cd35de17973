// Proof that a principal in call metadata was put there by the gateway or by another
// process of the suite, not by whoever can reach a service's port.
//
// Each process of the suite has its own Ed25519 key and a name, its issuer: "gateway",
// "directory", "task", "reporting", "notification", and "operator" for p06ctl. Its
// keys directory (--internal_keys_dir / P06_INTERNAL_KEYS_DIR; deploy/run.sh makes
// one per process) holds
//   {self}.key              its own private key (PEM, `openssl genpkey -algorithm ed25519`)
//   {issuer}.pub            the public key of every process it believes
//   {issuer}.{tag}.pub      more keys of one issuer, while a key is rotated
// A call carries
//   x-p06-proof: v2.<issuer>.<audience>.<expiry, unix seconds>.<base64url signature>
// signed over "v2\n<issuer>\n<audience>\n<expiry>\n<subject>\n<unit>\n<roles>", beside
// x-p06-subject, x-p06-unit and x-p06-roles. AttachPrincipal sets the three headers;
// the channel's ProofInterceptor (proof_interceptor.h) signs them for the service the
// call goes to, the audience, read from the method ("/p06.task.v1.…" → "task"). The
// service checks the proof before it believes any header (PrincipalOf).
//
// - What an issuer may assert is limited by who it is (MayAssert): the gateway, which
//   authenticated the person or system, and the operator's p06ctl, anyone; every other
//   service only itself ("service:{issuer}", role system, no unit). A service that is
//   broken into can call the others as itself and as nobody else; with one key shared
//   by the whole suite (HMAC, before) it could make an Office principal.
// - A proof is for one audience: a service cannot pass on a proof it was sent (the
//   gateway's, for an Office caller) to another service.
// - A proof lives kProofLifetime (and up to a minute more, for clocks apart), so a
//   captured one is useless soon after; it binds the three headers, so none of them
//   can be changed under it; it is accepted in one spelling only.
//
// Signing costs tens of microseconds and verifying about a hundred, so each keyring
// reuses a proof it made less than kProofReuse ago and remembers the proofs it has
// verified (bounded). A caller sending forged proofs would make every one cost a
// verification: past kMaxFailedProofsPerSecond failed ones on one connection in a
// second, its proofs not already verified are refused unchecked (RESOURCE_EXHAUSTED,
// retry in a second) until the next second. Counted by connection, not address: a
// forger on the gateway's host cannot shut the gateway's connections out, and must
// open a connection (a handshake's cost) for every few forgeries. A proof of the suite
// never fails, so a connection over the limit is forging, or its keys are not the
// ones believed here.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace p06 {

inline constexpr char kProofHeader[] = "x-p06-proof";
// How a process without keys refuses every principal.
inline constexpr char kNoInternalKeys[] = "this service has no internal keys and trusts no caller";
inline constexpr absl::Duration kProofLifetime = absl::Minutes(5);
inline constexpr absl::Duration kProofReuse = absl::Minutes(1);
inline constexpr int kMaxFailedProofsPerSecond = 20;

// The issuers that may assert any principal.
inline constexpr char kGatewayIssuer[] = "gateway";
inline constexpr char kOperatorIssuer[] = "operator";

// An issuer's (and an audience's) name: 1..32 of [a-z0-9-], so that it fits a file
// name and a proof.
bool IsValidIssuer(absl::string_view issuer);

// The process a method is served by: "/p06.task.v1.TaskService/GetTask" → "task",
// "/p06.dashboard.v1.…" → "gateway"; "" for a method outside the suite's packages.
std::string AudienceOfMethod(absl::string_view method);

// OK when `issuer` may assert (subject, unit, roles); UNAUTHENTICATED saying what it
// may assert otherwise.
absl::Status MayAssert(absl::string_view issuer, absl::string_view subject, absl::string_view unit,
                       absl::string_view roles);

// One process's keys: its own, to sign, and the public keys of the issuers it believes.
// Thread-safe.
class Keyring {
 public:
  // `self_pem` is this process's private key; `public_pems` maps each issuer to its
  // public keys (PEM). This process's own public key is believed without being listed;
  // listed, one of its keys must be it. `audiences`: the services this process serves,
  // whose proofs it accepts (empty: `self` alone; a test process serves them all).
  // INVALID_ARGUMENT naming the issuer when a key is not Ed25519 PEM.
  static absl::StatusOr<std::unique_ptr<Keyring>> FromPem(
      std::string self, absl::string_view self_pem, const std::map<std::string, std::vector<std::string>>& public_pems,
      std::vector<std::string> audiences = {});
  // The keys directory described above. INVALID_ARGUMENT naming the directory or file:
  // a missing directory or {self}.key, an unreadable or malformed key, a badly named
  // .pub file, a {self}.pub that is not {self}.key's.
  static absl::StatusOr<std::unique_ptr<Keyring>> LoadDirectory(const std::string& dir, std::string self,
                                                                std::vector<std::string> audiences = {});
  ~Keyring();

  const std::string& self() const { return self_; }
  // The proof of (subject, unit, roles) by this process for `audience`, valid until
  // `now` + kProofLifetime (or a little less: one made less than kProofReuse ago is
  // reused). "" for a field holding a newline or an invalid audience.
  std::string Sign(absl::string_view audience, absl::string_view subject, absl::string_view unit,
                   absl::string_view roles, absl::Time now = absl::Now()) const;
  // UNAUTHENTICATED saying why when `proof` does not prove these headers to this
  // process now; RESOURCE_EXHAUSTED when `peer` (the caller's connection, as gRPC
  // names it: "ipv4:10.0.0.7:51234"; "": not known, never limited) is over
  // kMaxFailedProofsPerSecond and the proof is not one verified before.
  absl::Status Verify(absl::string_view proof, absl::string_view subject, absl::string_view unit,
                      absl::string_view roles, absl::Time now = absl::Now(), absl::string_view peer = "") const;

 private:
  struct Key;
  struct Signed {
    std::string proof;
    absl::Time at;
  };
  struct Failures {
    int64_t second = 0;  // Unix seconds.
    int count = 0;
  };
  Keyring() = default;

  std::string self_;
  std::vector<std::string> audiences_;
  std::unique_ptr<Key> private_key_;
  std::map<std::string, std::vector<std::unique_ptr<Key>>, std::less<>> public_keys_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Signed> signed_ ABSL_GUARDED_BY(mu_);
  mutable absl::flat_hash_set<std::string> verified_ ABSL_GUARDED_BY(mu_);
  mutable absl::flat_hash_map<std::string, Failures> failures_ ABSL_GUARDED_BY(mu_);  // By connection.
};

// The process's keyring, used by AttachPrincipal and PrincipalOf. Installed once at
// start, before any call is served or made.
absl::Status InstallInternalKeys(const std::string& dir, std::string self, std::vector<std::string> audiences = {});
void InstallKeyring(std::unique_ptr<Keyring> keyring);
bool HasInternalKeys();

// As Keyring::Sign and Verify with the installed keyring. Sign gives "" and Verify
// UNAUTHENTICATED when none is installed.
std::string SignPrincipal(absl::string_view audience, absl::string_view subject, absl::string_view unit,
                          absl::string_view roles, absl::Time now = absl::Now());
absl::Status VerifyPrincipal(absl::string_view proof, absl::string_view subject, absl::string_view unit,
                             absl::string_view roles, absl::Time now = absl::Now(), absl::string_view peer = "");

}  // namespace p06
