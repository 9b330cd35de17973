#include "common/grpc/internal_proof.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/file.h"
#include "common/base/status_macros.h"

namespace p06 {
namespace {

constexpr size_t kSignatureBytes = 64;  // Ed25519.
constexpr size_t kSignatureChars = 86;  // Its unpadded base64url.
// Past this many, a cache is emptied and starts again: a flood of distinct principals
// costs signatures, never memory.
constexpr size_t kMaxCached = 10000;

// Written once at start-up, before any thread reads it; never freed while calls run.
std::atomic<const Keyring*> g_keyring{nullptr};

std::string Message(absl::string_view issuer, absl::string_view audience, int64_t expiry, absl::string_view subject,
                    absl::string_view unit, absl::string_view roles) {
  return absl::StrCat("v2\n", issuer, "\n", audience, "\n", expiry, "\n", subject, "\n", unit, "\n", roles);
}

// One spelling per proof: the expiry in plain digits, the signature in exactly its 86
// base64url characters. Else one proof would have many spellings, each a new entry
// in the cache of verified proofs.
bool CanonicalExpiry(absl::string_view text, int64_t* expiry) {
  if (text.empty() || text.size() > 12 || text[0] == '0') return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, expiry);
}

bool CanonicalSignature(absl::string_view text, std::string* bytes) {
  return text.size() == kSignatureChars && absl::WebSafeBase64Unescape(text, bytes) &&
         bytes->size() == kSignatureBytes && absl::WebSafeBase64Escape(*bytes) == text;
}

// Newlines separate the signed fields: one inside a field could make two principals
// sign alike. Metadata cannot carry them, so only a caller's bug puts one here.
bool OneLine(absl::string_view a, absl::string_view b, absl::string_view c) {
  for (absl::string_view s : {a, b, c}) {
    if (absl::StrContains(s, '\n') || absl::StrContains(s, '\r')) return false;
  }
  return true;
}

}  // namespace

struct Keyring::Key {
  explicit Key(EVP_PKEY* k) : pkey(k) {}
  ~Key() { EVP_PKEY_free(pkey); }
  EVP_PKEY* pkey;
};

namespace {

bool IsEd25519(EVP_PKEY* k) { return k != nullptr && EVP_PKEY_id(k) == EVP_PKEY_ED25519; }

// An encrypted key is refused, not prompted for on the terminal.
int NoPassword(char*, int, int, void*) { return 0; }

EVP_PKEY* ReadPem(absl::string_view pem, bool private_key) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  EVP_PKEY* k = private_key ? PEM_read_bio_PrivateKey(bio, nullptr, NoPassword, nullptr)
                            : PEM_read_bio_PUBKEY(bio, nullptr, NoPassword, nullptr);
  BIO_free(bio);
  if (!IsEd25519(k)) {
    EVP_PKEY_free(k);
    ERR_clear_error();  // Left on this thread's queue, it would be blamed on a later call.
    return nullptr;
  }
  return k;
}

// INVALID_ARGUMENT unless `name` can name an issuer or an audience: it becomes a file
// name and a part of every proof.
absl::Status CheckIssuerName(absl::string_view name) {
  if (IsValidIssuer(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("internal keys: \"", name, "\" is no issuer name ([a-z0-9-]{1,32})"));
}

// The public half of an Ed25519 private key.
EVP_PKEY* PublicOf(EVP_PKEY* private_key) {
  unsigned char raw[32];
  size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(private_key, raw, &len) != 1) return nullptr;
  return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw, len);
}

}  // namespace

bool IsValidIssuer(absl::string_view issuer) {
  if (issuer.empty() || issuer.size() > 32) return false;
  for (char c : issuer) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) && !absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        c != '-') {
      return false;
    }
  }
  return true;
}

std::string AudienceOfMethod(absl::string_view method) {
  // "/p06.{package}.v1.{Service}/{Method}": a package is its process's, but for the
  // dashboards' joined reads, which the gateway serves (services/gateway/aggregate).
  if (!absl::ConsumePrefix(&method, "/p06.")) return "";
  const absl::string_view package = method.substr(0, method.find('.'));
  if (!IsValidIssuer(package) || package.size() == method.size()) return "";
  return package == "dashboard" ? kGatewayIssuer : std::string(package);
}

absl::Status MayAssert(absl::string_view issuer, absl::string_view subject, absl::string_view unit,
                       absl::string_view roles) {
  if (issuer == kGatewayIssuer || issuer == kOperatorIssuer) return absl::OkStatus();
  if (subject == absl::StrCat("service:", issuer) && unit.empty() && roles == "system") return absl::OkStatus();
  return absl::UnauthenticatedError(absl::StrCat("x-p06-proof: issuer ", issuer, " may assert only service:", issuer,
                                                 " with role system and no unit"));
}

Keyring::~Keyring() = default;

absl::StatusOr<std::unique_ptr<Keyring>> Keyring::FromPem(
    std::string self, absl::string_view self_pem, const std::map<std::string, std::vector<std::string>>& public_pems,
    std::vector<std::string> audiences) {
  RETURN_IF_ERROR(CheckIssuerName(self));
  for (const std::string& name : audiences) RETURN_IF_ERROR(CheckIssuerName(name));
  if (audiences.empty()) audiences.push_back(self);
  std::unique_ptr<Keyring> ring(new Keyring());
  ring->self_ = std::move(self);
  ring->audiences_ = std::move(audiences);
  EVP_PKEY* own = ReadPem(self_pem, /*private_key=*/true);
  if (own == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("internal keys: ", ring->self_, ".key is no Ed25519 private key in PEM"));
  }
  ring->private_key_ = std::make_unique<Key>(own);
  EVP_PKEY* own_public = PublicOf(own);
  if (own_public == nullptr) return absl::InternalError("internal keys: cannot derive this process's public key");
  auto own_listed = std::make_unique<Key>(own_public);
  for (const auto& [issuer, pems] : public_pems) {
    RETURN_IF_ERROR(CheckIssuerName(issuer));
    for (const std::string& pem : pems) {
      EVP_PKEY* k = ReadPem(pem, /*private_key=*/false);
      if (k == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("internal keys: a key of ", issuer, " is no Ed25519 public key in PEM"));
      }
      ring->public_keys_[issuer].push_back(std::make_unique<Key>(k));
    }
  }
  // Its own .pub listed and none of them its key: the others believe a key this process
  // no longer has (a .key made anew, its .pub left behind).
  auto& own_keys = ring->public_keys_[ring->self_];
  if (!own_keys.empty() && std::none_of(own_keys.begin(), own_keys.end(), [&](const std::unique_ptr<Key>& k) {
        return EVP_PKEY_eq(k->pkey, own_listed->pkey) == 1;
      })) {
    return absl::InvalidArgumentError(absl::StrCat("internal keys: ", ring->self_, ".pub is not the public key of ",
                                                   ring->self_, ".key: make it again from the .key"));
  }
  own_keys.push_back(std::move(own_listed));
  return ring;
}

absl::StatusOr<std::unique_ptr<Keyring>> Keyring::LoadDirectory(const std::string& dir, std::string self,
                                                                std::vector<std::string> audiences) {
  namespace fs = std::filesystem;
  if (dir.empty()) {
    return absl::InvalidArgumentError(
        "internal_keys_dir: required (--internal_keys_dir or P06_INTERNAL_KEYS_DIR; deploy/run.sh makes one)");
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return absl::InvalidArgumentError(absl::StrCat("internal_keys_dir: ", dir, " is no directory"));
  RETURN_IF_ERROR(CheckIssuerName(self));  // Before it names a file to read.
  const std::string own_file = (fs::path(dir) / (self + ".key")).string();
  absl::StatusOr<std::string> own = ReadFileToString(own_file);
  if (!own.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("internal_keys_dir: this process's key ", own_file, ": ", own.status().message()));
  }
  std::map<std::string, std::vector<std::string>> public_pems;
  // Stepped with an error code: a range-for's ++ would throw instead.
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    if (!absl::EndsWith(name, ".pub")) continue;
    const std::string issuer(absl::string_view(name).substr(0, name.find('.')));
    if (!IsValidIssuer(issuer)) {
      return absl::InvalidArgumentError(
          absl::StrCat("internal_keys_dir: ", entry.path().string(), ": the name must be {issuer}.pub or {issuer}.{tag}.pub"));
    }
    absl::StatusOr<std::string> pem = ReadFileToString(entry.path().string());
    if (!pem.ok()) return absl::InvalidArgumentError(absl::StrCat("internal_keys_dir: ", pem.status().message()));
    public_pems[issuer].push_back(*std::move(pem));
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat("internal_keys_dir: ", dir, ": ", ec.message()));
  absl::StatusOr<std::unique_ptr<Keyring>> ring = FromPem(std::move(self), *own, public_pems, std::move(audiences));
  if (!ring.ok()) return absl::InvalidArgumentError(absl::StrCat("internal_keys_dir ", dir, ": ", ring.status().message()));
  return ring;
}

std::string Keyring::Sign(absl::string_view audience, absl::string_view subject, absl::string_view unit,
                          absl::string_view roles, absl::Time now) const {
  if (!IsValidIssuer(audience) || !OneLine(subject, unit, roles)) return "";
  const std::string key = absl::StrCat(audience, "\n", subject, "\n", unit, "\n", roles);
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = signed_.find(key); it != signed_.end() && it->second.at <= now && now - it->second.at < kProofReuse) {
      return it->second.proof;
    }
  }
  const int64_t expiry = absl::ToUnixSeconds(now + kProofLifetime);
  const std::string message = Message(self_, audience, expiry, subject, unit, roles);
  unsigned char signature[kSignatureBytes];
  size_t len = sizeof signature;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, private_key_->pkey) == 1 &&
                  EVP_DigestSign(ctx, signature, &len, reinterpret_cast<const unsigned char*>(message.data()),
                                 message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return "";
  std::string proof = absl::StrCat(
      "v2.", self_, ".", audience, ".", expiry, ".",
      absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(signature), len)));
  absl::WriterMutexLock lock(&mu_);
  if (signed_.size() >= kMaxCached) signed_.clear();
  signed_[key] = Signed{proof, now};
  return proof;
}

absl::Status Keyring::Verify(absl::string_view proof, absl::string_view subject, absl::string_view unit,
                             absl::string_view roles, absl::Time now, absl::string_view peer) const {
  if (proof.empty()) {
    return absl::UnauthenticatedError(
        "x-p06-proof: missing; principal headers are believed only from the gateway or another service");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(proof, '.');
  if (parts[0] == "v1") {
    return absl::UnauthenticatedError("x-p06-proof: v1 (the suite's shared key) is no longer believed; sign with v2");
  }
  int64_t expiry = 0;
  if (parts.size() != 5 || parts[0] != "v2" || !IsValidIssuer(parts[1]) || !IsValidIssuer(parts[2]) ||
      !CanonicalExpiry(parts[3], &expiry) || !OneLine(subject, unit, roles)) {
    return absl::UnauthenticatedError("x-p06-proof: malformed (v2.<issuer>.<audience>.<expiry>.<signature>)");
  }
  const absl::string_view issuer = parts[1], audience = parts[2];
  if (std::find(audiences_.begin(), audiences_.end(), audience) == audiences_.end()) {
    return absl::UnauthenticatedError(
        absl::StrCat("x-p06-proof: made for ", audience, ", not for ", self_, "; a proof is not passed on"));
  }
  if (absl::FromUnixSeconds(expiry) < now) return absl::UnauthenticatedError("x-p06-proof: expired");
  if (absl::FromUnixSeconds(expiry) > now + kProofLifetime + absl::Minutes(1)) {
    return absl::UnauthenticatedError("x-p06-proof: expires too far in the future");
  }
  if (absl::Status may = MayAssert(issuer, subject, unit, roles); !may.ok()) return may;

  const std::string key = absl::StrCat(proof, "\n", subject, "\n", unit, "\n", roles);
  {
    absl::ReaderMutexLock lock(&mu_);
    if (verified_.contains(key)) return absl::OkStatus();
  }
  auto keys = public_keys_.find(issuer);
  if (keys == public_keys_.end()) {
    return absl::UnauthenticatedError(absl::StrCat("x-p06-proof: issuer ", issuer, " has no key here"));
  }
  std::string signature;
  if (!CanonicalSignature(parts[4], &signature)) {
    return absl::UnauthenticatedError("x-p06-proof: malformed signature (86 base64url characters)");
  }
  const int64_t second = absl::ToUnixSeconds(now);
  if (!peer.empty()) {
    absl::ReaderMutexLock lock(&mu_);
    auto f = failures_.find(peer);
    if (f != failures_.end() && f->second.second == second && f->second.count >= kMaxFailedProofsPerSecond) {
      return absl::ResourceExhaustedError(absl::StrCat("x-p06-proof: more than ", kMaxFailedProofsPerSecond,
                                                       " proofs on this connection failed this second; retry in 1 s"));
    }
  }
  const std::string message = Message(issuer, audience, expiry, subject, unit, roles);
  bool valid = false;
  for (const std::unique_ptr<Key>& k : keys->second) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    valid = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, k->pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (valid) break;
  }
  absl::WriterMutexLock lock(&mu_);
  if (!valid) {
    if (!peer.empty()) {
      if (failures_.size() >= kMaxCached) failures_.clear();
      Failures& f = failures_[peer];
      if (f.second != second) f = Failures{second, 0};
      ++f.count;
    }
    return absl::UnauthenticatedError("x-p06-proof: does not match the principal headers");
  }
  if (verified_.size() >= kMaxCached) verified_.clear();
  verified_.insert(key);
  return absl::OkStatus();
}

void InstallKeyring(std::unique_ptr<Keyring> keyring) {
  // A replaced keyring is leaked on purpose: a call in flight may still be reading it.
  g_keyring.store(keyring.release(), std::memory_order_release);
}

absl::Status InstallInternalKeys(const std::string& dir, std::string self, std::vector<std::string> audiences) {
  absl::StatusOr<std::unique_ptr<Keyring>> ring = Keyring::LoadDirectory(dir, std::move(self), std::move(audiences));
  if (!ring.ok()) return ring.status();
  InstallKeyring(*std::move(ring));
  return absl::OkStatus();
}

bool HasInternalKeys() { return g_keyring.load(std::memory_order_acquire) != nullptr; }

std::string SignPrincipal(absl::string_view audience, absl::string_view subject, absl::string_view unit,
                          absl::string_view roles, absl::Time now) {
  const Keyring* ring = g_keyring.load(std::memory_order_acquire);
  return ring == nullptr ? "" : ring->Sign(audience, subject, unit, roles, now);
}

absl::Status VerifyPrincipal(absl::string_view proof, absl::string_view subject, absl::string_view unit,
                             absl::string_view roles, absl::Time now, absl::string_view peer) {
  const Keyring* ring = g_keyring.load(std::memory_order_acquire);
  if (ring == nullptr) return absl::UnauthenticatedError(kNoInternalKeys);
  return ring->Verify(proof, subject, unit, roles, now, peer);
}

}  // namespace p06
