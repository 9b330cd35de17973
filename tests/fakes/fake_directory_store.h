// A DirectoryStore in memory, for the directory logic's unit tests: units in a map,
// the revision bumped by every write, and the logic's callbacks (UnitMutation,
// EndRule) run against the stored unit as the real store runs them under its row
// locks. Methods no unit test needs answer UNIMPLEMENTED, so a test that strays into
// them fails loudly instead of passing on a made-up answer.
#pragma once

#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "services/directory/storage/directory_store.h"

namespace p06::testing {

namespace dpb = ::p06::directory::v1;

class FakeDirectoryStore final : public directory::DirectoryStore {
 public:
  // Stores `unit` as "units/{id}", ACTIVE unless it says otherwise, etag "1".
  void PutUnit(const std::string& id, dpb::Unit unit) {
    std::lock_guard lock(mu_);
    unit.set_name("units/" + id);
    if (unit.state() == dpb::UNIT_STATE_UNSPECIFIED) unit.set_state(dpb::UNIT_STATE_ACTIVE);
    if (unit.etag().empty()) unit.set_etag("1");
    units_[id] = std::move(unit);
    ++revision_;
  }
  // Store calls that changed something.
  int writes() const {
    std::lock_guard lock(mu_);
    return writes_;
  }

  std::string ChangeChannel() const override { return "fake_directory_changed"; }
  absl::StatusOr<directory::DirectorySnapshot> LoadSnapshot() override {
    std::lock_guard lock(mu_);
    directory::DirectorySnapshot snapshot{.revision = revision_};
    for (const auto& [id, unit] : units_) snapshot.units.push_back(unit);
    return snapshot;
  }
  absl::StatusOr<int64_t> Revision() override {
    std::lock_guard lock(mu_);
    return revision_;
  }
  absl::StatusOr<dpb::Unit> GetUnit(absl::string_view unit_id) override {
    std::lock_guard lock(mu_);
    auto found = units_.find(std::string(unit_id));
    if (found == units_.end()) return absl::NotFoundError(absl::StrCat("units/", unit_id, " not found"));
    return found->second;
  }
  absl::StatusOr<dpb::Unit> UpdateUnit(absl::string_view, absl::string_view unit_id, absl::string_view,
                                       const google::protobuf::Message&, absl::string_view,
                                       const directory::UnitMutation& mutate,
                                       const std::function<std::string(const dpb::Unit&)>&) override {
    std::lock_guard lock(mu_);
    auto found = units_.find(std::string(unit_id));
    if (found == units_.end()) return absl::NotFoundError(absl::StrCat("units/", unit_id, " not found"));
    absl::StatusOr<dpb::Unit> updated = mutate(found->second);
    if (!updated.ok()) return updated.status();
    updated->set_etag(std::to_string(std::stoi(found->second.etag()) + 1));
    found->second = *updated;
    Wrote();
    return *updated;
  }
  absl::StatusOr<std::vector<dpb::Unit>> EndUnits(absl::string_view, const std::vector<std::string>& unit_ids,
                                                  dpb::UnitState state, absl::CivilDay,
                                                  const std::vector<std::string>& successor_ids,
                                                  const directory::EndRule& may_end, absl::string_view,
                                                  const google::protobuf::Message&, absl::string_view) override {
    std::lock_guard lock(mu_);
    auto locked = [&](const std::vector<std::string>& ids) -> absl::StatusOr<std::vector<directory::LockedUnit>> {
      std::vector<directory::LockedUnit> out;
      for (const std::string& id : ids) {
        auto found = units_.find(id);
        if (found == units_.end()) return absl::NotFoundError(absl::StrCat("units/", id, " not found"));
        out.push_back({.id = id, .state = found->second.state(), .etag = found->second.etag()});
      }
      return out;
    };
    absl::StatusOr<std::vector<directory::LockedUnit>> ending = locked(unit_ids);
    if (!ending.ok()) return ending.status();
    absl::StatusOr<std::vector<directory::LockedUnit>> successors = locked(successor_ids);
    if (!successors.ok()) return successors.status();
    if (absl::Status allowed = may_end(*ending, *successors); !allowed.ok()) return allowed;
    std::vector<dpb::Unit> ended;
    for (const std::string& id : unit_ids) {
      dpb::Unit& unit = units_[id];
      unit.set_state(state);
      unit.clear_successors();
      for (const std::string& s : successor_ids) unit.add_successors("units/" + s);
      ended.push_back(unit);
    }
    Wrote();
    return ended;
  }

  absl::Status BackfillSearchText(const std::function<std::string(const dpb::Unit&)>&) override {
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<directory::RankedUnit>> ListUnits(const directory::UnitQuery&) override { return Unimplemented(); }
  absl::StatusOr<dpb::Unit> CreateUnit(absl::string_view, const dpb::CreateUnitRequest&, const std::string&) override {
    return Unimplemented();
  }
  absl::StatusOr<dpb::ImportReferenceDataResponse> ApplyReferenceImport(
      absl::string_view, const dpb::ImportReferenceDataRequest&, int64_t, const ReferenceChanges&,
      dpb::ImportReferenceDataResponse, const std::function<std::string(const dpb::Unit&)>&,
      const std::optional<ReferenceFile>&) override {
    return Unimplemented();
  }
  absl::StatusOr<std::map<int, ReferenceFile>> AppliedReferenceFiles() override { return Unimplemented(); }
  absl::StatusOr<dpb::Group> GetGroup(absl::string_view) override { return Unimplemented(); }
  absl::StatusOr<std::vector<dpb::Group>> ListGroups(absl::string_view, int) override { return Unimplemented(); }
  absl::StatusOr<dpb::Group> CreateGroup(absl::string_view, const dpb::CreateGroupRequest&) override {
    return Unimplemented();
  }
  absl::StatusOr<dpb::Group> UpdateGroup(absl::string_view, const dpb::UpdateGroupRequest&, const dpb::Group&,
                                         absl::CivilDay, bool) override {
    return Unimplemented();
  }
  absl::StatusOr<std::vector<dpb::Contact>> ListContacts(absl::string_view, int64_t, int) override {
    return Unimplemented();
  }
  absl::StatusOr<dpb::Contact> GetContact(absl::string_view, int64_t) override { return Unimplemented(); }
  absl::StatusOr<dpb::Contact> CreateContact(absl::string_view, const dpb::CreateContactRequest&,
                                             absl::string_view) override {
    return Unimplemented();
  }
  absl::StatusOr<dpb::Contact> UpdateContact(absl::string_view, const dpb::UpdateContactRequest&, absl::string_view,
                                             int64_t, const dpb::Contact&) override {
    return Unimplemented();
  }
  absl::Status DeleteContact(absl::string_view, const dpb::DeleteContactRequest&, absl::string_view,
                             int64_t) override {
    return Unimplemented();
  }

 private:
  static absl::Status Unimplemented() { return absl::UnimplementedError("not in FakeDirectoryStore"); }
  void Wrote() {
    ++writes_;
    ++revision_;
  }

  mutable std::mutex mu_;
  std::map<std::string, dpb::Unit> units_;
  int64_t revision_ = 1;
  int writes_ = 0;
};

}  // namespace p06::testing
