// DirectoryStore on PostgreSQL (schema "directory", see ../schema/). The methods are
// split by aggregate: pg_units.cc, pg_groups.cc, pg_contacts.cc, pg_snapshot.cc.
#pragma once

#include "common/db/pool.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

class PgDirectoryStore final : public DirectoryStore {
 public:
  explicit PgDirectoryStore(db::Pool& pool) : pool_(pool) {}

  std::string ChangeChannel() const override;
  absl::StatusOr<DirectorySnapshot> LoadSnapshot() override;
  absl::StatusOr<int64_t> Revision() override;
  absl::Status BackfillSearchText(const std::function<std::string(const pb::Unit&)>& search_text) override;

  absl::StatusOr<pb::Unit> GetUnit(absl::string_view unit_id) override;
  absl::StatusOr<std::vector<RankedUnit>> ListUnits(const UnitQuery& query) override;
  absl::StatusOr<pb::Unit> CreateUnit(absl::string_view caller, const pb::CreateUnitRequest& request,
                                              const std::string& search_text) override;
  absl::StatusOr<pb::Unit> UpdateUnit(absl::string_view caller, absl::string_view unit_id, absl::string_view method,
                                      const google::protobuf::Message& request, absl::string_view request_id,
                                      const UnitMutation& mutate,
                                      const std::function<std::string(const pb::Unit&)>& search_text) override;
  absl::StatusOr<std::vector<pb::Unit>> EndUnits(absl::string_view caller, const std::vector<std::string>& unit_ids,
                                                         pb::UnitState state,
                                                 absl::CivilDay date, const std::vector<std::string>& successor_ids,
                                                 const EndRule& may_end, absl::string_view method,
                                                 const google::protobuf::Message& request,
                                                 absl::string_view request_id) override;
  absl::StatusOr<pb::ImportReferenceDataResponse> ApplyReferenceImport(
      absl::string_view caller, const pb::ImportReferenceDataRequest& request, int64_t expected_revision,
      const ReferenceChanges& changes, pb::ImportReferenceDataResponse summary,
      const std::function<std::string(const pb::Unit&)>& search_text, const std::optional<ReferenceFile>& file) override;
  absl::StatusOr<std::map<int, ReferenceFile>> AppliedReferenceFiles() override;

  absl::StatusOr<pb::Group> GetGroup(absl::string_view group_id) override;
  absl::StatusOr<std::vector<pb::Group>> ListGroups(absl::string_view after_id, int limit) override;
  absl::StatusOr<pb::Group> CreateGroup(absl::string_view caller, const pb::CreateGroupRequest& request) override;
  absl::StatusOr<pb::Group> UpdateGroup(absl::string_view caller, const pb::UpdateGroupRequest& request,
                                              const pb::Group& updated, absl::CivilDay today,
                                              bool write_members) override;

  absl::StatusOr<std::vector<pb::Contact>> ListContacts(absl::string_view unit_id, int64_t after_id,
                                                        int limit) override;
  absl::StatusOr<pb::Contact> GetContact(absl::string_view unit_id, int64_t contact_id) override;
  absl::StatusOr<pb::Contact> CreateContact(absl::string_view caller, const pb::CreateContactRequest& request,
                                            absl::string_view unit_id) override;
  absl::StatusOr<pb::Contact> UpdateContact(absl::string_view caller, const pb::UpdateContactRequest& request,
                                                    absl::string_view unit_id,
                                            int64_t contact_id, const pb::Contact& updated) override;
  absl::Status DeleteContact(absl::string_view caller, const pb::DeleteContactRequest& request,
                                     absl::string_view unit_id,
                             int64_t contact_id) override;

 private:
  db::Pool& pool_;
};

}  // namespace p06::directory
