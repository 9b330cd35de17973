#include "tests/harness/internal_key.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/internal_proof.h"

namespace p06::testing {

const std::string& InstallTestInternalKey() {
  static const std::string* path = [] {
    absl::BitGen gen;
    std::string key(32, '\0');
    for (char& c : key) c = static_cast<char>(absl::Uniform<unsigned>(gen, 0, 256));
    const char* tmp = std::getenv("TMPDIR");
    auto* file = new std::string(absl::StrCat(tmp ? tmp : "/tmp", "/p06-test-internal-", getpid(), ".key"));
    std::ofstream(*file) << absl::BytesToHexString(key) << "\n";
    InstallInternalKey(key);
    setenv("P06_INTERNAL_KEY_FILE", file->c_str(), 1);
    // Removed at exit: the services started by the test have read it by then.
    std::atexit([] { unlink(path->c_str()); });
    return file;
  }();
  return *path;
}

}  // namespace p06::testing
