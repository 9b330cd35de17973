// The 2025 plan's text, parsed: a fixture of all 49 tasks checked against the source
// (tasks 8, 18, 21, 26, 30, 34, 36, 37, 40 and 45 continue across page breaks or
// spread over sub-rows), the preamble, the diagnostics, and the same plan from the
// text with CRLF line ends, decomposed Unicode and its page breaks moved.
#include "services/task/plan_text/plan_document.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "tests/harness/plan_fixture.h"
#include "tests/harness/status_matchers.h"

namespace p06::task {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

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

// The fixture was written by the renderer once (P06_WRITE_FIXTURE=1) and then
// checked by hand, task by task, against deploy/plans/qd-910-btp-2025.txt; compound
// cells such as "Cục A, Cục B" stay whole here (the importer splits them when the
// directory knows every part). Any change to the parser's output shows up here as a
// diff of the task concerned.
TEST_F(PlanDocumentTest, EveryTaskAsTheHandCheckedFixtureSays) {
  std::map<int, std::string> got;
  for (const ParsedTask& t : plan_->tasks) {
    got[t.task.number()] = testing::RenderTask(t.task, t.lead_texts, t.coordinating_texts, plan_->plan.year());
  }
  if (std::getenv("P06_WRITE_FIXTURE") != nullptr) {
    std::ofstream out(testing::kTaskFixturePath, std::ios::binary);
    for (const auto& [n, text] : got) out << text;
  }
  const std::map<int, std::string> want = testing::ReadTaskFixture();
  ASSERT_EQ(want.size(), 49u) << testing::kTaskFixturePath;
  ASSERT_EQ(got.size(), 49u);
  for (const auto& [n, text] : want) {
    SCOPED_TRACE("task " + std::to_string(n));
    EXPECT_EQ(got[n], text);
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
  // Truncated inside the table (a row cut in a cell), or at 40% of its bytes: refused
  // with the line, never imported as a plan of fewer tasks.
  const size_t cut = plan.find("30.\t") + 40;
  EXPECT_THAT(ParsePlanDocument(plan.substr(0, cut)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 160: truncated")));
  absl::StatusOr<ParsedPlan> forty = ParsePlanDocument(plan.substr(0, plan.size() * 4 / 10));
  EXPECT_THAT(forty, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line ")));
  EXPECT_FALSE(forty.ok());
  // Ending on a repeated table header: the page after the break is missing.
  const size_t header = plan.find("\nTT\t", plan.find("30.\t"));
  EXPECT_THAT(ParsePlanDocument(plan.substr(0, plan.find('\n', header + 1))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ends with a repeated table header")));
  // Without the signature block, it is no decision (or only its appendix).
  std::string unsigned_plan = plan;
  unsigned_plan.erase(unsigned_plan.find("**KT."), 2);
  EXPECT_THAT(ParsePlanDocument(unsigned_plan),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no signature block")));
  // Another encoding: the line of the first bad byte is named.
  std::string latin1 = plan;
  latin1.insert(latin1.find("Bộ Tư pháp"), "T\xe9 ");  // "é" as Latin-1 writes it.
  EXPECT_THAT(ParsePlanDocument(latin1), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 5: not valid UTF-8")));
  // A NUL or another control character inside the text, with its line.
  std::string with_nul = plan;
  with_nul.insert(with_nul.find("\n3.\t") + 5, std::string(1, '\0'));
  EXPECT_THAT(ParsePlanDocument(with_nul), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("U+0000")));
  // A cell over its field's limit names the line, the task and the field.
  std::string long_title = plan;
  long_title.insert(long_title.find("\n3.\t") + 5, std::string(5000, 'a'));
  EXPECT_THAT(ParsePlanDocument(long_title),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(": task 3: title: longer than 4000")));
  // A unit name over its limit is refused before anyone asks the directory.
  std::string long_unit = plan;
  long_unit.insert(long_unit.find("\tVăn phòng Bộ\t") + 1, std::string(600, 'a'));
  EXPECT_THAT(ParsePlanDocument(long_unit),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lead_units[0].text: longer than 500")));
  // A decision of year 0 (found by the fuzzer), or of a day that does not exist.
  for (const char* bad : {"05/3/0000", "31/2/2025"}) {
    std::string dated = plan;
    dated.replace(dated.find("05/3/2025"), 9, bad);
    EXPECT_THAT(ParsePlanDocument(dated),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the decision's date")))
        << bad;
  }
  // An empty row after the table (a word processor's) is no cut.
  EXPECT_TRUE(ParsePlanDocument(plan + "\n\t\t\t\t\t\t\t\n").ok());
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
