// The principal's proof between the gateway and the services (common/grpc/internal_proof.h).
#include "common/grpc/internal_proof.h"

#include <grpcpp/support/status.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/grpc/principal.h"
#include "tests/harness/internal_key.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

using ::p06::testing::InternalKeyPair;
using ::p06::testing::NewInternalKeyPair;
using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

// The keys of a small suite: every process believes every other.
class InternalProofTest : public ::testing::Test {
 protected:
  InternalProofTest() {
    for (const char* issuer : {"gateway", "task", "notification"}) pairs_[issuer] = NewInternalKeyPair();
  }
  std::unique_ptr<Keyring> Ring(const std::string& self) {
    std::map<std::string, std::vector<std::string>> publics;
    for (const auto& [issuer, pair] : pairs_) publics[issuer].push_back(pair.public_pem);
    absl::StatusOr<std::unique_ptr<Keyring>> ring = Keyring::FromPem(self, pairs_[self].private_pem, publics);
    EXPECT_TRUE(ring.ok()) << ring.status();
    return *std::move(ring);
  }
  std::map<std::string, InternalKeyPair> pairs_;
};

TEST_F(InternalProofTest, ProvesExactlyTheHeadersItSigned) {
  auto gateway = Ring("gateway"), task = Ring("task");
  const std::string proof = gateway->Sign("task", "lan@stp-hcm", "units/stp-hcm", "unit_reporter", kNow);
  EXPECT_TRUE(absl::StartsWith(proof, "v2.gateway.task.")) << proof;
  EXPECT_TRUE(task->Verify(proof, "lan@stp-hcm", "units/stp-hcm", "unit_reporter", kNow).ok());
  // Any header changed under the proof: a role added, another unit, another subject.
  // Asked twice, so that the second answer comes past the cache of verified proofs.
  for (int pass = 0; pass < 2; ++pass) {
    for (auto [subject, unit, roles] : {std::tuple{"lan@stp-hcm", "units/stp-hcm", "unit_reporter,office"},
                                        std::tuple{"lan@stp-hcm", "units/van-phong-bo", "unit_reporter"},
                                        std::tuple{"admin", "units/stp-hcm", "unit_reporter"}}) {
      EXPECT_THAT(task->Verify(proof, subject, unit, roles, kNow),
                  StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("does not match")));
    }
    EXPECT_TRUE(task->Verify(proof, "lan@stp-hcm", "units/stp-hcm", "unit_reporter", kNow).ok());
  }
}

TEST_F(InternalProofTest, AServiceMayAssertOnlyItself) {
  auto notification = Ring("notification"), task = Ring("task");
  // Its own identity, as ServicePrincipal makes it: believed.
  EXPECT_TRUE(task->Verify(notification->Sign("task", "service:notification", "", "system", kNow), "service:notification",
                           "", "system", kNow)
                  .ok());
  // Anything else, though the signature is good: a person, the Office, another service,
  // itself with another role or a unit.
  for (auto [subject, unit, roles] : {std::tuple{"lan@stp-hcm", "units/stp-hcm", "unit_reporter"},
                                      std::tuple{"ops", "units/van-phong-bo", "office"},
                                      std::tuple{"service:task", "", "system"},
                                      std::tuple{"service:notification", "", "office"},
                                      std::tuple{"service:notification", "units/van-phong-bo", "system"}}) {
    EXPECT_THAT(task->Verify(notification->Sign("task", subject, unit, roles, kNow), subject, unit, roles, kNow),
                StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("issuer notification may assert only")))
        << subject << " " << unit << " " << roles;
  }
  // A proof that names the gateway as its issuer but was signed with another key.
  std::string forged = notification->Sign("task", "ops", "units/van-phong-bo", "office", kNow);
  forged.replace(forged.find(".notification."), 14, ".gateway.");
  ASSERT_TRUE(absl::StartsWith(forged, "v2.gateway.task.")) << forged;
  EXPECT_THAT(task->Verify(forged, "ops", "units/van-phong-bo", "office", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("does not match")));
}

TEST_F(InternalProofTest, AnIssuerWithoutAKeyHereIsRefused) {
  pairs_["reporting"] = NewInternalKeyPair();
  auto reporting = Ring("reporting");
  std::map<std::string, std::vector<std::string>> only_gateway{{"gateway", {pairs_["gateway"].public_pem}}};
  auto task = *Keyring::FromPem("task", pairs_["task"].private_pem, only_gateway);
  EXPECT_THAT(task->Verify(reporting->Sign("task", "service:reporting", "", "system", kNow), "service:reporting", "", "system", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("issuer reporting has no key here")));
  // Its own proofs it believes without its .pub listed.
  EXPECT_TRUE(task->Verify(task->Sign("task", "service:task", "", "system", kNow), "service:task", "", "system", kNow).ok());
}

TEST_F(InternalProofTest, RefusesMissingMalformedExpiredAndFarFutureProofs) {
  auto gateway = Ring("gateway"), task = Ring("task");
  EXPECT_THAT(task->Verify("", "s", "", "viewer", kNow), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("missing")));
  EXPECT_THAT(task->Verify("v1.1790000100.ab", "s", "", "viewer", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("no longer believed")));
  for (const char* bad : {"v2", "v2.gateway.task.1790000100", "v2.Gateway.task.1790000100.AAAA",
                          "v2.gateway.task.x.AAAA", "v3.gateway.task.1790000100.AAAA", "v2.gateway.1790000100.AAAA",
                          "v2.gateway.task.1790000100.AAAA.extra", "v2.gateway.Task.1790000100.AAAA"}) {
    EXPECT_THAT(task->Verify(bad, "s", "", "viewer", kNow),
                StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("malformed")))
        << bad;
  }
  // A good proof spelled otherwise: its expiry with a sign, a leading zero or a space;
  // its signature padded, with a space, or with its spare low bits changed.
  const std::string proof = gateway->Sign("task", "s", "", "viewer", kNow);
  const std::vector<std::string> part = absl::StrSplit(proof, '.');
  ASSERT_EQ(part.size(), 5u);
  const std::string head = absl::StrCat(part[0], ".", part[1], ".", part[2], ".");
  // The last character carries 2 bits of the signature and 4 spare ones: flip a spare.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string last_bits = part[4];
  last_bits.back() = alphabet[alphabet.find(last_bits.back()) ^ 1];
  for (const std::string& respelled :
       {absl::StrCat(head, "+", part[3], ".", part[4]), absl::StrCat(head, "0", part[3], ".", part[4]),
        absl::StrCat(head, " ", part[3], ".", part[4]), absl::StrCat(head, part[3], ".", part[4], "=="),
        absl::StrCat(head, part[3], ".", part[4].substr(0, 40), " ", part[4].substr(40)),
        absl::StrCat(head, part[3], ".", last_bits)}) {
    EXPECT_THAT(task->Verify(respelled, "s", "", "viewer", kNow), StatusIs(absl::StatusCode::kUnauthenticated))
        << respelled;
  }
  // Verified once (and so remembered), then too late: the cache does not outlive it.
  EXPECT_TRUE(task->Verify(proof, "s", "", "viewer", kNow).ok());
  EXPECT_THAT(task->Verify(proof, "s", "", "viewer", kNow + kProofLifetime + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));
  // Signed "in the future" by a clock far ahead: would outlive its lifetime here.
  EXPECT_THAT(task->Verify(gateway->Sign("task", "s", "", "viewer", kNow + absl::Hours(1)), "s", "", "viewer", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("future")));
  // A newline would let two principals sign alike: never signed, never believed.
  EXPECT_EQ(gateway->Sign("task", "s\nunits/x", "", "viewer", kNow), "");
}

TEST_F(InternalProofTest, APeerForgingProofsIsRefusedUncheckedForTheRestOfTheSecond) {
  auto gateway = Ring("gateway"), task = Ring("task");
  const std::string known = gateway->Sign("task", "known", "", "viewer", kNow);
  ASSERT_TRUE(task->Verify(known, "known", "", "viewer", kNow, "ipv4:10.0.0.9:40001").ok());
  // Well-formed, fresh, from an issuer known here, for headers it does not sign: each
  // costs a signature check, up to the limit.
  const std::string proof = gateway->Sign("task", "s", "", "viewer", kNow);
  for (int i = 0; i < kMaxFailedProofsPerSecond; ++i) {
    EXPECT_THAT(task->Verify(proof, absl::StrCat("forged-", i), "", "viewer", kNow, "ipv4:10.0.0.9:40001"),
                StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("does not match")));
  }
  // Past it, that connection's proofs not verified before are refused unchecked, good or not.
  const std::string fresh = gateway->Sign("task", "fresh", "", "viewer", kNow);
  EXPECT_THAT(task->Verify(fresh, "fresh", "", "viewer", kNow + absl::Milliseconds(900), "ipv4:10.0.0.9:40001"),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("retry in 1 s")));
  EXPECT_THAT(task->Verify(proof, "forged-x", "", "viewer", kNow, "ipv4:10.0.0.9:40001"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // The cheaper refusals come first, and say what they say.
  const std::string unknown_issuer = absl::StrCat("v2.reporting.task.", absl::ToUnixSeconds(kNow) + 60, ".",
                                                  std::string(86, 'A'));
  EXPECT_THAT(task->Verify(unknown_issuer, "service:reporting", "", "system", kNow, "ipv4:10.0.0.9:40001"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("has no key here")));
  // A proof verified before still passes; another connection, even from the same
  // address, is not held to it; and the next second starts afresh.
  EXPECT_TRUE(task->Verify(known, "known", "", "viewer", kNow, "ipv4:10.0.0.9:40001").ok());
  EXPECT_TRUE(task->Verify(fresh, "fresh", "", "viewer", kNow, "ipv4:10.0.0.9:40002").ok());
  const std::string later = gateway->Sign("task", "later", "", "viewer", kNow);
  EXPECT_TRUE(task->Verify(later, "later", "", "viewer", kNow + absl::Seconds(1), "ipv4:10.0.0.9:40001").ok());
  // A caller of no known connection is never limited (and never limits anyone).
  for (int i = 0; i < 2 * kMaxFailedProofsPerSecond; ++i) {
    EXPECT_THAT(task->Verify(proof, "forged", "", "viewer", kNow, ""), StatusIs(absl::StatusCode::kUnauthenticated));
  }
  EXPECT_TRUE(task->Verify(proof, "s", "", "viewer", kNow, "").ok());
}

TEST_F(InternalProofTest, AProofIsReusedForAMinuteThenMadeAfresh) {
  auto gateway = Ring("gateway"), task = Ring("task");
  const std::string first = gateway->Sign("task", "s", "", "viewer", kNow);
  EXPECT_EQ(gateway->Sign("task", "s", "", "viewer", kNow + absl::Seconds(59)), first);
  const std::string later = gateway->Sign("task", "s", "", "viewer", kNow + kProofReuse);
  EXPECT_NE(later, first);
  // The reused proof still has four minutes to live when it is last handed out.
  EXPECT_TRUE(task->Verify(first, "s", "", "viewer", kNow + kProofReuse + absl::Minutes(3)).ok());
  // A clock stepped back does not get a proof from its future.
  EXPECT_NE(gateway->Sign("task", "s", "", "viewer", kNow - absl::Seconds(10)), later);
}

TEST_F(InternalProofTest, AProofIsForOneServiceAndIsNotPassedOn) {
  auto gateway = Ring("gateway"), task = Ring("task"), notification = Ring("notification");
  // The gateway's proof for an Office caller, sent to the notification service, which
  // passes it on to the task service.
  const std::string for_notification = gateway->Sign("notification", "ops", "units/van-phong-bo", "office", kNow);
  EXPECT_TRUE(notification->Verify(for_notification, "ops", "units/van-phong-bo", "office", kNow).ok());
  EXPECT_THAT(task->Verify(for_notification, "ops", "units/van-phong-bo", "office", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("made for notification, not for task")));
  // The audience named in the proof is signed: changed, the signature fails.
  std::string redirected = for_notification;
  redirected.replace(redirected.find(".notification."), 14, ".task.");
  EXPECT_THAT(task->Verify(redirected, "ops", "units/van-phong-bo", "office", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("does not match")));
  // A process serving several services (a test binary) accepts each one's.
  std::map<std::string, std::vector<std::string>> publics{{"gateway", {pairs_["gateway"].public_pem}}};
  auto both = *Keyring::FromPem("task", pairs_["task"].private_pem, publics, {"task", "notification"});
  EXPECT_TRUE(both->Verify(for_notification, "ops", "units/van-phong-bo", "office", kNow).ok());
  EXPECT_EQ(gateway->Sign("", "ops", "units/van-phong-bo", "office", kNow), "") << "no audience, no proof";
}

// What the gateway tells its caller when a service refuses the suite's own proof.
TEST(ProofRefusalTest, IsTheSuitesFaultNotTheCallers) {
  const std::string method = "/p06.task.v1.TaskService/GetTask";
  for (const grpc::Status& refusal :
       {grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "x-p06-proof: does not match the principal headers"),
        grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "x-p06-proof: more than 20 proofs on this connection failed"),
        grpc::Status(grpc::StatusCode::UNAUTHENTICATED, kNoInternalKeys)}) {
    const grpc::Status seen = ProofRefusalAsUnavailable(refusal, method);
    EXPECT_EQ(seen.error_code(), grpc::StatusCode::UNAVAILABLE) << refusal.error_message();
    EXPECT_FALSE(absl::StrContains(seen.error_message(), "x-p06")) << seen.error_message();
  }
  // The service's own answers about the caller, and everything else, pass as they are.
  for (const grpc::Status& own : {grpc::Status::OK,
                                  grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "x-p06-unit: must be units/{unit_id}"),
                                  grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many reports at once"),
                                  grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no caller identity (x-p06-subject)")}) {
    const grpc::Status seen = ProofRefusalAsUnavailable(own, method);
    EXPECT_EQ(seen.error_code(), own.error_code());
    EXPECT_EQ(seen.error_message(), own.error_message());
  }
}

TEST(InternalProofMethodTest, TheAudienceIsTheServiceOfTheMethod) {
  EXPECT_EQ(AudienceOfMethod("/p06.task.v1.TaskService/GetTask"), "task");
  EXPECT_EQ(AudienceOfMethod("/p06.gateway.v1.GatewayService/GetPrincipal"), "gateway");
  EXPECT_EQ(AudienceOfMethod("/p06.dashboard.v1.DashboardService/GetPlanOverview"), "gateway");
  EXPECT_EQ(AudienceOfMethod("/grpc.health.v1.Health/Check"), "");
  EXPECT_EQ(AudienceOfMethod("/p06.Task.v1.X/Y"), "");
  EXPECT_EQ(AudienceOfMethod("/p06.task"), "");
  EXPECT_EQ(AudienceOfMethod(""), "");
}

TEST_F(InternalProofTest, ARotatedKeyIsBelievedBesideTheOld) {
  const InternalKeyPair next = NewInternalKeyPair();
  std::map<std::string, std::vector<std::string>> publics{
      {"gateway", {pairs_["gateway"].public_pem, next.public_pem}}};
  auto task = *Keyring::FromPem("task", pairs_["task"].private_pem, publics);
  auto old_gateway = Ring("gateway");
  auto new_gateway = *Keyring::FromPem("gateway", next.private_pem, {});
  EXPECT_TRUE(task->Verify(old_gateway->Sign("task", "s", "", "viewer", kNow), "s", "", "viewer", kNow).ok());
  EXPECT_TRUE(task->Verify(new_gateway->Sign("task", "s", "", "viewer", kNow), "s", "", "viewer", kNow).ok());
}

TEST_F(InternalProofTest, ADirectoryIsLoadedOrRefusedNamingTheFile) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/keys-", getpid());
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir + "/" + name) << text; };
  write("task.key", pairs_["task"].private_pem);
  write("gateway.pub", pairs_["gateway"].public_pem);
  write("gateway.2027.pub", NewInternalKeyPair().public_pem);
  write("README", "not a key");
  absl::StatusOr<std::unique_ptr<Keyring>> ring = Keyring::LoadDirectory(dir, "task");
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_TRUE((*ring)->Verify(Ring("gateway")->Sign("task", "s", "", "viewer", kNow), "s", "", "viewer", kNow).ok());

  EXPECT_THAT(Keyring::LoadDirectory("", "task"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("required")));
  EXPECT_THAT(Keyring::LoadDirectory(dir + "/none", "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is no directory")));
  EXPECT_THAT(Keyring::LoadDirectory(dir, "reporting"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reporting.key")));
  write("notification.pub", "-----BEGIN PUBLIC KEY-----\ntruncated");
  EXPECT_THAT(Keyring::LoadDirectory(dir, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a key of notification")));
  std::filesystem::remove(dir + "/notification.pub");
  // The process's own .pub left from a key made before: refused, since the others
  // would believe a key it no longer has.
  write("task.pub", NewInternalKeyPair().public_pem);
  EXPECT_THAT(Keyring::LoadDirectory(dir, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.pub is not the public key of task.key")));
  write("task.pub", pairs_["task"].public_pem);
  EXPECT_TRUE(Keyring::LoadDirectory(dir, "task").ok());
  write("Bad_Name.pub", pairs_["gateway"].public_pem);
  EXPECT_THAT(Keyring::LoadDirectory(dir, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Bad_Name.pub")));
  std::filesystem::remove(dir + "/Bad_Name.pub");
  // A public key where the private one belongs.
  write("task.key", pairs_["task"].public_pem);
  EXPECT_THAT(Keyring::LoadDirectory(dir, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no Ed25519 private key")));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace p06
