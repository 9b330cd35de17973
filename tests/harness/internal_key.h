// Every test and benchmark process holds internal keys, as a deployed process does, so
// that the principals its callers attach are believed (common/grpc/internal_proof.h).
// A temporary keys directory holds a key pair for each process of the suite; the test
// process signs as the operator (it may assert any principal) and, as it serves every
// service in-process, accepts proofs made for any of them. The directory is named
// by P06_INTERNAL_KEYS_DIR, which the service binaries and p06ctl started by a test
// inherit, each signing with its own key from it.
#pragma once

#include <string>

namespace p06::testing {

struct InternalKeyPair {
  std::string private_pem;
  std::string public_pem;
};
// A new Ed25519 key pair in PEM, as `openssl genpkey -algorithm ed25519` makes.
InternalKeyPair NewInternalKeyPair();

// Idempotent; returns the keys directory's path.
const std::string& InstallTestInternalKeys();

}  // namespace p06::testing
