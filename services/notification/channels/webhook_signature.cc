#include "services/notification/channels/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace p06::notification {
namespace {

constexpr absl::string_view kSecretPrefix = "whsec_";
constexpr int kSecretBytes = 32;

// The key bytes of a "whsec_<base64>" secret. The error never quotes the secret.
absl::StatusOr<std::string> SecretKey(absl::string_view secret) {
  if (!absl::StartsWith(secret, kSecretPrefix)) {
    return absl::InvalidArgumentError("webhook secret must start with whsec_");
  }
  std::string key;
  if (!absl::Base64Unescape(secret.substr(kSecretPrefix.size()), &key) || key.empty()) {
    return absl::InvalidArgumentError("webhook secret must be whsec_ followed by base64");
  }
  return key;
}

}  // namespace

absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view id, int64_t timestamp,
                                        absl::string_view body) {
  absl::StatusOr<std::string> key = SecretKey(secret);
  if (!key.ok()) return key.status();
  const std::string content = absl::StrCat(id, ".", timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(content.data());
  if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()), data, content.size(), mac, &mac_size) == nullptr) {
    return absl::InternalError("HMAC-SHA256 failed");
  }
  return absl::StrCat("v1,", absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(mac), mac_size)));
}

absl::StatusOr<std::string> SignatureHeader(const std::vector<std::string>& secrets, absl::string_view id,
                                            int64_t timestamp, absl::string_view body) {
  if (secrets.empty()) return absl::FailedPreconditionError("no webhook secret to sign with");
  std::vector<std::string> signatures;
  signatures.reserve(secrets.size());
  for (const std::string& secret : secrets) {
    absl::StatusOr<std::string> signature = SignWebhook(secret, id, timestamp, body);
    if (!signature.ok()) return signature.status();
    signatures.push_back(*std::move(signature));
  }
  return absl::StrJoin(signatures, " ");
}

std::string NewWebhookSecret() {
  unsigned char key[kSecretBytes];
  // RAND_bytes fails only when the system has no entropy to give; a guessable secret
  // would be worse than stopping.
  if (RAND_bytes(key, kSecretBytes) != 1) std::abort();
  return absl::StrCat(kSecretPrefix,
                      absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(key), kSecretBytes)));
}

}  // namespace p06::notification
