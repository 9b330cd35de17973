// The gateway end to end: the real binaries as processes (directory, task,
// reporting, notification, gateway) on one database, called over real HTTP with real
// tokens, and the services' own ports called with forged principals.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <tuple>
#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "p06/task/v1/task.grpc.pb.h"
#include "services/gateway/auth/jwt.h"
#include "tests/e2e/gateway_fixture.h"
#include "common/grpc/internal_proof.h"
#include "tests/harness/callers.h"
#include "tests/harness/generic_call.h"
#include "tests/harness/internal_key.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/service_process.h"
#include "tests/harness/subprocess.h"

namespace p06 {
namespace {

using ::p06::testing::RunForOutput;
using ::p06::testing::ServiceProcess;
namespace tpb = ::p06::task::v1;
using ::p06::testing::GatewayTest;
using ::p06::testing::kIssuer;
using ::p06::testing::kDashboardOrigin;
using ::p06::testing::kTask;

std::string B64(const std::string& s) { return absl::WebSafeBase64Escape(s); }

TEST_F(GatewayTest, RefusesEveryBadTokenWithNothingForwarded) {
  const std::string path = absl::StrCat("/v1/", kTask);
  ASSERT_EQ(Call("GET", path, Office())->status, 200);
  auto claims = Claims("x", kMinistryOfficeUnit, {kRoleOffice});
  auto expired = claims;
  expired.expires = absl::Now() - absl::Minutes(5);
  auto early = claims;
  early.not_before = absl::Now() + absl::Minutes(5);
  auto wrong_aud = claims;
  wrong_aud.audience = "other-system";
  auto wrong_iss = claims;
  wrong_iss.issuer = "evil";
  const std::string payload = B64(absl::StrCat("{\"iss\":\"", kIssuer, "\",\"aud\":\"p06\",\"sub\":\"x\",\"exp\":",
                                               absl::ToUnixSeconds(absl::Now()) + 3600, ",\"p06_roles\":[\"office\"],"
                                               "\"p06_unit\":\"units/van-phong-bo\"}"));
  // HS256 with a MAC: refused for its algorithm (jwt_test.cc MACs one with the public key itself).
  const std::string hs_signed = B64("{\"alg\":\"HS256\",\"kid\":\"k1\"}") + "." + payload;
  const std::map<std::string, std::string> tokens{
      {"missing", ""},
      {"expired", Token(expired)},
      {"not yet valid", Token(early)},
      {"wrong signature", *gateway::MintJwt(other_key_, "k1", claims)},
      {"unknown kid", Token(claims, "k9")},
      {"alg none", B64("{\"alg\":\"none\"}") + "." + payload + "."},
      {"HS256 with the public key", hs_signed + "." + B64(std::string(32, 'x'))},
      {"wrong audience", Token(wrong_aud)},
      {"wrong issuer", Token(wrong_iss)},
      {"garbage", "a.b.c"},
  };
  for (const auto& [what, token] : tokens) {
    auto r = Call("POST", absl::StrCat(path, "/progress"), token, "{}");
    ASSERT_TRUE(r) << what;
    EXPECT_EQ(r->status, 401) << what << ": " << r->body;
    EXPECT_EQ(Json(r->body).fields().at("error").struct_value().fields().at("status").string_value(), "UNAUTHENTICATED");
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer realm=\"p06\"");
  }
  // Nothing reached the task service: its ReportProgress handled no call at all.
  auto metrics = ::p06::testing::HttpGet(core_.task->metrics_port(), "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->find("grpc_method=\"ReportProgress\""), std::string::npos);
  // And each refusal is in the audit log.
  int refused = 0;
  for (const std::string& c : AuditCodes()) refused += absl::StartsWith(c, "UNAUTHENTICATED") ? 1 : 0;
  EXPECT_EQ(refused, static_cast<int>(tokens.size()));
}

TEST_F(GatewayTest, RolesAreCheckedAndRefusalsAudited) {
  const std::string progress = absl::StrCat("/v1/", kTask, "/progress");
  const std::string viewer = Token(Claims("xem", "units/vu-tccb", {kRoleViewer}));
  const std::string reporter = Token(Claims("lan", "units/stp-ha-noi", {kRoleUnitReporter}));
  const std::string body = R"({"report": {"reportingUnit": "units/vu-tccb", "status": "TASK_STATUS_IN_PROGRESS", "percentComplete": 10}})";
  // A viewer writing, and every mutating route tried by a viewer and an auditor.
  EXPECT_EQ(Call("POST", progress, viewer, body, {{"Idempotency-Key", "a1"}})->status, 403);
  // A unit reporter writing for another unit: the task service refuses it.
  auto other = Call("POST", progress, reporter, body, {{"Idempotency-Key", "a2"}});
  EXPECT_EQ(other->status, 403) << other->body;
  // Office forging its unit: refused at the edge.
  EXPECT_EQ(Call("GET", progress.substr(0, progress.size() - 9), Token(Claims("x", "units/stp-ha-noi", {kRoleOffice})))->status, 403);
  // The audit log: auditors only.
  EXPECT_EQ(Call("GET", "/v1/auditEntries", Office())->status, 403);
  const std::vector<std::string> codes = AuditCodes();
  int denied = 0;
  for (const std::string& c : codes) denied += absl::StartsWith(c, "PERMISSION_DENIED") ? 1 : 0;
  EXPECT_GE(denied, 4) << absl::StrJoin(codes, "\n");
}

// Every route that changes something, tried by each role that may only read: all
// refused at the edge and audited, none forwarded. The one POST that is a read
// (ResolveUnitNames, `read: true` in its option) is served to a viewer, unaudited.
TEST_F(GatewayTest, EveryMutatingRouteIsRefusedToEachReadingRole) {
  auto doc = Call("GET", "/v1/openapi.json", "");
  ASSERT_EQ(doc->status, 200);
  const std::vector<std::pair<std::string, std::string>> routes = OpenApiRoutes(doc->body);
  const std::map<std::string, std::string> readers{
      {"viewer", Token(Claims("xem", "units/vu-tccb", {kRoleViewer}))},
      {"auditor", Auditor()},
      {"system", Token(Claims("he-thong", "", {kRoleSystem}))},
  };
  const size_t audited_before = AuditCodes().size();
  int refused = 0;
  for (const auto& [verb, url] : routes) {
    if (verb == "GET" || url == "/v1/units:resolve") continue;
    for (const auto& [role, token] : readers) {
      auto r = Call(verb, url, token, verb == "DELETE" ? "" : "{}", {{"Idempotency-Key", "r1"}});
      ASSERT_TRUE(r) << role << " " << verb << " " << url;
      EXPECT_EQ(r->status, 403) << role << " " << verb << " " << url << ": " << r->body;
      EXPECT_THAT(r->body, ::testing::HasSubstr("needs role office")) << role << " " << verb << " " << url;
      ++refused;
    }
  }
  EXPECT_EQ(refused, 3 * 22);  // 22 routes change something.
  // Audited, every one; and (the 403 came from the gateway's own words) none forwarded.
  EXPECT_EQ(AuditCodes().size(), audited_before + refused);

  const size_t audited_before_read = AuditCodes().size();
  auto resolved = Call("POST", "/v1/units:resolve", readers.at("viewer"), R"({"names": ["So Tu phap Ha Noi"]})");
  ASSERT_EQ(resolved->status, 200) << resolved->body;
  EXPECT_THAT(resolved->body, ::testing::HasSubstr("units/stp-ha-noi"));
  EXPECT_EQ(AuditCodes().size(), audited_before_read);
}

// A page on the configured origin may read answers, and their ETag and request id;
// a page on any other origin gets no CORS header, and its preflight is refused.
TEST_F(GatewayTest, CorsLetsOnlyTheConfiguredOriginReadAnswers) {
  const std::string path = absl::StrCat("/v1/", kTask);
  auto allowed = Call("GET", path, Office(), "", {{"Origin", kDashboardOrigin}});
  ASSERT_EQ(allowed->status, 200);
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), kDashboardOrigin);
  EXPECT_EQ(allowed->get_header_value("Vary"), "Origin");
  EXPECT_THAT(allowed->get_header_value("Access-Control-Expose-Headers"), ::testing::HasSubstr("ETag"));
  EXPECT_THAT(allowed->get_header_value("Access-Control-Expose-Headers"), ::testing::HasSubstr("X-Request-Id"));
  // An error answer too: the page must be able to read why.
  auto refused = Call("GET", path, "", "", {{"Origin", kDashboardOrigin}});
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->get_header_value("Access-Control-Allow-Origin"), kDashboardOrigin);

  auto other = Call("GET", path, Office(), "", {{"Origin", "https://evil.example"}});
  ASSERT_EQ(other->status, 200);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(other->has_header("Access-Control-Expose-Headers"));

  httplib::Client c("127.0.0.1", http_port_);
  auto preflight = c.Options(path.c_str(), {{"Origin", kDashboardOrigin}, {"Access-Control-Request-Method", "PATCH"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), kDashboardOrigin);
  EXPECT_THAT(preflight->get_header_value("Access-Control-Allow-Methods"), ::testing::HasSubstr("PATCH"));
  auto evil = c.Options(path.c_str(), {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "PATCH"}});
  ASSERT_TRUE(evil);
  EXPECT_EQ(evil->status, 403);
  EXPECT_FALSE(evil->has_header("Access-Control-Allow-Origin"));
  // Security headers on the refusal as on every answer.
  EXPECT_EQ(evil->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(refused->get_header_value("X-Frame-Options"), "DENY");
}

// p06ctl token, as the issue and the README spell it: the token's holder acts for
// --unit (--as_unit is the same for every command), and the gateway hears just that.
TEST_F(GatewayTest, AMintedTokenCarriesItsUnitAndRoles) {
  auto minted = RunForOutput({.argv = {P06_CTL_BINARY, "token", "--signing_key=" + dir_ + "/issuer.pem", "--kid=k1",
                                       absl::StrCat("--issuer=", kIssuer), "--subject=lan", "--unit=units/stp-ha-noi",
                                       "--roles=unit_reporter"}});
  ASSERT_TRUE(minted.ok());
  ASSERT_EQ(minted->exit_code, 0) << minted->output;
  auto me = Call("GET", "/v1/principal", std::string(absl::StripAsciiWhitespace(minted->output)));
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_THAT(me->body, ::testing::HasSubstr(R"("subject":"lan")"));
  EXPECT_THAT(me->body, ::testing::HasSubstr(R"("unit":"units/stp-ha-noi")"));
  EXPECT_THAT(me->body, ::testing::HasSubstr(R"("roles":["unit_reporter"])"));
}

// The caller's request id comes back on every kind of answer; a new one is made when
// it sent none or a malformed one.
TEST_F(GatewayTest, TheRequestIdComesBackOnEveryAnswer) {
  const std::string path = absl::StrCat("/v1/", kTask);
  const httplib::Headers mine{{"X-Request-Id", "dashboard-7f3a9c21"}};
  EXPECT_EQ(Call("GET", path, Office(), "", mine)->get_header_value("X-Request-Id"), "dashboard-7f3a9c21");
  auto refused = Call("GET", path, "", "", mine);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->get_header_value("X-Request-Id"), "dashboard-7f3a9c21");
  EXPECT_THAT(refused->body, ::testing::HasSubstr(R"("requestId":"dashboard-7f3a9c21")"));
  EXPECT_EQ(Call("GET", "/healthz", "", "", mine)->get_header_value("X-Request-Id"), "dashboard-7f3a9c21");
  httplib::Client c("127.0.0.1", http_port_);
  auto preflight = c.Options(path.c_str(), {{"Origin", kDashboardOrigin}, {"X-Request-Id", "dashboard-7f3a9c21"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->get_header_value("X-Request-Id"), "dashboard-7f3a9c21");
  // A malformed id (a line break would split the header) is replaced, not echoed.
  auto replaced = Call("GET", path, Office(), "", {{"X-Request-Id", std::string(300, 'x')}});
  EXPECT_FALSE(replaced->get_header_value("X-Request-Id").empty());
  EXPECT_NE(replaced->get_header_value("X-Request-Id"), std::string(300, 'x'));
}

// ETag out, If-Match in: a write guarded by a stale etag is refused and changes
// nothing; a precondition the gateway cannot pass on is refused, not dropped.
TEST_F(GatewayTest, IfMatchGuardsAWriteOrIsRefused) {
  const std::string path = absl::StrCat("/v1/", kTask);
  auto read = Call("GET", path, Office());
  ASSERT_EQ(read->status, 200);
  const std::string etag = read->get_header_value("ETag");
  ASSERT_TRUE(absl::StartsWith(etag, "\"")) << etag;
  const std::string patch = absl::StrCat(path, "?updateMask=note");
  auto update = [&](const std::string& if_match, const std::string& note) {
    return Call("PATCH", patch, Office(), absl::StrCat(R"({"note": ")", note, R"("})"), {{"If-Match", if_match}});
  };

  auto done = update(etag, "first");
  ASSERT_EQ(done->status, 200) << done->body;
  const std::string next = done->get_header_value("ETag");
  EXPECT_NE(next, etag);
  // The etag it was read with is stale now: 409, and the note is still "first".
  auto stale = update(etag, "second");
  EXPECT_EQ(stale->status, 409) << stale->body;
  EXPECT_THAT(Call("GET", path, Office())->body, ::testing::HasSubstr(R"("note":"first")"));
  // "*": any current version.
  EXPECT_EQ(update("*", "third")->status, 200);

  // Refused before anything is forwarded, naming the header.
  for (const std::string& bad : {absl::StrCat("W/", next), std::string("unquoted"), absl::StrCat(next, ", ", etag)}) {
    auto r = update(bad, "fourth");
    EXPECT_EQ(r->status, 400) << bad << ": " << r->body;
    EXPECT_THAT(r->body, ::testing::HasSubstr("If-Match")) << bad;
  }
  // Two If-Match lines: which would be compared?
  auto two = Call("PATCH", patch, Office(), R"({"note": "fifth"})", {{"If-Match", next}, {"If-Match", etag}});
  EXPECT_EQ(two->status, 400) << two->body;
  EXPECT_THAT(two->body, ::testing::HasSubstr("one line"));
  // A route whose request has no etag: the guard would be dropped, so it is refused,
  // "*" too (it would let a report through unconditioned).
  for (const std::string& guard : {etag, std::string("*")}) {
    auto unguardable = Call("POST", absl::StrCat(path, "/progress"), Office(), "{}",
                            {{"If-Match", guard}, {"Idempotency-Key", "im-1"}});
    EXPECT_EQ(unguardable->status, 400) << guard << ": " << unguardable->body;
    EXPECT_THAT(unguardable->body, ::testing::HasSubstr("takes no etag")) << guard;
  }
  EXPECT_THAT(Call("GET", path, Office())->body, ::testing::HasSubstr(R"("note":"third")"));
}

// Forged principals sent straight to each process's port, by someone who can reach
// it: with a made-up proof, with a real one from a service's key (the notification
// service's, as if broken into) claiming the Office, and with the gateway's real
// proof for another service passed on.
TEST_F(GatewayTest, ServicePortsRefuseForgedPrincipals) {
  const std::string& keys = ::p06::testing::InstallTestInternalKeys();
  auto notification_key = Keyring::LoadDirectory(keys, "notification");
  auto gateway_key = Keyring::LoadDirectory(keys, kGatewayIssuer);
  ASSERT_TRUE(notification_key.ok() && gateway_key.ok());
  for (const ServiceProcess* s : {core_.directory.get(), core_.task.get(), reporting_.get(), notification_.get(), gateway_.get()}) {
    const std::string method = s == core_.task.get() ? "/p06.task.v1.TaskService/GetTask"
                             : s == core_.directory.get() ? "/p06.directory.v1.DirectoryService/GetUnit"
                             : s == reporting_.get() ? "/p06.reporting.v1.ReportingService/ListReports"
                             : s == notification_.get() ? "/p06.notification.v1.NotificationService/ListRules"
                                                        : "/p06.gateway.v1.GatewayService/GetPrincipal";
    const std::string audience = AudienceOfMethod(method);
    const std::string elsewhere = audience == "task" ? "directory" : "task";
    struct Forgery {
      std::string what, proof, why;
    };
    const std::vector<Forgery> forgeries{
        {"made up", "v1.99999999999.deadbeef", "no longer believed"},
        {"a service's own key", (*notification_key)->Sign(audience, "attacker", kMinistryOfficeUnit, kRoleOffice),
         "issuer notification may assert only"},
        {"the gateway's, for another service",
         (*gateway_key)->Sign(elsewhere, "attacker", kMinistryOfficeUnit, kRoleOffice),
         absl::StrCat("made for ", elsewhere, ", not for ", audience)},
        // The control: the gateway's proof for this very service is believed (the call
        // then fails, if at all, on its empty request, not on its principal).
        {"the gateway's, for this service", (*gateway_key)->Sign(audience, "attacker", kMinistryOfficeUnit, kRoleOffice),
         ""},
    };
    for (const auto& [what, proof, why] : forgeries) {
      ASSERT_FALSE(proof.empty()) << what;
      // A channel of its own, without the interceptor that would sign for this process.
      auto channel = grpc::CreateChannel(s->target(), grpc::InsecureChannelCredentials());
      grpc::ClientContext ctx;
      ctx.AddMetadata(kSubjectHeader, "attacker");
      ctx.AddMetadata(kUnitHeader, kMinistryOfficeUnit);
      ctx.AddMetadata(kRolesHeader, kRoleOffice);
      ctx.AddMetadata(kProofHeader, proof);
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      // Any method, an empty request: the principal is checked before the request is read.
      const grpc::Status status = ::p06::testing::GenericUnaryCall(channel, ctx, method);
      if (why.empty()) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << method << ", " << what << ": " << status.error_message();
        continue;
      }
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method << ", " << what << ": " << status.error_message();
      EXPECT_THAT(status.error_message(), ::testing::HasSubstr(why)) << method << ", " << what;
    }
  }

  // A flood of well-formed forgeries on one connection, each of which would cost a
  // signature check: past the limit the task service refuses that connection's
  // unverified proofs unchecked for the rest of the second. The gateway's own
  // connections, from the same address, are not held to it.
  grpc::ChannelArguments one_connection;
  one_connection.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto forger = grpc::CreateCustomChannel(core_.task->target(), grpc::InsecureChannelCredentials(), one_connection);
  auto forge = [&](const std::string& subject, const std::string& proof) {
    grpc::ClientContext ctx;
    ctx.AddMetadata(kSubjectHeader, subject);
    ctx.AddMetadata(kRolesHeader, kRoleViewer);
    ctx.AddMetadata(kProofHeader, proof);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return ::p06::testing::GenericUnaryCall(forger, ctx, "/p06.task.v1.TaskService/GetTask");
  };
  const std::string signed_for_other = (*gateway_key)->Sign("task", "someone", "", kRoleViewer);
  grpc::Status last;
  int calls = 0;
  // Up to three times the limit: the count starts again when the second turns over.
  while (calls < 3 * kMaxFailedProofsPerSecond && last.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
    last = forge(absl::StrCat("forger-", calls++), signed_for_other);
    if (last.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ASSERT_EQ(last.error_code(), grpc::StatusCode::UNAUTHENTICATED) << last.error_message();
    }
  }
  EXPECT_EQ(last.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << "after " << calls << " forgeries";
  EXPECT_THAT(last.error_message(), ::testing::HasSubstr("retry in 1 s"));
  EXPECT_GT(calls, kMaxFailedProofsPerSecond);  // Each of the first ones was checked.
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", kTask), Token(Claims("new-viewer", "units/vu-tccb", {kRoleViewer})))->status, 200)
      << "a new principal through the gateway, at once";
}

TEST_F(GatewayTest, BadInputIsRefusedNamingTheField) {
  const std::string task = absl::StrCat("/v1/", kTask);
  const std::string office = Office();
  struct Case {
    std::string what, method, path, body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases{
      {"unknown body field", "PATCH", task + "?updateMask=note", R"({"note": "x", "bogus": 1})", 400, "task.bogus"},
      {"wrong type", "PATCH", task + "?updateMask=note", R"({"note": 12})", 400, "task.note"},
      {"unknown parameter", "GET", "/v1/plans/910-qd-btp-2025/tasks?bogus=1", "", 400, "bogus"},
      {"bad number", "GET", "/v1/plans/910-qd-btp-2025/tasks?pageSize=many", "", 400, "page_size"},
      {"deep JSON", "POST", "/v1/units:resolve", "{\"names\":" + std::string(100, '[') + std::string(100, ']') + "}", 400, "body"},
      {"invalid UTF-8", "POST", "/v1/units:resolve", "{\"names\": [\"\xff\xfe\"]}", 400, "body"},
      {"traversal", "GET", "/v1/plans/910-qd-btp-2025/tasks/7/../../../x", "", 400, "path"},
      {"no such route", "GET", "/v1/nothing/here", "", 404, ""},
  };
  for (const Case& c : cases) {
    auto r = Call(c.method, c.path, office, c.body);
    ASSERT_TRUE(r) << c.what;
    EXPECT_EQ(r->status, c.status) << c.what << ": " << r->body;
    if (c.field.empty()) continue;
    const google::protobuf::Struct answer = Json(r->body);
    const auto& error = answer.fields().at("error").struct_value();
    const auto& details = error.fields().at("details").list_value();
    ASSERT_GT(details.values_size(), 0) << c.what << ": " << r->body;
    EXPECT_EQ(details.values(0).struct_value().fields().at("fieldViolations").list_value().values(0).struct_value()
                  .fields().at("field").string_value(), c.field) << c.what;
  }
  // 100 MB: refused as it arrives, 413 with the error body.
  auto big = Call("POST", "/v1/plans:import", office, std::string(100 << 20, 'a'));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  // No request was read, yet the answer has an id, the same in the header and the body.
  const std::string big_id = big->get_header_value("X-Request-Id");
  EXPECT_FALSE(big_id.empty());
  EXPECT_THAT(big->body, ::testing::HasSubstr(absl::StrCat(R"("requestId":")", big_id, R"(")")));
  EXPECT_EQ(big->get_header_value("X-Content-Type-Options"), "nosniff");
  // Output-only fields in a PATCH body are never applied: the percent stays the reports'.
  auto patched = Call("PATCH", task + "?updateMask=note", office, R"({"note": "ghi chú", "percentComplete": 99})",
                      {{"Idempotency-Key", "patch-1"}});
  ASSERT_EQ(patched->status, 200) << patched->body;
  auto after = Json(Call("GET", task, office)->body);
  EXPECT_EQ(after.fields().at("note").string_value(), "ghi chú");
  EXPECT_FALSE(after.fields().contains("percentComplete")) << patched->body;
}

// The REST metrics: each answer counted under its route, method and status; a method
// a client made up counted as "other", so that made-up methods cannot mint series.
TEST_F(GatewayTest, RequestMetricsCountEachAnswerAndNoMadeUpMethod) {
  ASSERT_EQ(Call("GET", absl::StrCat("/v1/", kTask), Office())->status, 200);
  httplib::Client c("127.0.0.1", http_port_);
  for (const char* method : {"BREW", "XYZZY"}) {
    httplib::Request req;
    req.method = method;
    req.path = "/v1/plans";
    auto r = c.send(req);
    ASSERT_TRUE(r) << method;
    EXPECT_EQ(r->status, 405) << method;  // /v1/plans is a route, for GET and POST.
  }
  auto metrics = ::p06::testing::HttpGet(gateway_->metrics_port(), "/metrics");
  ASSERT_TRUE(metrics.ok());
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(*metrics, '\n')) {
    if (absl::StartsWith(line, "p06_gateway_http_requests_total{")) lines.emplace_back(line);
  }
  const std::string all = absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines, ::testing::Contains(::testing::AllOf(::testing::HasSubstr("method=\"GET\""),
                                                          ::testing::HasSubstr("route=\"/v1/{name=plans/*/tasks/*}\""),
                                                          ::testing::HasSubstr("status=\"200\""))))
      << all;
  EXPECT_THAT(lines, ::testing::Contains(::testing::HasSubstr("method=\"other\""))) << all;
  EXPECT_FALSE(absl::StrContains(all, "BREW") || absl::StrContains(all, "XYZZY")) << all;
}

TEST_F(GatewayTest, EveryRouteOfTheOpenApiDocumentAnswers) {
  auto doc = Call("GET", "/v1/openapi.json", "");
  ASSERT_EQ(doc->status, 200);
  std::ofstream(dir_ + "/openapi.json") << doc->body;
  // An independent validator of the document.
  auto validated = RunForOutput({.argv = {"/usr/bin/node", P06_SOURCE_DIR "/tests/e2e/js/validate_openapi.js",
                                          dir_ + "/openapi.json"},
                                 .env = {"P06_NODE_MODULES=" P06_SOURCE_DIR "/deploy/tools/node_modules"}});
  ASSERT_TRUE(validated.ok());
  EXPECT_EQ(validated->exit_code, 0) << validated->output;

  const std::string token = Office();
  int routes = 0;
  for (const auto& [verb, url] : OpenApiRoutes(doc->body)) {
    if (url == "/v1/events:watch") {
      // The stream: replayed to its end, not followed (gateway_events_test.cc).
      auto r = Call(verb, url + "?replayOnly=true", token);
      ASSERT_TRUE(r) << url;
      EXPECT_EQ(r->status, 200) << r->body.substr(0, 300);
      EXPECT_EQ(r->get_header_value("Content-Type"), "text/event-stream");
      ++routes;
      continue;
    }
    auto r = Call(verb, url, token, verb == "GET" || verb == "DELETE" ? "" : "{}");
    ASSERT_TRUE(r) << verb << " " << url;
    ++routes;
    const std::string status = Json(r->body).fields().contains("error")
                                   ? Json(r->body).fields().at("error").struct_value().fields().at("message").string_value()
                                   : "";
    // Every route reaches its service: no "no route", no method refused, no backend
    // missing. (The service may well say NOT_FOUND or INVALID_ARGUMENT of "x".)
    EXPECT_FALSE(absl::StartsWith(status, "no route")) << verb << " " << url;
    EXPECT_NE(r->status, 405) << verb << " " << url;
    EXPECT_NE(r->status, 503) << verb << " " << url << ": " << r->body;
    EXPECT_LT(r->status, 500) << verb << " " << url << ": " << r->body;
  }
  EXPECT_EQ(routes, 52);  // Every RPC of the suite.

  // REST answers as the service does over gRPC.
  auto rest = Call("GET", absl::StrCat("/v1/", kTask), token);
  tpb::Task direct;
  grpc::ClientContext ctx;
  ::p06::testing::AttachOffice(ctx);
  tpb::GetTaskRequest request;
  request.set_name(kTask);
  ASSERT_TRUE(tpb::TaskService::NewStub(core_.task->channel())->GetTask(&ctx, request, &direct).ok());
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(direct, &json).ok());
  EXPECT_EQ(rest->body, json);
  EXPECT_EQ(rest->get_header_value("ETag"), absl::StrCat("\"", direct.etag(), "\""));
  EXPECT_EQ(rest->get_header_value("X-Content-Type-Options"), "nosniff");
}

// The audit log is append-only in the database itself; an owner who drops that guard
// and changes a row breaks the chain at it; one who cuts off the newest rows leaves a
// whole chain, found only against a head kept from an earlier check.
TEST_F(GatewayTest, AuditVerifyDetectsRowsChangedOrCutOffByHand) {
  const std::string viewer = Token(Claims("xem", "units/vu-tccb", {kRoleViewer}));
  const std::string progress = absl::StrCat("/v1/", kTask, "/progress");
  // A viewer's write is refused at the edge: one entry each.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("POST", progress, viewer, "{}")->status, 403);
  auto verify = [&](const std::string& known_head = "") {
    std::vector<std::string> argv = {P06_CTL_BINARY, "audit", "verify", "--target=" + gateway_->target()};
    if (!known_head.empty()) argv.push_back("--known_head=" + known_head);
    return RunForOutput({.argv = argv});
  };
  auto intact = verify();
  ASSERT_TRUE(intact.ok());
  EXPECT_EQ(intact->exit_code, 0) << intact->output;
  EXPECT_NE(intact->output.find("intact: 3 entries"), std::string::npos) << intact->output;
  const size_t at = intact->output.find("head: ");
  ASSERT_NE(at, std::string::npos) << intact->output;
  const std::string head = intact->output.substr(at + 6, intact->output.find(' ', at + 6) - at - 6);
  EXPECT_TRUE(absl::StartsWith(head, "auditEntries/3:")) << head;
  EXPECT_EQ(head.size(), std::string("auditEntries/3:").size() + 64) << head;
  EXPECT_EQ(verify(head)->exit_code, 0);

  pqxx::connection conn(database_url());
  auto exec = [&](const std::string& sql) {
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
  };
  for (const char* change : {"UPDATE gateway.audit_entries SET code = 'OK' WHERE seq = 2",
                             "DELETE FROM gateway.audit_entries WHERE seq = 3", "TRUNCATE gateway.audit_entries"}) {
    EXPECT_THROW(exec(change), pqxx::insufficient_privilege) << change;
  }
  EXPECT_EQ(verify(head)->exit_code, 0) << "nothing changed";

  // The table's owner can drop the guard.
  exec("ALTER TABLE gateway.audit_entries DISABLE TRIGGER USER");
  exec("DELETE FROM gateway.audit_entries WHERE seq = 3");
  auto cut = verify();
  EXPECT_EQ(cut->exit_code, 0) << "a chain cut at its end is whole: " << cut->output;
  EXPECT_NE(cut->output.find("intact: 2 entries"), std::string::npos) << cut->output;
  auto against_head = verify(head);
  EXPECT_EQ(against_head->exit_code, 1) << against_head->output;
  EXPECT_NE(against_head->output.find("BROKEN at auditEntries/3"), std::string::npos) << against_head->output;
  EXPECT_NE(against_head->output.find("missing"), std::string::npos) << against_head->output;

  exec("UPDATE gateway.audit_entries SET code = 'OK' WHERE seq = 2");
  auto broken = verify();
  ASSERT_TRUE(broken.ok());
  EXPECT_EQ(broken->exit_code, 1) << broken->output;
  EXPECT_NE(broken->output.find("BROKEN at auditEntries/2"), std::string::npos) << broken->output;
  // A head that is not one: refused, naming the field.
  auto bad = verify("auditEntries/x:abc");
  EXPECT_EQ(bad->exit_code, 1) << bad->output;
  EXPECT_NE(bad->output.find("known_head_entry"), std::string::npos) << bad->output;
}

// A mutation is in the audit log before it reaches its service: received, then the
// outcome, under the same request id. When the log cannot be written, nothing is changed.
TEST_F(GatewayTest, AMutationIsAuditedBeforeItIsMadeOrNotMade) {
  const std::string progress = absl::StrCat("/v1/", kTask, "/progress");
  const std::string body = R"({"report": {"reportingUnit": "units/vu-tccb", "status": "TASK_STATUS_IN_PROGRESS", "percentComplete": 10}})";
  auto made = Call("POST", progress, Office(), body, {{"Idempotency-Key", "wal-1"}, {"X-Request-Id", "wal-request-1"}});
  ASSERT_EQ(made->status, 200) << made->body;
  auto r = Call("GET", "/v1/auditEntries?pageSize=10", Auditor());
  const google::protobuf::Struct page = Json(r->body);
  const auto& entries = page.fields().at("entries").list_value().values();
  ASSERT_GE(entries.size(), 2);
  // Newest first: the outcome, then the entry written before the call.
  const auto& answered = entries[0].struct_value().fields();
  const auto& received = entries[1].struct_value().fields();
  EXPECT_EQ(answered.at("stage").string_value(), "STAGE_ANSWERED");
  EXPECT_EQ(answered.at("code").string_value(), "OK");
  EXPECT_EQ(received.at("stage").string_value(), "STAGE_RECEIVED");
  EXPECT_FALSE(received.contains("code")) << "no outcome is known before the call";
  EXPECT_EQ(received.at("requestId").string_value(), "wal-request-1");
  EXPECT_EQ(answered.at("requestId").string_value(), "wal-request-1");
  EXPECT_EQ(received.at("resource").string_value(), kTask);
  EXPECT_EQ(answered.at("receivedEntry").string_value(), received.at("name").string_value());

  // The audit table out of reach (moved away by hand): the report is refused, 503,
  // and the task service never sees it.
  auto exec = [&](const std::string& sql) {
    pqxx::connection conn(database_url());
    pqxx::work tx(conn);
    pqxx::result result = tx.exec(sql);
    tx.commit();
    return result;
  };
  auto reports = [&] { return exec("SELECT count(*) FROM task.progress_reports")[0][0].as<int>(); };
  const int before = reports();
  exec("ALTER TABLE gateway.audit_entries RENAME TO audit_entries_away");
  auto refused = Call("POST", progress, Office(), body, {{"Idempotency-Key", "wal-2"}});
  exec("ALTER TABLE gateway.audit_entries_away RENAME TO audit_entries");
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_TRUE(absl::StrContains(refused->body, "audit log")) << refused->body;
  EXPECT_EQ(reports(), before) << "a mutation that could not be audited was made";
  // Back in reach: the same request goes through, and the chain is whole.
  EXPECT_EQ(Call("POST", progress, Office(), body, {{"Idempotency-Key", "wal-2"}})->status, 200);
  EXPECT_EQ(reports(), before + 1);
  auto verify = Call("GET", "/v1/auditEntries:verify", Auditor());
  EXPECT_TRUE(absl::StrContains(verify->body, R"("intact":true)")) << verify->body;
}

TEST_F(GatewayTest, ABackendDownIsA503InTime) {
  reporting_.reset();  // Stopped.
  const absl::Time start = absl::Now();
  auto r = Call("GET", "/v1/reports", Office());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // The backend deadline is 3 s.
  EXPECT_EQ(Json(r->body).fields().at("error").struct_value().fields().at("status").string_value(), "UNAVAILABLE");
}

// A gateway whose internal key the services do not believe (regenerated on one side,
// say): every caller it authenticated gets 503 with the error body, whatever the door
// (a read, a mutation, a dashboard page), and the gateway logs what the service said.
// The real gateway beside it is not touched.
TEST_F(GatewayTest, AGatewayWhoseKeyTheServicesDoNotBelieveAnswers503) {
  const int port = ::p06::testing::FreePort();
  std::vector<std::string> flags = GatewayFlags(port);
  flags.push_back(UnbelievedInternalKeysFlag());
  auto unbelieved = ServiceProcess::Start(P06_GATEWAY_BINARY, database_url(), flags);
  ASSERT_TRUE(unbelieved.ok()) << unbelieved.status();

  const std::string task = absl::StrCat("/v1/", kTask);
  for (const auto& [method, path, body] :
       {std::tuple{"GET", task, ""}, std::tuple{"PATCH", task + "?updateMask=note", R"({"note":"x"})"},
        // A page without its plan (a fan-out part) has nothing to show.
        std::tuple{"GET", std::string("/v1/plans/910-qd-btp-2025:overview"), ""},
        // An event stream, refused before its first event (replayOnly: were the key
        // believed, the stream would end instead of waiting for new events).
        std::tuple{"GET", std::string("/v1/events:watch?replayOnly=true"), ""}}) {
    auto r = CallPort(port, method, path, Office(), body);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 503) << method << " " << path << ": " << r->body;
    EXPECT_THAT(r->body, ::testing::HasSubstr("did not accept the gateway's word")) << r->body;
    EXPECT_THAT(r->body, ::testing::Not(::testing::HasSubstr("x-p06-proof"))) << "a header the caller never sent";
  }
  EXPECT_THAT((*unbelieved)->Log(), ::testing::HasSubstr("refused the suite's proof"));
  EXPECT_EQ(Call("GET", task, Office())->status, 200);
}

}  // namespace
}  // namespace p06
