#include "services/p06ctl/reports.h"

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/request_id.h"
#include "p06/reporting/v1/reporting.grpc.pb.h"

namespace p06::ctl {
namespace {

namespace rpb = ::p06::reporting::v1;

std::string Day(const p06::type::v1::Date& d) { return IsUnset(d) ? "-" : FormatIsoDate(CivilDayOf(d)); }

bool ParseKind(const std::string& text, rpb::PeriodKind* kind) {
  return rpb::PeriodKind_Parse("PERIOD_KIND_" + absl::AsciiStrToUpper(text), kind);
}

std::string Counts(const rpb::StatusCounts& c) {
  return absl::StrCat("total ", c.total(), ", on time ", c.completed_on_time(), ", late ", c.completed_late(),
                      ", within deadline ", c.in_progress_within_deadline(), ", overdue ", c.overdue(),
                      ", not yet due ", c.not_yet_due(), ", awaiting ", c.awaiting_trigger(), ", blocked ",
                      c.blocked(), ", cancelled ", c.cancelled());
}

}  // namespace

int ListPeriods(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, int year,
                const std::string& kind) {
  rpb::ListReportPeriodsRequest request;
  request.set_year(year);
  if (!kind.empty()) {
    rpb::PeriodKind k;
    if (!ParseKind(kind, &k)) {
      std::cerr << "--kind: one of MONTHLY, QUARTERLY, SIX_MONTH, NINE_MONTH, ANNUAL\n";
      return 2;
    }
    request.set_kind(k);
  }
  grpc::ClientContext ctx;
  Prepare(ctx, options);
  rpb::ListReportPeriodsResponse response;
  grpc::Status s = rpb::ReportingService::NewStub(channel)->ListReportPeriods(&ctx, request, &response);
  if (!s.ok()) return Fail(s);
  for (const rpb::ReportPeriod& p : response.periods()) {
    std::cout << rpb::PeriodKind_Name(p.kind()).substr(12) << "\t" << p.label() << "\t" << Day(p.window_start())
              << ".." << Day(p.window_end()) << "\tunits by " << Day(p.unit_deadline()) << "\toffice by "
              << Day(p.office_deadline()) << "\n";
  }
  return 0;
}

int CreateReport(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                 const CreateReportArgs& args) {
  rpb::CreateReportRequest request;
  request.set_plan(args.plan);
  rpb::PeriodKind kind;
  if (!ParseKind(args.kind, &kind)) {
    std::cerr << "--kind: one of MONTHLY, QUARTERLY, SIX_MONTH, NINE_MONTH, ANNUAL, AD_HOC\n";
    return 2;
  }
  request.mutable_period()->set_kind(kind);
  request.mutable_period()->set_label(args.label);
  for (const auto& [text, field] : {std::pair{args.window_start, request.mutable_period()->mutable_window_start()},
                                    std::pair{args.window_end, request.mutable_period()->mutable_window_end()}}) {
    absl::CivilDay day;
    if (text.empty()) continue;
    if (!ParseIsoDate(text, &day)) {
      std::cerr << "--window_start/--window_end: yyyy-mm-dd\n";
      return 2;
    }
    *field = ToProtoDate(day);
  }
  request.set_request_id(args.request_id.empty() ? NewRequestId() : args.request_id);
  request.set_view(rpb::REPORT_VIEW_BASIC);  // The totals; the whole report is for export.
  std::cerr << "request_id " << request.request_id() << "\n";
  // A progress line while the service builds it: a large plan takes seconds.
  std::atomic<bool> done{false};
  std::thread progress([&] {
    const absl::Time start = absl::Now();
    while (!done.load()) {
      absl::SleepFor(absl::Milliseconds(500));
      if (!done.load()) {
        std::cerr << "\rbuilding report… " << absl::ToInt64Seconds(absl::Now() - start) << " s" << std::flush;
      }
    }
  });
  grpc::ClientContext ctx;
  CallOptions slow = options;
  slow.timeout = std::max(options.timeout, absl::Minutes(5));
  Prepare(ctx, slow, request.request_id());
  rpb::Report report;
  grpc::Status s = rpb::ReportingService::NewStub(channel)->CreateReport(&ctx, request, &report);
  done.store(true);
  progress.join();
  std::cerr << "\r";
  if (!s.ok()) return Fail(s);
  std::cout << report.name() << "\t" << report.period().label() << "\t" << Counts(report.totals()) << "\n";
  return 0;
}

int ListReports(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& plan) {
  rpb::ListReportsRequest request;
  request.set_plan(plan);
  request.set_page_size(100);
  auto stub = rpb::ReportingService::NewStub(channel);
  for (;;) {
    grpc::ClientContext ctx;
    Prepare(ctx, options);
    rpb::ListReportsResponse response;
    grpc::Status s = stub->ListReports(&ctx, request, &response);
    if (!s.ok()) return Fail(s);
    for (const rpb::Report& r : response.reports()) {
      std::cout << r.name() << "\t" << r.plan() << "\t" << rpb::PeriodKind_Name(r.period().kind()).substr(12) << "\t"
                << r.period().label() << "\t" << Counts(r.totals()) << "\n";
    }
    if (response.next_page_token().empty()) return 0;
    request.set_page_token(response.next_page_token());
  }
}

int ExportReport(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& name,
                 const std::string& format, const std::string& output) {
  rpb::ExportReportRequest request;
  request.set_name(name);
  rpb::ExportFormat f;
  if (!rpb::ExportFormat_Parse("EXPORT_FORMAT_" + absl::AsciiStrToUpper(format), &f)) {
    std::cerr << "--format: one of csv, xlsx, html, markdown\n";
    return 2;
  }
  request.set_format(f);
  auto stub = rpb::ReportingService::NewStub(channel);
  CallOptions slow = options;
  slow.timeout = std::max(options.timeout, absl::Minutes(2));
  std::string content;
  rpb::ExportReportResponse response;
  do {  // In chunks: a response carries at most 2 MiB.
    grpc::ClientContext ctx;
    Prepare(ctx, slow);
    request.set_offset(static_cast<int64_t>(content.size()));
    grpc::Status s = stub->ExportReport(&ctx, request, &response);
    if (!s.ok()) return Fail(s);
    content += response.content();
  } while (static_cast<int64_t>(content.size()) < response.total_bytes() && !response.content().empty());
  const std::string path = output.empty() ? response.file_name() : output;
  if (path == "-") {
    std::cout << content;
    return 0;
  }
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out.good()) {
    std::cerr << "error: cannot write " << path << "\n";
    return 1;
  }
  std::cerr << "wrote " << path << " (" << content.size() << " bytes, " << response.content_type() << ")\n";
  return 0;
}

}  // namespace p06::ctl
