// The principal's proof between the gateway and the services (common/grpc/internal_proof.h).
#include "common/grpc/internal_proof.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

TEST(InternalProofTest, ProvesExactlyTheHeadersItSigned) {
  const std::string proof = SignPrincipal("lan@stp-hcm", "units/stp-hcm", "unit_reporter", kNow);
  EXPECT_TRUE(VerifyPrincipal(proof, "lan@stp-hcm", "units/stp-hcm", "unit_reporter", kNow).ok());
  // Any header changed under the proof: a role added, another unit, another subject.
  for (auto [subject, unit, roles] : {std::tuple{"lan@stp-hcm", "units/stp-hcm", "unit_reporter,office"},
                                      std::tuple{"lan@stp-hcm", "units/van-phong-bo", "unit_reporter"},
                                      std::tuple{"admin", "units/stp-hcm", "unit_reporter"}}) {
    EXPECT_THAT(VerifyPrincipal(proof, subject, unit, roles, kNow),
                StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("does not match")));
  }
}

TEST(InternalProofTest, RefusesMissingMalformedExpiredAndFarFutureProofs) {
  EXPECT_THAT(VerifyPrincipal("", "s", "", "viewer", kNow), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("missing")));
  for (const char* bad : {"v1", "v2.1.ab", "v1.x.ab", "v1.1.2.3"}) {
    EXPECT_THAT(VerifyPrincipal(bad, "s", "", "viewer", kNow), StatusIs(absl::StatusCode::kUnauthenticated)) << bad;
  }
  const std::string proof = SignPrincipal("s", "", "viewer", kNow);
  EXPECT_THAT(VerifyPrincipal(proof, "s", "", "viewer", kNow + kProofLifetime + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));
  // Signed "in the future" by a clock far ahead: would outlive its lifetime here.
  EXPECT_THAT(VerifyPrincipal(SignPrincipal("s", "", "viewer", kNow + absl::Hours(1)), "s", "", "viewer", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("future")));
}

TEST(InternalProofTest, AnotherKeysProofIsRefused) {
  const std::string proof = SignPrincipal("s", "", "viewer", kNow);
  const std::string tampered = absl::StrCat(proof.substr(0, proof.size() - 1), proof.back() == '0' ? "1" : "0");
  EXPECT_THAT(VerifyPrincipal(tampered, "s", "", "viewer", kNow), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(InternalProofTest, KeyFileMustHoldSixtyFourHexDigits) {
  EXPECT_THAT(InstallInternalKeyFile(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("required")));
  EXPECT_THAT(InstallInternalKeyFile("/nonexistent/key"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot read")));
}

}  // namespace
}  // namespace p06
