// ListTasks.query as people type it, through the real gRPC server on the 2025 plan:
// words in any order, without diacritics, half-typed, naming a unit; the best match
// first; and paging through a ranked result loses and repeats nothing.
#include <algorithm>

#include "absl/strings/str_join.h"
#include "tests/integration/task_server.h"

namespace p06::testing {
namespace {

class TaskSearchTest : public TaskServerTest {
 protected:
  std::vector<int> Search(const std::string& query) {
    tpb::ListTasksRequest request;
    request.set_query(query);
    return Numbers(request);
  }
};

struct SearchCase {
  const char* query;
  std::vector<int> top;       // The best matches, in any order among themselves.
  std::vector<int> includes;  // Somewhere in the answer.
};

// What people would type, and what the Office would expect to see on top.
const SearchCase kSearches[] = {
    // A service by its name, without diacritics: the tasks that say it in their title.
    {"dang ky khai sinh", {28, 29}, {}},
    {"khai tu", {30}, {28}},
    {"Đăng ký kết hôn", {31}, {}},
    {"ket hon dang ky", {31}, {}},  // In another order.
    {"quoc tich", {32}, {45}},      // 45 names "Cục Hộ tịch, quốc tịch, chứng thực" as its lead.
    // The words of a phrase apart: "định danh và xác thực điện tử".
    {"dinh danh dien tu", {}, {27, 36}},
    {"xac thuc dien tu", {}, {27, 36}},
    // Half-typed: a word's beginning is enough.
    {"vne", {33}, {}},
    {"so hoa ho tich", {45}, {}},
    {"co so du lieu ho tich", {38, 39}, {}},
    // 49 says "bồi dưỡng công chức" twice, 48 "bồi dưỡng đội ngũ công chức".
    {"boi duong cong chuc", {49}, {48}},
    {"thi hanh an dan su", {33}, {}},
    // A unit as the plan prints it: the tasks it leads or supports.
    {"Cục Công nghệ thông tin", {}, {3, 25, 28, 37, 38, 39, 40, 41, 42, 43}},
    {"bo cong an", {}, {25}},
};

TEST_F(TaskSearchTest, QueriesPeopleTypeFindTheTasksTheyMean) {
  Import(PlanText());
  for (const SearchCase& c : kSearches) {
    const std::vector<int> got = Search(c.query);
    SCOPED_TRACE(absl::StrCat("\"", c.query, "\" → ", absl::StrJoin(got, ",")));
    ASSERT_GE(got.size(), c.top.size());
    std::vector<int> top(got.begin(), got.begin() + static_cast<long>(c.top.size()));
    std::sort(top.begin(), top.end());
    EXPECT_EQ(top, c.top);
    for (int n : c.includes) EXPECT_TRUE(std::find(got.begin(), got.end(), n) != got.end()) << n;
  }
}

TEST_F(TaskSearchTest, EveryWordMustMatchAndNoSyntaxIsRead) {
  Import(PlanText());
  EXPECT_TRUE(Search("dinh danh dien tu khong-co-tu-nay").empty());
  // tsquery's operators typed as text are words, not syntax.
  for (const char* q : {"!", "a & | b", "'", "\\", "ho:* | tich", "(", "<->", "*"}) {
    tpb::ListTasksRequest request;
    request.set_parent("plans/910-qd-btp-2025");
    request.set_query(q);
    tpb::ListTasksResponse r;
    grpc::Status s = T(&TaskStub::ListTasks, request, &r);
    EXPECT_TRUE(s.ok()) << q << ": " << s.error_message();
  }
  EXPECT_EQ(Search("ho:* | tich"), Search("ho tich"));
  EXPECT_EQ(Search("  Điện tử,  ĐỊNH DANH "), Search("dinh danh dien tu"));
}

TEST_F(TaskSearchTest, PagingThroughARankedAnswerLosesAndRepeatsNothing) {
  Import(PlanText());
  const std::vector<int> whole = Search("de an 06");
  ASSERT_GT(whole.size(), 10u);
  std::vector<int> paged;
  tpb::ListTasksRequest request;
  request.set_parent("plans/910-qd-btp-2025");
  request.set_query("de an 06");
  request.set_page_size(3);
  for (int pages = 0; pages < 100; ++pages) {
    tpb::ListTasksResponse r;
    ASSERT_TRUE(T(&TaskStub::ListTasks, request, &r).ok());
    for (const auto& t : r.tasks()) paged.push_back(t.number());
    if (r.next_page_token().empty()) break;
    request.set_page_token(r.next_page_token());
  }
  EXPECT_EQ(paged, whole);
  // Without a query the order is the tasks' numbers, as before.
  std::vector<int> all = Numbers({});
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(all.size(), 49u);
}

// A database imported before the search covered notes and units: importing the same
// text again brings the search up to date, with no new etag and no event.
TEST_F(TaskSearchTest, ImportingTheSameTextAgainRefreshesWhatSearchReads) {
  Import(PlanText());
  {
    pqxx::connection conn(database_url());
    pqxx::work tx(conn);
    tx.exec0("UPDATE task.tasks SET search_text = split_part(search_text, ' | ', 1)");
    tx.commit();
  }
  ASSERT_TRUE(Search("toa an nhan dan toi cao").empty());  // A unit no title names.
  const int events = CountEvents();
  const std::string etag = Task(25).etag();
  EXPECT_TRUE(Import(PlanText()).unchanged());
  EXPECT_EQ(Search("toa an nhan dan toi cao"), std::vector<int>{26});
  EXPECT_EQ(CountEvents(), events);
  EXPECT_EQ(Task(25).etag(), etag);
}

}  // namespace
}  // namespace p06::testing
