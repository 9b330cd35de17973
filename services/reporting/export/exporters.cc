#include "services/reporting/export/exporters.h"

#include <unistd.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/base/invalid_field.h"
#include "services/reporting/export/table.h"

namespace p06::reporting {
namespace {

// A file name of safe characters only: an ad hoc label is the caller's text.
std::string BaseName(const pb::Report& r) {
  std::string name = absl::StrCat("bao-cao-", r.plan().substr(r.plan().rfind('/') + 1), "-", r.period().label());
  for (char& c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
    if (!safe) c = '-';
  }
  return name;
}

// A field as Excel reads it: quoted when it must be, and a text that starts like a
// formula (= + - @) prefixed with ' so that it stays text (CSV injection).
std::string CsvField(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    s = "'" + s;
  }
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

// One CSV of every table, each after a line with its name: UTF-8 with a BOM, CRLF.
std::string Csv(const pb::Report& r) {
  std::string out = "\xEF\xBB\xBF";
  for (const Table& t : ReportTables(r)) {
    absl::StrAppend(&out, CsvField(t.name), "\r\n");
    std::vector<std::string> fields;
    for (const std::string& h : t.headings) fields.push_back(CsvField(h));
    absl::StrAppend(&out, absl::StrJoin(fields, ","), "\r\n");
    for (const auto& row : t.rows) {
      fields.clear();
      for (const Cell& c : row) fields.push_back(CsvField(c.text));
      absl::StrAppend(&out, absl::StrJoin(fields, ","), "\r\n");
    }
    absl::StrAppend(&out, "\r\n");
  }
  return out;
}

// Text as Markdown shows it and nothing more: no HTML, no table breaks, no headings.
std::string MdField(const std::string& s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"|", "\\|"}, {"\n", "<br>"}, {"\r", ""}, {"`", "\\`"}});
}

std::string Markdown(const pb::Report& r) {
  std::string out = absl::StrCat("# Báo cáo tình hình thực hiện ", MdField(r.plan_title()), "\n\n",
                                 "Kỳ báo cáo: ", MdField(r.period().label()), " (số liệu từ ", VietnameseDate(r.period().window_start()),
                                 " đến ", VietnameseDate(r.period().window_end()), ")  \n",
                                 "Kế hoạch: ", MdField(r.decision_number()), "  \n",
                                 "Dữ liệu đến sự kiện: ", MdField(r.event_cursor()), r.lag().caught_up() ? "" : " (chưa cập nhật đầy đủ)",
                                 "\n\n");
  for (const Table& t : ReportTables(r)) {
    absl::StrAppend(&out, "## ", t.name, "\n\n");
    if (t.rows.empty()) {
      absl::StrAppend(&out, "Không có.\n\n");
      continue;
    }
    std::vector<std::string> h;
    for (const std::string& s : t.headings) h.push_back(MdField(s));
    absl::StrAppend(&out, "| ", absl::StrJoin(h, " | "), " |\n|");
    for (size_t i = 0; i < t.headings.size(); ++i) absl::StrAppend(&out, " --- |");
    absl::StrAppend(&out, "\n");
    for (const auto& row : t.rows) {
      std::vector<std::string> f;
      for (const Cell& c : row) f.push_back(MdField(c.text));
      while (f.size() < t.headings.size()) f.push_back("");
      absl::StrAppend(&out, "| ", absl::StrJoin(f, " | "), " |\n");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

// Upper case as a document's heading writes it, Vietnamese letters included (ICU).
std::string Upper(const std::string& s) {
  std::string out;
  icu::UnicodeString::fromUTF8(s).toUpper(icu::Locale("vi")).toUTF8String(out);
  return out;
}

std::string Html(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"\n", "<br>"}});
}

// Laid out as Decree 30/2020/NĐ-CP's administrative document: issuing body and number
// on the left, national title and motto on the right, place and date, title, body,
// recipients. A4 portrait with the decree's margins.
std::string HtmlDocument(const pb::Report& r) {
  const pb::ReportPeriod& p = r.period();
  std::string out = absl::StrCat(R"(<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>)", Html(BaseName(r)), R"(</title>
<style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", serif; font-size: 13pt; }
.heading { display: flex; justify-content: space-between; text-align: center; font-size: 12pt; }
.heading > div:first-child { width: 38%; }
.heading > div:last-child { width: 60%; white-space: nowrap; }
.motto { font-weight: bold; text-decoration: underline; }
.date { text-align: right; font-style: italic; margin: 6pt 0; }
h1 { text-align: center; font-size: 14pt; margin: 12pt 0 0 0; }
.subtitle { text-align: center; font-weight: bold; margin-bottom: 12pt; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; page-break-inside: auto; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
.recipients { font-size: 11pt; margin-top: 18pt; }
</style></head><body>
<div class="heading">
<div><div>)", Html(Upper(r.issuer().empty() ? "Bộ Tư pháp" : r.issuer())), R"(</div><div><b>VĂN PHÒNG BỘ</b></div><div>Số: &nbsp;&nbsp;&nbsp;&nbsp;/BC-VP</div></div>
<div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></div><div class="motto">Độc lập - Tự do - Hạnh phúc</div></div>
</div>
<p class="date">Hà Nội, ngày )",
                                 p.unit_deadline().day() ? absl::StrCat(p.unit_deadline().day(), " tháng ", p.unit_deadline().month(),
                                                                        " năm ", p.unit_deadline().year())
                                                         : "&nbsp;&nbsp;&nbsp;&nbsp; tháng &nbsp;&nbsp;&nbsp;&nbsp; năm",
                                 R"(</p>
<h1>BÁO CÁO</h1>
<div class="subtitle">Tình hình thực hiện )", Html(r.plan_title()), "<br>(", Html(r.decision_number()), ") — kỳ ",
                                 Html(p.label()), R"(</div>
<p>Số liệu tính từ ngày )", VietnameseDate(p.window_start()), " đến ngày ", VietnameseDate(p.window_end()),
                                 ". Tổng số ", r.totals().total(), " nhiệm vụ, lượt thực hiện: hoàn thành đúng hạn ",
                                 r.totals().completed_on_time(), "; hoàn thành quá hạn ", r.totals().completed_late(),
                                 "; đang thực hiện trong hạn ", r.totals().in_progress_within_deadline(),
                                 "; chưa hoàn thành, quá hạn ", r.totals().overdue(), "; chưa đến hạn ",
                                 r.totals().not_yet_due(), "; chờ yêu cầu, sự kiện ", r.totals().awaiting_trigger(),
                                 "; vướng mắc ", r.totals().blocked(), "; hủy bỏ ", r.totals().cancelled(), ".</p>\n");
  int section = 0;
  for (const Table& t : ReportTables(r)) {
    absl::StrAppend(&out, "<h2 style=\"font-size:13pt\">", ++section, ". ", Html(t.name), "</h2>\n");
    if (t.rows.empty()) {
      absl::StrAppend(&out, "<p>Không có.</p>\n");
      continue;
    }
    absl::StrAppend(&out, "<table><thead><tr>");
    for (const std::string& h : t.headings) absl::StrAppend(&out, "<th>", Html(h), "</th>");
    absl::StrAppend(&out, "</tr></thead><tbody>\n");
    for (const auto& row : t.rows) {
      absl::StrAppend(&out, "<tr>");
      for (const Cell& c : row) absl::StrAppend(&out, "<td>", Html(c.text), "</td>");
      absl::StrAppend(&out, "</tr>\n");
    }
    absl::StrAppend(&out, "</tbody></table>\n");
  }
  absl::StrAppend(&out, R"(<div class="recipients"><b><i>Nơi nhận:</i></b><br>- Bộ trưởng (để b/c);<br>- Các Thứ trưởng (để b/c);<br>- Các đơn vị thuộc Bộ;<br>- Lưu: VT, VP.</div>
</body></html>
)");
  return out;
}

absl::StatusOr<std::string> Xlsx(const pb::Report& r) {
  char path[] = "/tmp/p06-report-XXXXXX.xlsx";
  const int fd = mkstemps(path, 5);
  if (fd < 0) return absl::InternalError("cannot create a temporary file for the workbook");
  close(fd);
  lxw_workbook* wb = workbook_new(path);
  if (wb == nullptr) {
    unlink(path);
    return absl::InternalError("cannot start the workbook");
  }
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_text_wrap(header);
  format_set_bg_color(header, 0xDDEBF7);
  format_set_border(header, LXW_BORDER_THIN);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "dd/mm/yyyy");
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  for (const Table& t : ReportTables(r)) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, t.name.c_str());
    for (size_t c = 0; c < t.headings.size(); ++c) {
      worksheet_set_column(ws, c, c, c < t.widths.size() ? t.widths[c] : 14, nullptr);
      worksheet_write_string(ws, 0, c, t.headings[c].c_str(), header);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t i = 0; i < t.rows.size(); ++i) {
      for (size_t c = 0; c < t.rows[i].size(); ++c) {
        const Cell& cell = t.rows[i][c];
        const lxw_row_t row = static_cast<lxw_row_t>(i + 1);
        if (cell.is_number) {
          worksheet_write_number(ws, row, c, cell.number, nullptr);
        } else if (cell.is_date) {
          lxw_datetime dt = {std::stoi(cell.text.substr(0, 4)), std::stoi(cell.text.substr(5, 2)),
                             std::stoi(cell.text.substr(8, 2)), 0, 0, 0};
          worksheet_write_datetime(ws, row, c, &dt, date);
        } else if (!cell.text.empty()) {
          worksheet_write_string(ws, row, c, cell.text.c_str(), wrap);
        }
      }
    }
  }
  const lxw_error closed = workbook_close(wb);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  unlink(path);
  if (closed != LXW_NO_ERROR) return absl::InternalError(absl::StrCat("workbook: ", lxw_strerror(closed)));
  return bytes.str();
}

}  // namespace

absl::StatusOr<Document> Export(const pb::Report& report, pb::ExportFormat format) {
  const std::string base = BaseName(report);
  switch (format) {
    case pb::EXPORT_FORMAT_CSV:
      return Document{"text/csv; charset=utf-8", base + ".csv", Csv(report)};
    case pb::EXPORT_FORMAT_MARKDOWN:
      return Document{"text/markdown; charset=utf-8", base + ".md", Markdown(report)};
    case pb::EXPORT_FORMAT_HTML:
      return Document{"text/html; charset=utf-8", base + ".html", HtmlDocument(report)};
    case pb::EXPORT_FORMAT_XLSX: {
      absl::StatusOr<std::string> bytes = Xlsx(report);
      if (!bytes.ok()) return bytes.status();
      return Document{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + ".xlsx",
                      *std::move(bytes)};
    }
    default:
      return InvalidField("format", "required: CSV, XLSX, HTML or MARKDOWN");
  }
}

}  // namespace p06::reporting
