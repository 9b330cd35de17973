#include "common/log/log.h"

#include <gtest/gtest.h>

namespace p06::log {
namespace {

TEST(LogTest, LineIsOneJsonObjectWithEscapes) {
  Init("directory");
  std::string line = FormatLine(Level::kWarning, "say \"hi\"\n", {{"request_id", "r1"}, {"n", 3}, {"ok", true}});
  EXPECT_EQ(line.front(), '{');
  EXPECT_EQ(line.back(), '}');
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find(R"("level":"warning")"), std::string::npos);
  EXPECT_NE(line.find(R"("service":"directory")"), std::string::npos);
  EXPECT_NE(line.find(R"("msg":"say \"hi\"\n")"), std::string::npos);
  EXPECT_NE(line.find(R"("request_id":"r1","n":3,"ok":true)"), std::string::npos);
}

TEST(LogTest, ControlCharactersAreEscapedAndUtf8Kept) {
  std::string out;
  AppendJsonString(out, std::string("a\x01"
                                    " Bộ"));
  EXPECT_EQ(out, "\"a\\u0001 Bộ\"");
}

TEST(LogTest, ParseLevel) {
  Level level;
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

}  // namespace
}  // namespace p06::log
