#include "common/db/text_search.h"

#include <gtest/gtest.h>

namespace p06::db {
namespace {

TEST(PrefixTsQueryTest, EveryWordQuotedAsAPrefix) {
  EXPECT_EQ(PrefixTsQuery({"dinh", "danh"}), "'dinh':* & 'danh':*");
  EXPECT_EQ(PrefixTsQuery({}), "");
  EXPECT_EQ(PrefixTsQuery({"", "a"}), "'a':*");
  // Quotes and backslashes are the only characters special inside a quoted lexeme.
  EXPECT_EQ(PrefixTsQuery({"o'neil", "a\\b", "x|y&!"}), "'o''neil':* & 'a\\\\b':* & 'x|y&!':*");
}

}  // namespace
}  // namespace p06::db
