// The request target as the REST door reads it: the path percent-decoded, the query
// decoded with '+' as a space, in the order sent.
#include "services/gateway/http/http_message.h"

#include <gtest/gtest.h>

namespace p06::gateway {
namespace {

TEST(RequestTargetTest, PathAndQueryAreDecoded) {
  auto t = ParseRequestTarget("/v1/plans/910%2Dqd/tasks?query=dinh+danh%20dien&pageSize=5&pageSize=6&flag");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->path, "/v1/plans/910-qd/tasks");
  const HttpFields want{{"query", "dinh danh dien"}, {"pageSize", "5"}, {"pageSize", "6"}, {"flag", ""}};
  EXPECT_EQ(t->query, want);
}

TEST(RequestTargetTest, PlusInThePathStaysAndMalformedEscapesStayAsWritten) {
  auto t = ParseRequestTarget("/a+b/%zz/%4");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/a+b/%zz/%4");
  EXPECT_TRUE(t->query.empty());
}

TEST(RequestTargetTest, AnEncodedSlashOrDotIsDecodedForThePathChecksToSee) {
  // SplitRequestPath refuses ".." segments: an encoded one must reach it decoded.
  auto t = ParseRequestTarget("/v1/plans/%2e%2e/x");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/v1/plans/../x");
}

TEST(RequestTargetTest, ATargetThatIsNotAPathIsRefused) {
  EXPECT_FALSE(ParseRequestTarget("*").ok());
  EXPECT_FALSE(ParseRequestTarget("http://example.org/v1").ok());
  EXPECT_FALSE(ParseRequestTarget("").ok());
}

TEST(RequestTargetTest, EmptyPairsAreSkipped) {
  auto t = ParseRequestTarget("/x?&&a=1&");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->query, (HttpFields{{"a", "1"}}));
}

TEST(HttpRequestTest, HeadersAreFoundInAnyCase) {
  HttpRequest r;
  r.headers = {{"authorization", "Bearer x"}, {"x-request-id", "a"}, {"x-request-id", "b"}};
  EXPECT_EQ(r.Header("Authorization"), "Bearer x");
  EXPECT_EQ(r.Header("X-REQUEST-ID"), "a");
  EXPECT_EQ(r.Header("If-Match"), "");
}

}  // namespace
}  // namespace p06::gateway
