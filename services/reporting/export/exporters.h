// Renders a stored report as a document: CSV (UTF-8 with a BOM, so Excel reads
// Vietnamese), XLSX (libxlsxwriter), HTML laid out as an official document (Decree
// 30/2020/NĐ-CP: national title and motto, issuing body, number and date, title,
// body, recipients) that prints to A4, and Markdown. Pure functions of the report.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "p06/reporting/v1/reporting.pb.h"

namespace p06::reporting {

namespace pb = ::p06::reporting::v1;

struct Document {
  std::string content_type;
  std::string file_name;
  std::string content;
};

// INVALID_ARGUMENT naming `format` for UNSPECIFIED or unknown formats.
absl::StatusOr<Document> Export(const pb::Report& report, pb::ExportFormat format);

// Vietnamese names of outcomes and statuses, as documents print them.
std::string OutcomeName(pb::Outcome outcome);
std::string StatusName(::p06::task::v1::TaskStatus status);

}  // namespace p06::reporting
