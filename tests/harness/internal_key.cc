#include "tests/harness/internal_key.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/grpc/internal_proof.h"

namespace p06::testing {
namespace {

std::string Drain(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

// Without keys no test could call a service: stop at once, saying why.
void Require(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "test internal keys: %s\n", what.c_str());
  std::abort();
}

// Made new, readable by this user only from the start.
void WriteFile(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  Require(fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()), "cannot write " + path);
  close(fd);
}

const char* const kProcesses[] = {kGatewayIssuer, "directory", "task", "reporting", "notification", kOperatorIssuer};

}  // namespace

InternalKeyPair NewInternalKeyPair() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  Require(key != nullptr, "OpenSSL cannot make an Ed25519 key");
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  Require(PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr) == 1 &&
              PEM_write_bio_PUBKEY(pub, key) == 1,
          "OpenSSL cannot write a key as PEM");
  EVP_PKEY_free(key);
  return InternalKeyPair{.private_pem = Drain(priv), .public_pem = Drain(pub)};
}

const std::string& InstallTestInternalKeys() {
  static const std::string* dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    // A directory of its own (mode 0700): nobody can have planted a key in it.
    std::string templ = absl::StrCat(tmp ? tmp : "/tmp", "/p06-test-keys-XXXXXX");
    Require(mkdtemp(templ.data()) != nullptr, "cannot make a directory like " + templ);
    auto* path = new std::string(templ);
    for (const char* issuer : kProcesses) {
      const InternalKeyPair pair = NewInternalKeyPair();
      WriteFile(absl::StrCat(*path, "/", issuer, ".key"), pair.private_pem);
      WriteFile(absl::StrCat(*path, "/", issuer, ".pub"), pair.public_pem);
    }
    // The test process serves every service (in-process servers): it accepts proofs
    // made for any of them.
    absl::Status installed = InstallInternalKeys(*path, kOperatorIssuer, {std::begin(kProcesses), std::end(kProcesses)});
    Require(installed.ok(), installed.ToString());
    setenv("P06_INTERNAL_KEYS_DIR", path->c_str(), 1);
    // Removed at exit: the services started by the test have read it by then.
    std::atexit([] { std::filesystem::remove_all(*dir); });
    return path;
  }();
  return *dir;
}

}  // namespace p06::testing
