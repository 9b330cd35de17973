// REPORT_VIEW_BASIC (here, beside the store that keeps it): a report without its bulk (task lines, difficulties, targets,
// changes, missing reports), the counts that fit any client for any plan. What
// listings show, and what the store keeps beside each report for them.
#pragma once

#include "p06/reporting/v1/reporting.pb.h"

namespace p06::reporting {

inline ::p06::reporting::v1::Report BasicView(::p06::reporting::v1::Report r) {
  r.clear_tasks();
  r.clear_difficulties();
  r.clear_targets();
  r.clear_changes();
  r.clear_missing_reports();
  return r;
}

}  // namespace p06::reporting
