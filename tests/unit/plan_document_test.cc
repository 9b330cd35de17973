// The 2025 plan's text, parsed: a fixture of all 49 tasks checked against the source
// (tasks 8, 18, 21, 26, 30, 34, 36, 37, 40 and 45 continue across page breaks or
// spread over sub-rows), the preamble, the diagnostics, and the same plan from the
// text with CRLF line ends, decomposed Unicode and its page breaks moved.
#include "services/task/plan_text/plan_document.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "tests/harness/status_matchers.h"

namespace p06::task {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

struct Expected {
  int number;
  int section;
  std::vector<std::string> leads;  // As printed, after splitting the cell.
  std::vector<std::string> coordinating;
  const char* schedule;  // Kind, and the due month/day of a one-off.
  int products;
  int sub_activities;
  int targets;
};

// Checked against deploy/plans/qd-910-btp-2025.txt. Compound cells such as "Cục A, Cục
// B" stay whole here; the importer splits them when the directory knows the parts.
const Expected kTasks[] = {
    {1, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ONE_OFF 3/31", 1, 0, 0},
    {2, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_EVENT", 1, 0, 0},
    {3, 1, {"Cục Công nghệ thông tin"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ONE_OFF 12/31", 1, 0, 0},
    {4, 1, {"Vụ Tổ chức cán bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_EVENT", 1, 0, 0},
    {5, 1, {"Các đơn vị thuộc Bộ"}, {}, "CONTINUOUS", 1, 0, 0},
    {6, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "QUARTERLY", 1, 0, 0},
    {7, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "MONTHLY", 1, 0, 0},
    {8, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_MONTHS", 1, 0, 0},
    {9, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_REQUEST", 1, 0, 0},
    {10, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "FOLLOWS_PROGRAMME", 1, 0, 0},
    {11, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 1, 0, 0},
    {12, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 1, 0, 0},
    {13, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 1, 0, 0},
    {14, 1, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 1, 0, 0},
    {15, 1, {"Các đơn vị thuộc Bộ"}, {}, "CONTINUOUS", 1, 0, 0},
    {16, 2, {"Các đơn vị thuộc Bộ", "các cơ quan thông tin, báo chí ngành"}, {"Văn phòng Bộ"}, "CONTINUOUS", 2, 2, 0},
    {17,
     3,
     {"Cục Kiểm tra văn bản và Quản lý xử lý vi phạm hành chính"},
     {"Các đơn vị thuộc Bộ"},
     "FOLLOWS_PROGRAMME",
     1,
     0,
     0},
    {18,
     3,
     {"Cục Quản lý thi hành án dân sự", "Cục Phổ biến, giáo dục pháp luật và Trợ giúp pháp lý", "Cục Hỗ trợ tư pháp",
      "Cục Đăng ký giao dịch bảo đảm và Bồi thường nhà nước", "Cục Kiểm tra văn bản và Xử lý VPHC và theo dõi THPL"},
     {"Cục Kiểm tra VBQPPL", "Văn phòng Bộ"},
     "CONTINUOUS",
     2,
     0,
     0},
    {19, 3, {"Các đơn vị thuộc Bộ"}, {}, "CONTINUOUS", 2, 0, 0},
    {20, 3, {"Văn phòng Bộ"}, {"Các đơn vị thuộc Bộ"}, "CONTINUOUS", 1, 0, 0},
    {21,
     3,
     {"Vụ công tác xây dựng văn bản quy phạm pháp luật"},
     {"Các đơn vị thuộc Bộ có liên quan"},
     "CONTINUOUS",
     1,
     0,
     0},
    {22,
     3,
     {"Vụ công tác xây dựng văn bản quy phạm pháp luật"},
     {"Các đơn vị thuộc Bộ có liên quan"},
     "CONTINUOUS",
     1,
     0,
     0},
    {23, 3, {"Các đơn vị thuộc Bộ"}, {}, "ON_REQUEST", 1, 0, 0},
    {24, 4, {"Cục Hành chính tư pháp"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 1, 0, 0},
    {25,
     4,
     {"Cục Hành chính tư pháp"},
     {"Bộ Công an", "Cục Công nghệ thông tin", "Văn phòng Bộ"},
     "CONTINUOUS",
     1,
     0,
     0},
    {26,
     4,
     {"Cục Quản lý thi hành án dân sự"},
     {"Tòa án nhân dân tối cao, Văn phòng Chính phủ", "các đơn vị thuộc Bộ có liên quan"},
     "CONTINUOUS",
     1,
     0,
     0},
    {27, 4, {"Các đơn vị thuộc Bộ"}, {"Các Bộ, ngành, địa phương"}, "CONTINUOUS", 1, 0, 0},
    {28, 4, {"Cục Hành chính tư pháp"}, {"Cục Công nghệ thông tin"}, "ONE_OFF 12/31", 1, 0, 0},
    {29, 4, {"Cục Hành chính tư pháp"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_REQUEST", 0, 0, 0},
    {30, 4, {"Cục Hành chính tư pháp"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_REQUEST", 0, 0, 0},
    {31, 4, {"Cục Hành chính tư pháp"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_REQUEST", 0, 0, 0},
    {32, 4, {"Cục Hành chính tư pháp"}, {"Các đơn vị thuộc Bộ có liên quan"}, "ON_REQUEST", 0, 0, 0},
    {33, 4, {"Cục Quản lý thi hành án dân sự"}, {"Các cơ quan có liên quan"}, "UNSPECIFIED", 1, 2, 0},
    {34,
     4,
     {"Cục Quản lý thi hành án dân sự", "Cục Hành chính tư pháp", "Cục Hỗ trợ tư pháp",
      "Cục Đăng ký giao dịch bảo đảm và Bồi thường nhà nước", "Cục Phổ biến, giáo dục pháp luật và Trợ giúp pháp lý"},
     {"Văn phòng Bộ"},
     "CONTINUOUS",
     1,
     0,
     0},
    {35,
     4,
     {"Cục Hành chính tư pháp", "Cục Hỗ trợ tư pháp", "Cục Đăng ký giao dịch bảo đảm và Bồi thường nhà nước"},
     {},
     "CONTINUOUS",
     1,
     0,
     0},
    {36,
     4,
     {"Cục Quản lý thi hành án dân sự", "Cục Hành chính tư pháp", "Cục Hỗ trợ tư pháp",
      "Cục Đăng ký giao dịch bảo đảm và Bồi thường nhà nước", "Cục Phổ biến, giáo dục pháp luật và Trợ giúp pháp lý"},
     {"Văn phòng Bộ"},
     "ONE_OFF 12/31",
     8,
     0,
     9},
    {37,
     4,
     {"Cục Hành chính tư pháp", "Cục Hỗ trợ tư pháp", "Cục Đăng ký giao dịch bảo đảm và Bồi thường nhà nước"},
     {"Cục Công nghệ thông tin", "Văn phòng Bộ"},
     "CONTINUOUS",
     1,
     0,
     0},
    {38, 5, {"Cục Hành chính tư pháp"}, {"Cục Công nghệ thông tin"}, "FOLLOWS_PROGRAMME", 1, 0, 0},
    {39, 5, {"Cục Hành chính tư pháp"}, {"Cục Công nghệ thông tin"}, "CONTINUOUS", 0, 0, 0},
    {40,
     5,
     {"Cục Công nghệ thông tin"},
     {"Tổng cục Thi hành án dân sự", "Cục Trợ giúp pháp lý", "Cục Hỗ trợ tư pháp"},
     "ONE_OFF 12/31",
     1,
     0,
     0},
    {41, 5, {"Cục Công nghệ thông tin"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 0, 0, 0},
    {42, 5, {"Cục Công nghệ thông tin"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 0, 0, 0},
    {43, 5, {"Cục Công nghệ thông tin"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 2, 0, 0},
    {44,
     6,
     {"Các đơn vị quản lý Hệ thống thông tin, Cơ sở dữ liệu"},
     {"Cục Công nghệ thông tin"},
     "CONTINUOUS",
     2,
     0,
     0},
    {45, 6, {"Cục Hộ tịch, quốc tịch, chứng thực"}, {"Cục Công nghệ thông tin"}, "CONTINUOUS", 1, 0, 0},
    {46, 6, {"Cục Hành chính tư pháp"}, {"Cục Công nghệ thông tin"}, "CONTINUOUS", 1, 0, 0},
    {47, 7, {"Văn phòng Bộ và các đơn vị thuộc Bộ có liên quan"}, {"Cục Kế hoạch - Tài chính"}, "CONTINUOUS", 1, 0, 0},
    {48, 7, {"Vụ Tổ chức cán bộ"}, {"Các đơn vị thuộc Bộ có liên quan"}, "CONTINUOUS", 1, 0, 0},
    {49,
     7,
     {"Cục Công nghệ thông tin, Cục Quản lý thi hành án dân sự"},
     {"Vụ Tổ chức cán bộ và các đơn vị thuộc Bộ có liên quan"},
     "FOLLOWS_PROGRAMME",
     1,
     0,
     0},
};

std::string ReadPlan() {
  std::ifstream in(P06_SOURCE_DIR "/deploy/plans/qd-910-btp-2025.txt", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Schedule(const pb::Schedule& s) {
  std::string out = pb::Schedule::Kind_Name(s.kind()).substr(5);
  if (s.has_due_date()) out += " " + std::to_string(s.due_date().month()) + "/" + std::to_string(s.due_date().day());
  return out;
}

class PlanDocumentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    text_ = new std::string(ReadPlan());
    absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(*text_);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    plan_ = new ParsedPlan(std::move(*parsed));
  }
  static void TearDownTestSuite() {
    delete plan_;
    delete text_;
  }
  static std::string* text_;
  static ParsedPlan* plan_;
};
std::string* PlanDocumentTest::text_ = nullptr;
ParsedPlan* PlanDocumentTest::plan_ = nullptr;

TEST_F(PlanDocumentTest, Preamble) {
  const pb::Plan& p = plan_->plan;
  EXPECT_EQ(p.decision_number(), "910/QĐ-BTP");
  EXPECT_EQ(p.decision_date().ShortDebugString(), "year: 2025 month: 3 day: 5");
  EXPECT_EQ(p.year(), 2025);
  EXPECT_EQ(p.issuer(), "Bộ Tư pháp");
  EXPECT_EQ(p.signer(), "Nguyễn Thanh Tịnh");
  EXPECT_EQ(p.signer_title(), "KT. BỘ TRƯỞNG / THỨ TRƯỞNG");
  EXPECT_EQ(p.title().rfind("Triển khai thực hiện Quyết định số 06/QĐ-TTg", 0), 0u);
  ASSERT_EQ(p.narrative_size(), 3);
  EXPECT_EQ(p.narrative(0).heading(), "MỤC ĐÍCH, YÊU CẦU");
  EXPECT_EQ(p.narrative(2).heading(), "TỔ CHỨC THỰC HIỆN");
}

TEST_F(PlanDocumentTest, SectionsInDocumentOrderWithTheRepeatedLabel) {
  std::vector<std::string> labels;
  for (const auto& s : plan_->plan.sections()) labels.push_back(s.label());
  EXPECT_EQ(labels, (std::vector<std::string>{"I", "II", "II", "III", "IV", "V", "VI"}));
  EXPECT_EQ(plan_->plan.sections(1).title(), "CÔNG TÁC TRUYỀN THÔNG VỀ CÁC NỘI DUNG LIÊN QUAN ĐẾN ĐỀ ÁN 06");
  EXPECT_EQ(plan_->plan.sections(2).title(), "HOÀN THIỆN THỂ CHẾ");
}

TEST_F(PlanDocumentTest, EveryTaskAsChecked) {
  ASSERT_EQ(plan_->tasks.size(), std::size(kTasks));
  for (size_t i = 0; i < std::size(kTasks); ++i) {
    const Expected& want = kTasks[i];
    const ParsedTask& got = plan_->tasks[i];
    SCOPED_TRACE("task " + std::to_string(want.number));
    EXPECT_EQ(got.task.number(), want.number);
    EXPECT_EQ(got.task.section_ordinal(), want.section);
    EXPECT_EQ(got.lead_texts, want.leads);
    EXPECT_EQ(got.coordinating_texts, want.coordinating);
    EXPECT_EQ(Schedule(got.task.schedule()), want.schedule);
    EXPECT_EQ(got.task.expected_products_size(), want.products);
    EXPECT_EQ(got.task.sub_activities_size(), want.sub_activities);
    EXPECT_EQ(got.task.targets_size(), want.targets);
    EXPECT_FALSE(got.task.title().empty());
    EXPECT_EQ(got.task.title().find('<'), std::string::npos);  // No markup left.
  }
}

TEST_F(PlanDocumentTest, CellsContinuedAcrossPageBreaksAreJoined) {
  // Task 8's title ends on the next page.
  EXPECT_NE(plan_->tasks[7].task.title().find("Báo cáo của Bộ Tư pháp"), std::string::npos)
      << plan_->tasks[7].task.title();
  // Task 21's lead was cut between "văn" and "bản".
  EXPECT_EQ(plan_->tasks[20].lead_texts[0], "Vụ công tác xây dựng văn bản quy phạm pháp luật");
  // Task 26's coordinating list was cut inside "Văn phòng Chính phủ".
  EXPECT_EQ(plan_->tasks[25].coordinating_texts[0], "Tòa án nhân dân tối cao, Văn phòng Chính phủ");
  // Task 30's time phrase was cut after "Tổ Công".
  EXPECT_EQ(plan_->tasks[29].task.schedule().phrase(),
            "Theo yêu cầu của Chính phủ, Tổ Công tác Đề án 06 của Chính phủ");
}

TEST_F(PlanDocumentTest, SubActivitiesAndTargets) {
  const pb::Task& t33 = plan_->tasks[32].task;
  ASSERT_EQ(t33.sub_activities_size(), 2);
  EXPECT_EQ(Schedule(t33.sub_activities(0).schedule()), "ONE_OFF 6/30");
  EXPECT_EQ(Schedule(t33.sub_activities(1).schedule()), "ONE_OFF 12/31");
  EXPECT_NE(t33.sub_activities(0).title().find("thí điểm"), std::string::npos);

  const pb::Task& t36 = plan_->tasks[35].task;
  EXPECT_EQ(t36.note(), "Chỉ thị số 04/CT-TTg");
  EXPECT_EQ(t36.funding_source(), "Ngân sách nhà nước");
  ASSERT_EQ(t36.targets_size(), 9);
  EXPECT_EQ(t36.targets(0).target_value(), 100);
  EXPECT_EQ(t36.targets(5).target_value(), 90);
  EXPECT_EQ(t36.targets(5).comparison(), pb::Target::COMPARISON_AT_LEAST);
  const pb::Target& levels = t36.targets(7);
  ASSERT_EQ(levels.level_targets_size(), 4);
  EXPECT_EQ(levels.level_targets(0).level(), "bộ");
  EXPECT_EQ(levels.level_targets(1).level(), "tỉnh");
  EXPECT_EQ(levels.level_targets(1).target_value(), 90);
  EXPECT_EQ(levels.level_targets(2).level(), "huyện");
  EXPECT_EQ(levels.level_targets(2).target_value(), 80);
  EXPECT_EQ(levels.level_targets(3).level(), "xã");
  EXPECT_EQ(levels.level_targets(3).target_value(), 60);
}

TEST_F(PlanDocumentTest, DiagnosticsNameTheirLines) {
  auto has = [&](int line, pb::ImportDiagnostic::Kind kind, int task) {
    for (const auto& d : plan_->diagnostics) {
      if (d.line() == line && d.kind() == kind && d.task_number() == task) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(112, pb::ImportDiagnostic::KIND_REPEATED_HEADER_SKIPPED, 0));
  EXPECT_TRUE(has(136, pb::ImportDiagnostic::KIND_DUPLICATE_SECTION_LABEL, 0));
  EXPECT_TRUE(has(141, pb::ImportDiagnostic::KIND_CONTINUATION_JOINED, 18));
  EXPECT_TRUE(has(169, pb::ImportDiagnostic::KIND_DUPLICATE_UNIT_REMOVED, 34));
  EXPECT_TRUE(has(176, pb::ImportDiagnostic::KIND_MERGED_CELLS_DISTRIBUTED, 36));
  for (const auto& d : plan_->diagnostics) EXPECT_NE(d.kind(), pb::ImportDiagnostic::KIND_ERROR) << d.message();
}

// Parses `text` and renders what the plan says, for comparisons.
std::string Render(const std::string& text) {
  absl::StatusOr<ParsedPlan> p = ParsePlanDocument(text);
  if (!p.ok()) return p.status().ToString();
  std::string out = p->plan.ShortDebugString();
  for (const ParsedTask& t : p->tasks) {
    absl::StrAppend(&out, "\n", t.task.ShortDebugString(), " | ", absl::StrJoin(t.lead_texts, ";"), " | ",
                    absl::StrJoin(t.coordinating_texts, ";"));
  }
  return out;
}

TEST_F(PlanDocumentTest, CrlfDecomposedUnicodeAndMovedPageBreaksGiveTheSamePlan) {
  const std::string expected = Render(*text_);
  EXPECT_EQ(Render(absl::StrReplaceAll(*text_, {{"\n", "\r\n"}})), expected);

  UErrorCode status = U_ZERO_ERROR;
  std::string nfd;
  icu::Normalizer2::getNFDInstance(status)->normalize(icu::UnicodeString::fromUTF8(*text_), status).toUTF8String(nfd);
  ASSERT_NE(nfd, *text_);
  EXPECT_EQ(Render(nfd), expected);

  // Page breaks moved: drop every repeated header, and break the page again before
  // tasks 5 and 41 instead.
  std::vector<std::string> lines = absl::StrSplit(*text_, '\n');
  const std::string header =
      "TT\tTÊN NHIỆM VỤ\tĐƠN VỊ CHỦ TRÌ\tCƠ QUAN, ĐƠN VỊ PHỐI HỢP\tTHỜI GIAN THỰC HIỆN/HOÀN THÀNH\tSẢN PHẨM "
      "CHÍNH\tNGUỒN KINH PHÍ\tGHI CHÚ";
  std::vector<std::string> moved;
  bool first_header = true;
  for (const std::string& line : lines) {
    if (line == header) {
      if (first_header) moved.push_back(line);
      first_header = false;
      continue;
    }
    if (line.rfind("5.\t", 0) == 0 || line.rfind("41.\t", 0) == 0) {
      moved.push_back("");
      moved.push_back(header);
    }
    moved.push_back(line);
  }
  EXPECT_EQ(Render(absl::StrJoin(moved, "\n")), expected);
}

TEST(PlanDocumentBadInputTest, RefusedWithTheReason) {
  EXPECT_THAT(ParsePlanDocument("Xin chào\nĐây không phải là kế hoạch"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a plan")));
  std::string plan = ReadPlan();
  // Truncated before the table: the preamble is there, the tasks are not.
  EXPECT_THAT(ParsePlanDocument(plan.substr(0, plan.find("Phụ lục"))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no task table")));
  // Truncated inside the table: what is there is imported, the cut row is reported.
  absl::StatusOr<ParsedPlan> cut = ParsePlanDocument(plan.substr(0, plan.find("30.\t") + 40));
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(cut->tasks.size(), 30u);
  bool reported = false;
  for (const auto& d : cut->diagnostics) reported |= d.kind() == pb::ImportDiagnostic::KIND_ERROR;
  EXPECT_TRUE(reported);
  // Another encoding: the line of the first bad byte is named.
  std::string latin1 = plan;
  latin1.insert(latin1.find("Bộ Tư pháp"), "T\xe9 ");  // "é" as Latin-1 writes it.
  EXPECT_THAT(ParsePlanDocument(latin1), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("(line ")));
  EXPECT_THAT(ParsePlanDocument(std::string(9 << 20, 'x')), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(SplitUnitCellTest, MarkupBulletsAndPunctuation) {
  EXPECT_EQ(SplitUnitCell("<ul style=\"list-style-type: none\"> - Cục A; - Cục B </ul>"),
            (std::vector<std::string>{"Cục A", "Cục B"}));
  EXPECT_EQ(SplitUnitCell("Các đơn vị thuộc Bộ có liên quan."),
            (std::vector<std::string>{"Các đơn vị thuộc Bộ có liên quan"}));
  EXPECT_TRUE(SplitUnitCell(" ; - ;").empty());
}

}  // namespace
}  // namespace p06::task
