#include "services/gateway/auth/jwt.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cmath>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"

namespace p06::gateway {

using google::protobuf::Struct;
using google::protobuf::Value;

struct JwtVerifier::Key {
  std::string kid;
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

constexpr int kMinRsaBits = 2048;

absl::Status Unauthenticated(absl::string_view why) { return absl::UnauthenticatedError(absl::StrCat("token: ", why)); }

absl::StatusOr<Struct> ParseJsonObject(absl::string_view json) {
  Struct s;
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &s, options).ok()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  return s;
}

const Value* Field(const Struct& s, const char* name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string StringField(const Struct& s, const char* name) {
  const Value* v = Field(s, name);
  return v != nullptr && v->kind_case() == Value::kStringValue ? v->string_value() : "";
}

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::BytesToHexString(std::string(1, static_cast<char>(c))));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

BIGNUM* BigNumOf(const std::string& base64url) {
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(base64url, &bytes) || bytes.empty()) return nullptr;
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr);
}

EVP_PKEY* RsaPublicKey(const std::string& n64, const std::string& e64) {
  BIGNUM* n = BigNumOf(n64);
  BIGNUM* e = BigNumOf(e64);
  EVP_PKEY* pkey = nullptr;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY_CTX* ctx = nullptr;
  if (n != nullptr && e != nullptr && bld != nullptr && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1 && (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr &&
      (ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)) != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(n);
  BN_free(e);
  return pkey;
}

bool VerifyRs256(EVP_PKEY* pkey, absl::string_view signed_part, const std::string& signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

EVP_PKEY* ReadPrivateKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = bio == nullptr ? nullptr : PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return pkey;
}

std::string Base64UrlOfBigNum(EVP_PKEY* pkey, const char* param) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) return "";
  std::string bytes(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return absl::WebSafeBase64Escape(bytes);
}

absl::Status CheckAudience(const Struct& claims, const std::string& audience) {
  const Value* aud = Field(claims, "aud");
  if (aud != nullptr && aud->kind_case() == Value::kStringValue && aud->string_value() == audience) {
    return absl::OkStatus();
  }
  if (aud != nullptr && aud->kind_case() == Value::kListValue) {
    for (const Value& v : aud->list_value().values()) {
      if (v.kind_case() == Value::kStringValue && v.string_value() == audience) return absl::OkStatus();
    }
  }
  return Unauthenticated(absl::StrCat("audience is not ", audience));
}

// A NumericDate claim; nullopt when absent, error when not a number.
absl::StatusOr<std::optional<absl::Time>> TimeClaim(const Struct& claims, const char* name) {
  const Value* v = Field(claims, name);
  if (v == nullptr) return std::nullopt;
  if (v->kind_case() != Value::kNumberValue || !std::isfinite(v->number_value())) {
    return Unauthenticated(absl::StrCat(name, " is not a number"));
  }
  return absl::FromUnixSeconds(static_cast<int64_t>(v->number_value()));
}

}  // namespace

JwtVerifier::~JwtVerifier() = default;

size_t JwtVerifier::key_count() const { return keys_.size(); }

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::FromJwks(const std::string& jwks_json, JwtPolicy policy) {
  absl::StatusOr<Struct> jwks = ParseJsonObject(jwks_json);
  if (!jwks.ok()) return absl::InvalidArgumentError("jwks: not a JSON object");
  const Value* keys = Field(*jwks, "keys");
  if (keys == nullptr || keys->kind_case() != Value::kListValue) return absl::InvalidArgumentError("jwks: no \"keys\" list");
  if (policy.issuer.empty() || policy.audience.empty()) {
    return absl::InvalidArgumentError("jwt_issuer and jwt_audience: required");
  }
  std::unique_ptr<JwtVerifier> verifier(new JwtVerifier());
  verifier->policy_ = std::move(policy);
  for (int i = 0; i < keys->list_value().values_size(); ++i) {
    const Value& k = keys->list_value().values(i);
    if (k.kind_case() != Value::kStructValue) return absl::InvalidArgumentError(absl::StrCat("jwks: keys[", i, "]: not an object"));
    const Struct& jwk = k.struct_value();
    const std::string where = absl::StrCat("jwks: keys[", i, "] (kid \"", StringField(jwk, "kid"), "\"): ");
    // A provider's JWKS also lists keys for other uses: encryption (Keycloak's
    // RSA-OAEP), other algorithms (EC, HMAC). They are left out, not refused; a token
    // naming one is then an unknown kid. An RSA signing key with no alg is taken as
    // RS256, the one algorithm verified here, so no key serves two algorithms.
    const std::string kty = StringField(jwk, "kty"), alg = StringField(jwk, "alg"), use = StringField(jwk, "use");
    if (kty != "RSA" || (!alg.empty() && alg != "RS256") || (!use.empty() && use != "sig")) {
      log::Warning("jwks: a key not for RS256 signatures left out",
                   {{"kid", StringField(jwk, "kid").substr(0, 64)}, {"kty", kty.substr(0, 16)},
                    {"alg", alg.substr(0, 16)}, {"use", use.substr(0, 16)}});
      continue;
    }
    if (StringField(jwk, "kid").empty()) return absl::InvalidArgumentError(where + "kid is required");
    auto key = std::make_unique<Key>();
    key->kid = StringField(jwk, "kid");
    key->pkey = RsaPublicKey(StringField(jwk, "n"), StringField(jwk, "e"));
    if (key->pkey == nullptr) return absl::InvalidArgumentError(where + "n and e do not make an RSA key");
    if (EVP_PKEY_get_bits(key->pkey) < kMinRsaBits) return absl::InvalidArgumentError(where + "shorter than 2048 bits");
    verifier->keys_.push_back(std::move(key));
  }
  if (verifier->keys_.empty()) return absl::InvalidArgumentError("jwks: no RSA key for RS256 signatures");
  return verifier;
}

absl::StatusOr<Principal> JwtVerifier::Verify(absl::string_view token, absl::Time now) const {
  if (token.empty()) return Unauthenticated("missing");
  if (token.size() > policy_.max_token_bytes) return Unauthenticated("longer than 8192 bytes");
  {
    absl::MutexLock lock(&cache_mu_);
    if (auto it = cache_.find(token); it != cache_.end()) {
      const VerifiedToken& v = it->second;
      if (v.expires + policy_.leeway < now) return Unauthenticated("expired");
      if (v.not_before - policy_.leeway > now) return Unauthenticated("not valid yet (nbf)");
      return v.principal;
    }
  }
  absl::StatusOr<VerifiedToken> verified = VerifyUncached(token, now);
  if (!verified.ok()) return verified.status();
  absl::MutexLock lock(&cache_mu_);
  // Bounded by dropping everything when full: tokens live hours, so a full cache is a
  // rare event, refilled by one verification per active token.
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_.emplace(std::string(token), *verified);
  return verified->principal;
}

absl::StatusOr<JwtVerifier::VerifiedToken> JwtVerifier::VerifyUncached(absl::string_view token, absl::Time now) const {
  if (token.size() > policy_.max_token_bytes) return Unauthenticated("longer than 8192 bytes");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("not a JWS compact serialisation (three parts)");
  std::string header_json, claims_json, signature;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_json) || !absl::WebSafeBase64Unescape(parts[1], &claims_json) ||
      !absl::WebSafeBase64Unescape(parts[2], &signature)) {
    return Unauthenticated("not base64url");
  }
  absl::StatusOr<Struct> header = ParseJsonObject(header_json);
  if (!header.ok()) return Unauthenticated("header is not a JSON object");
  const std::string alg = StringField(*header, "alg");
  if (alg != "RS256") return Unauthenticated(absl::StrCat("algorithm \"", alg.substr(0, 16), "\" refused; only RS256"));
  const std::string kid = StringField(*header, "kid");
  const Key* key = nullptr;
  for (const auto& k : keys_) {
    if (k->kid == kid) key = k.get();
  }
  if (key == nullptr) return Unauthenticated(absl::StrCat("no key with kid \"", kid.substr(0, 64), "\""));
  const absl::string_view signed_part(parts[0].data(), parts[0].size() + 1 + parts[1].size());
  if (!VerifyRs256(key->pkey, signed_part, signature)) return Unauthenticated("bad signature");

  absl::StatusOr<Struct> claims = ParseJsonObject(claims_json);
  if (!claims.ok()) return Unauthenticated("claims are not a JSON object");
  if (StringField(*claims, "iss") != policy_.issuer) return Unauthenticated(absl::StrCat("issuer is not ", policy_.issuer));
  if (absl::Status s = CheckAudience(*claims, policy_.audience); !s.ok()) return s;
  absl::StatusOr<std::optional<absl::Time>> exp = TimeClaim(*claims, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) return Unauthenticated("no exp");
  if (**exp + policy_.leeway < now) return Unauthenticated("expired");
  absl::StatusOr<std::optional<absl::Time>> nbf = TimeClaim(*claims, "nbf");
  if (!nbf.ok()) return nbf.status();
  if (nbf->has_value() && **nbf - policy_.leeway > now) return Unauthenticated("not valid yet (nbf)");

  VerifiedToken v{.expires = **exp, .not_before = nbf->value_or(absl::InfinitePast())};
  Principal& p = v.principal;
  p.subject = StringField(*claims, "sub");
  if (p.subject.empty()) return Unauthenticated("no sub");
  if (p.subject.size() > 256) return Unauthenticated("sub longer than 256 bytes");
  p.unit = StringField(*claims, "p06_unit");
  if (const Value* roles = Field(*claims, "p06_roles"); roles != nullptr) {
    if (roles->kind_case() != Value::kListValue) return Unauthenticated("p06_roles is not a list");
    for (const Value& r : roles->list_value().values()) {
      if (r.kind_case() != Value::kStringValue) return Unauthenticated("p06_roles holds a non-string");
      p.roles.push_back(r.string_value());
    }
  }
  return v;
}

absl::StatusOr<std::string> MintJwt(const std::string& pem, const std::string& kid, const TokenClaims& c) {
  EVP_PKEY* pkey = ReadPrivateKey(pem);
  if (pkey == nullptr) return absl::InvalidArgumentError("signing key: not a PEM private key");
  std::vector<std::string> roles;
  for (const std::string& r : c.roles) roles.push_back(JsonQuote(r));
  std::string claims = absl::StrCat("{\"iss\":", JsonQuote(c.issuer), ",\"aud\":", JsonQuote(c.audience),
                                    ",\"sub\":", JsonQuote(c.subject), ",\"iat\":", absl::ToUnixSeconds(absl::Now()),
                                    ",\"exp\":", absl::ToUnixSeconds(c.expires));
  if (c.not_before != absl::InfinitePast()) absl::StrAppend(&claims, ",\"nbf\":", absl::ToUnixSeconds(c.not_before));
  if (!c.unit.empty()) absl::StrAppend(&claims, ",\"p06_unit\":", JsonQuote(c.unit));
  absl::StrAppend(&claims, ",\"p06_roles\":[", absl::StrJoin(roles, ","), "]}");
  const std::string signed_part =
      absl::StrCat(absl::WebSafeBase64Escape(absl::StrCat("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":", JsonQuote(kid), "}")),
                   ".", absl::WebSafeBase64Escape(claims));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string signature;
  bool ok = ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signed_part.data()),
                           signed_part.size()) == 1;
  if (ok) {
    signature.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &len,
                        reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
    signature.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  if (!ok) return absl::InternalError("signing failed (is the key RSA?)");
  return absl::StrCat(signed_part, ".", absl::WebSafeBase64Escape(signature));
}

absl::StatusOr<std::string> JwksOfPrivateKey(const std::string& pem, const std::string& kid) {
  EVP_PKEY* pkey = ReadPrivateKey(pem);
  if (pkey == nullptr) return absl::InvalidArgumentError("signing key: not a PEM private key");
  const std::string n = Base64UrlOfBigNum(pkey, OSSL_PKEY_PARAM_RSA_N);
  const std::string e = Base64UrlOfBigNum(pkey, OSSL_PKEY_PARAM_RSA_E);
  EVP_PKEY_free(pkey);
  if (n.empty() || e.empty()) return absl::InvalidArgumentError("signing key: not an RSA key");
  return absl::StrCat("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":", JsonQuote(kid),
                      ",\"n\":\"", n, "\",\"e\":\"", e, "\"}]}\n");
}

}  // namespace p06::gateway
