// p06ctl's commands for the reporting service: periods, report create|list|export.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "services/p06ctl/call.h"

namespace p06::ctl {

// The periods of `year` (of `kind`: MONTHLY, …; empty: every kind), one a line.
int ListPeriods(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, int year,
                const std::string& kind);

struct CreateReportArgs {
  std::string plan;   // plans/{id}
  std::string kind;   // MONTHLY, QUARTERLY, SIX_MONTH, NINE_MONTH, ANNUAL, AD_HOC
  std::string label;  // 2025-03, …
  std::string window_start, window_end;  // yyyy-mm-dd, for AD_HOC
  std::string request_id;
};
// Creates a report, with a progress line on stderr while it is built; prints its
// name and totals.
int CreateReport(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                 const CreateReportArgs& args);
int ListReports(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& plan);
// Writes the export to `output` ("-": stdout).
int ExportReport(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& name,
                 const std::string& format, const std::string& output);

}  // namespace p06::ctl
