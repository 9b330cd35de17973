// p06ctl: the suite's command-line client, for people who work in a terminal and for
// scripts (deploy/run.sh uses `p06ctl health` to wait for services).
//
//   p06ctl health   --target=127.0.0.1:7101 [--service=NAME] [--timeout=2s]
//   p06ctl units    --target=127.0.0.1:7101 [--query=TEXT]
//   p06ctl resolve  --target=127.0.0.1:7101 NAME...   (or names on stdin, one a line)
//   p06ctl directory import --target=127.0.0.1:7101 FILE [--dry_run]   (reference data)
//   p06ctl import   --target=127.0.0.1:7102 FILE [--dry_run] [--remove_tasks=48,49]
//   p06ctl tasks    --target=127.0.0.1:7102 --plan=plans/ID [--unit=units/ID] [--query=TEXT]
//   p06ctl continuations --target=127.0.0.1:7102 --plan=plans/ID   (what continues last year's)
//   p06ctl continuations confirm --target=127.0.0.1:7102 --task=plans/ID/tasks/N [--previous=plans/ID/tasks/M]
//   p06ctl progress --target=127.0.0.1:7102 --task=plans/ID/tasks/N --status=IN_PROGRESS
//                   [--percent=40] [--summary=TEXT] [--difficulties=TEXT] --unit=units/ID
//                   [--request_id=ID]   (prints the request id to retry with)
//   p06ctl periods  --target=127.0.0.1:7103 [--year=2025] [--kind=MONTHLY]
//   p06ctl report create --target=127.0.0.1:7103 --plan=plans/ID --kind=MONTHLY --label=2025-03
//   p06ctl report list   --target=127.0.0.1:7103 [--plan=plans/ID]
//   p06ctl report export --target=127.0.0.1:7103 --name=reports/N --format=xlsx -o FILE
//   p06ctl calendar   --target=127.0.0.1:7104 --start=2026-02-01 --end=2026-02-28
//   p06ctl rules      --target=127.0.0.1:7104
//   p06ctl inbox      --target=127.0.0.1:7104 --unit=units/ID [--unread]
//   p06ctl deliveries --target=127.0.0.1:7104 [--state=FAILED]
//   p06ctl retry      --target=127.0.0.1:7104 --name=deliveries/N
//   p06ctl secret     --target=127.0.0.1:7104 --url=https://HOST/PATH   (a webhook's new signing secret)
//   p06ctl token      --signing_key=data/dev-issuer.pem --subject=lan@stp-hcm --as_unit=units/ID
//                     --roles=unit_reporter [--ttl=8h] [--issuer=…] [--audience=p06]   (a bearer token)
//   p06ctl jwks       --signing_key=data/dev-issuer.pem   (the JWKS the gateway verifies tokens with)
//   p06ctl audit verify --target=127.0.0.1:7100   (the gateway's audit log, checked; exit 1 when broken)
//
// Every call but health carries the caller's identity as the gateway passes it, with
// its proof under the operator's internal key (operator.key in --internal_keys_dir, as
// the services; common/grpc/internal_proof.h):
// --subject (default $USER), --as_unit (default the Ministry Office) and --roles
// (default office), so that a terminal on the server acts as the Office.
//
// Exit status: 0 success, 1 the call failed (message on stderr), 2 usage error.
#include <grpcpp/grpcpp.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/file.h"
#include "common/grpc/client.h"
#include "common/grpc/internal_proof.h"
#include "common/grpc/principal.h"
#include "common/grpc/request_id.h"
#include "common/server/server_config.h"
#include "p06/directory/v1/directory.grpc.pb.h"
#include "p06/task/v1/task.grpc.pb.h"
#include "services/p06ctl/call.h"
#include "services/p06ctl/continuations.h"
#include "services/p06ctl/directory_commands.h"
#include "services/p06ctl/gateway_commands.h"
#include "services/p06ctl/health.h"
#include "services/p06ctl/notifications.h"
#include "services/p06ctl/reports.h"

ABSL_FLAG(std::string, target, "127.0.0.1:7101", "host:port of the service to call.");
ABSL_FLAG(std::string, service, "", "For health: the gRPC service name to check (empty: the server).");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "Deadline of each call.");
ABSL_FLAG(std::string, query, "", "For units and tasks: text to search for.");
ABSL_FLAG(bool, dry_run, false, "For import and directory import: check and show what would change, write nothing.");
ABSL_FLAG(std::vector<std::string>, remove_tasks, {},
          "For import: the task numbers a revision removes, confirmed (a dry run lists them).");
ABSL_FLAG(std::string, plan, "", "For tasks: the plan, plans/{id}.");
ABSL_FLAG(std::string, unit, "",
          "For tasks: only tasks this unit leads. For progress: the unit reporting. For token: the unit the "
          "token's holder acts for (else --as_unit).");
ABSL_FLAG(std::string, task, "", "For progress and continuations confirm: the task, plans/{id}/tasks/{number}.");
ABSL_FLAG(std::string, previous, "",
          "For continuations confirm: the task of last year's plan it continues; empty: none.");
ABSL_FLAG(std::string, status, "IN_PROGRESS", "For progress: NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED, CANCELLED.");
ABSL_FLAG(int, percent, 0, "For progress: percent complete, 0..100.");
ABSL_FLAG(std::string, summary, "", "For progress: what was done.");
ABSL_FLAG(std::string, difficulties, "", "For progress: difficulties (vướng mắc).");
ABSL_FLAG(std::string, subject, "", "Who calls (default: $USER).");
ABSL_FLAG(std::string, as_unit, p06::kMinistryOfficeUnit, "The unit the caller acts for.");
ABSL_FLAG(std::string, roles, p06::kRoleOffice, "The caller's roles, comma-separated.");
ABSL_FLAG(std::string, request_id, "",
          "For progress and report create: retry an earlier call with its id (default: a new one).");
ABSL_FLAG(int, year, 2025, "For periods: the year.");
ABSL_FLAG(std::string, kind, "", "For periods and report create: MONTHLY, QUARTERLY, SIX_MONTH, NINE_MONTH, ANNUAL, AD_HOC.");
ABSL_FLAG(std::string, label, "", "For report create: the period, e.g. 2025-03, 2025-Q1, 2025-H1, 2025-9M, 2025.");
ABSL_FLAG(std::string, window_start, "", "For report create --kind=AD_HOC: the first day, yyyy-mm-dd.");
ABSL_FLAG(std::string, window_end, "", "For report create --kind=AD_HOC: the last day, yyyy-mm-dd.");
ABSL_FLAG(std::string, name, "", "For report export: the report, reports/{id}.");
ABSL_FLAG(std::string, format, "xlsx", "For report export: xlsx, csv, html or markdown.");
ABSL_FLAG(std::string, start, "", "For calendar: the first day, yyyy-mm-dd.");
ABSL_FLAG(std::string, end, "", "For calendar: the last day, yyyy-mm-dd.");
ABSL_FLAG(bool, unread, false, "For inbox: only unread notifications.");
ABSL_FLAG(std::string, state, "", "For deliveries: PENDING, DELIVERED or FAILED (default: all).");
ABSL_FLAG(std::string, url, "", "For secret: the webhook's URL.");
ABSL_FLAG(std::string, signing_key, "", "For token and jwks: the issuer's PEM private key.");
ABSL_FLAG(std::string, kid, "dev-1", "For token and jwks: the key's id.");
ABSL_FLAG(std::string, issuer, "p06-dev", "For token: the issuer (the gateway's --jwt_issuer).");
ABSL_FLAG(std::string, audience, "p06", "For token: the audience (the gateway's --jwt_audience).");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(8), "For token: how long it is valid.");
ABSL_FLAG(std::string, known_head, "",
          "For audit verify: the head a former check printed, auditEntries/{n}:{hash}; entries deleted after it "
          "are then found too.");
ABSL_FLAG(std::string, o, "", "For report export: the file to write (default: the suggested name; - for stdout).");

// Defined with the services' flags (common/server/server_config.cc).
ABSL_DECLARE_FLAG(std::string, internal_keys_dir);

namespace {

// The caller and deadline of every call, from the flags.
p06::ctl::CallOptions Options() {
  const char* user = std::getenv("USER");
  return {.caller = {.subject = absl::GetFlag(FLAGS_subject).empty() ? (user ? user : "p06ctl")
                                                                    : absl::GetFlag(FLAGS_subject),
                     .unit = absl::GetFlag(FLAGS_as_unit),
                     .roles = absl::StrSplit(absl::GetFlag(FLAGS_roles), ',', absl::SkipEmpty())},
          .timeout = absl::GetFlag(FLAGS_timeout)};
}

void Prepare(grpc::ClientContext& ctx, absl::Duration timeout, const std::string& request_id) {
  p06::ctl::CallOptions options = Options();
  options.timeout = timeout;
  p06::ctl::Prepare(ctx, options, request_id);
}

using p06::ctl::Fail;

int ListUnits(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = p06::directory::v1::DirectoryService::NewStub(channel);
  p06::directory::v1::ListUnitsRequest request;
  request.set_query(absl::GetFlag(FLAGS_query));
  request.set_page_size(500);
  for (;;) {
    grpc::ClientContext ctx;
    Prepare(ctx, absl::GetFlag(FLAGS_timeout), "");
    p06::directory::v1::ListUnitsResponse response;
    grpc::Status status = stub->ListUnits(&ctx, request, &response);
    if (!status.ok()) return Fail(status);
    for (const auto& u : response.units()) {
      std::cout << u.name() << "\t" << u.code() << "\t" << u.display_name() << "\n";
    }
    if (response.next_page_token().empty()) return 0;
    request.set_page_token(response.next_page_token());
  }
}

}  // namespace

// Prints one line per name: input, match kind, confidence, units (or group).
int ResolveNames(const std::shared_ptr<grpc::Channel>& channel, std::vector<std::string> names) {
  if (names.empty()) {
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty()) names.push_back(line);
    }
  }
  auto stub = p06::directory::v1::DirectoryService::NewStub(channel);
  for (size_t i = 0; i < names.size(); i += 1000) {
    p06::directory::v1::ResolveUnitNamesRequest request;
    for (size_t j = i; j < names.size() && j < i + 1000; ++j) request.add_names(names[j]);
    p06::directory::v1::ResolveUnitNamesResponse response;
    grpc::ClientContext ctx;
    Prepare(ctx, absl::GetFlag(FLAGS_timeout), "");
    grpc::Status status = stub->ResolveUnitNames(&ctx, request, &response);
    if (!status.ok()) return Fail(status);
    for (const auto& r : response.resolutions()) {
      std::cout << r.input() << "\t" << p06::directory::v1::MatchKind_Name(r.match_kind()).substr(11) << "\t"
                << r.confidence() << "\t" << (r.group().empty() ? "" : r.group() + " ");
      for (int k = 0; k < r.units_size() && k < 5; ++k) std::cout << (k ? "," : "") << r.units(k);
      if (r.units_size() > 5) std::cout << ",… (" << r.units_size() << ")";
      if (r.units().empty() && !r.candidates().empty()) std::cout << "candidates: " << r.candidates(0).name();
      std::cout << "\n";
    }
  }
  return 0;
}

// Imports a plan from its text file. No request id is needed: the service
// recognises a text it already has by its hash, so running the same import again (or
// retrying a failed one) answers "unchanged" and has one effect.
int ImportPlan(const std::shared_ptr<grpc::Channel>& channel, const std::string& path) {
  absl::StatusOr<std::string> text = p06::ReadFileToString(path);
  if (!text.ok()) {
    std::cerr << text.status().message() << "\n";
    return 2;
  }
  p06::task::v1::ImportPlanRequest request;
  request.set_text(*std::move(text));
  request.set_dry_run(absl::GetFlag(FLAGS_dry_run));
  for (const std::string& n : absl::GetFlag(FLAGS_remove_tasks)) {
    int number = 0;
    if (!absl::SimpleAtoi(n, &number)) {
      std::cerr << "--remove_tasks: \"" << n << "\" is not a task number\n";
      return 2;
    }
    request.add_remove_tasks(number);
  }
  std::cerr << "importing " << path << " (" << request.text().size() << " bytes)…" << std::flush;
  const absl::Time start = absl::Now();
  p06::task::v1::ImportPlanResponse response;
  grpc::ClientContext ctx;
  Prepare(ctx, std::max(absl::GetFlag(FLAGS_timeout), absl::Seconds(60)), "");
  grpc::Status status = p06::task::v1::TaskService::NewStub(channel)->ImportPlan(&ctx, request, &response);
  std::cerr << " " << absl::FormatDuration(absl::Now() - start) << "\n";
  if (!status.ok()) return Fail(status);
  for (const auto& d : response.diagnostics()) {
    std::cout << path << ":" << d.line() << ": " << p06::task::v1::ImportDiagnostic::Kind_Name(d.kind()).substr(5)
              << ": " << d.message() << "\n";
  }
  const auto& diff = response.diff();
  if (!diff.removed_tasks().empty()) {
    std::cout << "removes tasks " << absl::StrJoin(diff.removed_tasks(), ",")
              << (request.dry_run() ? " (to import, confirm with --remove_tasks=the same list)" : "") << "\n";
  }
  std::cout << response.plan().name() << " revision " << response.plan().revision() << ": " << response.tasks_size()
            << " tasks" << (response.unchanged() ? ", unchanged" : "") << (request.dry_run() ? " (dry run)" : "")
            << "; added " << diff.added_tasks_size() << ", changed " << diff.changed_tasks_size() << ", removed "
            << diff.removed_tasks_size();
  if (response.continuations_size() > 0) {
    std::cout << "; " << response.continuations_size() << " seem to continue tasks of "
              << response.plan().year() - 1 << " (p06ctl continuations --plan=" << response.plan().name() << ")";
  }
  std::cout << "\n";
  return 0;
}

// Lists a plan's tasks: number, status, due, lead, title.
int ListTasks(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = p06::task::v1::TaskService::NewStub(channel);
  p06::task::v1::ListTasksRequest request;
  request.set_parent(absl::GetFlag(FLAGS_plan));
  request.set_lead_unit(absl::GetFlag(FLAGS_unit));
  request.set_query(absl::GetFlag(FLAGS_query));
  request.set_page_size(500);
  for (;;) {
    grpc::ClientContext ctx;
    Prepare(ctx, absl::GetFlag(FLAGS_timeout), "");
    p06::task::v1::ListTasksResponse response;
    grpc::Status status = stub->ListTasks(&ctx, request, &response);
    if (!status.ok()) return Fail(status);
    for (const auto& t : response.tasks()) {
      std::cout << t.number() << "\t" << p06::task::v1::TaskStatus_Name(t.status()).substr(12)
                << (t.overdue() ? " OVERDUE" : "") << "\t" << t.schedule().phrase() << "\t"
                << (t.lead_units().empty() ? "" : t.lead_units(0).text()) << "\t" << t.title().substr(0, 120) << "\n";
    }
    if (response.next_page_token().empty()) return 0;
    request.set_page_token(response.next_page_token());
  }
}

// Posts a progress report as --subject of --unit. The request id is printed so that
// a failed call can be retried without reporting twice.
int PostProgress(const std::shared_ptr<grpc::Channel>& channel) {
  p06::task::v1::ReportProgressRequest request;
  request.set_parent(absl::GetFlag(FLAGS_task));
  p06::task::v1::TaskStatus status;
  if (!p06::task::v1::TaskStatus_Parse("TASK_STATUS_" + absl::GetFlag(FLAGS_status), &status)) {
    std::cerr << "--status: one of NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED, CANCELLED\n";
    return 2;
  }
  request.mutable_report()->set_status(status);
  request.mutable_report()->set_percent_complete(absl::GetFlag(FLAGS_percent));
  request.mutable_report()->set_summary(absl::GetFlag(FLAGS_summary));
  request.mutable_report()->set_difficulties(absl::GetFlag(FLAGS_difficulties));
  request.set_request_id(absl::GetFlag(FLAGS_request_id).empty() ? p06::NewRequestId()
                                                                 : absl::GetFlag(FLAGS_request_id));
  request.mutable_report()->set_reporting_unit(absl::GetFlag(FLAGS_unit));
  std::cerr << "request_id " << request.request_id() << "\n";
  grpc::ClientContext ctx;
  Prepare(ctx, absl::GetFlag(FLAGS_timeout), request.request_id());
  p06::task::v1::ProgressReport report;
  grpc::Status result = p06::task::v1::TaskService::NewStub(channel)->ReportProgress(&ctx, request, &report);
  if (!result.ok()) return Fail(result);
  std::cout << report.name() << "\n";
  return 0;
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("p06ctl COMMAND [flags]; commands: health, units, resolve, directory import, import, tasks, continuations [confirm], progress, periods, "
      "report create|list|export, calendar, rules, inbox, deliveries, retry, secret, token, jwks, audit verify");
  if (absl::Status s = p06::ApplyEnvironmentToFlags(); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  // The services believe p06ctl's principal only with the operator's internal key (the
  // operator's tool runs where it is kept).
  if (!absl::GetFlag(FLAGS_internal_keys_dir).empty()) {
    if (absl::Status s = p06::InstallInternalKeys(absl::GetFlag(FLAGS_internal_keys_dir), p06::kOperatorIssuer);
        !s.ok()) {
      std::cerr << s.message() << "\n";
      return 2;
    }
  }
  if (args.size() < 2) {
    std::cerr << "usage: p06ctl health|units|resolve|directory|import|continuations|tasks|progress|periods|report|calendar|rules|inbox|"
                 "deliveries|retry|secret|token|jwks|audit [flags]; see --help\n";
    return 2;
  }
  const std::string command = args[1];
  auto channel = p06::MakeChannel(absl::GetFlag(FLAGS_target));
  if (command == "health") {
    grpc::Status status = p06::ctl::CheckHealth(channel, absl::GetFlag(FLAGS_service), absl::GetFlag(FLAGS_timeout));
    if (!status.ok()) return Fail(status);
    std::cout << "SERVING\n";
    return 0;
  }
  if (command == "units") return ListUnits(channel);
  if (command == "import") {
    if (args.size() != 3) {
      std::cerr << "usage: p06ctl import FILE [--target=host:port] [--dry_run]\n";
      return 2;
    }
    return ImportPlan(channel, args[2]);
  }
  if (command == "directory") {
    if (args.size() != 4 || std::string(args[2]) != "import") {
      std::cerr << "usage: p06ctl directory import FILE [--target=host:port] [--dry_run]\n";
      return 2;
    }
    return p06::ctl::ImportReferenceData(channel, Options(), args[3], absl::GetFlag(FLAGS_dry_run));
  }
  if (command == "tasks") return ListTasks(channel);
  if (command == "continuations") {
    if (args.size() == 3 && std::string(args[2]) == "confirm") {
      return p06::ctl::ConfirmContinuation(channel, Options(), absl::GetFlag(FLAGS_task), absl::GetFlag(FLAGS_previous));
    }
    if (args.size() == 2) return p06::ctl::ListContinuations(channel, Options(), absl::GetFlag(FLAGS_plan));
    std::cerr << "usage: p06ctl continuations [confirm] [--plan=plans/ID | --task=… --previous=…]\n";
    return 2;
  }
  if (command == "progress") return PostProgress(channel);
  if (command == "periods") return p06::ctl::ListPeriods(channel, Options(), absl::GetFlag(FLAGS_year), absl::GetFlag(FLAGS_kind));
  if (command == "report") {
    const std::string sub = args.size() > 2 ? args[2] : "";
    if (sub == "create") {
      return p06::ctl::CreateReport(channel, Options(),
                                    {.plan = absl::GetFlag(FLAGS_plan),
                                     .kind = absl::GetFlag(FLAGS_kind),
                                     .label = absl::GetFlag(FLAGS_label),
                                     .window_start = absl::GetFlag(FLAGS_window_start),
                                     .window_end = absl::GetFlag(FLAGS_window_end),
                                     .request_id = absl::GetFlag(FLAGS_request_id)});
    }
    if (sub == "list") return p06::ctl::ListReports(channel, Options(), absl::GetFlag(FLAGS_plan));
    if (sub == "export") {
      return p06::ctl::ExportReport(channel, Options(), absl::GetFlag(FLAGS_name), absl::GetFlag(FLAGS_format),
                                    absl::GetFlag(FLAGS_o));
    }
    std::cerr << "report: create, list or export (progress is posted with p06ctl progress)\n";
    return 2;
  }
  if (command == "calendar") {
    return p06::ctl::ShowCalendar(channel, Options(), absl::GetFlag(FLAGS_start), absl::GetFlag(FLAGS_end));
  }
  if (command == "rules") return p06::ctl::ListRules(channel, Options());
  if (command == "inbox") {
    return p06::ctl::ListInbox(channel, Options(), absl::GetFlag(FLAGS_unit), absl::GetFlag(FLAGS_unread));
  }
  if (command == "deliveries") return p06::ctl::ListDeliveries(channel, Options(), absl::GetFlag(FLAGS_state));
  if (command == "retry") {
    return p06::ctl::RetryDelivery(channel, Options(), absl::GetFlag(FLAGS_name), absl::GetFlag(FLAGS_request_id));
  }
  if (command == "secret") {
    return p06::ctl::RotateSecret(channel, Options(), absl::GetFlag(FLAGS_url), absl::GetFlag(FLAGS_request_id));
  }
  if (command == "token") {
    const char* user = std::getenv("USER");
    return p06::ctl::MintToken(
        absl::GetFlag(FLAGS_signing_key), absl::GetFlag(FLAGS_kid),
        {.issuer = absl::GetFlag(FLAGS_issuer),
         .audience = absl::GetFlag(FLAGS_audience),
         .subject = absl::GetFlag(FLAGS_subject).empty() ? (user ? user : "p06ctl") : absl::GetFlag(FLAGS_subject),
         .unit = absl::GetFlag(FLAGS_unit).empty() ? absl::GetFlag(FLAGS_as_unit) : absl::GetFlag(FLAGS_unit),
         .roles = absl::StrSplit(absl::GetFlag(FLAGS_roles), ',', absl::SkipEmpty()),
         .expires = absl::Now() + absl::GetFlag(FLAGS_ttl)});
  }
  if (command == "jwks") return p06::ctl::PrintJwks(absl::GetFlag(FLAGS_signing_key), absl::GetFlag(FLAGS_kid));
  if (command == "audit") {
    if (args.size() != 3 || std::string(args[2]) != "verify") {
      std::cerr << "usage: p06ctl audit verify --target=GATEWAY_GRPC [--known_head=auditEntries/N:HASH]\n";
      return 2;
    }
    p06::ctl::CallOptions options = Options();
    options.caller.roles = {p06::kRoleAuditor};
    return p06::ctl::VerifyAudit(channel, options, absl::GetFlag(FLAGS_known_head));
  }
  if (command == "resolve") return ResolveNames(channel, std::vector<std::string>(args.begin() + 2, args.end()));
  std::cerr << "unknown command \"" << command << "\"; see --help\n";
  return 2;
}
