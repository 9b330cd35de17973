// Storage of the directory: the interface the logic depends on. The PostgreSQL
// implementation is pg_directory_store.h; SQL lives only there.
//
// Every method is one transaction. Mutations take the caller (the principal's
// subject) and the request (for idempotency: a retry by the same caller with the
// same request_id returns the first result) and bump the directory
// revision, which notifies every replica to rebuild its name index.
#pragma once

#include <cstdint>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/db/text_search.h"
#include "p06/directory/v1/directory.pb.h"
#include "services/directory/storage/directory_snapshot.h"

namespace p06::directory {

struct UnitQuery {
  pb::UnitKind kind = pb::UNIT_KIND_UNSPECIFIED;
  std::string parent_id;  // Direct children of this unit only.
  pb::ListUnitsRequest::Scope scope = pb::ListUnitsRequest::SCOPE_UNSPECIFIED;
  bool active_only = false;
  // Every word must start a word of the unit's code, names or aliases (any order),
  // and the units come best match first; empty: any unit, in code order.
  std::vector<std::string> folded_words;
  // Keyset pagination: rows ranked below after_rank, or at it with a code above after_code.
  int64_t after_rank = db::kFirstPageRank;
  std::string after_code;
  int limit = 50;
};

// A unit of a ListUnits page and the rank of its match (0 without a search).
using RankedUnit = db::Ranked<pb::Unit>;

// Computes a unit's new state from its current one, inside the update's transaction.
using UnitMutation = std::function<absl::StatusOr<pb::Unit>(const pb::Unit& current)>;

// A unit as EndUnits found it, locked: what the logic's lifecycle rule judges.
struct LockedUnit {
  std::string id;
  pb::UnitState state = pb::UNIT_STATE_UNSPECIFIED;
  std::string etag;
};
// Judges, inside EndUnits's transaction, whether `ending` may end with `successors`.
using EndRule =
    std::function<absl::Status(const std::vector<LockedUnit>& ending, const std::vector<LockedUnit>& successors)>;

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  // What a checked reference data import writes.
  struct ReferenceChanges {
    std::vector<pb::Unit> added;    // New units, whole, parents before children.
    std::vector<pb::Unit> changed;  // Existing units as they become.
    // New abbreviations: folded abbreviation → expansion as written.
    std::vector<std::pair<std::string, std::string>> abbreviations;
    std::vector<pb::Group> groups;  // Explicit groups whose memberships change, as they become.

    bool empty() const { return added.empty() && changed.empty() && abbreviations.empty() && groups.empty(); }
  };

  // A reference data file applied at start (schema/009_reference_data_files.sql).
  struct ReferenceFile {
    int version = 0;
    std::string name;
    std::string checksum;
  };

  // The NOTIFY channel every committed change is announced on.
  virtual std::string ChangeChannel() const = 0;

  // Everything the name index needs, read in one consistent snapshot.
  virtual absl::StatusOr<DirectorySnapshot> LoadSnapshot() = 0;
  // The current revision (bumped by every change).
  virtual absl::StatusOr<int64_t> Revision() = 0;
  // Fills search_text of rows that have none (reference data loaded by migrations).
  virtual absl::Status BackfillSearchText(const std::function<std::string(const pb::Unit&)>& search_text) = 0;

  // NOT_FOUND when no unit has this id.
  virtual absl::StatusOr<pb::Unit> GetUnit(absl::string_view unit_id) = 0;
  virtual absl::StatusOr<std::vector<RankedUnit>> ListUnits(const UnitQuery& query) = 0;
  // ALREADY_EXISTS (id or code; or a name or alias whose key (name_key.h, with the
  // abbreviations stored) is already a name or alias of another unit or of a group),
  // FAILED_PRECONDITION (parent missing).
  virtual absl::StatusOr<pb::Unit> CreateUnit(absl::string_view caller, const pb::CreateUnitRequest& request,
                                              const std::string& search_text) = 0;
  // Read-modify-write of one unit under a row lock: `mutate` sees the current unit and
  // returns the new one (etag checks belong in `mutate`). Writes every writable field,
  // aliases and endpoints; ALREADY_EXISTS (code, or a name taken as for CreateUnit),
  // FAILED_PRECONDITION (parent missing
  // or a parent cycle). `method` and `request` key idempotency.
  virtual absl::StatusOr<pb::Unit> UpdateUnit(absl::string_view caller, absl::string_view unit_id, absl::string_view method,
                                              const google::protobuf::Message& request, absl::string_view request_id,
                                              const UnitMutation& mutate,
                                              const std::function<std::string(const pb::Unit&)>& search_text) = 0;
  // Ends `unit_ids` (MERGED or DISSOLVED) on `date`, recording `successor_ids`, all in
  // one transaction, if `may_end` allows it (NOT_FOUND for a unit that does not exist).
  virtual absl::StatusOr<std::vector<pb::Unit>> EndUnits(absl::string_view caller, const std::vector<std::string>& unit_ids,
                                                         pb::UnitState state,
                                                         absl::CivilDay date,
                                                         const std::vector<std::string>& successor_ids,
                                                         const EndRule& may_end, absl::string_view method,
                                                         const google::protobuf::Message& request,
                                                         absl::string_view request_id) = 0;

  // Writes a checked reference data import in one transaction: its units, each whole,
  // its abbreviations and its groups' memberships, if the directory is still at
  // `expected_revision` (ABORTED otherwise: it was checked against another state).
  // Returns `summary` with applied and the new revision; a replayed request_id, the
  // first answer. With `file` (a reference data file applied at start), it is recorded
  // as applied in the same transaction, even when it changes nothing.
  virtual absl::StatusOr<pb::ImportReferenceDataResponse> ApplyReferenceImport(
      absl::string_view caller, const pb::ImportReferenceDataRequest& request, int64_t expected_revision,
      const ReferenceChanges& changes, pb::ImportReferenceDataResponse summary,
      const std::function<std::string(const pb::Unit&)>& search_text, const std::optional<ReferenceFile>& file) = 0;
  // The reference data files applied so far, by version.
  virtual absl::StatusOr<std::map<int, ReferenceFile>> AppliedReferenceFiles() = 0;

  virtual absl::StatusOr<pb::Group> GetGroup(absl::string_view group_id) = 0;
  virtual absl::StatusOr<std::vector<pb::Group>> ListGroups(absl::string_view after_id, int limit) = 0;
  // ALREADY_EXISTS (the id, or a name taken as for CreateUnit), FAILED_PRECONDITION
  // (a member missing).
  virtual absl::StatusOr<pb::Group> CreateGroup(absl::string_view caller, const pb::CreateGroupRequest& request) = 0;
  // Replaces display name and aliases and, with `write_members` (the update's mask
  // names them), makes an explicit group's members `today` `updated.members` (see
  // WriteTodaysMembers in pg_groups.cc); ABORTED when the request's etag is stale: not
  // the group's as served today (GroupEtagOn) when members are written, not its
  // version otherwise.
  virtual absl::StatusOr<pb::Group> UpdateGroup(absl::string_view caller, const pb::UpdateGroupRequest& request,
                                              const pb::Group& updated, absl::CivilDay today,
                                              bool write_members) = 0;

  virtual absl::StatusOr<std::vector<pb::Contact>> ListContacts(absl::string_view unit_id, int64_t after_id,
                                                                int limit) = 0;
  virtual absl::StatusOr<pb::Contact> GetContact(absl::string_view unit_id, int64_t contact_id) = 0;
  virtual absl::StatusOr<pb::Contact> CreateContact(absl::string_view caller, const pb::CreateContactRequest& request,
                                                    absl::string_view unit_id) = 0;
  // Replaces the writable fields; ABORTED when `etag` is stale.
  virtual absl::StatusOr<pb::Contact> UpdateContact(absl::string_view caller, const pb::UpdateContactRequest& request,
                                                    absl::string_view unit_id,
                                                    int64_t contact_id, const pb::Contact& updated) = 0;
  virtual absl::Status DeleteContact(absl::string_view caller, const pb::DeleteContactRequest& request,
                                     absl::string_view unit_id,
                                     int64_t contact_id) = 0;
};

}  // namespace p06::directory
