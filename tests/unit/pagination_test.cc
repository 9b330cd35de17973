#include "common/grpc/pagination.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace p06
