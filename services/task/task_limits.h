// How large each stored text of the task service may be, checked on every write path
// (ImportPlan, UpdateTask, ReportProgress, RecordTargetMeasurement), so that no stored
// row outgrows what a client with default limits can receive: grpc-js and grpc-go
// refuse messages over 4 MiB. With these limits a task is at most about 0.8 MiB and a
// plan about 0.6 MiB; every event is checked against kMaxEventBytes when it is
// written, and stream and list messages are cut at kMaxMessageBytes.
//
// The limits are documented on the fields in proto/p06/task/v1/task.proto.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/grpc/pagination.h"
#include "p06/task/v1/task.pb.h"

namespace p06::task {

namespace pb = ::p06::task::v1;

inline constexpr size_t kMaxTitleBytes = 4000;  // Task and plan titles, sub-row texts, notes.
inline constexpr size_t kMaxShortTextBytes = 1000;  // Funding, time phrases, triggers, headings.
inline constexpr size_t kMaxNameBytes = 500;        // Unit texts, issuer, signer.
inline constexpr int kMaxProducts = 50;
inline constexpr size_t kMaxProductBytes = 2000;
inline constexpr int kMaxUnitRefs = 100;  // Per role; the 2025 plan's longest cell names 7.
inline constexpr int kMaxSubRows = 100;   // Sub-activities and targets of one task, each.
inline constexpr int kMaxSections = 50;
inline constexpr size_t kMaxNarrativeBytes = 256 << 10;  // Sections I–III of a plan, together.
inline constexpr size_t kMaxReportTextBytes = 8000;     // Summary, difficulties, proposals.

inline constexpr size_t kMaxEventBytes = 1 << 20;        // One stored event, whatever it carries.
inline constexpr size_t kMaxMessageBytes = kMaxPageBytes;  // One WatchEvents or List… response.

// INVALID_ARGUMENT naming `prefix` + the field of the first limit exceeded
// ("task.expected_products[3]: longer than 2000 bytes").
absl::Status CheckTaskLimits(const pb::Task& task, absl::string_view prefix);
absl::Status CheckPlanLimits(const pb::Plan& plan, absl::string_view prefix);

}  // namespace p06::task
