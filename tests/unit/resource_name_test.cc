#include "common/grpc/resource_name.h"

#include <gtest/gtest.h>

#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

using ::p06::testing::StatusIs;

TEST(ResourceNameTest, ParsesIds) {
  EXPECT_EQ(*ParseResourceId("units/vpb", "units/*", "name"), "vpb");
  auto ids = ParseResourceName("units/vpb/contacts/12", "units/*/contacts/*", "name");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"vpb", "12"}));
}

TEST(ResourceNameTest, NumberedSegments) {
  auto ids = ParseResourceName("plans/910-qd-btp-2025/tasks/36", "plans/*/tasks/#", "name");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"910-qd-btp-2025", "36"}));
  for (const char* bad : {"plans/p1/tasks/0", "plans/p1/tasks/07", "plans/p1/tasks/x", "plans/p1/tasks/-1",
                          "plans/p1/tasks/1234567890123456789"}) {
    EXPECT_THAT(ParseResourceName(bad, "plans/*/tasks/#", "name"), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(ResourceNameTest, LastSegment) {
  EXPECT_EQ(LastSegment("units/vpb"), "vpb");
  EXPECT_EQ(LastSegment("units/vpb/contacts/12"), "12");
  EXPECT_EQ(LastSegment(""), "");
  EXPECT_EQ(LastSegment("plain"), "plain");
}

TEST(ResourceNameTest, RefusesMalformedNamesNamingTheField) {
  for (const char* bad : {"", "units/", "units/VPB", "units/a", "groups/vpb", "units/vpb/x", "units/-x"}) {
    EXPECT_THAT(ParseResourceId(bad, "units/*", "parent"),
                StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("parent")))
        << bad;
  }
}

}  // namespace
}  // namespace p06
