#include "services/directory/resolution/name_index.h"

#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_time.h"

namespace p06::directory {
namespace {

constexpr absl::CivilDay kToday(2025, 6, 1);

pb::Unit MakeUnit(const std::string& id, const std::string& code, const std::string& name,
                  pb::UnitState state = pb::UNIT_STATE_ACTIVE) {
  pb::Unit u;
  u.set_name("units/" + id);
  u.set_code(code);
  u.set_display_name(name);
  u.set_kind(pb::UNIT_KIND_AGENCY);
  u.set_in_ministry(true);
  u.set_state(state);
  return u;
}

class NameIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DirectorySnapshot s;
    s.revision = 7;
    s.units.push_back(MakeUnit("cntt", "CCNTT", "Cục Công nghệ thông tin"));
    s.units.push_back(MakeUnit("http", "CHCTP", "Cục Hành chính tư pháp"));
    pb::Unit bttp = MakeUnit("bttp", "CBTTP", "Cục Bổ trợ tư pháp");
    pb::Alias* alias = bttp.add_aliases();
    alias->set_text("Cục Hỗ trợ tư pháp");
    alias->set_kind(pb::ALIAS_KIND_ALIAS);
    s.units.push_back(bttp);
    pb::Unit htqt = MakeUnit("htqt", "CHTQTCT", "Cục Hộ tịch, quốc tịch, chứng thực", pb::UNIT_STATE_MERGED);
    htqt.add_successors("units/http");
    *htqt.mutable_state_date() = ToProtoDate(absl::CivilDay(2025, 3, 1));
    s.units.push_back(htqt);
    pb::Unit renamed = MakeUnit("vpb", "VPB", "Văn phòng Bộ");
    pb::Alias* former = renamed.add_aliases();
    former->set_text("Văn phòng Bộ Tư pháp cũ");
    former->set_kind(pb::ALIAS_KIND_FORMER_NAME);
    *former->mutable_until() = ToProtoDate(absl::CivilDay(2025, 1, 1));
    s.units.push_back(renamed);
    s.units.push_back(MakeUnit("twin-a", "TWA", "Phòng Tổng hợp"));
    s.units.push_back(MakeUnit("twin-b", "TWB", "Phòng Tổng hợp"));
    pb::Group all;
    all.set_name("groups/all");
    all.set_display_name("Các đơn vị thuộc Bộ");
    all.set_kind(pb::Group::KIND_ALL_MINISTRY_UNITS);
    s.groups.push_back(all);
    pb::Group related;
    related.set_name("groups/related");
    related.set_display_name("Các cơ quan có liên quan");
    related.set_kind(pb::Group::KIND_UNSPECIFIED_RELATED_BODIES);
    s.groups.push_back(related);
    // An explicit group: cntt always, http from 2025-06-01 (and through htqt, merged
    // into it on 2025-03-01), twin-a until 2025-01-01.
    pb::Group team;
    team.set_name("groups/team");
    team.set_display_name("Tổ công tác chuyển đổi số");
    team.set_kind(pb::Group::KIND_EXPLICIT);
    for (const char* unit : {"units/cntt", "units/http", "units/htqt", "units/twin-a"}) team.add_members(unit);
    team.add_memberships()->set_unit("units/cntt");
    pb::GroupMembership* http = team.add_memberships();
    http->set_unit("units/http");
    *http->mutable_valid_from() = ToProtoDate(absl::CivilDay(2025, 6, 1));
    team.add_memberships()->set_unit("units/htqt");
    pb::GroupMembership* twin = team.add_memberships();
    twin->set_unit("units/twin-a");
    *twin->mutable_valid_until() = ToProtoDate(absl::CivilDay(2025, 1, 1));
    s.groups.push_back(team);
    s.abbreviations = {{"cntt", "Công nghệ thông tin"}, {"http", "Hành chính tư pháp"}};
    index_ = NameIndex::Build(std::move(s));
  }
  pb::Resolution Resolve(const std::string& name, absl::CivilDay as_of = kToday) {
    return index_->Resolve(name, as_of, as_of);
  }
  std::shared_ptr<const NameIndex> index_;
};

TEST_F(NameIndexTest, ExactNameIsExactWithFullConfidence) {
  pb::Resolution r = Resolve("Cục Công nghệ thông tin");
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_EXACT);
  EXPECT_EQ(r.confidence(), 1.0);
  ASSERT_EQ(r.units_size(), 1);
  EXPECT_EQ(r.units(0), "units/cntt");
}

TEST_F(NameIndexTest, AliasAndCode) {
  EXPECT_EQ(Resolve("Cục Hỗ trợ tư pháp").match_kind(), pb::MATCH_KIND_ALIAS);
  EXPECT_EQ(Resolve("Cục Hỗ trợ tư pháp").units(0), "units/bttp");
  EXPECT_EQ(Resolve("CCNTT").match_kind(), pb::MATCH_KIND_ABBREVIATION);
}

TEST_F(NameIndexTest, FoldedCaseDiacriticsPunctuationAndSpaces) {
  for (const char* variant : {"cuc cong nghe thong tin", "CỤC CÔNG NGHỆ THÔNG TIN", "  Cục  Công nghệ thông tin;",
                              "- Cục Công nghệ thông tin."}) {
    pb::Resolution r = Resolve(variant);
    EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_FOLDED) << variant;
    ASSERT_EQ(r.units_size(), 1) << variant;
    EXPECT_EQ(r.units(0), "units/cntt") << variant;
  }
}

TEST_F(NameIndexTest, AbbreviationsExpand) {
  pb::Resolution r = Resolve("Cục CNTT");
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_ABBREVIATION);
  EXPECT_EQ(r.units(0), "units/cntt");
  EXPECT_EQ(Resolve("cuc http").units(0), "units/http");
}

TEST_F(NameIndexTest, MergedUnitResolvesToItsSuccessorSayingSo) {
  pb::Resolution r = Resolve("Cục Hộ tịch, quốc tịch, chứng thực");
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_SUCCESSOR_OF);
  ASSERT_EQ(r.units_size(), 1);
  EXPECT_EQ(r.units(0), "units/http");
  EXPECT_EQ(std::vector<std::string>(r.successor_chain().begin(), r.successor_chain().end()),
            (std::vector<std::string>{"units/htqt", "units/http"}));
}

TEST_F(NameIndexTest, BeforeTheMergeTheOldUnitIsItself) {
  pb::Resolution r = Resolve("Cục Hộ tịch, quốc tịch, chứng thực", absl::CivilDay(2025, 2, 1));
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_EXACT);
  EXPECT_EQ(r.units(0), "units/htqt");
}

// A unit split in two on one day, one part merged into a third later: the walk passes
// all three ended units, but each unit of today lists its own line only.
TEST(NameIndexSuccessionTest, EachUnitReachedListsItsOwnLine) {
  DirectorySnapshot s;
  auto ended = [&](const std::string& id, const std::string& name, absl::CivilDay day,
                   std::vector<std::string> successors) {
    pb::Unit u = MakeUnit(id, absl::AsciiStrToUpper(id), name, pb::UNIT_STATE_MERGED);
    *u.mutable_state_date() = ToProtoDate(day);
    for (const std::string& next : successors) u.add_successors("units/" + next);
    s.units.push_back(u);
  };
  ended("split", "Cục Đã Chia", absl::CivilDay(2025, 3, 1), {"part-b", "part-c"});
  ended("part-b", "Cục Phần Một", absl::CivilDay(2026, 1, 10), {"third"});
  s.units.push_back(MakeUnit("part-c", "PC", "Cục Phần Hai"));
  s.units.push_back(MakeUnit("third", "TH", "Cục Thứ Ba"));
  std::shared_ptr<const NameIndex> index = NameIndex::Build(std::move(s));

  pb::Resolution r = index->Resolve("Cục Đã Chia", absl::CivilDay(2025, 2, 1), absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_SUCCESSOR_OF);
  EXPECT_EQ(std::vector<std::string>(r.units().begin(), r.units().end()),
            (std::vector<std::string>{"units/part-c", "units/third"}));
  ASSERT_EQ(r.followed_size(), 2) << r.DebugString();
  EXPECT_EQ(r.followed(0).unit(), "units/part-c");
  EXPECT_EQ(std::vector<std::string>(r.followed(0).predecessors().begin(), r.followed(0).predecessors().end()),
            std::vector<std::string>{"units/split"});
  EXPECT_EQ(r.followed(1).unit(), "units/third");
  EXPECT_EQ(std::vector<std::string>(r.followed(1).predecessors().begin(), r.followed(1).predecessors().end()),
            (std::vector<std::string>{"units/split", "units/part-b"}));

  // Followed only to between the two days: both parts, each from the split unit.
  pb::Resolution mid = index->Resolve("Cục Đã Chia", absl::CivilDay(2025, 2, 1), absl::CivilDay(2025, 6, 1));
  ASSERT_EQ(mid.followed_size(), 2) << mid.DebugString();
  for (const pb::FollowedUnit& f : mid.followed()) {
    EXPECT_EQ(std::vector<std::string>(f.predecessors().begin(), f.predecessors().end()), std::vector<std::string>{"units/split"})
        << f.unit();
  }
  // A unit of today matched directly follows nothing.
  EXPECT_EQ(index->Resolve("Cục Thứ Ba", absl::CivilDay(2026, 6, 1), absl::CivilDay(2026, 6, 1)).followed_size(), 0);
}

// Read as of one day, followed to a later one: the unit meant then, and who carries it
// on; a former name as of a day before the rename is the unit's name then, but
// followed past the rename it is a former name.
TEST_F(NameIndexTest, ANameReadOnOneDayIsFollowedToALaterOne) {
  const absl::CivilDay feb(2025, 2, 1), june(2025, 6, 1);
  pb::Resolution merged = index_->Resolve("Cục Hộ tịch, quốc tịch, chứng thực", feb, june);
  EXPECT_EQ(merged.match_kind(), pb::MATCH_KIND_SUCCESSOR_OF);
  EXPECT_EQ(std::vector<std::string>(merged.units().begin(), merged.units().end()),
            std::vector<std::string>{"units/http"});
  EXPECT_EQ(merged.successor_chain(0), "units/htqt");
  pb::Resolution former = index_->Resolve("Văn phòng Bộ Tư pháp cũ", absl::CivilDay(2024, 12, 31), june);
  EXPECT_EQ(former.match_kind(), pb::MATCH_KIND_SUCCESSOR_OF);
  EXPECT_EQ(former.units(0), "units/vpb");
  EXPECT_EQ(index_->Resolve("Cục Công nghệ thông tin", feb, june).match_kind(), pb::MATCH_KIND_EXACT);
}

TEST_F(NameIndexTest, AnExplicitGroupCountsTheMembershipsHoldingThatDay) {
  auto members = [&](absl::CivilDay as_of, absl::CivilDay follow_to) {
    pb::Resolution r = index_->Resolve("Tổ công tác chuyển đổi số", as_of, follow_to);
    return std::vector<std::string>(r.units().begin(), r.units().end());
  };
  using V = std::vector<std::string>;
  const absl::CivilDay dec(2024, 12, 31), feb(2025, 2, 1), june(2025, 6, 1);
  EXPECT_EQ(members(dec, dec), (V{"units/cntt", "units/htqt", "units/twin-a"}));  // twin-a's last day.
  EXPECT_EQ(members(feb, feb), (V{"units/cntt", "units/htqt"}));
  // htqt merged into http on 2025-03-01: http is a member through it before its own
  // membership begins in June.
  EXPECT_EQ(members(absl::CivilDay(2025, 4, 1), absl::CivilDay(2025, 4, 1)), (V{"units/cntt", "units/http"}));
  EXPECT_EQ(members(june, june), (V{"units/cntt", "units/http"}));  // http twice over, once.
  // February's members, followed to June: htqt is http now; twin-a was no member then.
  EXPECT_EQ(members(feb, june), (V{"units/cntt", "units/http"}));
  EXPECT_EQ(members(dec, june), (V{"units/cntt", "units/http", "units/twin-a"}));
}

// A unit that left a group and joined again has a membership for each time: a member
// in each, not between them, not even through a predecessor merged into it meanwhile.
TEST(NameIndexSpellsTest, AUnitThatLeftAndRejoinedIsAMemberOnlyInItsSpells) {
  DirectorySnapshot s;
  s.units.push_back(MakeUnit("again", "AG", "Cục Trở Lại"));
  pb::Unit old = MakeUnit("old", "OLD", "Cục Sáp Nhập", pb::UNIT_STATE_MERGED);
  old.add_successors("units/again");
  *old.mutable_state_date() = ToProtoDate(absl::CivilDay(2025, 3, 1));
  s.units.push_back(old);
  pb::Group g;
  g.set_name("groups/g");
  g.set_display_name("Tổ liên ngành");
  g.set_kind(pb::Group::KIND_EXPLICIT);
  g.add_memberships()->set_unit("units/old");
  pb::GroupMembership* first = g.add_memberships();
  first->set_unit("units/again");
  *first->mutable_valid_until() = ToProtoDate(absl::CivilDay(2025, 1, 1));
  pb::GroupMembership* second = g.add_memberships();
  second->set_unit("units/again");
  *second->mutable_valid_from() = ToProtoDate(absl::CivilDay(2025, 5, 1));
  s.groups.push_back(g);
  std::shared_ptr<const NameIndex> index = NameIndex::Build(std::move(s));
  auto members = [&](absl::CivilDay day) {
    pb::Resolution r = index->Resolve("Tổ liên ngành", day, day);
    return std::vector<std::string>(r.units().begin(), r.units().end());
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(members(absl::CivilDay(2024, 12, 31)), (V{"units/old", "units/again"}));
  EXPECT_EQ(members(absl::CivilDay(2025, 2, 1)), V{"units/old"});
  EXPECT_EQ(members(absl::CivilDay(2025, 4, 1)), V{}) << "away, so not a member through the unit merged into it";
  EXPECT_EQ(members(absl::CivilDay(2025, 5, 1)), V{"units/again"}) << "once, though also through old";
}

TEST_F(NameIndexTest, FormerNameOfARenamedUnit) {
  pb::Resolution after = Resolve("Văn phòng Bộ Tư pháp cũ");
  EXPECT_EQ(after.match_kind(), pb::MATCH_KIND_SUCCESSOR_OF);
  EXPECT_EQ(after.units(0), "units/vpb");
  pb::Resolution before = Resolve("Văn phòng Bộ Tư pháp cũ", absl::CivilDay(2024, 12, 31));
  EXPECT_EQ(before.match_kind(), pb::MATCH_KIND_ALIAS);
}

TEST_F(NameIndexTest, HoTichNeverSilentlyBecomesHoTroTuPhap) {
  // Close in spelling, different units: below the fuzzy threshold, so unresolved,
  // and the right unit is offered first.
  pb::Resolution r = Resolve("Cục Hộ tịch");
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_UNRESOLVED);
  EXPECT_TRUE(r.units().empty());
  EXPECT_LT(EditSimilarity(index_->CanonicalKey("Cục Hộ tịch"), index_->CanonicalKey("Cục Hỗ trợ tư pháp")),
            kFuzzyThreshold);
  pb::Resolution typo = Resolve("Cục Hỗ trợ tư phap");  // Folds to the alias exactly.
  EXPECT_EQ(typo.units(0), "units/bttp");
}

TEST_F(NameIndexTest, SmallTypoIsFuzzyWithLowerConfidence) {
  pb::Resolution r = Resolve("Cuc Cong nghe thong tn");
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_FUZZY);
  EXPECT_EQ(r.units(0), "units/cntt");
  EXPECT_LT(r.confidence(), 0.95);
  EXPECT_GT(r.confidence(), 0.8);
}

TEST_F(NameIndexTest, UnknownNameIsUnresolvedWithCandidates) {
  pb::Resolution r = Resolve("Cục Công nghệ");
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_UNRESOLVED);
  ASSERT_FALSE(r.candidates().empty());
  EXPECT_EQ(r.candidates(0).name(), "units/cntt");
  EXPECT_LE(r.candidates_size(), kMaxCandidates);
  EXPECT_EQ(Resolve("Hội đồng nhân dân").match_kind(), pb::MATCH_KIND_UNRESOLVED);
}

TEST_F(NameIndexTest, TwoUnitsWithOneNameAreAmbiguousNotGuessed) {
  pb::Resolution r = Resolve("Phòng Tổng hợp");
  EXPECT_EQ(r.match_kind(), pb::MATCH_KIND_UNRESOLVED);
  EXPECT_EQ(r.candidates_size(), 2);
}

TEST_F(NameIndexTest, GroupsResolveToTheirMembers) {
  pb::Resolution all = Resolve("các đơn vị thuộc Bộ");
  EXPECT_EQ(all.group(), "groups/all");
  EXPECT_EQ(all.units_size(), 6);  // The active ministry units; the merged one is not a member.
  for (const std::string& u : all.units()) EXPECT_NE(u, "units/htqt");
  pb::Resolution related = Resolve("Các cơ quan có liên quan");
  EXPECT_EQ(related.group(), "groups/related");
  EXPECT_TRUE(related.units().empty());
}

TEST_F(NameIndexTest, BadInputIsInvalidPerName) {
  EXPECT_EQ(Resolve("").match_kind(), pb::MATCH_KIND_INVALID);
  EXPECT_EQ(Resolve(" ;.- ").match_kind(), pb::MATCH_KIND_INVALID);
  EXPECT_EQ(Resolve(std::string(600, 'a')).match_kind(), pb::MATCH_KIND_INVALID);
  pb::Resolution bad = Resolve("C\xe1\xbb");
  EXPECT_EQ(bad.match_kind(), pb::MATCH_KIND_INVALID);
  EXPECT_EQ(bad.error(), "not valid UTF-8");
}

TEST(EditSimilarityTest, Basics) {
  EXPECT_EQ(EditSimilarity("abc", "abc"), 1.0);
  EXPECT_EQ(EditSimilarity("", "abc"), 0.0);
  EXPECT_NEAR(EditSimilarity("kitten", "sitting"), 1 - 3.0 / 7, 1e-9);
}

}  // namespace
}  // namespace p06::directory
