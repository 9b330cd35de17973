// The reference data files shipped with the directory (services/directory/reference_data/
// NNN_name.tsv): applied once each at start, in order, on the real database; a later
// start, or a replica, applies nothing again; an edited or broken file stops the start
// naming itself, with nothing of it written.
#include "tests/integration/directory_server.h"

namespace p06::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class DirectoryReferenceFilesTest : public DirectoryServerTest {
 protected:
  absl::Status Apply(std::vector<db::Migration> files) { return bundle_->directory().ApplyReferenceDataFiles(files); }
};

TEST_F(DirectoryReferenceFilesTest, TheShippedFilesAreAppliedAtStartAndResolve) {
  pqxx::result applied = Query("SELECT version, name FROM directory.reference_data_files ORDER BY version");
  ASSERT_EQ(applied.size(), DirectoryReferenceData().size());
  EXPECT_EQ(std::string(applied[0][1].c_str()), "001_ministry_abbreviations.tsv");

  // How documents abbreviate the ministries, the new and the merged away alike.
  const dpb::ResolveUnitNamesResponse r =
      Resolve({"Bộ NN&MT", "Bo KH&CN", "Bộ KH&ĐT", "Bo LD-TB&XH", "Bộ TN&MT"});
  EXPECT_EQ(r.resolutions(0).match_kind(), dpb::MATCH_KIND_ABBREVIATION) << r.resolutions(0).ShortDebugString();
  EXPECT_EQ(r.resolutions(0).units(0), "units/bo-nong-nghiep-moi-truong");
  EXPECT_EQ(r.resolutions(1).units(0), "units/bo-khcn");
  // Merged on 2025-03-01: tracked under the successors.
  EXPECT_EQ(r.resolutions(2).match_kind(), dpb::MATCH_KIND_SUCCESSOR_OF) << r.resolutions(2).ShortDebugString();
  EXPECT_EQ(r.resolutions(2).units(0), "units/bo-tai-chinh");
  EXPECT_EQ(r.resolutions(3).match_kind(), dpb::MATCH_KIND_SUCCESSOR_OF);
  EXPECT_EQ(r.resolutions(4).units(0), "units/bo-nong-nghiep-moi-truong");

  // Another start (a replica, a restart) finds them applied: nothing is written.
  const int64_t before = Revision();
  auto replica = StartBundle(*pool_);
  ASSERT_NE(replica, nullptr);
  EXPECT_EQ(Revision(), before);
}

TEST_F(DirectoryReferenceFilesTest, ALaterFileBuildsOnAnEarlierOneWhichIsNotCheckedAgain) {
  std::vector<db::Migration> files(DirectoryReferenceData().begin(), DirectoryReferenceData().end());
  files.push_back({901, "901_new_unit.tsv",
                   "unit\tcuc-thu-nghiem\tCTN\tagency\tbtp\tyes\t2026-02-01\tCục Thử nghiệm\n"});
  ASSERT_OK(Apply(files));
  // 902 dissolves what 901 made: 901, read again against today's directory, would no
  // longer hold (the unit is not as it says), but an applied file is never read again.
  files.push_back({902, "902_dissolve.tsv", "dissolve\tcuc-thu-nghiem\t2026-06-01\t-\n"});
  ASSERT_OK(Apply(files));
  const int64_t before = Revision();
  ASSERT_OK(Apply(files));
  EXPECT_EQ(Revision(), before);
  EXPECT_EQ(Query("SELECT state FROM directory.units WHERE id = 'cuc-thu-nghiem'")[0][0].as<int>(),
            static_cast<int>(dpb::UNIT_STATE_DISSOLVED));
}

TEST_F(DirectoryReferenceFilesTest, AnEditedOrBrokenFileStopsTheStartWithNothingWritten) {
  std::vector<db::Migration> files(DirectoryReferenceData().begin(), DirectoryReferenceData().end());
  ASSERT_FALSE(files.empty());
  // Edited after it was applied.
  std::vector<db::Migration> edited = files;
  edited[0].sql = "alias\tbo-khcn\tabbreviation\t-\t-\tBộ KHCN mới\n";
  EXPECT_THAT(Apply(edited), StatusIs(absl::StatusCode::kFailedPrecondition,
                                      AllOf(HasSubstr("reference_data/001_ministry_abbreviations.tsv"),
                                            HasSubstr("never edited"))));
  // A new file with a good line and a bad one: refused whole, by line and field.
  const int64_t before = Revision();
  files.push_back({903, "903_broken.tsv",
                   "unit\tcuc-moi\tCM\tagency\tbtp\tyes\t2026-02-01\tCục Mới\n"
                   "merge\tcuc-moi\t2026-13-01\tbtp\n"});
  EXPECT_THAT(Apply(files), StatusIs(absl::StatusCode::kFailedPrecondition,
                                     AllOf(HasSubstr("reference_data/903_broken.tsv"), HasSubstr("line 2"))));
  EXPECT_EQ(Revision(), before);
  EXPECT_TRUE(Query("SELECT 1 FROM directory.units WHERE id = 'cuc-moi'").empty());
  EXPECT_TRUE(Query("SELECT 1 FROM directory.reference_data_files WHERE version = 903").empty());
  // Two files of one version (two branches each added a 002): refused before any is read.
  std::vector<db::Migration> twice(DirectoryReferenceData().begin(), DirectoryReferenceData().end());
  twice.push_back({905, "905_a.tsv", "unit\tcuc-a\tCA\tagency\tbtp\tyes\t-\tCục A\n"});
  twice.push_back({905, "905_b.tsv", "unit\tcuc-b\tCB\tagency\tbtp\tyes\t-\tCục B\n"});
  EXPECT_THAT(Apply(twice), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("strictly increasing")));
  EXPECT_TRUE(Query("SELECT 1 FROM directory.units WHERE id = 'cuc-a'").empty());
}

}  // namespace
}  // namespace p06::testing
