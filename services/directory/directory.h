// The directory's logic for units and name resolution, apart from the gRPC wiring so
// that tests build it without a server: validation, normalisation, the lifecycle rules
// (rename, merge, dissolve), pagination, and calls into the store. Groups and contacts
// have classes of their own (groups.h, contacts.h).
//
// Mutations take the verified caller: its subject scopes request ids, and a
// unit_reporter may change only its own unit's contacts (the adapter has checked the
// role). Thread-safe when the store is. Every error names the offending field; the codes
// are those documented on each RPC in proto/p06/directory/v1/directory.proto.
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include <span>

#include "common/base/clock.h"
#include "common/db/migrations.h"
#include "common/grpc/principal.h"
#include "services/directory/directory_metrics.h"
#include "common/base/de_an_06.h"
#include "services/directory/reference_data/reference_import.h"
#include "services/directory/resolution/index_refresher.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

inline constexpr int kMaxResolveNames = 1000;
// ResolveUnitNames.as_of and follow_to: from where the records begin, with Đề án 06,
// to a little over two plan years ahead.
inline constexpr absl::CivilDay kRecordsBegin = kDeAn06Approved;
inline constexpr int kMaxDaysAhead = 800;

class Directory {
 public:
  Directory(DirectoryStore& store, IndexRefresher& index, const Clock& clock, DirectoryMetrics& metrics)
      : store_(store), index_(index), clock_(clock), metrics_(metrics) {}

  absl::StatusOr<pb::Unit> GetUnit(const pb::GetUnitRequest& request);
  absl::StatusOr<pb::ListUnitsResponse> ListUnits(const pb::ListUnitsRequest& request);
  absl::StatusOr<pb::Unit> CreateUnit(const Principal& caller, pb::CreateUnitRequest request);
  absl::StatusOr<pb::Unit> UpdateUnit(const Principal& caller, const pb::UpdateUnitRequest& request);
  absl::StatusOr<pb::Unit> RenameUnit(const Principal& caller, const pb::RenameUnitRequest& request);
  absl::StatusOr<pb::MergeUnitsResponse> MergeUnits(const Principal& caller, const pb::MergeUnitsRequest& request);
  // Checked against a fresh snapshot of the store, then applied in one transaction.
  absl::StatusOr<pb::ImportReferenceDataResponse> ImportReferenceData(const Principal& caller,
                                                                      const pb::ImportReferenceDataRequest& request);
  // The reference data files shipped with the binary (reference_data/NNN_name.tsv),
  // each applied once, in order, at start, as ImportReferenceData would: checked whole,
  // written in one transaction with its record. A file already applied is skipped;
  // FAILED_PRECONDITION, naming the file, for one that was edited after it was applied
  // or whose records do not hold (the service must not start on half its data).
  absl::Status ApplyReferenceDataFiles(std::span<const db::Migration> files);
  absl::StatusOr<pb::Unit> DissolveUnit(const Principal& caller, const pb::DissolveUnitRequest& request);

  absl::StatusOr<pb::ResolveUnitNamesResponse> ResolveUnitNames(const pb::ResolveUnitNamesRequest& request);

 private:
  // A reference data file checked against a fresh snapshot, at that snapshot's revision.
  struct CheckedImport {
    ReferenceImport plan;
    int64_t revision = 0;
  };
  absl::StatusOr<CheckedImport> CheckReferenceImport(absl::string_view text);
  // Writes a checked import (with `file`, recording it), then waits for the index.
  absl::StatusOr<pb::ImportReferenceDataResponse> WriteReferenceImport(
      absl::string_view caller, const pb::ImportReferenceDataRequest& request, const CheckedImport& checked,
      const std::optional<DirectoryStore::ReferenceFile>& file);

  DirectoryStore& store_;
  IndexRefresher& index_;
  const Clock& clock_;
  DirectoryMetrics& metrics_;
};

}  // namespace p06::directory
