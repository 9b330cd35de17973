// The token verifier's memory of verified tokens: it saves the signature check, never
// the checks of time, and never lets a token differing by one byte through.
#include "services/gateway/auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

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

}  // namespace
}  // namespace p06::gateway
