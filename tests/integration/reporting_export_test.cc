// Exports opened by the programs people open them with: the XLSX by LibreOffice
// (headless, converted to CSV per sheet) and openpyxl, the HTML printed to PDF by
// headless Chromium and read back with pdftotext, the CSV as Excel reads it.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "tests/harness/subprocess.h"
#include "tests/integration/reporting_scenario.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

// Whether `text` holds `part`; on failure shows only the part (exports are large).
::testing::AssertionResult Holds(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "missing \"" << part << "\" in " << text.size() << " bytes: "
                                       << text.substr(0, 300);
}

class ReportingExportTest : public ReportingReportTest {
 protected:
  void SetUp() override {
    ReportingReportTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() / ("p06-export-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    ReportingReportTest::TearDown();
  }
  std::string Export(const rpb::Report& report, rpb::ExportFormat format, const std::string& file) {
    rpb::ExportReportRequest request;
    request.set_name(report.name());
    request.set_format(format);
    rpb::ExportReportResponse response;
    grpc::Status s = R(&ReportingStub::ExportReport, request, &response, &kHctp);  // Any reader may export.
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::ofstream(dir_ / file, std::ios::binary) << response.content();
    return response.content();
  }
  static std::string Read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::filesystem::path dir_;
};

TEST_F(ReportingExportTest, TheWorkbookOpensInLibreOfficeWithTheReportsCells) {
  PlayTheYear();
  rpb::Report half;
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &half));
  const std::string bytes = Export(half, rpb::EXPORT_FORMAT_XLSX, "h1.xlsx");
  ASSERT_EQ(bytes.substr(0, 2), "PK");  // A zip, as every .xlsx is.

  // Every sheet to CSV (the -1 sheet option of LibreOffice ≥ 7.2), UTF-8 (76).
  auto converted = RunForOutput(
      {.argv = {"/usr/bin/soffice", "--headless", "--norestore",
                "-env:UserInstallation=file://" + (dir_ / "lo-profile").string(), "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir",
                dir_.string(), (dir_ / "h1.xlsx").string()},
       .env = {"HOME=" + dir_.string()}},
      absl::Minutes(3));
  ASSERT_OK(converted);
  ASSERT_EQ(converted->exit_code, 0) << converted->output;
  const std::string summary = Read(dir_ / "h1-Tổng hợp.csv");
  ASSERT_FALSE(summary.empty()) << converted->output;
  std::vector<std::string> lines = absl::StrSplit(summary, '\n');
  ASSERT_GE(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("Hoàn thành đúng hạn"));
  // Toàn bộ kế hoạch: total, on time, late, within, overdue, not yet due, awaiting, blocked, cancelled.
  EXPECT_EQ(absl::StripSuffix(lines[1], "\r"), "Toàn bộ kế hoạch,93,1,3,1,3,72,10,2,1");
  const std::string tasks = Read(dir_ / "h1-Nhiệm vụ.csv");
  EXPECT_TRUE(Holds(tasks, "Tham mưu ban hành Kế hoạch triển khai thực hiện nhiệm vụ của Đề án 06"));
  EXPECT_TRUE(Holds(tasks, "Hoàn thành quá hạn"));
  EXPECT_TRUE(Holds(tasks, "02/04/2025")) << "task 1's completion date, as a date";
  const std::string difficulties = Read(dir_ / "h1-Khó khăn, kiến nghị.csv");
  EXPECT_TRUE(Holds(difficulties, "Chưa có hướng dẫn kết nối dữ liệu hộ tịch với CSDLQG về dân cư"));

  // The header row is frozen, widths set, and dates are dates (not text).
  auto inspected = RunForOutput({.argv = {"/usr/bin/python3", "-c", R"py(
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Nhiệm vụ"]
print("sheets", "|".join(wb.sheetnames))
print("frozen", ws.freeze_panes)
print("width", ws.column_dimensions["B"].width >= 50)
dates = [c for row in ws.iter_rows(min_row=2) for c in row if c.is_date]
print("dates", len(dates) > 0)
)py",
                                           (dir_ / "h1.xlsx").string()}});
  ASSERT_OK(inspected);
  EXPECT_TRUE(Holds(inspected->output, "sheets Tổng hợp|Nhiệm vụ|Đơn vị|Khó khăn, kiến nghị|Chỉ tiêu"));
  EXPECT_TRUE(Holds(inspected->output, "frozen A2"));
  EXPECT_TRUE(Holds(inspected->output, "width True"));
  EXPECT_TRUE(Holds(inspected->output, "dates True"));
}

TEST_F(ReportingExportTest, TheHtmlPrintsToAPdfWithTheTitleCountsAndDifficulties) {
  PlayTheYear();
  rpb::Report half;
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &half));
  Export(half, rpb::EXPORT_FORMAT_HTML, "h1.html");
  auto printed = RunForOutput(
      {.argv = {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                "--user-data-dir=" + (dir_ / "chromium").string(), "--print-to-pdf=" + (dir_ / "h1.pdf").string(),
                "file://" + (dir_ / "h1.html").string()},
       .env = {"HOME=" + dir_.string()}},
      absl::Minutes(2));
  ASSERT_OK(printed);
  ASSERT_EQ(printed->exit_code, 0) << printed->output;
  auto pdf_text = RunForOutput({.argv = {"/usr/bin/pdftotext", (dir_ / "h1.pdf").string(), "-"}});
  ASSERT_OK(pdf_text);
  // Lines wrap where the page ends them: compare with every run of spaces as one.
  std::string collapsed;
  for (char c : pdf_text->output) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space || (!collapsed.empty() && collapsed.back() != ' ')) collapsed += space ? ' ' : c;
  }
  const ProcessResult flat{.output = collapsed};
  const ProcessResult* text = &flat;  // Read as the other tests read a process's output.
  EXPECT_TRUE(Holds(text->output, "BỘ TƯ PHÁP")) << "the plan's issuer, upper-cased";
  EXPECT_TRUE(Holds(text->output, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
  EXPECT_TRUE(Holds(text->output, "Độc lập - Tự do - Hạnh phúc"));
  EXPECT_TRUE(Holds(text->output, "BÁO CÁO"));
  EXPECT_TRUE(Holds(text->output, "Tổng số 93"));
  EXPECT_TRUE(Holds(text->output, "hoàn thành đúng hạn 1"));
  EXPECT_TRUE(Holds(text->output, "chưa hoàn thành, quá hạn 3"));
  EXPECT_TRUE(Holds(text->output, "Chưa có hướng dẫn kết nối dữ liệu"));
  EXPECT_TRUE(Holds(text->output, "Nơi nhận"));
}

TEST_F(ReportingExportTest, TheCsvCarriesABomAndTheMarkdownTheSameTables) {
  PlayTheYear();
  rpb::Report half;
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &half));
  const std::string csv = Export(half, rpb::EXPORT_FORMAT_CSV, "h1.csv");
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_TRUE(Holds(csv, "Toàn bộ kế hoạch,93,1,3,1,3,72,10,2,1\r\n"));
  EXPECT_TRUE(Holds(csv,
                    "plans/910-qd-btp-2025/tasks/24,units/cuc-hctp,2025-05-20,Chưa có hướng dẫn kết nối dữ liệu hộ "
                    "tịch với CSDLQG về dân cư,Đề nghị Bộ Công an hỗ trợ kết nối\r\n"));
  EXPECT_TRUE(Holds(csv, "\"Khó khăn, kiến nghị\"\r\n")) << "a field with a comma is quoted";
  // Read from an offset, as a client reads a large export in chunks.
  rpb::ExportReportRequest chunk;
  chunk.set_name(half.name());
  chunk.set_format(rpb::EXPORT_FORMAT_CSV);
  chunk.set_offset(1000);
  rpb::ExportReportResponse part;
  ASSERT_OK(R(&ReportingStub::ExportReport, chunk, &part));
  EXPECT_EQ(part.total_bytes(), static_cast<int64_t>(csv.size()));
  EXPECT_EQ(part.offset(), 1000);
  EXPECT_EQ(part.content(), csv.substr(1000, 2 << 20));
  chunk.set_offset(static_cast<int64_t>(csv.size()) + 1);
  EXPECT_THAT(R(&ReportingStub::ExportReport, chunk, &part), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("offset")));
  // The basic view carries the counts, not the lines.
  rpb::GetReportRequest get;
  get.set_name(half.name());
  get.set_view(rpb::REPORT_VIEW_BASIC);
  rpb::Report basic;
  ASSERT_OK(R(&ReportingStub::GetReport, get, &basic));
  EXPECT_EQ(basic.totals().total(), 93);
  EXPECT_EQ(basic.tasks_size(), 0);
  const std::string md = Export(half, rpb::EXPORT_FORMAT_MARKDOWN, "h1.md");
  EXPECT_TRUE(Holds(md, "| Toàn bộ kế hoạch | 93 | 1 | 3 | 1 | 3 | 72 | 10 | 2 | 1 |"));
  EXPECT_TRUE(Holds(md, "## Khó khăn, kiến nghị"));
}

}  // namespace
}  // namespace p06::testing
