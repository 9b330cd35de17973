// The directory's lifecycle rules on a fake store (tests/fakes): what merging,
// dissolving and renaming refuse, decided by the logic whichever store runs it.
// No PostgreSQL.
#include <gtest/gtest.h>

#include <prometheus/registry.h>

#include "services/directory/directory.h"
#include "services/directory/unit_dates.h"
#include "tests/fakes/fake_directory_store.h"
#include "tests/harness/callers.h"
#include "tests/harness/fake_clock.h"
#include "tests/harness/status_matchers.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

dpb::Unit Unit(const std::string& display_name, dpb::UnitState state = dpb::UNIT_STATE_ACTIVE) {
  dpb::Unit u;
  u.set_display_name(display_name);
  u.set_code(display_name.substr(0, 3));
  u.set_kind(dpb::UNIT_KIND_LOCAL_AUTHORITY);
  u.set_state(state);
  return u;
}

class DirectoryLogicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.PutUnit("ha-giang", Unit("Tỉnh Hà Giang"));
    store_.PutUnit("tuyen-quang", Unit("Tỉnh Tuyên Quang"));
    store_.PutUnit("cu", Unit("Tỉnh Cũ", dpb::UNIT_STATE_MERGED));
    ASSERT_OK(index_.Refresh());
  }
  static dpb::MergeUnitsRequest Merge(std::vector<std::string> sources, const std::string& successor) {
    dpb::MergeUnitsRequest r;
    for (const std::string& s : sources) r.add_sources("units/" + s);
    r.set_successor("units/" + successor);
    r.mutable_effective_date()->set_year(2025);
    r.mutable_effective_date()->set_month(7);
    r.mutable_effective_date()->set_day(1);
    return r;
  }

  FakeDirectoryStore store_;
  directory::IndexRefresher index_{store_, "postgresql:///never-connected"};  // Never started.
  prometheus::Registry registry_;
  directory::DirectoryMetrics metrics_ = directory::DirectoryMetrics::Register(registry_);
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 12, 1, 9, 0, 0), absl::UTCTimeZone())};
  directory::Directory directory_{store_, index_, clock_, metrics_};
};

TEST_F(DirectoryLogicTest, AMergeEndsItsSourcesIntoAnActiveSuccessor) {
  absl::StatusOr<dpb::MergeUnitsResponse> merged =
      directory_.MergeUnits(kOfficeCaller, Merge({"ha-giang"}, "tuyen-quang"));
  ASSERT_OK(merged);
  ASSERT_EQ(merged->sources_size(), 1);
  EXPECT_EQ(merged->sources(0).state(), dpb::UNIT_STATE_MERGED);
  EXPECT_EQ(merged->sources(0).successors(0), "units/tuyen-quang");
  EXPECT_EQ(merged->successor().state(), dpb::UNIT_STATE_ACTIVE);
}

// Refused on the request itself: the store is never asked.
TEST_F(DirectoryLogicTest, AMergeThatNamesAUnitTwiceOrItselfIsRefusedOnTheRequest) {
  EXPECT_THAT(directory_.MergeUnits(kOfficeCaller, Merge({"ha-giang", "ha-giang"}, "tuyen-quang")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sources[1]")));
  EXPECT_THAT(directory_.MergeUnits(kOfficeCaller, Merge({"ha-giang"}, "ha-giang")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("successor")));
  EXPECT_THAT(directory_.MergeUnits(kOfficeCaller, Merge({}, "ha-giang")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sources")));
  dpb::MergeUnitsRequest undated = Merge({"ha-giang"}, "tuyen-quang");
  undated.clear_effective_date();
  EXPECT_THAT(directory_.MergeUnits(kOfficeCaller, undated),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("effective_date")));
  EXPECT_EQ(store_.writes(), 0);
}

// The lifecycle rule, run against what the store locked: what has ended stays ended.
TEST_F(DirectoryLogicTest, AnEndedUnitNeitherEndsAgainNorSucceedsAnother) {
  EXPECT_THAT(directory_.MergeUnits(kOfficeCaller, Merge({"cu"}, "tuyen-quang")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("units/cu is already merged")));
  EXPECT_THAT(directory_.MergeUnits(kOfficeCaller, Merge({"ha-giang"}, "cu")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("successor units/cu")));
  EXPECT_THAT(directory_.MergeUnits(kOfficeCaller, Merge({"ha-giang"}, "nowhere")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(store_.writes(), 0);
}

TEST_F(DirectoryLogicTest, ADissolveWithAStaleEtagIsAborted) {
  dpb::DissolveUnitRequest r;
  r.set_name("units/ha-giang");
  r.set_etag("0");
  r.mutable_effective_date()->set_year(2025);
  r.mutable_effective_date()->set_month(7);
  r.mutable_effective_date()->set_day(1);
  EXPECT_THAT(directory_.DissolveUnit(kOfficeCaller, r), StatusIs(absl::StatusCode::kAborted, HasSubstr("etag")));
  r.add_successors("units/ha-giang");
  EXPECT_THAT(directory_.DissolveUnit(kOfficeCaller, r),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("successors[0]")));
  r.clear_successors();
  r.set_etag("1");
  absl::StatusOr<dpb::Unit> dissolved = directory_.DissolveUnit(kOfficeCaller, r);
  ASSERT_OK(dissolved);
  EXPECT_EQ(dissolved->state(), dpb::UNIT_STATE_DISSOLVED);
}

TEST_F(DirectoryLogicTest, AnEndedUnitIsNotRenamedOrUpdated) {
  dpb::RenameUnitRequest rename;
  rename.set_name("units/cu");
  rename.set_new_display_name("Tỉnh Mới");
  rename.mutable_effective_date()->set_year(2025);
  rename.mutable_effective_date()->set_month(7);
  rename.mutable_effective_date()->set_day(1);
  EXPECT_THAT(directory_.RenameUnit(kOfficeCaller, rename), StatusIs(absl::StatusCode::kFailedPrecondition));
  rename.set_name("units/ha-giang");
  rename.set_new_display_name("Tỉnh Hà Giang");
  EXPECT_THAT(directory_.RenameUnit(kOfficeCaller, rename),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("new_display_name")));
  EXPECT_EQ(store_.writes(), 0);
}

// A group read the day before a membership begins or ends is stale once it has: its
// "today's members" are no longer the list the reader saw.
TEST(GroupEtagTest, AMembershipBeginningOrEndingMakesEarlierReadsStale) {
  dpb::Group g;
  g.set_kind(dpb::Group::KIND_EXPLICIT);
  g.set_etag("7");
  EXPECT_EQ(directory::GroupEtagOn(g, absl::CivilDay(2026, 1, 1)), "7") << "no dated membership";
  dpb::GroupMembership* joins = g.add_memberships();
  joins->set_unit("units/a");
  *joins->mutable_valid_from() = ToProtoDate(absl::CivilDay(2026, 3, 1));
  dpb::GroupMembership* leaves = g.add_memberships();
  leaves->set_unit("units/b");
  *leaves->mutable_valid_until() = ToProtoDate(absl::CivilDay(2026, 6, 1));

  EXPECT_EQ(directory::GroupEtagOn(g, absl::CivilDay(2026, 2, 28)), "7") << "nothing has changed by date yet";
  const std::string march = directory::GroupEtagOn(g, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(march, "7-2026-03-01");
  EXPECT_EQ(directory::GroupEtagOn(g, absl::CivilDay(2026, 5, 31)), march) << "the same members all spring";
  EXPECT_EQ(directory::GroupEtagOn(g, absl::CivilDay(2026, 6, 1)), "7-2026-06-01");
  EXPECT_EQ(directory::GroupEtagOn(g, absl::CivilDay(2027, 1, 1)), "7-2026-06-01");
  EXPECT_EQ(directory::GroupEtagVersion("7-2026-06-01"), "7");
  EXPECT_EQ(directory::GroupEtagVersion("7"), "7");
}

}  // namespace
}  // namespace p06::testing
