// ImportReferenceData through the real server on the shipped reference data: a dry run
// that writes nothing, an import applied in one transaction and resolved at once, the
// same file again changing nothing, and bad files refused whole, by line and field.
#include <pqxx/pqxx>

#include "common/grpc/proto_time.h"
#include "services/directory/reference_data/reference_import.h"
#include "tests/integration/directory_server.h"

namespace p06::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class DirectoryReferenceImportTest : public DirectoryServerTest {
 protected:
  grpc::Status Import(const std::string& text, bool dry_run, dpb::ImportReferenceDataResponse* response,
                      const Principal* caller = &kOfficeCaller) {
    dpb::ImportReferenceDataRequest request;
    request.set_text(text);
    request.set_dry_run(dry_run);
    return Call(&dpb::DirectoryService::Stub::ImportReferenceData, request, response, caller);
  }

  dpb::Resolution Resolve(const std::string& name, std::optional<absl::CivilDay> as_of = std::nullopt) {
    dpb::ResolveUnitNamesRequest request;
    request.add_names(name);
    if (as_of) *request.mutable_as_of() = ToProtoDate(*as_of);
    dpb::ResolveUnitNamesResponse response;
    EXPECT_TRUE(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response).ok());
    return response.resolutions(0);
  }
};

// Decree 09/2026's three law Vụ, once their official names are known, and a new unit.
constexpr char kFile[] =
    "# An example of the official names arriving [U: illustrative, not the decree's words]\n"
    "unit\tcuc-du-lieu-phap-luat\tCDLPL\tagency\tbtp\tyes\t2026-03-01\tCục Dữ liệu pháp luật\n"
    "alias\tcuc-du-lieu-phap-luat\tabbreviation\t-\t-\tCục DLPL\n"
    "rename\tvu-pldskt\t2026-01-10\tCục Pháp luật dân sự - kinh tế\n"
    "merge\tcuc-pbgdpl-tgpl\t2026-03-01\tcuc-du-lieu-phap-luat\n";

TEST_F(DirectoryReferenceImportTest, ADryRunShowsTheChangesAndWritesNothing) {
  const int64_t before = Revision();
  dpb::ImportReferenceDataResponse r;
  ASSERT_TRUE(Import(kFile, /*dry_run=*/true, &r).ok());
  EXPECT_EQ(std::vector<std::string>(r.units_added().begin(), r.units_added().end()),
            std::vector<std::string>{"units/cuc-du-lieu-phap-luat"});
  EXPECT_EQ(r.units_renamed_size(), 1);
  EXPECT_EQ(r.units_merged(0), "units/cuc-pbgdpl-tgpl");
  EXPECT_EQ(r.aliases_added(0), "units/cuc-du-lieu-phap-luat: Cục DLPL");
  EXPECT_FALSE(r.applied());
  EXPECT_EQ(Revision(), before);
  dpb::GetUnitRequest get;
  get.set_name("units/cuc-du-lieu-phap-luat");
  dpb::Unit unit;
  EXPECT_THAT(Call(&dpb::DirectoryService::Stub::GetUnit, get, &unit), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DirectoryReferenceImportTest, AnImportIsAppliedWholeAndResolvedAtOnceAndASecondRunChangesNothing) {
  dpb::ImportReferenceDataResponse r;
  ASSERT_TRUE(Import(kFile, false, &r).ok());
  EXPECT_TRUE(r.applied());
  EXPECT_EQ(r.revision(), Revision());

  dpb::Resolution added = Resolve("Cuc DLPL");
  ASSERT_EQ(added.units_size(), 1) << added.DebugString();
  EXPECT_EQ(added.units(0), "units/cuc-du-lieu-phap-luat");
  dpb::Resolution renamed = Resolve("Cục Pháp luật dân sự - kinh tế");
  ASSERT_EQ(renamed.units_size(), 1);
  EXPECT_EQ(renamed.units(0), "units/vu-pldskt");
  dpb::Resolution merged = Resolve("Cục Phổ biến, giáo dục pháp luật và Trợ giúp pháp lý");
  EXPECT_EQ(merged.match_kind(), dpb::MATCH_KIND_SUCCESSOR_OF) << merged.DebugString();
  ASSERT_EQ(merged.units_size(), 1);
  EXPECT_EQ(merged.units(0), "units/cuc-du-lieu-phap-luat");

  const int64_t after = Revision();
  dpb::ImportReferenceDataResponse again;
  ASSERT_TRUE(Import(kFile, false, &again).ok());
  EXPECT_FALSE(again.applied());
  EXPECT_EQ(again.units_added_size() + again.units_renamed_size() + again.units_merged_size() +
                again.aliases_added_size(),
            0);
  EXPECT_EQ(Revision(), after);
}

TEST_F(DirectoryReferenceImportTest, BadFilesAreRefusedWholeByLineAndField) {
  struct Bad {
    std::string text;
    std::string line_and_field;
    std::string why;
  };
  const std::string ok_line = "alias\tbtp\talias\t-\t-\tBộ Tư pháp Việt Nam\n";  // Fine alone: must not be applied.
  const std::vector<Bad> cases = {
      {ok_line + "unit\tcuc-moi\tCM\tagency\tbtp\tyes\t-\n", "line 2 (display_name)", "is missing"},
      {ok_line + "merge\tcuc-cntt\t2026-13-01\tcuc-hctp\n", "line 2 (day)", "not a day"},
      {ok_line + "merge\tcuc-cntt\t2026-03-01\tcuc-khong-co\n", "line 2 (successors)", "neither in the directory"},
      {ok_line + "merge\tcuc-cntt\t2026-03-01\tcuc-hctp\nmerge\tcuc-hctp\t2026-02-01\tcuc-cntt\n", "(successors)",
       "successor cycle"},
      {ok_line + "unit\tcuc-moi\tCM\tagency\tbtp\tyes\t2026-06-01\tCục Mới\nmerge\tcuc-moi\t2026-03-01\tcuc-hctp\n",
       "line 3 (day)", "began on 2026-06-01"},
      {ok_line + "merge\tcuc-cntt\t2026-03-01\tthanh-tra-bo\n", "line 2 (successors)", "ended on 2026-01-10"},
      {ok_line + "unit\tbtp\tBTP\tministry\t-\tno\t-\tBộ Tư pháp mới\n", "line 2 (id)", "exists with other fields"},
      {ok_line + "alias\tcuc-cntt\talias\t-\t-\tVăn phòng Bộ\n", "line 2 (text)", "already names units/van-phong-bo"},
      {ok_line + "unite\tcuc-moi\n", "line 2 (type)", "not a record type"},
      {ok_line + "unit\tcuc-moi\tCM\tnot-a-kind\tbtp\tyes\t-\tCục Mới\n", "line 2 (kind)", "not a unit kind"},
      {ok_line + "alias\tcuc-cntt\tformer\t-\t-\tCục Tin học\n", "line 2 (until)", "former name needs"},
      {ok_line + "alias\tcuc-cntt\tformer\t2026-02-01\t2026-01-01\tCục Tin học\n", "line 2 (from)", "before until"},
      {ok_line + "alias\tcuc-cntt\talias\t2026-02-30\t-\tCục Tin học\n", "line 2 (from)", "not a day"},
      // Not UTF-8 cannot even travel as a protobuf string: refused before the service reads it
      // (p06ctl names the line before sending).
      {ok_line + "rename\tcuc-cntt\t2026-01-01\tCục Công nghệ \xff\n", "text", "not valid UTF-8"},
      {std::string(directory::kMaxReferenceFileBytes + 1, '#'), "text", "longer than"},
      // Found by review.
      {ok_line + "unit\tcuc-moi\tCM\tagency\tcuc-moi\tyes\t-\tCục Mới\n", "line 2 (parent)", "come back to"},
      {ok_line + "unit\tcuc-a\tCA\tagency\tcuc-b\tyes\t-\tCục A\nunit\tcuc-b\tCB\tagency\tcuc-a\tyes\t-\tCục B\n",
       "(parent)", "come back to"},
      {ok_line + "merge\tcuc-cntt\t2026-03-01\tcuc-hctp,cuc-hctp\n", "line 2 (successors)", "listed twice"},
      // Whatever the order of the lines: the successor ended before the merge.
      {ok_line + "merge\tcuc-cntt\t2026-03-01\tcuc-hctp\ndissolve\tcuc-hctp\t2026-02-01\t-\n", "line 2 (successors)",
       "ended on 2026-02-01"},
      {ok_line + "alias\tcuc-cntt\talias\t-\t-\tCác đơn vị thuộc Bộ\n", "line 2 (text)", "already names groups/don-vi-thuoc-bo"},
      {ok_line + "dissolve\tthanh-tra-bo\t2026-01-10\tvan-phong-bo\n", "line 2 (unit)", "already ended on 2026-01-10"},
      {ok_line + std::string(6000, '\n') + [] {
         std::string many;
         for (int i = 0; i < 5001; ++i) many += "alias\tbtp\talias\t-\t-\tTên " + std::to_string(i) + "\n";
         return many;
       }(),
       "text", "at most 5000"},
  };
  const int64_t before = Revision();
  for (const Bad& c : cases) {
    for (bool dry_run : {true, false}) {
      dpb::ImportReferenceDataResponse r;
      EXPECT_THAT(Import(c.text, dry_run, &r),
                  StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr(c.line_and_field), HasSubstr(c.why))))
          << c.text.substr(0, 200);
    }
  }
  EXPECT_EQ(Revision(), before);
  dpb::GetUnitRequest get;  // The good first line was not applied either.
  get.set_name("units/btp");
  dpb::Unit btp;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::GetUnit, get, &btp).ok());
  for (const dpb::Alias& a : btp.aliases()) EXPECT_NE(a.text(), "Bộ Tư pháp Việt Nam");
}

// Renames run twice: the second run finds them done and changes nothing (found by
// review: the second run renamed the unit back and forth).
TEST_F(DirectoryReferenceImportTest, AFileOfSeveralRenamesAppliedTwiceChangesNothingTheSecondTime) {
  const std::string file =
      "unit\tcuc-moi\tCM\tagency\tbtp\tyes\t2026-02-01\tCục Mới\n"
      "rename\tcuc-moi\t2026-04-01\tCục Mới Hơn\n"
      "rename\tvu-pldskt\t2026-01-10\tCục Pháp luật dân sự - kinh tế\n"
      "rename\tvu-pldskt\t2026-05-01\tCục Pháp luật dân sự, kinh tế\n";
  dpb::ImportReferenceDataResponse first, second;
  ASSERT_TRUE(Import(file, false, &first).ok());
  EXPECT_EQ(first.units_renamed_size(), 3);
  const int64_t after = Revision();
  ASSERT_TRUE(Import(file, false, &second).ok()) << "the same file again";
  EXPECT_FALSE(second.applied());
  EXPECT_EQ(second.units_renamed_size(), 0);
  EXPECT_EQ(Revision(), after);
  dpb::Resolution now = Resolve("Cục Pháp luật dân sự, kinh tế");
  ASSERT_EQ(now.units_size(), 1);
  EXPECT_EQ(now.units(0), "units/vu-pldskt");
}

// A unit that begins after today is not in today's groups (found by review: the
// members kept for "from now on" counted it in).
// Abbreviations are data too: a file adds one, and names written with it resolve at
// once; one that would change a meaning, or make two units' names alike, is refused.
TEST_F(DirectoryReferenceImportTest, AnAbbreviationAddedByAFileExpandsInNames) {
  EXPECT_NE(Resolve("Cục BTTP").match_kind(), dpb::MATCH_KIND_ABBREVIATION);
  dpb::ImportReferenceDataResponse r;
  ASSERT_TRUE(Import("abbreviation\tBTTP\tBổ trợ tư pháp\n", /*dry_run=*/true, &r).ok());
  EXPECT_EQ(std::vector<std::string>(r.abbreviations_added().begin(), r.abbreviations_added().end()),
            std::vector<std::string>{"bttp: Bổ trợ tư pháp"});
  EXPECT_FALSE(r.applied());
  ASSERT_TRUE(Import("abbreviation\tBTTP\tBổ trợ tư pháp\n", false, &r).ok());
  EXPECT_TRUE(r.applied());
  const dpb::Resolution now = Resolve("Cuc BTTP");
  EXPECT_EQ(now.match_kind(), dpb::MATCH_KIND_ABBREVIATION) << now.ShortDebugString();
  EXPECT_EQ(now.units(0), "units/cuc-bo-tro-tu-phap");
  // Again: nothing to do.
  ASSERT_TRUE(Import("abbreviation\tbttp\tBổ trợ tư pháp\n", false, &r).ok());
  EXPECT_FALSE(r.applied());

  const int64_t before = Revision();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"abbreviation\tSTP\tSở Tài chính\n", "already expands to \"Sở Tư pháp\""},
      {"abbreviation\tS T\tSở Tư\n", "one word"},
      {"abbreviation\tQLTP\tQuản lý TP\n", "full words: \"tp\" is an abbreviation"},
      // "TƯ" for "Trung ương" would turn "Sở Tư pháp" into another name than "STP" gives.
      {"abbreviation\tTƯ\tTrung ương\n", "is a word of \"stp\""},
      {"abbreviation\tDAI\t" + std::string(201, 'a') + "\n", "longer than 200 characters"},
      // "VPB" is free, but read as "Văn phòng Bộ" it would be the Office's name too.
      {"alias\tcuc-cntt\talias\t-\t-\tVPB\nabbreviation\tVPB\tVăn phòng Bộ\n", "read alike"},
  };
  for (const auto& [text, why] : bad) {
    grpc::Status s = Import(text, false, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << text;
    EXPECT_THAT(s.error_message(), HasSubstr(why)) << text;
  }
  EXPECT_EQ(Revision(), before);
}

// An alias is dated at both ends: before its first day the text names nothing (or
// what it named then), after it the unit.
TEST_F(DirectoryReferenceImportTest, ADatedAliasMatchesFromItsFirstDay) {
  dpb::ImportReferenceDataResponse r;
  ASSERT_TRUE(Import("alias\tcuc-cntt\tabbreviation\t2026-03-01\t-\tCục CĐS\n", false, &r).ok());
  // Before: nothing, said so, and no guess at a neighbouring name either.
  const dpb::Resolution before = Resolve("Cuc CDS", absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(before.match_kind(), dpb::MATCH_KIND_UNRESOLVED) << before.ShortDebugString();
  EXPECT_TRUE(before.units().empty()) << before.ShortDebugString();
  EXPECT_THAT(before.error(), HasSubstr("from 2026-03-01"));
  const dpb::Resolution after = Resolve("Cuc CDS", absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(after.match_kind(), dpb::MATCH_KIND_ABBREVIATION) << after.ShortDebugString();
  EXPECT_EQ(after.units(0), "units/cuc-cntt");
  // The unit shows the alias with its day.
  dpb::GetUnitRequest get;
  get.set_name("units/cuc-cntt");
  dpb::Unit unit;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::GetUnit, get, &unit).ok());
  bool shown = false;
  for (const dpb::Alias& a : unit.aliases()) {
    if (a.text() == "Cục CĐS") shown = a.valid_from().year() == 2026 && a.valid_from().month() == 3;
  }
  EXPECT_TRUE(shown) << unit.ShortDebugString();

  // An alias that ended names the unit no more; dating an alias again is refused.
  ASSERT_TRUE(Import("alias\tcuc-cntt\talias\t-\t2026-06-01\tCục Tin học cũ\n", false, &r).ok());
  EXPECT_EQ(Resolve("Cục Tin học cũ", absl::CivilDay(2026, 5, 31)).units(0), "units/cuc-cntt");
  EXPECT_EQ(Resolve("Cục Tin học cũ", absl::CivilDay(2026, 6, 1)).match_kind(), dpb::MATCH_KIND_UNRESOLVED);
  // An ended alias that is also the unit's name written short does not hide the name.
  ASSERT_TRUE(Import("alias\tcuc-cntt\tabbreviation\t-\t2025-03-01\tCục CNTT\n", false, &r).ok());
  EXPECT_EQ(Resolve("Cục CNTT").units(0), "units/cuc-cntt") << Resolve("Cục CNTT").ShortDebugString();
  grpc::Status redated = Import("alias\tcuc-cntt\tabbreviation\t2026-04-01\t-\tCục CĐS\n", false, &r);
  EXPECT_EQ(redated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(redated.error_message(), HasSubstr("line 1 (from)"));
}

// An explicit group's members are dated by their units: a member merged away is
// followed to its successor from that day, and counted once.
TEST_F(DirectoryReferenceImportTest, AnExplicitGroupFollowsAMergedMemberToItsSuccessor) {
  dpb::ImportReferenceDataResponse r;
  ASSERT_TRUE(Import("merge\ttap-chi-dcpl\t2026-03-01\tbao-plvn\n", false, &r).ok());
  auto members = [&](absl::CivilDay as_of) {
    const dpb::Resolution g = Resolve("Các cơ quan thông tin, báo chí ngành", as_of);
    return std::vector<std::string>(g.units().begin(), g.units().end());
  };
  EXPECT_EQ(members(absl::CivilDay(2026, 2, 28)), (std::vector<std::string>{"units/bao-plvn", "units/tap-chi-dcpl"}));
  EXPECT_EQ(members(absl::CivilDay(2026, 3, 1)), (std::vector<std::string>{"units/bao-plvn"}));
}

TEST_F(DirectoryReferenceImportTest, AUnitBeginningAfterTodayIsNotYetInItsGroup) {
  const absl::CivilDay later = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 60;
  dpb::ImportReferenceDataResponse r;
  ASSERT_TRUE(Import(absl::StrCat("unit\tcuc-sap-co\tCSC\tagency\tbtp\tyes\t", FormatIsoDate(later),
                                  "\tCục Sắp Có\n"),
                     false, &r)
                  .ok());
  auto members = [&](std::optional<absl::CivilDay> as_of) {
    dpb::ResolveUnitNamesRequest request;
    request.add_names("Các đơn vị thuộc Bộ");
    if (as_of) *request.mutable_as_of() = ToProtoDate(*as_of);
    dpb::ResolveUnitNamesResponse response;
    EXPECT_TRUE(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response).ok());
    const auto& units = response.resolutions(0).units();
    return std::find(units.begin(), units.end(), "units/cuc-sap-co") != units.end();
  };
  EXPECT_FALSE(members(std::nullopt));
  EXPECT_TRUE(members(later));
  dpb::GetGroupRequest get;  // GetGroup lists today's members too.
  get.set_name("groups/don-vi-thuoc-bo");
  dpb::Group group;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::GetGroup, get, &group).ok());
  EXPECT_EQ(std::find(group.members().begin(), group.members().end(), "units/cuc-sap-co"), group.members().end());
  EXPECT_GT(group.members_size(), 10);
}

// A `member` record dates a unit's membership of an explicit group: counted from its
// first day, not from its last; a later file may end it; UpdateGroup keeps the days.
TEST_F(DirectoryReferenceImportTest, AGroupMembershipHoldsFromItsFirstDayToBeforeItsLast) {
  const std::string file =
      "member\tco-quan-bao-chi-nganh\tcuc-cntt\t2026-03-01\t2026-09-01\n"
      "member\tco-quan-bao-chi-nganh\ttap-chi-dcpl\t-\t2026-06-01\n";
  dpb::ImportReferenceDataResponse r;
  ASSERT_TRUE(Import(file, /*dry_run=*/true, &r).ok());
  EXPECT_EQ(std::vector<std::string>(r.memberships_changed().begin(), r.memberships_changed().end()),
            (std::vector<std::string>{"groups/co-quan-bao-chi-nganh: units/cuc-cntt from 2026-03-01 until 2026-09-01",
                                      "groups/co-quan-bao-chi-nganh: units/tap-chi-dcpl until 2026-06-01 (was undated)"}));
  ASSERT_TRUE(Import(file, false, &r).ok());
  EXPECT_TRUE(r.applied());
  auto members = [&](absl::CivilDay as_of) {
    const dpb::Resolution g = Resolve("Các cơ quan thông tin, báo chí ngành", as_of);
    return std::vector<std::string>(g.units().begin(), g.units().end());
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(members(absl::CivilDay(2026, 2, 28)), (V{"units/bao-plvn", "units/tap-chi-dcpl"}));
  EXPECT_EQ(members(absl::CivilDay(2026, 3, 1)), (V{"units/bao-plvn", "units/cuc-cntt", "units/tap-chi-dcpl"}));
  EXPECT_EQ(members(absl::CivilDay(2026, 6, 1)), (V{"units/bao-plvn", "units/cuc-cntt"}));
  EXPECT_EQ(members(absl::CivilDay(2026, 9, 1)), (V{"units/bao-plvn"}));

  ASSERT_TRUE(Import(file, false, &r).ok());  // The same file again: nothing to do.
  EXPECT_FALSE(r.applied());
  EXPECT_EQ(r.memberships_changed_size(), 0);

  // A later file ends the one undated membership.
  ASSERT_TRUE(Import("member\tco-quan-bao-chi-nganh\tbao-plvn\t-\t2026-10-01\n", false, &r).ok());
  EXPECT_EQ(members(absl::CivilDay(2026, 10, 1)), V{});
  EXPECT_EQ(members(absl::CivilDay(2026, 9, 30)), (V{"units/bao-plvn"}));

  // GetGroup's members are today's (all three ended by now); its memberships are
  // every one, with its days.
  dpb::GetGroupRequest get;
  get.set_name("groups/co-quan-bao-chi-nganh");
  dpb::Group group;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::GetGroup, get, &group).ok());
  EXPECT_TRUE(group.members().empty()) << group.ShortDebugString();
  ASSERT_EQ(group.memberships_size(), 3);
  EXPECT_EQ(group.memberships(1).unit(), "units/cuc-cntt");
  EXPECT_EQ(FromProtoDate(group.memberships(1).valid_from(), "").value(), absl::CivilDay(2026, 3, 1));
  // Its etag names the last day its members changed by date (GroupEtagOn), so a list
  // read before then is stale; the stored version alone is not its etag.
  EXPECT_THAT(group.etag(), ::testing::EndsWith("-2026-10-01"));
  {
    dpb::UpdateGroupRequest stale;
    stale.mutable_group()->set_name(group.name());
    stale.mutable_group()->set_etag(group.etag().substr(0, group.etag().find('-')));
    stale.mutable_update_mask()->add_paths("members");
    dpb::Group ignored;
    EXPECT_THAT(Call(&dpb::DirectoryService::Stub::UpdateGroup, stale, &ignored),
                StatusIs(absl::StatusCode::kAborted, HasSubstr("etag")));
  }

  // UpdateGroup writes today's members: a unit added is one from today, and the ended
  // memberships stay as they were.
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(7 * 3600));
  auto update = [&](const V& units, dpb::Group* out) {
    dpb::UpdateGroupRequest request;
    request.mutable_group()->set_name(group.name());
    request.mutable_group()->set_etag(group.etag());
    for (const std::string& u : units) request.mutable_group()->add_members(u);
    request.mutable_update_mask()->add_paths("members");
    grpc::Status s = Call(&dpb::DirectoryService::Stub::UpdateGroup, request, out);
    if (s.ok()) group = *out;
    return s;
  };
  dpb::Group updated;
  ASSERT_TRUE(update({"units/vu-pldskt"}, &updated).ok());
  EXPECT_EQ(V(updated.members().begin(), updated.members().end()), V{"units/vu-pldskt"});
  ASSERT_EQ(updated.memberships_size(), 4);
  EXPECT_EQ(FromProtoDate(updated.memberships(1).valid_until(), "").value(), absl::CivilDay(2026, 9, 1));
  EXPECT_EQ(updated.memberships(3).unit(), "units/vu-pldskt");
  EXPECT_EQ(FromProtoDate(updated.memberships(3).valid_from(), "").value(), today);
  EXPECT_EQ(members(today), V{"units/vu-pldskt"});
  EXPECT_EQ(members(today - 1), V{}) << "added today, not back-dated";
  // A unit whose membership ended, listed again, joins again from today: a second
  // membership, the first kept as it was.
  ASSERT_TRUE(update({"units/vu-pldskt", "units/cuc-cntt"}, &updated).ok());
  EXPECT_EQ(V(updated.members().begin(), updated.members().end()), (V{"units/cuc-cntt", "units/vu-pldskt"}));
  ASSERT_EQ(updated.memberships_size(), 5) << updated.ShortDebugString();
  EXPECT_EQ(updated.memberships(1).unit(), "units/cuc-cntt");
  EXPECT_EQ(FromProtoDate(updated.memberships(1).valid_until(), "").value(), absl::CivilDay(2026, 9, 1));
  EXPECT_EQ(updated.memberships(2).unit(), "units/cuc-cntt");
  EXPECT_EQ(FromProtoDate(updated.memberships(2).valid_from(), "").value(), today);
  EXPECT_TRUE(IsUnset(updated.memberships(2).valid_until()));
  EXPECT_EQ(members(absl::CivilDay(2026, 6, 1)), (V{"units/bao-plvn", "units/cuc-cntt"}));
  EXPECT_EQ(members(today - 1), V{}) << "away between the two";
  EXPECT_EQ(members(today), (V{"units/cuc-cntt", "units/vu-pldskt"}));
  // Left out on the day they were added: neither was a member today after all.
  grpc::Status emptied = update({}, &updated);
  ASSERT_TRUE(emptied.ok()) << emptied.error_message();
  EXPECT_EQ(updated.memberships_size(), 3);

  // A file may give a unit a second membership beside the first, or re-date one; days
  // shared with two of them are refused, naming both.
  ASSERT_TRUE(Import("member\tco-quan-bao-chi-nganh\tbao-plvn\t2027-01-01\t-\n", true, &r).ok());
  EXPECT_EQ(V(r.memberships_changed().begin(), r.memberships_changed().end()),
            V{"groups/co-quan-bao-chi-nganh: units/bao-plvn from 2027-01-01"});
  ASSERT_TRUE(Import("member\tco-quan-bao-chi-nganh\tbao-plvn\t2027-01-01\t-\n", false, &r).ok());
  EXPECT_EQ(members(absl::CivilDay(2027, 1, 1)), V{"units/bao-plvn"});
  EXPECT_EQ(members(absl::CivilDay(2026, 12, 31)), V{});
  EXPECT_THAT(Import("member\tco-quan-bao-chi-nganh\tbao-plvn\t2026-01-01\t-\n", false, &r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 1 (from): units/bao-plvn's membership of groups/co-quan-bao-chi-nganh from "
                                 "2026-01-01 shares days with two of its memberships (until 2026-10-01; from "
                                 "2027-01-01): give each its own record")));
  ASSERT_TRUE(Import("member\tco-quan-bao-chi-nganh\tbao-plvn\t2027-02-01\t-\n", true, &r).ok());
  EXPECT_EQ(V(r.memberships_changed().begin(), r.memberships_changed().end()),
            V{"groups/co-quan-bao-chi-nganh: units/bao-plvn from 2027-02-01 (was from 2027-01-01)"});

  // Listed today, a membership planned to begin later begins today, and one that
  // ended today goes on: neither makes a second membership.
  ASSERT_TRUE(Import(absl::StrCat("member\tco-quan-bao-chi-nganh\tvu-pldskt\t", FormatIsoDate(today + 10), "\t-\n",
                                  "member\tco-quan-bao-chi-nganh\ttap-chi-dcpl\t-\t", FormatIsoDate(today), "\n"),
                     false, &r)
                  .ok());
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::GetGroup, get, &group).ok());
  ASSERT_EQ(group.memberships_size(), 5) << group.ShortDebugString();
  ASSERT_TRUE(update({"units/tap-chi-dcpl", "units/vu-pldskt"}, &updated).ok());
  ASSERT_EQ(updated.memberships_size(), 5) << updated.ShortDebugString();
  EXPECT_EQ(updated.memberships(3).unit(), "units/tap-chi-dcpl");
  EXPECT_TRUE(IsUnset(updated.memberships(3).valid_until())) << updated.memberships(3).ShortDebugString();
  EXPECT_EQ(updated.memberships(4).unit(), "units/vu-pldskt");
  EXPECT_EQ(FromProtoDate(updated.memberships(4).valid_from(), "").value(), today);
  EXPECT_EQ(members(today), (V{"units/tap-chi-dcpl", "units/vu-pldskt"}));
}

TEST_F(DirectoryReferenceImportTest, BadMembershipsAreRefusedByLine) {
  const int64_t before = Revision();
  dpb::ImportReferenceDataResponse r;
  EXPECT_THAT(Import("member\tdon-vi-thuoc-bo\tcuc-cntt\t-\t-\n"
                     "member\tkhong-co\tcuc-cntt\t-\t-\n"
                     "member\tco-quan-bao-chi-nganh\tkhong-co\t-\t-\n"
                     "member\tco-quan-bao-chi-nganh\tcuc-cntt\t2026-05-01\t2026-05-01\n"
                     "member\tco-quan-bao-chi-nganh\tvu-pldskt\t-\t-\n"
                     "member\tco-quan-bao-chi-nganh\tvu-pldskt\t2026-01-01\t-\n"
                     "member\tco-quan-bao-chi-nganh\tcuc-cntt\t31/12/2026\t-\n"
                     "member\tco-quan-bao-chi-nganh\tbao-plvn\t0000-01-01\t-\n",
                     false, &r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("line 1 (group): groups/don-vi-thuoc-bo computes its members"),
                             HasSubstr("line 2 (group): groups/khong-co is not in the directory"),
                             HasSubstr("line 3 (unit): units/khong-co is neither"),
                             HasSubstr("line 4 (from): must be before until"),
                             HasSubstr("line 6 (from): units/vu-pldskt's membership of groups/co-quan-bao-chi-nganh "
                                       "from 2026-01-01 shares days with its membership on line 5"),
                             HasSubstr("line 7 (from): \"31/12/2026\" is not a day"),
                             HasSubstr("line 8 (from): \"0000-01-01\" is outside 1900..2200"))));
  EXPECT_EQ(Revision(), before);
  // A later file changes the days, and says what they were.
  ASSERT_TRUE(Import("member\tco-quan-bao-chi-nganh\tcuc-cntt\t2026-03-01\t-\n", false, &r).ok());
  ASSERT_TRUE(Import("member\tco-quan-bao-chi-nganh\tcuc-cntt\t2026-03-01\t2026-09-01\n", true, &r).ok());
  ASSERT_EQ(r.memberships_changed_size(), 1);
  EXPECT_EQ(r.memberships_changed(0),
            "groups/co-quan-bao-chi-nganh: units/cuc-cntt from 2026-03-01 until 2026-09-01 (was from 2026-03-01)");
}

TEST_F(DirectoryReferenceImportTest, OnlyTheOfficeImports) {
  dpb::ImportReferenceDataResponse r;
  EXPECT_THAT(Import(kFile, true, &r, &kViewerCaller), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Import(kFile, true, &r, nullptr), StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace p06::testing
