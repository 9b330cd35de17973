// The gateway test fixture: the real binaries as processes (directory, task,
// reporting, notification, gateway) on one database, a token issuer of the test's own,
// and HTTP calls with its tokens. Shared by the gateway's end-to-end tests.
#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/base/file.h"
#include "services/gateway/auth/jwt.h"
#include "tests/e2e/core_processes.h"
#include "tests/harness/callers.h"
#include "tests/harness/internal_key.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/service_process.h"
#include "tests/harness/subprocess.h"

namespace p06::testing {

constexpr char kIssuer[] = "p06-test";
constexpr char kTask[] = "plans/910-qd-btp-2025/tasks/7";
// The one origin the gateways started here let a browser call from (CORS).
constexpr char kDashboardOrigin[] = "https://dashboard.p06.test";

inline std::string ReadAll(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.value_or("");
}

class GatewayTest : public ::p06::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    dir_ = absl::StrCat(::testing::TempDir(), "/gateway-", getpid(), "-", counter_++);
    ASSERT_EQ(RunForOutput({.argv = {"/bin/mkdir", "-p", dir_}})->exit_code, 0);
    key_ = GenerateKey("issuer");
    other_key_ = GenerateKey("attacker");
    auto jwks = gateway::JwksOfPrivateKey(key_, "k1");
    ASSERT_TRUE(jwks.ok());
    std::ofstream(dir_ + "/jwks.json") << *jwks;

    auto core = ::p06::testing::StartCoreWithPlan(database_url());
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
    auto reporting = ServiceProcess::Start(P06_REPORTING_BINARY, database_url(), {"--task_target=" + core_.task->target()});
    ASSERT_TRUE(reporting.ok()) << reporting.status();
    reporting_ = std::move(*reporting);
    auto notification = ServiceProcess::Start(
        P06_NOTIFICATION_BINARY, database_url(),
        {"--task_target=" + core_.task->target(), "--directory_target=" + core_.directory->target()});
    ASSERT_TRUE(notification.ok()) << notification.status();
    notification_ = std::move(*notification);
    http_port_ = ::p06::testing::FreePort();
    std::vector<std::string> flags = ExtraGatewayFlags();
    std::vector<std::string> common = GatewayFlags(http_port_);
    flags.insert(flags.begin(), common.begin(), common.end());
    auto gw = ServiceProcess::Start(P06_GATEWAY_BINARY, database_url(), flags);
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = std::move(*gw);
  }

  // A gateway's flags for the processes started here, serving HTTP on `http_port`.
  std::vector<std::string> GatewayFlags(int http_port) const {
    return {absl::StrCat("--http_port=", http_port), "--jwks_file=" + dir_ + "/jwks.json",
            absl::StrCat("--jwt_issuer=", kIssuer), "--directory_target=" + core_.directory->target(),
            "--task_target=" + core_.task->target(), "--reporting_target=" + reporting_->target(),
            "--notification_target=" + notification_->target(), "--backend_timeout=3s", "--rate_limit=0",
            "--page_timeout=1s", "--sse_max_streams=2", "--sse_heartbeat=500ms",
            absl::StrCat("--cors_origins=", kDashboardOrigin)};
  }

  // The flag giving a gateway internal keys of its own, which no service believes.
  std::string UnbelievedInternalKeysFlag() {
    const std::string keys = dir_ + "/unbelieved-keys";
    EXPECT_EQ(RunForOutput({.argv = {"/bin/mkdir", "-p", keys}})->exit_code, 0);
    const InternalKeyPair pair = NewInternalKeyPair();
    std::ofstream(keys + "/gateway.key") << pair.private_pem;
    std::ofstream(keys + "/gateway.pub") << pair.public_pem;
    return "--internal_keys_dir=" + keys;
  }

  // More flags for the gateway, asked once the other services run.
  virtual std::vector<std::string> ExtraGatewayFlags() { return {}; }

  std::string GenerateKey(const std::string& name) {
    const std::string path = absl::StrCat(dir_, "/", name, ".pem");
    auto r = RunForOutput({.argv = {"/usr/bin/openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                                    "rsa_keygen_bits:2048", "-out", path}});
    EXPECT_TRUE(r.ok() && r->exit_code == 0);
    return ReadAll(path);
  }

  gateway::TokenClaims Claims(const std::string& subject, const std::string& unit, std::vector<std::string> roles) {
    return {.issuer = kIssuer, .audience = "p06", .subject = subject, .unit = unit, .roles = std::move(roles),
            .expires = absl::Now() + absl::Hours(1)};
  }
  std::string Token(const gateway::TokenClaims& claims, const std::string& kid = "k1") {
    return *gateway::MintJwt(key_, kid, claims);
  }
  std::string Office() { return Token(Claims("vanthu", kMinistryOfficeUnit, {kRoleOffice})); }
  std::string Auditor() { return Token(Claims("kiemtra", "units/thanh-tra", {kRoleAuditor})); }

  httplib::Result Call(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body = "", httplib::Headers headers = {}) {
    return CallPort(http_port_, method, path, token, body, std::move(headers));
  }
  // Call, on the gateway serving HTTP on `port`.
  httplib::Result CallPort(int port, const std::string& method, const std::string& path, const std::string& token,
                           const std::string& body = "", httplib::Headers headers = {}) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(std::chrono::seconds(10));
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    if (method == "GET") return c.Get(path.c_str(), headers);
    if (method == "DELETE") return c.Delete(path.c_str(), headers);
    if (method == "PATCH") return c.Patch(path.c_str(), headers, body, "application/json");
    return c.Post(path.c_str(), headers, body, "application/json");
  }

  // Every route of the gateway's OpenAPI document, as (HTTP method, a URL it matches):
  // the path parameters filled with the 2025 plan's names where they fit, "x" elsewhere.
  std::vector<std::pair<std::string, std::string>> OpenApiRoutes(const std::string& document) {
    std::vector<std::pair<std::string, std::string>> routes;
    const google::protobuf::Struct openapi = Json(document);
    for (const auto& [path, item] : openapi.fields().at("paths").struct_value().fields()) {
      std::string url = absl::StrReplaceAll(path, {{"{name_1}", "910-qd-btp-2025"}, {"{parent_1}", "910-qd-btp-2025"},
                                                   {"{plan_1}", "910-qd-btp-2025"}, {"{name_2}", "7"},
                                                   {"{parent_2}", "7"}, {"{parent_3}", "t1"}});
      for (const char* p : {"{unit_1}", "{unit_name_1}", "{group_name_1}", "{rule_name_1}", "{task_name_1}",
                            "{contact_name_1}", "{task_name_2}", "{contact_name_2}"}) {
        url = absl::StrReplaceAll(url, {{p, "x"}});
      }
      for (const auto& [method, op] : item.struct_value().fields()) routes.emplace_back(absl::AsciiStrToUpper(method), url);
    }
    return routes;
  }

  google::protobuf::Struct Json(const std::string& text) {
    google::protobuf::Struct s;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text, &s).ok()) << text.substr(0, 300);
    return s;
  }

  std::vector<std::string> AuditCodes() {
    auto r = Call("GET", "/v1/auditEntries?pageSize=1000", Auditor());
    EXPECT_EQ(r->status, 200) << r->body;
    std::vector<std::string> codes;
    const google::protobuf::Struct page = Json(r->body);
    if (!page.fields().contains("entries")) return codes;
    for (const auto& e : page.fields().at("entries").list_value().values()) {
      const auto& fields = e.struct_value().fields();
      // An entry written before a mutation was forwarded has no outcome yet.
      const std::string code = fields.contains("code") ? fields.at("code").string_value() : "RECEIVED";
      codes.push_back(absl::StrCat(code, " ", fields.at("method").string_value()));
    }
    return codes;
  }

  static inline int counter_ = 0;
  std::string dir_, key_, other_key_;
  ::p06::testing::CoreProcesses core_;
  std::unique_ptr<ServiceProcess> reporting_, notification_, gateway_;
  int http_port_ = 0;
};

}  // namespace p06::testing
