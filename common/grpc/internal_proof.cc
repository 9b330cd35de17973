#include "common/grpc/internal_proof.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <atomic>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/file.h"

namespace p06 {
namespace {

// Written once at start-up, before any thread reads it; never freed while calls run.
std::atomic<const std::string*> g_key{nullptr};

// HMAC-SHA256 under `key`. One-shot HMAC() looks the algorithm up in OpenSSL 3's
// provider tables on every call (7% of a GetTask in a profile): each thread keeps a
// context keyed once and only re-initialises it.
std::string Mac(const std::string& key, absl::string_view message) {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  struct ThreadContext {
    const std::string* key = nullptr;
    EVP_MAC_CTX* ctx = nullptr;
    ~ThreadContext() { EVP_MAC_CTX_free(ctx); }
  };
  thread_local ThreadContext t;
  bool ready = false;
  if (t.key == &key && t.ctx != nullptr) {
    ready = EVP_MAC_init(t.ctx, nullptr, 0, nullptr) == 1;  // The key set before is kept.
  } else {
    EVP_MAC_CTX_free(t.ctx);
    t.ctx = EVP_MAC_CTX_new(hmac);
    t.key = &key;
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
    ready = t.ctx != nullptr &&
            EVP_MAC_init(t.ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1;
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!ready || EVP_MAC_update(t.ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      EVP_MAC_final(t.ctx, out, &len, sizeof out) != 1) {
    t.key = nullptr;  // Start afresh next time; this proof matches nothing.
    return "";
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(out), len));
}

std::string Message(int64_t expiry, absl::string_view subject, absl::string_view unit, absl::string_view roles) {
  // Newlines cannot occur in metadata values, so the fields cannot run into each other.
  return absl::StrCat("v1\n", expiry, "\n", subject, "\n", unit, "\n", roles);
}

}  // namespace

void InstallInternalKey(std::string key) {
  // A replaced key is leaked on purpose: a call in flight may still be reading it.
  g_key.store(new std::string(std::move(key)), std::memory_order_release);
}

bool HasInternalKey() { return g_key.load(std::memory_order_acquire) != nullptr; }

absl::Status InstallInternalKeyFile(const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "internal_key_file: required (--internal_key_file or P06_INTERNAL_KEY_FILE; deploy/run.sh creates one)");
  }
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return absl::InvalidArgumentError(absl::StrCat("internal_key_file: ", text.status().message()));
  std::string hex(absl::StripAsciiWhitespace(*text));
  bool is_hex = hex.size() == 64;
  for (char c : hex) is_hex = is_hex && absl::ascii_isxdigit(static_cast<unsigned char>(c));
  if (!is_hex) return absl::InvalidArgumentError(absl::StrCat("internal_key_file: ", path, " must hold 64 hex digits"));
  InstallInternalKey(absl::HexStringToBytes(hex));
  return absl::OkStatus();
}

std::string SignPrincipal(absl::string_view subject, absl::string_view unit, absl::string_view roles, absl::Time now) {
  const std::string* key = g_key.load(std::memory_order_acquire);
  if (key == nullptr) return "";
  const int64_t expiry = absl::ToUnixSeconds(now + kProofLifetime);
  return absl::StrCat("v1.", expiry, ".", Mac(*key, Message(expiry, subject, unit, roles)));
}

absl::Status VerifyPrincipal(absl::string_view proof, absl::string_view subject, absl::string_view unit,
                             absl::string_view roles, absl::Time now) {
  const std::string* key = g_key.load(std::memory_order_acquire);
  if (key == nullptr) return absl::UnauthenticatedError("this service has no internal key and trusts no caller");
  if (proof.empty()) {
    return absl::UnauthenticatedError(
        "x-p06-proof: missing; principal headers are believed only from the gateway or another service");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(proof, '.');
  int64_t expiry = 0;
  if (parts.size() != 3 || parts[0] != "v1" || !absl::SimpleAtoi(parts[1], &expiry)) {
    return absl::UnauthenticatedError("x-p06-proof: malformed");
  }
  const std::string expected = Mac(*key, Message(expiry, subject, unit, roles));
  if (expected.empty() || parts[2].size() != expected.size() || CRYPTO_memcmp(parts[2].data(), expected.data(), expected.size()) != 0) {
    return absl::UnauthenticatedError("x-p06-proof: does not match the principal headers");
  }
  if (absl::FromUnixSeconds(expiry) < now) return absl::UnauthenticatedError("x-p06-proof: expired");
  if (absl::FromUnixSeconds(expiry) > now + kProofLifetime + absl::Minutes(1)) {
    return absl::UnauthenticatedError("x-p06-proof: expires too far in the future");
  }
  return absl::OkStatus();
}

}  // namespace p06
