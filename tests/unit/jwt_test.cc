// The token verifier: its memory of verified tokens (it saves the signature check,
// never the checks of time, and never lets a token differing by one byte through),
// the keys it takes from a JWKS, rotation by kid, the leeway's edges, and the
// algorithm confusions it must refuse.
#include "services/gateway/auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace p06::gateway {
namespace {

std::string NewRsaKeyPem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pem_ = NewRsaKeyPem();
    auto verifier = JwtVerifier::FromJwks(*JwksOfPrivateKey(pem_, "k1"), {.issuer = "iss", .audience = "p06"});
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = std::move(*verifier);
  }
  std::string Mint(absl::Time expires, absl::Time not_before = absl::InfinitePast()) {
    return *MintJwt(pem_, "k1",
                    {.issuer = "iss", .audience = "p06", .subject = "s", .unit = "units/vu-tccb",
                     .roles = {"viewer"}, .not_before = not_before, .expires = expires});
  }
  std::string pem_;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(JwtTest, ARememberedTokenStillExpires) {
  const absl::Time now = absl::Now();
  const std::string token = Mint(now + absl::Minutes(5));
  ASSERT_TRUE(verifier_->Verify(token, now).ok());
  auto again = verifier_->Verify(token, now + absl::Minutes(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->subject, "s");
  EXPECT_EQ(again->unit, "units/vu-tccb");
  // Past exp and the 30 s leeway, the remembered verdict is refused as a fresh one would be.
  auto late = verifier_->Verify(token, now + absl::Minutes(6));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), absl::string_view::npos);
}

TEST_F(JwtTest, ARememberedTokenIsNotValidBeforeItsNbf) {
  const absl::Time now = absl::Now();
  const std::string token = Mint(now + absl::Hours(1), now);
  ASSERT_TRUE(verifier_->Verify(token, now).ok());
  EXPECT_EQ(verifier_->Verify(token, now - absl::Minutes(2)).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, ATokenDifferingByOneByteFromARememberedOneIsCheckedAfresh) {
  const absl::Time now = absl::Now();
  const std::string token = Mint(now + absl::Hours(1));
  ASSERT_TRUE(verifier_->Verify(token, now).ok());
  std::string forged = token;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier_->Verify(forged, now).status().code(), absl::StatusCode::kUnauthenticated);
  // And a refused token is not remembered as good.
  EXPECT_FALSE(verifier_->Verify(forged, now).ok());
  EXPECT_TRUE(verifier_->Verify(token, now).ok());
}

// The one key object inside JwksOfPrivateKey's {"keys":[...]}.
std::string KeyObject(const std::string& pem, const std::string& kid) {
  const std::string text = *JwksOfPrivateKey(pem, kid);
  absl::string_view jwks = absl::StripAsciiWhitespace(text);
  EXPECT_TRUE(absl::ConsumePrefix(&jwks, "{\"keys\":["));
  EXPECT_TRUE(absl::ConsumeSuffix(&jwks, "]}"));
  return std::string(jwks);
}

std::string HmacSha256(const std::string& secret, const std::string& data) {
  unsigned char mac[32];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &n);
  return std::string(reinterpret_cast<char*>(mac), n);
}

// A provider's JWKS as Keycloak serves it: the signing key beside an encryption key
// (RSA-OAEP), an EC key and an HMAC secret. Only the signing key is taken.
TEST_F(JwtTest, AJwksKeepsOnlyItsRs256SigningKeys) {
  const std::string other = KeyObject(NewRsaKeyPem(), "enc-1");
  std::string enc = absl::StrReplaceAll(other, {{"\"use\":\"sig\"", "\"use\":\"enc\""}, {"RS256", "RSA-OAEP"}});
  const std::string jwks = absl::StrCat(
      "{\"keys\":[", enc, ",{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"ec-1\",\"x\":\"AA\",\"y\":\"AA\"},",
      "{\"kty\":\"oct\",\"alg\":\"HS256\",\"kid\":\"hs-1\",\"k\":\"c2VjcmV0\"},", KeyObject(pem_, "k1"), "]}");
  auto verifier = JwtVerifier::FromJwks(jwks, {.issuer = "iss", .audience = "p06"});
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ((*verifier)->key_count(), 1u);
  EXPECT_TRUE((*verifier)->Verify(Mint(absl::Now() + absl::Hours(1))).ok());

  // With no signing key left, the gateway does not start.
  auto none = JwtVerifier::FromJwks(absl::StrCat("{\"keys\":[", enc, "]}"), {.issuer = "iss", .audience = "p06"});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  // A key meant for RS256 but broken is a mistake to hear of, not one to skip.
  auto broken = JwtVerifier::FromJwks(
      absl::StrCat("{\"keys\":[", absl::StrReplaceAll(KeyObject(pem_, "k1"), {{"\"e\":\"AQAB\"", "\"e\":\"\""}}), "]}"),
      {.issuer = "iss", .audience = "p06"});
  EXPECT_FALSE(broken.ok());
}

// Rotation: the provider publishes the next key beside the current one, then signs
// with it; tokens of both verify, each by its own kid, and no other kid does.
TEST_F(JwtTest, TwoKeysSideBySideEachVerifiesItsOwnTokens) {
  const std::string next = NewRsaKeyPem();
  auto verifier = JwtVerifier::FromJwks(absl::StrCat("{\"keys\":[", KeyObject(pem_, "k1"), ",", KeyObject(next, "k2"), "]}"),
                                        {.issuer = "iss", .audience = "p06"});
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  const TokenClaims claims{.issuer = "iss", .audience = "p06", .subject = "s", .roles = {"viewer"},
                           .expires = absl::Now() + absl::Hours(1)};
  EXPECT_TRUE((*verifier)->Verify(*MintJwt(pem_, "k1", claims)).ok());
  EXPECT_TRUE((*verifier)->Verify(*MintJwt(next, "k2", claims)).ok());
  // The right key under the wrong kid, and an unknown kid.
  EXPECT_EQ((*verifier)->Verify(*MintJwt(next, "k1", claims)).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*verifier)->Verify(*MintJwt(next, "k3", claims)).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, ExpAndNbfHoldToTheSecondOfTheirLeeway) {
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  // Each token checked once, so that no remembered verdict stands in for the check.
  EXPECT_TRUE(verifier_->Verify(Mint(now - absl::Seconds(29)), now).ok());
  EXPECT_FALSE(verifier_->Verify(Mint(now - absl::Seconds(31)), now).ok());
  EXPECT_TRUE(verifier_->Verify(Mint(now + absl::Hours(1), now + absl::Seconds(29)), now).ok());
  EXPECT_FALSE(verifier_->Verify(Mint(now + absl::Hours(1), now + absl::Seconds(31)), now).ok());
}

// The classic confusion: a token saying HS256, its MAC keyed with what is public (the
// JWKS, or the key's PEM). A verifier that let the token pick the algorithm would take
// it; this one verifies RS256 only.
TEST_F(JwtTest, AnHs256TokenMacedWithThePublicKeyIsRefused) {
  const std::string payload = absl::WebSafeBase64Escape(absl::StrCat(
      "{\"iss\":\"iss\",\"aud\":\"p06\",\"sub\":\"s\",\"exp\":", absl::ToUnixSeconds(absl::Now()) + 3600,
      ",\"p06_roles\":[\"viewer\"]}"));
  EVP_PKEY* key = nullptr;
  {
    BIO* bio = BIO_new_mem_buf(pem_.data(), static_cast<int>(pem_.size()));
    key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
  }
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(out, key);
  char* data = nullptr;
  const long length = BIO_get_mem_data(out, &data);  // Before `data` is read.
  const std::string public_pem(data, static_cast<size_t>(length));
  BIO_free(out);
  EVP_PKEY_free(key);
  for (const std::string& secret : {*JwksOfPrivateKey(pem_, "k1"), public_pem, KeyObject(pem_, "k1")}) {
    for (const char* header : {"{\"alg\":\"HS256\",\"kid\":\"k1\"}", "{\"alg\":\"HS256\"}"}) {
      const std::string signed_part = absl::StrCat(absl::WebSafeBase64Escape(header), ".", payload);
      const std::string token =
          absl::StrCat(signed_part, ".", absl::WebSafeBase64Escape(HmacSha256(secret, signed_part)));
      auto verified = verifier_->Verify(token);
      EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated) << header;
      EXPECT_TRUE(absl::StrContains(verified.status().message(), "HS256")) << verified.status();
    }
  }
}

}  // namespace
}  // namespace p06::gateway
