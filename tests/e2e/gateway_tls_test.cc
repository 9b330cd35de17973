// Other ministry systems over the gateway's mutual-TLS gRPC port: certificates made
// here with openssl (a CA, the gateway's, systems' and an outsider's), real TLS, the
// real services behind. The certificate is the caller; its scopes and roles decide.
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>

#include <gmock/gmock.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "p06/dashboard/v1/dashboard.grpc.pb.h"
#include "p06/gateway/v1/gateway.grpc.pb.h"
#include "p06/task/v1/task.grpc.pb.h"
#include "tests/e2e/gateway_fixture.h"

namespace p06 {
namespace {

using ::p06::testing::GatewayTest;
using ::p06::testing::kTask;
using ::p06::testing::ReadAll;
using ::p06::testing::RunForOutput;
namespace tpb = ::p06::task::v1;

constexpr char kReader[] = "/C=VN/O=Bo Cong an/CN=dvc.bocongan.gov.vn";
constexpr char kReaderSubject[] = "CN=dvc.bocongan.gov.vn,O=Bo Cong an,C=VN";
constexpr char kReporter[] = "/C=VN/O=So Tu phap/CN=baocao.stp.gov.vn";
constexpr char kStranger[] = "/C=VN/O=Khong ro/CN=la.gov.vn";

class GatewayTlsTest : public GatewayTest {
 protected:
  void Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    auto r = RunForOutput({.argv = args});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->exit_code, 0) << r->output;
  }
  // A key and a certificate for `subject`, signed by the CA `ca` (or self-signed).
  void Certificate(const std::string& name, const std::string& subject, const std::string& ca,
                   const std::string& extensions = "") {
    const std::string base = dir_ + "/" + name;
    if (ca.empty()) {
      Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out", base + ".pem",
               "-days", "2", "-subj", subject});
      return;
    }
    Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out", base + ".csr", "-subj", subject});
    std::vector<std::string> sign = {"x509", "-req", "-in", base + ".csr", "-CA", dir_ + "/" + ca + ".pem",
                                     "-CAkey", dir_ + "/" + ca + ".key", "-CAcreateserial", "-out", base + ".pem",
                                     "-days", "2"};
    if (!extensions.empty()) {
      std::ofstream(base + ".ext") << extensions << "\n";
      sign.insert(sign.end(), {"-extfile", base + ".ext"});
    }
    Openssl(sign);
  }

  std::vector<std::string> ExtraGatewayFlags() override {
    // The unit that leads the task: the reporting system acts for it.
    tpb::Task task;
    grpc::ClientContext ctx;
    ::p06::testing::AttachOffice(ctx);
    tpb::GetTaskRequest get;
    get.set_name(kTask);
    EXPECT_TRUE(tpb::TaskService::NewStub(core_.task->channel())->GetTask(&ctx, get, &task).ok());
    lead_ = task.lead_units(0).unit();

    Certificate("ca", "/CN=p06 test CA", "");
    Certificate("other-ca", "/CN=someone else's CA", "");
    Certificate("gateway", "/CN=localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    Certificate("reader", kReader, "ca");
    Certificate("reporter", kReporter, "ca");
    Certificate("stranger", kStranger, "ca");
    Certificate("forger", kReader, "other-ca");  // The reader's subject, the wrong CA.
    std::ofstream(dir_ + "/principals.txt")
        << "# test systems\n"
        << kReaderSubject << " | system:bca-dvc | | system | reads\n"
        << "CN=baocao.stp.gov.vn,O=So Tu phap,C=VN | system:stp | " << lead_
        << " | system,unit_reporter | reads, /p06.task.v1.TaskService/ReportProgress\n";
    tls_port_ = ::p06::testing::FreePort();
    return TlsFlags(tls_port_);
  }

  // A gateway's flags for mutual TLS on `tls_port`, with the certificates made above.
  std::vector<std::string> TlsFlags(int tls_port) const {
    return {absl::StrCat("--tls_port=", tls_port), "--tls_cert_file=" + dir_ + "/gateway.pem",
            "--tls_key_file=" + dir_ + "/gateway.key", "--tls_client_ca_file=" + dir_ + "/ca.pem",
            "--tls_client_principals_file=" + dir_ + "/principals.txt"};
  }

  // The task service through the TLS port as the system holding `name`'s certificate
  // ("" for none), on a channel made with `args`.
  std::unique_ptr<tpb::TaskService::Stub> TaskAs(const std::string& name,
                                                 const grpc::ChannelArguments& args = grpc::ChannelArguments(),
                                                 int tls_port = 0) {
    return tpb::TaskService::NewStub(ChannelAs(name, args, tls_port));
  }
  // The TLS port (tls_port, or the fixture's gateway's) as `name`'s certificate.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& name,
                                           const grpc::ChannelArguments& args = grpc::ChannelArguments(),
                                           int tls_port = 0) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadAll(dir_ + "/ca.pem");
    if (!name.empty()) {
      ssl.pem_private_key = ReadAll(dir_ + "/" + name + ".key");
      ssl.pem_cert_chain = ReadAll(dir_ + "/" + name + ".pem");
    }
    return grpc::CreateCustomChannel(absl::StrCat("localhost:", tls_port != 0 ? tls_port : tls_port_),
                                     grpc::SslCredentials(ssl), args);
  }

  grpc::Status GetTask(tpb::TaskService::Stub& stub, tpb::Task* task) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    tpb::GetTaskRequest request;
    request.set_name(kTask);
    return stub.GetTask(&ctx, request, task);
  }

  grpc::Status Report(tpb::TaskService::Stub& stub, const std::string& request_id) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    tpb::ReportProgressRequest request;
    request.set_parent(kTask);
    request.set_request_id(request_id);
    request.mutable_report()->set_reporting_unit(lead_);
    request.mutable_report()->set_status(tpb::TASK_STATUS_IN_PROGRESS);
    request.mutable_report()->set_percent_complete(40);
    tpb::ProgressReport response;
    return stub.ReportProgress(&ctx, request, &response);
  }

  int tls_port_ = 0;
  std::string lead_;
};

TEST_F(GatewayTlsTest, ASystemReadsAsTheServiceAnswers) {
  tpb::Task through, direct;
  ASSERT_TRUE(GetTask(*TaskAs("reader"), &through).ok());
  grpc::ClientContext ctx;
  ::p06::testing::AttachOffice(ctx);
  tpb::GetTaskRequest request;
  request.set_name(kTask);
  ASSERT_TRUE(tpb::TaskService::NewStub(core_.task->channel())->GetTask(&ctx, request, &direct).ok());
  EXPECT_EQ(through.SerializeAsString(), direct.SerializeAsString());
  // The gateway's metrics name the proxied method.
  auto metrics = ::p06::testing::HttpGet(gateway_->metrics_port(), "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_TRUE(absl::StrContains(*metrics, "grpc_method=\"GetTask\"")) << "proxied calls are counted by method";
}

// A gateway whose internal key no service believes (regenerated on one side, say):
// the system it authenticated hears UNAVAILABLE for a unary call and a stream alike,
// never about x-p06-proof, a header it never sent.
TEST_F(GatewayTlsTest, AGatewayTheServicesDoNotBelieveIsUnavailableToASystem) {
  const int tls_port = ::p06::testing::FreePort();
  std::vector<std::string> flags = GatewayFlags(::p06::testing::FreePort());
  const std::vector<std::string> tls = TlsFlags(tls_port);
  flags.insert(flags.end(), tls.begin(), tls.end());
  flags.push_back(UnbelievedInternalKeysFlag());
  auto unbelieved = ::p06::testing::ServiceProcess::Start(P06_GATEWAY_BINARY, database_url(), flags);
  ASSERT_TRUE(unbelieved.ok()) << unbelieved.status();

  auto stub = TaskAs("reader", grpc::ChannelArguments(), tls_port);
  tpb::Task task;
  const grpc::Status unary = GetTask(*stub, &task);
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::UNAVAILABLE) << unary.error_message();
  EXPECT_TRUE(absl::StrContains(unary.error_message(), "did not accept the gateway's word")) << unary.error_message();
  EXPECT_FALSE(absl::StrContains(unary.error_message(), "x-p06-proof")) << unary.error_message();

  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  tpb::WatchEventsRequest watch;
  watch.set_replay_only(true);  // Were the key believed, the stream would end, not wait.
  auto reader = stub->WatchEvents(&ctx, watch);
  tpb::WatchEventsResponse event;
  while (reader->Read(&event)) {
  }
  const grpc::Status stream = reader->Finish();
  EXPECT_EQ(stream.error_code(), grpc::StatusCode::UNAVAILABLE) << stream.error_message();
  EXPECT_TRUE(absl::StrContains(stream.error_message(), "did not accept the gateway's word")) << stream.error_message();
  EXPECT_FALSE(absl::StrContains(stream.error_message(), "x-p06-proof")) << stream.error_message();

  // The suite's own gateway still serves the same system.
  EXPECT_TRUE(GetTask(*TaskAs("reader"), &task).ok());
}

TEST_F(GatewayTlsTest, ScopesAndRolesDecideAndEveryMutationAndRefusalIsAudited) {
  // Reads only: its write is refused before the task service sees it.
  EXPECT_EQ(Report(*TaskAs("reader"), "tls-1").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Scoped for ReportProgress and acting for the lead unit: done.
  grpc::Status reported = Report(*TaskAs("reporter"), "tls-2");
  EXPECT_TRUE(reported.ok()) << reported.error_message();
  // A certificate of the right CA whose subject is no known system.
  tpb::Task task;
  EXPECT_EQ(GetTask(*TaskAs("stranger"), &task).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  auto r = Call("GET", "/v1/auditEntries?pageSize=100", Auditor());
  ASSERT_EQ(r->status, 200);
  const std::string& log = r->body;
  EXPECT_TRUE(absl::StrContains(log, R"("code":"PERMISSION_DENIED")")) << log.substr(0, 800);
  EXPECT_TRUE(absl::StrContains(log, absl::StrCat(R"("clientCertificate":")", kReaderSubject, R"(")")));
  EXPECT_TRUE(absl::StrContains(log, R"("clientCertificate":"CN=baocao.stp.gov.vn,O=So Tu phap,C=VN")"));
  EXPECT_TRUE(absl::StrContains(log, R"("clientCertificate":"CN=la.gov.vn,O=Khong ro,C=VN")"));
  EXPECT_TRUE(absl::StrContains(log, absl::StrCat(R"("resource":")", kTask, R"(")")));
  // And the chain, with the new field, still verifies.
  auto verify = Call("GET", "/v1/auditEntries:verify", Auditor());
  EXPECT_TRUE(absl::StrContains(verify->body, R"("intact":true)")) << verify->body;
}

// One rate limit per principal at both doors: past its burst, a system hears
// RESOURCE_EXHAUSTED with a retry-after trailer and a person 429 with Retry-After; the
// calls refused for it are not audited (a flood must not become a flood of audit
// rows); another principal is not held back.
TEST_F(GatewayTlsTest, TheRateLimitHoldsSystemsAndPeopleAlike) {
  const int http_port = ::p06::testing::FreePort();
  const int tls_port = ::p06::testing::FreePort();
  std::vector<std::string> flags = GatewayFlags(http_port);
  const std::vector<std::string> tls = TlsFlags(tls_port);
  flags.insert(flags.end(), tls.begin(), tls.end());
  flags.insert(flags.end(), {"--rate_limit=0.2", "--rate_burst=3"});  // A token back every 5 s.
  auto limited = ::p06::testing::ServiceProcess::Start(P06_GATEWAY_BINARY, database_url(), flags);
  ASSERT_TRUE(limited.ok()) << limited.status();

  auto denied_reports = [this] {
    int n = 0;
    for (const std::string& c : AuditCodes()) n += c == "PERMISSION_DENIED /p06.task.v1.TaskService/ReportProgress";
    return n;
  };
  const int denied_before = denied_reports();
  // The reader may not report: each of its first three tries is refused and audited,
  // the next two are refused by the limit, unaudited.
  auto reader = TaskAs("reader", grpc::ChannelArguments(), tls_port);
  std::vector<grpc::StatusCode> codes;
  for (int i = 0; i < 5; ++i) codes.push_back(Report(*reader, absl::StrCat("rl-", i)).error_code());
  EXPECT_THAT(codes, ::testing::ElementsAre(grpc::StatusCode::PERMISSION_DENIED, grpc::StatusCode::PERMISSION_DENIED,
                                            grpc::StatusCode::PERMISSION_DENIED, grpc::StatusCode::RESOURCE_EXHAUSTED,
                                            grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(denied_reports(), denied_before + 3);
  // A read too, now, with when to come back.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  tpb::GetTaskRequest get;
  get.set_name(kTask);
  tpb::Task task;
  const grpc::Status read = reader->GetTask(&ctx, get, &task);
  EXPECT_EQ(read.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << read.error_message();
  auto trailer = ctx.GetServerTrailingMetadata().find("retry-after");
  ASSERT_NE(trailer, ctx.GetServerTrailingMetadata().end());
  EXPECT_GE(std::stoi(std::string(trailer->second.data(), trailer->second.size())), 1);
  // Another system is not held back by the reader's flood.
  EXPECT_TRUE(GetTask(*TaskAs("reporter", grpc::ChannelArguments(), tls_port), &task).ok());

  // A person at the REST door, the same.
  const std::string viewer = Token(Claims("xem", "units/vu-tccb", {kRoleViewer}));
  const std::string path = absl::StrCat("/v1/", kTask);
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) statuses.push_back(CallPort(http_port, "GET", path, viewer)->status);
  auto last = CallPort(http_port, "GET", path, viewer);
  ASSERT_TRUE(last);
  statuses.push_back(last->status);
  EXPECT_THAT(statuses, ::testing::ElementsAre(200, 200, 200, 429));
  EXPECT_GE(std::stoi(last->get_header_value("Retry-After")), 1);
  EXPECT_TRUE(absl::StrContains(last->body, "RESOURCE_EXHAUSTED")) << last->body;
  EXPECT_EQ(CallPort(http_port, "GET", path, Office())->status, 200);
}

// The gateway's own services (the dashboard pages, who am I, the audit log) are
// served to systems over mutual TLS as the services behind it are: the certificate
// is the caller, its scopes and roles decide.
TEST_F(GatewayTlsTest, ASystemReadsTheGatewaysOwnServices) {
  auto deadline = [](grpc::ClientContext& ctx) {
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  };
  auto dashboard = dashboard::v1::DashboardService::NewStub(ChannelAs("reader"));
  grpc::ClientContext page_ctx;
  deadline(page_ctx);
  dashboard::v1::GetPlanOverviewRequest page_request;
  page_request.set_name("plans/910-qd-btp-2025");
  dashboard::v1::PlanOverview overview;
  const grpc::Status page = dashboard->GetPlanOverview(&page_ctx, page_request, &overview);
  ASSERT_TRUE(page.ok()) << page.error_code() << " " << page.error_message();
  EXPECT_EQ(overview.tasks_size(), 49);

  auto gateway = ::p06::gateway::v1::GatewayService::NewStub(ChannelAs("reader"));
  grpc::ClientContext who_ctx;
  deadline(who_ctx);
  ::p06::gateway::v1::Principal me;
  ASSERT_TRUE(gateway->GetPrincipal(&who_ctx, {}, &me).ok());
  EXPECT_EQ(me.subject(), "system:bca-dvc");
  // The audit log is the auditors': a system reads it not.
  grpc::ClientContext audit_ctx;
  deadline(audit_ctx);
  ::p06::gateway::v1::ListAuditEntriesResponse entries;
  EXPECT_EQ(gateway->ListAuditEntries(&audit_ctx, {}, &entries).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(AuditCodes(), ::testing::Contains("PERMISSION_DENIED /p06.gateway.v1.GatewayService/ListAuditEntries"));
  // A certificate of no known system: refused, and audited.
  grpc::ClientContext stranger_ctx;
  deadline(stranger_ctx);
  EXPECT_EQ(::p06::gateway::v1::GatewayService::NewStub(ChannelAs("stranger"))->GetPrincipal(&stranger_ctx, {}, &me)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(AuditCodes(), ::testing::Contains("UNAUTHENTICATED /p06.gateway.v1.GatewayService/GetPrincipal"));
}

TEST_F(GatewayTlsTest, NoCertificateAWrongCaOrThePlainPortGetNothing) {
  tpb::Task task;
  // TLS refuses the handshake: the call never starts.
  EXPECT_EQ(GetTask(*TaskAs(""), &task).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetTask(*TaskAs("forger"), &task).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The proxy on the plain port: no certificate, no call.
  auto plain = tpb::TaskService::NewStub(gateway_->channel());
  EXPECT_EQ(GetTask(*plain, &task).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// The event stream, for systems that follow the plan: forwarded message by message,
// the same events as the task service gives directly.
TEST_F(GatewayTlsTest, ASystemFollowsTheEventStream) {
  auto watch = [](tpb::TaskService::Stub& stub, bool office, std::vector<std::string>* events) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (office) ::p06::testing::AttachOffice(ctx);
    tpb::WatchEventsRequest request;
    request.set_replay_only(true);
    auto reader = stub.WatchEvents(&ctx, request);
    tpb::WatchEventsResponse m;
    while (reader->Read(&m)) {
      for (const tpb::Event& e : m.events()) events->push_back(e.SerializeAsString());
    }
    return reader->Finish();
  };
  std::vector<std::string> through, direct;
  grpc::Status s = watch(*TaskAs("reader"), false, &through);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(watch(*tpb::TaskService::NewStub(core_.task->channel()), true, &direct).ok());
  EXPECT_GT(direct.size(), 40u) << "the plan's import made events";
  EXPECT_EQ(through, direct);

  // Following live: the replay, then a report made meanwhile arrives as the next
  // message through the gateway.
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto reader = TaskAs("reader")->WatchEvents(&ctx, tpb::WatchEventsRequest());
    tpb::WatchEventsResponse m;
    size_t replayed = 0;
    while (replayed < direct.size() && reader->Read(&m)) replayed += m.events_size();
    ASSERT_EQ(replayed, direct.size());
    ASSERT_TRUE(Report(*TaskAs("reporter"), "tls-live-1").ok());
    ASSERT_TRUE(reader->Read(&m));
    ASSERT_GT(m.events_size(), 0);
    EXPECT_EQ(m.events(0).kind(), tpb::Event::KIND_PROGRESS_REPORTED);
    EXPECT_EQ(m.events(0).request_id(), "tls-live-1") << m.ShortDebugString().substr(0, 400);
    ctx.TryCancel();
    while (reader->Read(&m)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }

  // A caller that stops reading and goes away ends the backend's stream too: the
  // gateway still answers afterwards (nothing stuck, nothing leaked into a crash).
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext ctx;
    tpb::WatchEventsRequest request;  // Not replay-only: the stream would go on.
    auto reader = TaskAs("reader")->WatchEvents(&ctx, request);
    tpb::WatchEventsResponse m;
    ASSERT_TRUE(reader->Read(&m));
    ctx.TryCancel();
    while (reader->Read(&m)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  tpb::Task task;
  EXPECT_TRUE(GetTask(*TaskAs("reader"), &task).ok());
}

// A gateway whose streams are short and few: the cap ends a stream OK (the caller's
// own deadline is later), and past the limit a stream is refused, not queued.
class GatewayTlsStreamLimitsTest : public GatewayTlsTest {
 protected:
  std::vector<std::string> ExtraGatewayFlags() override {
    std::vector<std::string> flags = GatewayTlsTest::ExtraGatewayFlags();
    flags.push_back("--sse_max_duration=2s");
    flags.push_back("--tls_max_streams=2");
    return flags;
  }

  // `n` WatchEvents streams opened on `stub`, each with `deadline`; contexts_ holds
  // their contexts.
  std::vector<std::unique_ptr<grpc::ClientReader<tpb::WatchEventsResponse>>> OpenStreams(
      tpb::TaskService::Stub& stub, int n, std::chrono::seconds deadline) {
    std::vector<std::unique_ptr<grpc::ClientReader<tpb::WatchEventsResponse>>> streams;
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<grpc::ClientContext>());
      contexts_.back()->set_deadline(std::chrono::system_clock::now() + deadline);
      streams.push_back(stub.WatchEvents(contexts_.back().get(), tpb::WatchEventsRequest()));
    }
    return streams;
  }
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_;
};

TEST_F(GatewayTlsStreamLimitsTest, TheCapEndsAStreamOkAndTheLimitRefusesMore) {
  auto reader_stub = TaskAs("reader");
  auto streams = OpenStreams(*reader_stub, 3, std::chrono::seconds(30));
  int ok = 0, refused = 0;
  for (auto& stream : streams) {
    tpb::WatchEventsResponse m;
    while (stream->Read(&m)) {
    }
    const grpc::Status s = stream->Finish();
    ok += s.ok() ? 1 : 0;
    refused += s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ? 1 : 0;
    EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  }
  EXPECT_EQ(ok, 2) << "ended by the gateway's 2 s cap, OK, long before their own deadline";
  EXPECT_EQ(refused, 1);
}

// A system that opens streams and never reads them fills its HTTP/2 window: the
// gateway's writes stall, and the stream cannot end at the cap. It is cut off 10 s
// after, and its slot serves the next system.
TEST_F(GatewayTlsStreamLimitsTest, ASystemThatStopsReadingIsCutOffAndItsSlotFreed) {
  grpc::ChannelArguments tiny_window;
  tiny_window.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
  tiny_window.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  auto stuck_stub = TaskAs("reader", tiny_window);
  auto stuck = OpenStreams(*stuck_stub, 2, std::chrono::seconds(60));
  auto reader_stub = TaskAs("reader");
  // One attempt at a stream: whether it was let in (it reads the replay's first message).
  auto admitted = [&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    auto stream = reader_stub->WatchEvents(&ctx, tpb::WatchEventsRequest());
    tpb::WatchEventsResponse m;
    const bool read = stream->Read(&m);
    if (read) ctx.TryCancel();  // Else the refusal stands (a cancel now would replace it).
    while (stream->Read(&m)) {
    }
    const grpc::Status s = stream->Finish();
    EXPECT_TRUE(read || s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
    return read;
  };
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_FALSE(admitted()) << "the two unread streams hold both slots";
  const absl::Time start = absl::Now();
  bool freed = false;
  while (!freed && absl::Now() - start < absl::Seconds(30)) {
    absl::SleepFor(absl::Seconds(1));
    freed = admitted();
  }
  ASSERT_TRUE(freed) << "an unread stream held its slot past the cap and the cut-off";
  std::cout << "unread streams gave their slots back " << absl::FormatDuration(absl::Now() - start)
            << " after they were refused a third\n";
  // Past the 2 s cap, by the cut-off: a stream that could end at the cap would have
  // freed its slot within a second or two, and this test would no longer reach it.
  EXPECT_GT(absl::Now() - start, absl::Seconds(6)) << "the unread streams never stalled";
  // The two unread streams are cut off one after the other, and the stream just
  // admitted gives its slot back as its cancel arrives: the gauge reaches 0 within
  // moments, not at the instant a slot was first free.
  bool all_back = false;
  for (const absl::Time give_up = absl::Now() + absl::Seconds(5); !all_back && absl::Now() < give_up;) {
    auto metrics = ::p06::testing::HttpGet(gateway_->metrics_port(), "/metrics");
    ASSERT_TRUE(metrics.ok());
    all_back = absl::StrContains(*metrics, "p06_gateway_proxied_streams_open 0");
    if (!all_back) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(all_back) << "every slot given back";
  for (auto& c : contexts_) c->TryCancel();
}

// A gateway told to stop ends the streams it forwards at once (the caller resumes
// elsewhere), instead of holding its drain until they time out.
TEST_F(GatewayTlsTest, AStoppingGatewayEndsItsStreamsAtOnce) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto stream = TaskAs("reader")->WatchEvents(&ctx, tpb::WatchEventsRequest());
  tpb::WatchEventsResponse m;
  ASSERT_TRUE(stream->Read(&m));  // The replay: the stream is open and following.
  const absl::Time stop = absl::Now();
  gateway_->process().Signal(SIGTERM);
  while (stream->Read(&m)) {
  }
  const grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_LT(absl::Now() - stop, absl::Seconds(5)) << "not the 10 s drain deadline";
  auto exited = gateway_->process().Wait(absl::Seconds(15));
  ASSERT_TRUE(exited.ok());
  EXPECT_EQ(*exited, 0);
}

}  // namespace
}  // namespace p06
