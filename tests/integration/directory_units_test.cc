// Units, groups and contacts through the real server: changes, conflicts, bad input.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/integration/directory_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;
using Stub = dpb::DirectoryService::Stub;

dpb::CreateUnitRequest NewUnit(const std::string& id, const std::string& code, const std::string& name) {
  dpb::CreateUnitRequest r;
  r.set_unit_id(id);
  r.mutable_unit()->set_code(code);
  r.mutable_unit()->set_display_name(name);
  r.mutable_unit()->set_kind(dpb::UNIT_KIND_AGENCY);
  r.mutable_unit()->set_parent("units/btp");
  r.mutable_unit()->set_in_ministry(true);
  return r;
}

p06::type::v1::Date Day(int y, int m, int d) {
  p06::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class DirectoryUnitsTest : public DirectoryServerTest {
 protected:
  dpb::Unit Create(const std::string& id, const std::string& code, const std::string& name) {
    dpb::Unit unit;
    grpc::Status s = Call(&Stub::CreateUnit, NewUnit(id, code, name), &unit);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return unit;
  }
  dpb::Unit Get(const std::string& id) {
    dpb::GetUnitRequest r;
    r.set_name("units/" + id);
    dpb::Unit unit;
    EXPECT_TRUE(Call(&Stub::GetUnit, r, &unit).ok());
    return unit;
  }
  grpc::Status Rename(const std::string& id, const std::string& name, dpb::Unit* out) {
    dpb::RenameUnitRequest r;
    r.set_name("units/" + id);
    r.set_new_display_name(name);
    *r.mutable_effective_date() = Day(2025, 7, 1);
    return Call(&Stub::RenameUnit, r, out);
  }
};

TEST_F(DirectoryUnitsTest, ListPagesThroughEveryUnitOnceInCodeOrder) {
  dpb::ListUnitsRequest request;
  request.set_page_size(17);
  std::vector<std::string> codes;
  for (int pages = 0; pages < 100; ++pages) {
    dpb::ListUnitsResponse page;
    ASSERT_TRUE(Call(&Stub::ListUnits, request, &page).ok());
    for (const auto& u : page.units()) codes.push_back(u.code());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(codes.size(), 123u);  // The shipped reference data, with the 2025 and 2026 changes.
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
}

TEST_F(DirectoryUnitsTest, PageTokenOfAnotherQueryIsRefused) {
  dpb::ListUnitsRequest request;
  request.set_page_size(5);
  dpb::ListUnitsResponse page;
  ASSERT_TRUE(Call(&Stub::ListUnits, request, &page).ok());
  request.set_page_token(page.next_page_token());
  request.set_kind(dpb::UNIT_KIND_AGENCY);
  EXPECT_THAT(Call(&Stub::ListUnits, request, &page),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

// What people type to find a unit, and the unit they mean on top: the name's words
// in any order, without diacritics, half-typed, or the code.
TEST_F(DirectoryUnitsTest, SearchRanksTheUnitMeantFirst) {
  const std::pair<const char*, const char*> kSearches[] = {
      {"tu phap", "units/btp"},  // The shortest name that says it.
      {"cong nghe thong tin", "units/cuc-cntt"},
      {"CCNTT", "units/cuc-cntt"},
      {"noi vu", "units/bo-noi-vu"},
      {"Bo Noi vu", "units/bo-noi-vu"},
      {"so tu phap ho chi minh", "units/stp-thanh-pho-ho-chi-minh"},
      {"ho chi minh tu phap", "units/stp-thanh-pho-ho-chi-minh"},
      {"an giang", "units/stp-an-giang"},
      {"van phong chinh", "units/van-phong-chinh-phu"},
      {"hoc vien", "units/hoc-vien-tu-phap"},
  };
  for (const auto& [query, first] : kSearches) {
    dpb::ListUnitsRequest request;
    request.set_page_size(500);
    request.set_query(query);
    dpb::ListUnitsResponse r;
    ASSERT_TRUE(Call(&Stub::ListUnits, request, &r).ok()) << query;
    std::vector<std::string> names;
    for (const auto& u : r.units()) names.push_back(u.name());
    ASSERT_FALSE(names.empty()) << query;
    EXPECT_EQ(names[0], first) << query << " → " << absl::StrJoin(names, ", ");
  }
  // Paging through a ranked answer loses and repeats nothing.
  dpb::ListUnitsRequest request;
  request.set_query("tu phap");
  request.set_page_size(500);
  dpb::ListUnitsResponse whole;
  ASSERT_TRUE(Call(&Stub::ListUnits, request, &whole).ok());
  ASSERT_GT(whole.units_size(), 30);
  request.set_page_size(7);
  std::vector<std::string> paged;
  for (int pages = 0; pages < 100; ++pages) {
    dpb::ListUnitsResponse page;
    ASSERT_TRUE(Call(&Stub::ListUnits, request, &page).ok());
    for (const auto& u : page.units()) paged.push_back(u.name());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  std::vector<std::string> expected;
  for (const auto& u : whole.units()) expected.push_back(u.name());
  EXPECT_EQ(paged, expected);
}

TEST_F(DirectoryUnitsTest, ListFilters) {
  dpb::ListUnitsRequest request;
  request.set_page_size(500);
  request.set_query("VAN PHONG");
  dpb::ListUnitsResponse r;
  ASSERT_TRUE(Call(&Stub::ListUnits, request, &r).ok());
  std::set<std::string> names;
  for (const auto& u : r.units()) names.insert(u.name());
  EXPECT_TRUE(names.contains("units/van-phong-bo"));
  EXPECT_TRUE(names.contains("units/van-phong-chinh-phu"));
  // Every word, in any order: "chinh phu van phong" is the Government Office only.
  request.set_query("chinh phu   VĂN phòng");
  ASSERT_TRUE(Call(&Stub::ListUnits, request, &r).ok());
  names.clear();
  for (const auto& u : r.units()) names.insert(u.name());
  EXPECT_TRUE(names.contains("units/van-phong-chinh-phu"));
  EXPECT_FALSE(names.contains("units/van-phong-bo"));

  request.Clear();
  request.set_page_size(500);
  request.set_kind(dpb::UNIT_KIND_PROVINCIAL_JUSTICE_DEPARTMENT);
  ASSERT_TRUE(Call(&Stub::ListUnits, request, &r).ok());
  EXPECT_EQ(r.units_size(), 63);

  request.Clear();
  request.set_page_size(500);
  request.set_parent("units/btp");
  request.set_active_only(true);
  ASSERT_TRUE(Call(&Stub::ListUnits, request, &r).ok());
  EXPECT_EQ(r.units_size(), 21);  // Twenty units and the leadership.

  request.set_scope(dpb::ListUnitsRequest::SCOPE_EXTERNAL);
  ASSERT_TRUE(Call(&Stub::ListUnits, request, &r).ok());
  EXPECT_EQ(r.units_size(), 0);
}

TEST_F(DirectoryUnitsTest, UpdateWithMaskAndEtag) {
  dpb::Unit unit = Create("phong-thu", "PT", "Phòng Thử nghiệm");
  dpb::UpdateUnitRequest request;
  *request.mutable_unit() = unit;
  request.mutable_unit()->set_display_name("Phòng Thử nghiệm số 2");
  request.mutable_unit()->set_code("IGNORED");  // Not in the mask.
  request.mutable_update_mask()->add_paths("display_name");
  dpb::Unit updated;
  ASSERT_TRUE(Call(&Stub::UpdateUnit, request, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Phòng Thử nghiệm số 2");
  EXPECT_EQ(updated.code(), "PT");
  EXPECT_NE(updated.etag(), unit.etag());

  // The old etag is stale now: refused, nothing changes.
  request.mutable_unit()->set_display_name("Lost update");
  EXPECT_THAT(Call(&Stub::UpdateUnit, request, &updated), StatusIs(absl::StatusCode::kAborted, HasSubstr("etag")));
  EXPECT_EQ(Get("phong-thu").display_name(), "Phòng Thử nghiệm số 2");

  request.mutable_update_mask()->set_paths(0, "state");
  EXPECT_THAT(Call(&Stub::UpdateUnit, request, &updated),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  request.clear_update_mask();
  EXPECT_THAT(Call(&Stub::UpdateUnit, request, &updated),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
}

TEST_F(DirectoryUnitsTest, ConcurrentConflictingUpdatesExactlyOneWins) {
  dpb::Unit unit = Create("phong-dua", "PD", "Phòng Đua");
  constexpr int kWriters = 8;
  std::vector<grpc::Status> results(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      dpb::UpdateUnitRequest request;
      *request.mutable_unit() = unit;  // Same etag for all.
      request.mutable_unit()->set_display_name(absl::StrCat("Phòng Đua ", i));
      request.mutable_update_mask()->add_paths("display_name");
      dpb::Unit out;
      results[i] = Call(&Stub::UpdateUnit, request, &out);
    });
  }
  for (auto& t : writers) t.join();
  int ok = 0, aborted = 0, winner = -1;
  for (int i = 0; i < kWriters; ++i) {
    if (results[i].ok()) ++ok, winner = i;
    if (results[i].error_code() == grpc::StatusCode::ABORTED) ++aborted;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(aborted, kWriters - 1);
  EXPECT_EQ(Get("phong-dua").display_name(), absl::StrCat("Phòng Đua ", winner));
}

TEST_F(DirectoryUnitsTest, RenameKeepsTheOldNameResolvingToTheUnit) {
  dpb::Unit renamed;
  ASSERT_TRUE(Rename("cuc-cntt", "Cục Chuyển đổi số", &renamed).ok());
  EXPECT_EQ(renamed.name(), "units/cuc-cntt");
  ASSERT_EQ(renamed.aliases_size(), 1);
  EXPECT_EQ(renamed.aliases(0).kind(), dpb::ALIAS_KIND_FORMER_NAME);
  EXPECT_EQ(renamed.aliases(0).until().month(), 7);

  dpb::ResolveUnitNamesResponse r = Resolve({"Cục Công nghệ thông tin", "Cục CNTT", "Cục Chuyển đổi số"});
  EXPECT_EQ(r.resolutions(0).match_kind(), dpb::MATCH_KIND_SUCCESSOR_OF);
  EXPECT_EQ(r.resolutions(0).units(0), "units/cuc-cntt");
  EXPECT_EQ(r.resolutions(1).units(0), "units/cuc-cntt");
  EXPECT_EQ(r.resolutions(2).match_kind(), dpb::MATCH_KIND_EXACT);
}

// Another replica imported an abbreviation this one's index has not seen yet (written
// here straight into the table, which tells no index): the name check still uses it,
// since it reads the abbreviations in the writing transaction.
TEST_F(DirectoryUnitsTest, ANameIsCheckedByTheAbbreviationsStoredNotByThisReplicasIndex) {
  dpb::Unit out;
  ASSERT_TRUE(Call(&Stub::CreateUnit, NewUnit("cuc-qlxlvp", "CQLXLVP", "Cục Quản lý xử lý vi phạm"), &out).ok());
  {
    pqxx::connection conn(database_url());
    pqxx::work tx(conn);
    tx.exec("INSERT INTO directory.abbreviations (abbreviation, expansion) VALUES ('qlxlvp', 'Quản lý xử lý vi phạm')");
    tx.commit();
  }
  // "Cục QLXLVP" now reads as the unit's name, though this replica's index says not.
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("cuc-viet-tat", "CVT", "Cục QLXLVP"), &out),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("units/cuc-qlxlvp")));
}

// A name or alias identifies one unit: a second holder would make both unresolvable,
// and with them every plan cell that names them (33 cells of the 2025 plan name
// Văn phòng Bộ).
TEST_F(DirectoryUnitsTest, ANameThatIsTakenIsRefusedNamingItsHolder) {
  dpb::Unit out;
  for (const char* name : {"Văn phòng Bộ", "van phong bo", "VĂN PHÒNG BỘ."}) {
    EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("vp-moi", "VPMOI", name), &out),
                StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("units/van-phong-bo")))
        << name;
  }
  EXPECT_THAT(Rename("cuc-hctp", "Cục Công nghệ thông tin", &out),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("units/cuc-cntt")));
  dpb::CreateUnitRequest with_alias = NewUnit("vp-moi", "VPMOI", "Văn phòng mới");
  dpb::Alias* alias = with_alias.mutable_unit()->add_aliases();
  alias->set_text("Cục CNTT");  // An abbreviation of another unit's name.
  alias->set_kind(dpb::ALIAS_KIND_ABBREVIATION);
  EXPECT_THAT(Call(&Stub::CreateUnit, with_alias, &out),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("unit.aliases[0]")));
  // A name a group answers to, or one an ended unit had (it resolves to its successor).
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("nhom", "NHOM", "Các đơn vị thuộc Bộ có liên quan"), &out),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("groups/")));
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("tc", "TCTHADS", "Tổng cục Thi hành án dân sự"), &out),
              StatusIs(absl::StatusCode::kAlreadyExists));
  // A group may not take a unit's name either, nor a unit's a group's alias.
  dpb::CreateGroupRequest group;
  group.set_group_id("nhom-vp");
  group.mutable_group()->set_display_name("Văn phòng Bộ");
  group.mutable_group()->set_kind(dpb::Group::KIND_EXPLICIT);
  group.mutable_group()->add_members("units/cuc-hctp");
  dpb::Group made;
  EXPECT_THAT(Call(&Stub::CreateGroup, group, &made),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("group.display_name")));
  dpb::ResolveUnitNamesResponse r = Resolve({"Văn phòng Bộ", "Cục Công nghệ thông tin"});
  EXPECT_EQ(r.resolutions(0).units(0), "units/van-phong-bo");
  EXPECT_EQ(r.resolutions(1).units(0), "units/cuc-cntt");
  // A unit keeps its own names: renaming it back and forth is no collision.
  ASSERT_TRUE(Rename("cuc-hctp", "Cục Hành chính tư pháp mới", &out).ok());
  EXPECT_TRUE(Create("vp-moi", "VPMOI", "Văn phòng mới").name() == "units/vp-moi");
}

// The shipped reference data holds no such collision: every active unit can be
// written back as it is.
TEST_F(DirectoryUnitsTest, EveryReferenceUnitCanBeWrittenBackUnchanged) {
  dpb::ListUnitsRequest list;
  list.set_page_size(500);
  list.set_active_only(true);
  dpb::ListUnitsResponse units;
  ASSERT_TRUE(Call(&Stub::ListUnits, list, &units).ok());
  ASSERT_GT(units.units_size(), 50);
  for (const dpb::Unit& u : units.units()) {
    dpb::UpdateUnitRequest r;
    *r.mutable_unit() = u;
    r.mutable_update_mask()->add_paths("display_name");
    r.mutable_update_mask()->add_paths("aliases");
    dpb::Unit out;
    grpc::Status s = Call(&Stub::UpdateUnit, r, &out);
    EXPECT_TRUE(s.ok()) << u.name() << ": " << s.error_message();
  }
}

TEST_F(DirectoryUnitsTest, MergeMakesTheOldNamesResolveToTheSuccessor) {
  Create("phong-a", "PA", "Phòng An ninh mạng");
  Create("phong-b", "PB", "Phòng Bảo mật dữ liệu");
  Create("phong-c", "PC", "Phòng An toàn thông tin");
  dpb::MergeUnitsRequest request;
  request.add_sources("units/phong-a");
  request.add_sources("units/phong-b");
  request.set_successor("units/phong-c");
  *request.mutable_effective_date() = Day(2025, 9, 1);
  dpb::MergeUnitsResponse merged;
  ASSERT_TRUE(Call(&Stub::MergeUnits, request, &merged).ok());
  ASSERT_EQ(merged.sources_size(), 2);
  EXPECT_EQ(merged.sources(0).state(), dpb::UNIT_STATE_MERGED);
  EXPECT_EQ(merged.sources(0).successors(0), "units/phong-c");

  dpb::ResolveUnitNamesResponse r = Resolve({"Phòng An ninh mạng", "phong bao mat du lieu"});
  for (const auto& res : r.resolutions()) {
    EXPECT_EQ(res.match_kind(), dpb::MATCH_KIND_SUCCESSOR_OF);
    ASSERT_EQ(res.units_size(), 1);
    EXPECT_EQ(res.units(0), "units/phong-c");
    EXPECT_EQ(res.successor_chain(1), "units/phong-c");
  }
  EXPECT_THAT(Call(&Stub::MergeUnits, request, &merged),  // Merging again: the sources are gone.
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already merged")));
}

TEST_F(DirectoryUnitsTest, MergeIntoADissolvedUnitIsRefusedAndChangesNothing) {
  Create("phong-x", "PX", "Phòng X");
  Create("phong-y", "PY", "Phòng Y");
  dpb::DissolveUnitRequest dissolve;
  dissolve.set_name("units/phong-y");
  *dissolve.mutable_effective_date() = Day(2025, 8, 1);
  dpb::Unit dissolved;
  ASSERT_TRUE(Call(&Stub::DissolveUnit, dissolve, &dissolved).ok());
  EXPECT_EQ(dissolved.state(), dpb::UNIT_STATE_DISSOLVED);

  dpb::MergeUnitsRequest merge;
  merge.add_sources("units/phong-x");
  merge.set_successor("units/phong-y");
  *merge.mutable_effective_date() = Day(2025, 9, 1);
  dpb::MergeUnitsResponse out;
  EXPECT_THAT(Call(&Stub::MergeUnits, merge, &out),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("units/phong-y is dissolved")));
  EXPECT_EQ(Get("phong-x").state(), dpb::UNIT_STATE_ACTIVE);

  merge.set_successor("units/phong-x");
  EXPECT_THAT(Call(&Stub::MergeUnits, merge, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("successor")));
  merge.set_successor("units/none");
  EXPECT_THAT(Call(&Stub::MergeUnits, merge, &out), StatusIs(absl::StatusCode::kNotFound));
  merge.set_successor("units/phong-y");
  merge.clear_effective_date();
  EXPECT_THAT(Call(&Stub::MergeUnits, merge, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("effective_date")));
}

TEST_F(DirectoryUnitsTest, BadUnitsAreRefusedNamingTheField) {
  dpb::Unit out;
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("dup-code", "VPB", "Trùng mã"), &out),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("unit.code")));
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("van-phong-bo", "NEW", "Trùng id"), &out),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("unit_id")));
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("X", "NEW", "Sai id"), &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit_id")));
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("long-name", "LN", std::string(301, 'a')), &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.display_name")));
  EXPECT_THAT(Call(&Stub::CreateUnit, NewUnit("empty-name", "EN", "  "), &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.display_name")));
  dpb::CreateUnitRequest no_parent = NewUnit("orphan", "OR", "Mồ côi");
  no_parent.mutable_unit()->set_parent("units/nowhere");
  EXPECT_THAT(Call(&Stub::CreateUnit, no_parent, &out),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("unit.parent")));
  // Invalid UTF-8 cannot cross gRPC in a string field; the logic refuses it too.
  EXPECT_THAT(bundle_->directory().CreateUnit(kOfficeCaller, NewUnit("bad-utf8", "BU", "C\xe1\xbb")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.display_name")));

  // A parent link that would make a cycle: the ministry under one of its own units.
  dpb::UpdateUnitRequest cycle;
  *cycle.mutable_unit() = Get("btp");
  cycle.mutable_unit()->set_parent("units/cuc-cntt");
  cycle.mutable_update_mask()->add_paths("parent");
  EXPECT_THAT(Call(&Stub::UpdateUnit, cycle, &out),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("cycle")));
  EXPECT_TRUE(Get("btp").parent().empty());
}

TEST_F(DirectoryUnitsTest, RetriedCreateTakesEffectOnce) {
  dpb::CreateUnitRequest request = NewUnit("phong-lap", "PL", "Phòng Lặp");
  request.set_request_id("create-phong-lap-1");
  dpb::Unit first, retry;
  ASSERT_TRUE(Call(&Stub::CreateUnit, request, &first).ok());
  ASSERT_TRUE(Call(&Stub::CreateUnit, request, &retry).ok());
  EXPECT_EQ(first.SerializeAsString(), retry.SerializeAsString());
  request.mutable_unit()->set_display_name("Khác");
  EXPECT_THAT(Call(&Stub::CreateUnit, request, &retry),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
}

TEST_F(DirectoryUnitsTest, OtherReplicasLearnOfChanges) {
  db::Pool other_pool(config_.db);
  std::unique_ptr<directory::DirectoryBundle> replica = StartBundle(other_pool);
  ASSERT_NE(replica, nullptr);
  Create("phong-moi", "PM", "Phòng Mới thành lập");
  dpb::ResolveUnitNamesRequest request;
  request.add_names("Phòng Mới thành lập");
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  std::string found;
  while (found.empty() && absl::Now() < deadline) {
    auto r = replica->directory().ResolveUnitNames(request);
    ASSERT_TRUE(r.ok());
    if (r->resolutions(0).units_size() == 1) found = r->resolutions(0).units(0);
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(found, "units/phong-moi");
}

TEST_F(DirectoryUnitsTest, GroupsExplicitAndComputed) {
  dpb::CreateGroupRequest create;
  create.set_group_id("to-cong-tac");
  create.mutable_group()->set_display_name("Tổ công tác CNTT");
  create.mutable_group()->set_kind(dpb::Group::KIND_EXPLICIT);
  create.mutable_group()->add_members("units/cuc-cntt");
  create.mutable_group()->add_members("units/van-phong-bo");
  dpb::Group group;
  ASSERT_TRUE(Call(&Stub::CreateGroup, create, &group).ok());
  EXPECT_EQ(group.members_size(), 2);
  EXPECT_EQ(Resolve({"Tổ công tác CNTT"}).resolutions(0).units_size(), 2);

  dpb::UpdateGroupRequest update;
  *update.mutable_group() = group;
  update.mutable_group()->clear_members();
  update.mutable_group()->add_members("units/vu-tccb");
  update.mutable_update_mask()->add_paths("members");
  ASSERT_TRUE(Call(&Stub::UpdateGroup, update, &group).ok());
  EXPECT_EQ(std::vector<std::string>(group.members().begin(), group.members().end()),
            std::vector<std::string>{"units/vu-tccb"});
  EXPECT_THAT(Call(&Stub::UpdateGroup, update, &group), StatusIs(absl::StatusCode::kAborted));  // Stale etag.
  // A unit listed twice would be two memberships at once.
  update.mutable_group()->set_etag(group.etag());
  update.mutable_group()->add_members("units/cuc-cntt");
  update.mutable_group()->add_members("units/cuc-cntt");
  EXPECT_THAT(Call(&Stub::UpdateGroup, update, &group),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("group.members[2]: units/cuc-cntt is listed twice")));

  create.set_group_id("computed");
  create.mutable_group()->set_kind(dpb::Group::KIND_ALL_MINISTRY_UNITS);
  EXPECT_THAT(Call(&Stub::CreateGroup, create, &group),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("group.members")));
  create.set_group_id("bad-member");
  create.mutable_group()->set_display_name("Nhóm có thành viên không tồn tại");  // Its own name.
  create.mutable_group()->set_kind(dpb::Group::KIND_EXPLICIT);
  create.mutable_group()->add_members("units/nowhere");
  EXPECT_THAT(Call(&Stub::CreateGroup, create, &group),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("units/nowhere")));
  // A group's names are not dated: a date would be kept nowhere.
  create.set_group_id("dated-alias");
  create.mutable_group()->set_display_name("Nhóm có bí danh ghi ngày");
  create.mutable_group()->clear_members();
  dpb::Alias* dated = create.mutable_group()->add_aliases();
  dated->set_text("Nhóm ghi ngày");
  dated->set_kind(dpb::ALIAS_KIND_ALIAS);
  dated->mutable_valid_from()->set_year(2026);
  dated->mutable_valid_from()->set_month(1);
  dated->mutable_valid_from()->set_day(1);
  EXPECT_THAT(Call(&Stub::CreateGroup, create, &group),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("group.aliases[0].valid_from")));

  dpb::GetGroupRequest get;
  get.set_name("groups/so-tu-phap");
  ASSERT_TRUE(Call(&Stub::GetGroup, get, &group).ok());
  EXPECT_EQ(group.members_size(), 34);  // Since 2025-07-01.
  // A computed group's names may change; its members, computed, are not written.
  dpb::UpdateGroupRequest rename;
  rename.mutable_group()->set_name("groups/so-tu-phap");
  rename.mutable_group()->set_etag(group.etag());
  dpb::Alias* alias = rename.mutable_group()->add_aliases();
  alias->set_text("Các Sở Tư pháp tỉnh, thành");
  alias->set_kind(dpb::ALIAS_KIND_ALIAS);
  rename.mutable_update_mask()->add_paths("aliases");
  grpc::Status renamed = Call(&Stub::UpdateGroup, rename, &group);
  ASSERT_TRUE(renamed.ok()) << renamed.error_message();
  EXPECT_EQ(group.members_size(), 34);
  dpb::ListGroupsRequest list;
  list.set_page_size(3);
  dpb::ListGroupsResponse groups;
  ASSERT_TRUE(Call(&Stub::ListGroups, list, &groups).ok());
  EXPECT_EQ(groups.groups_size(), 3);
  EXPECT_FALSE(groups.next_page_token().empty());
}

TEST_F(DirectoryUnitsTest, ContactsLifecycle) {
  dpb::CreateContactRequest create;
  create.set_parent("units/van-phong-bo");
  create.mutable_contact()->set_full_name("Nguyễn Thị Hà");
  create.mutable_contact()->set_title("Chuyên viên");
  create.mutable_contact()->set_email("ha@moj.gov.vn");
  create.mutable_contact()->set_phone("+84 24 1234 5678");
  create.mutable_contact()->set_role(dpb::Contact::ROLE_FOCAL_POINT);
  dpb::Contact contact;
  ASSERT_TRUE(Call(&Stub::CreateContact, create, &contact).ok());
  EXPECT_EQ(contact.name().rfind("units/van-phong-bo/contacts/", 0), 0u);

  dpb::UpdateContactRequest update;
  *update.mutable_contact() = contact;
  update.mutable_contact()->set_title("Phó Chánh Văn phòng");
  update.mutable_update_mask()->add_paths("title");
  dpb::Contact updated;
  ASSERT_TRUE(Call(&Stub::UpdateContact, update, &updated).ok());
  EXPECT_EQ(updated.title(), "Phó Chánh Văn phòng");
  EXPECT_THAT(Call(&Stub::UpdateContact, update, &updated), StatusIs(absl::StatusCode::kAborted));

  create.mutable_contact()->set_email("not an address");
  EXPECT_THAT(Call(&Stub::CreateContact, create, &contact),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("contact.email")));
  create.set_parent("units/nowhere");
  create.mutable_contact()->set_email("");
  EXPECT_THAT(Call(&Stub::CreateContact, create, &contact), StatusIs(absl::StatusCode::kNotFound));

  dpb::DeleteContactRequest del;
  del.set_name(updated.name());
  del.set_etag(updated.etag());
  dpb::DeleteContactResponse deleted;
  ASSERT_TRUE(Call(&Stub::DeleteContact, del, &deleted).ok());
  dpb::ListContactsRequest list;
  list.set_parent("units/van-phong-bo");
  dpb::ListContactsResponse contacts;
  ASSERT_TRUE(Call(&Stub::ListContacts, list, &contacts).ok());
  EXPECT_EQ(contacts.contacts_size(), 0);
}

}  // namespace
}  // namespace p06::testing
