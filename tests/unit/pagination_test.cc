#include "common/grpc/pagination.h"

#include <gtest/gtest.h>

#include "p06/task/v1/task.pb.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PaginationTest, DefaultAndMaximumPageSize) {
  EXPECT_EQ(ParsePageRequest(0, "", "q")->size, 50);
  EXPECT_EQ(ParsePageRequest(10, "", "q")->size, 10);
  EXPECT_EQ(ParsePageRequest(100000, "", "q")->size, 500);
  EXPECT_EQ(ParsePageRequest(0, "", "q", {.default_size = 7, .max_size = 9})->size, 7);
}

TEST(PaginationTest, NegativePageSizeNamesTheField) {
  EXPECT_THAT(ParsePageRequest(-1, "", "q"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

// The fingerprint is the query: page fields do not change it, any filter does, and
// two request types with the same bytes differ.
TEST(PaginationTest, QueryFingerprintIsTheFiltersWithoutThePageFields) {
  p06::task::v1::ListTasksRequest a;
  a.set_parent("plans/p");
  a.set_lead_unit("units/cuc-hctp");
  p06::task::v1::ListTasksRequest paged = a;
  paged.set_page_size(7);
  paged.set_page_token("abc");
  EXPECT_EQ(QueryFingerprint(a), QueryFingerprint(paged));
  p06::task::v1::ListTasksRequest other = a;
  other.set_overdue_only(true);
  EXPECT_NE(QueryFingerprint(a), QueryFingerprint(other));
  p06::task::v1::ListPlansRequest empty_plans;
  p06::task::v1::ListTasksRequest empty_tasks;
  EXPECT_NE(QueryFingerprint(empty_plans), QueryFingerprint(empty_tasks));
}

TEST(PaginationTest, TokenRoundTripsItsKey) {
  std::string token = MakePageToken("VPB:with:colons", "filters");
  absl::StatusOr<PageRequest> page = ParsePageRequest(5, token, "filters");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->after_key, "VPB:with:colons");
}

TEST(PaginationTest, TokenFromAnotherQueryIsRefused) {
  std::string token = MakePageToken("VPB", "kind=1");
  EXPECT_THAT(ParsePageRequest(5, token, "kind=2"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other filters")));
}

TEST(PaginationTest, GarbageTokenIsRefused) {
  EXPECT_THAT(ParsePageRequest(5, "!!!not base64", "q"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(ParsePageRequest(5, "aGVsbG8", "q"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePageRequest(5, std::string(10000, 'A'), "q"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RankedPageKeyTest, RoundTripsAndReadsAKeyWithoutARankAsRankZero) {
  int64_t rank = -1;
  std::string key;
  ASSERT_TRUE(ParseRankedPageKey(RankedPageKey(123456, "STP-HN"), &rank, &key));
  EXPECT_EQ(rank, 123456);
  EXPECT_EQ(key, "STP-HN");
  ASSERT_TRUE(ParseRankedPageKey("17", &rank, &key));  // A token issued before ranking.
  EXPECT_EQ(rank, 0);
  EXPECT_EQ(key, "17");
  EXPECT_FALSE(ParseRankedPageKey("x:17", &rank, &key));
  EXPECT_FALSE(ParseRankedPageKey(":17", &rank, &key));
}

}  // namespace
}  // namespace p06
