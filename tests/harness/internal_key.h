// Every test and benchmark process holds the suite's internal key, as a deployed
// service does, so that the principals its callers attach are believed
// (common/grpc/internal_proof.h). The key is also written to a file named by
// P06_INTERNAL_KEY_FILE, which the service binaries and p06ctl started by a test
// inherit.
#pragma once

#include <string>

namespace p06::testing {

// Idempotent; returns the key file's path.
const std::string& InstallTestInternalKey();

}  // namespace p06::testing
