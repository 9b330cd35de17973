#include "services/task/event_position.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/harness/status_matchers.h"

namespace p06::task {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

TEST(EventPositionTest, CursorRoundTripsAndOrdersByTransactionThenSequence) {
  const EventPosition a{.xid = 999, .seq = 82}, b{.xid = 1000, .seq = 7};
  EXPECT_EQ(FormatCursor(a), "999.82");
  EXPECT_EQ(*ParseCursor(FormatCursor(b), "after"), b);
  EXPECT_TRUE(a < b);  // By transaction first, though b's sequence number is smaller.
  EXPECT_EQ(*ParseCursor("", "after"), EventPosition{});
}

TEST(EventPositionTest, ForeignTextIsRefusedNamingTheField) {
  // Only what FormatCursor makes (the fuzzer saw " 1.2", "+1.2" and "01.2" accepted).
  for (const char* bad : {"12", "x.1", "1.x", "-1.2", "1.-2", "1.2.3", ".", "1.", " 1.2", "+1.2", "01.2", "1.02",
                          "99999999999999999999.1"}) {
    EXPECT_THAT(ParseCursor(bad, "page_token"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")))
        << bad;
  }
}

}  // namespace
}  // namespace p06::task
