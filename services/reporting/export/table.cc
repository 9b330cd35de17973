#include "services/reporting/export/table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/proto_time.h"
#include "services/reporting/export/exporters.h"

namespace p06::reporting {
namespace {

Cell Text(std::string s) { return Cell{.text = std::move(s)}; }
Cell Number(double v) { return Cell{.text = absl::StrFormat("%g", v), .is_number = true, .number = v}; }
Cell Date(const p06::type::v1::Date& d) {
  if (d.year() == 0) return Text("");
  return Cell{.text = FormatIsoDate(CivilDayOf(d)), .is_date = true};
}

void AddCounts(std::vector<Cell>& row, const pb::StatusCounts& c) {
  for (int v : {c.total(), c.completed_on_time(), c.completed_late(), c.in_progress_within_deadline(), c.overdue(),
                c.not_yet_due(), c.awaiting_trigger(), c.blocked(), c.cancelled()}) {
    row.push_back(Number(v));
  }
}

// The count columns, in AddCounts' order: the total, then each outcome by its name.
const std::vector<std::string>& CountHeadings() {
  static const std::vector<std::string> kHeadings = [] {
    std::vector<std::string> h = {"Tổng số"};
    for (pb::Outcome o : {pb::OUTCOME_COMPLETED_ON_TIME, pb::OUTCOME_COMPLETED_LATE,
                          pb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE, pb::OUTCOME_OVERDUE, pb::OUTCOME_NOT_YET_DUE,
                          pb::OUTCOME_AWAITING_TRIGGER, pb::OUTCOME_BLOCKED, pb::OUTCOME_CANCELLED}) {
      h.push_back(OutcomeName(o));
    }
    return h;
  }();
  return kHeadings;
}

}  // namespace

std::string VietnameseDate(const p06::type::v1::Date& d) {
  return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year());
}

std::vector<Table> ReportTables(const pb::Report& r) {
  std::vector<Table> tables;
  {
    Table t{.name = "Tổng hợp", .headings = {"Phạm vi"}, .widths = {44}};
    for (const std::string& h : CountHeadings()) {
      t.headings.push_back(h);
      t.widths.push_back(14);
    }
    std::vector<Cell> total = {Text("Toàn bộ kế hoạch")};
    AddCounts(total, r.totals());
    t.rows.push_back(std::move(total));
    for (const pb::SectionSummary& s : r.sections()) {
      std::vector<Cell> row = {Text(absl::StrCat(s.label(), ". ", s.title()))};
      AddCounts(row, s.counts());
      t.rows.push_back(std::move(row));
    }
    tables.push_back(std::move(t));
  }
  {
    Table t{.name = "Nhiệm vụ",
            .headings = {"TT", "Nhiệm vụ", "Đơn vị chủ trì", "Tình trạng", "Tiến độ (%)", "Kết quả", "Báo cáo ngày",
                         "Hạn", "Đánh giá", "Ngày hoàn thành"},
            .widths = {5, 60, 30, 16, 10, 50, 12, 12, 26, 14}};
    for (const pb::TaskLine& l : r.tasks()) {
      for (int i = 0; i < std::max(1, l.items_size()); ++i) {
        const bool first = i == 0;
        std::vector<Cell> row = {first ? Number(l.number()) : Text(""), Text(first ? l.title() : ""),
                                 Text(first ? l.primary_lead() : ""), Text(first ? StatusName(l.status()) : ""),
                                 first ? Number(l.percent_complete()) : Text(""), Text(first ? l.summary() : ""),
                                 first ? Date(l.last_report_date()) : Text("")};
        if (i < l.items_size()) {
          const pb::CountedItem& item = l.items(i);
          row.push_back(Date(item.due_date()));
          row.push_back(Text(OutcomeName(item.outcome())));
          row.push_back(Date(item.completion_date()));
        }
        t.rows.push_back(std::move(row));
      }
    }
    tables.push_back(std::move(t));
  }
  {
    Table t{.name = "Đơn vị", .headings = {"Đơn vị", "Vai trò"}, .widths = {36, 14}};
    for (const std::string& h : CountHeadings()) {
      t.headings.push_back(h);
      t.widths.push_back(14);
    }
    for (const pb::UnitSummary& u : r.units()) {
      if (u.led().total() > 0) {
        std::vector<Cell> row = {Text(u.unit()), Text("Chủ trì")};
        AddCounts(row, u.led());
        t.rows.push_back(std::move(row));
      }
      std::vector<Cell> row = {Text(u.unit()), Text("Tham gia")};
      AddCounts(row, u.participating());
      t.rows.push_back(std::move(row));
    }
    tables.push_back(std::move(t));
  }
  {
    Table t{.name = "Khó khăn, kiến nghị",
            .headings = {"Nhiệm vụ", "Đơn vị", "Ngày", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"},
            .widths = {30, 30, 12, 60, 60}};
    for (const pb::Difficulty& d : r.difficulties()) {
      t.rows.push_back({Text(d.task()), Text(d.unit()), Date(d.date()), Text(d.difficulties()), Text(d.proposals())});
    }
    tables.push_back(std::move(t));
  }
  {
    Table t{.name = "Chỉ tiêu",
            .headings = {"Chỉ tiêu", "Nội dung", "Mục tiêu", "Đơn vị tính", "Kết quả", "Đến ngày", "Tỷ lệ đạt (%)",
                         "Đạt"},
            .widths = {36, 60, 10, 10, 10, 12, 12, 8}};
    for (const pb::TargetLine& g : r.targets()) {
      t.rows.push_back({Text(g.target()), Text(g.text()), Number(g.target_value()), Text(g.unit_of_measure()),
                        g.measured() ? Number(g.latest_value()) : Text("Chưa có số liệu"), Date(g.latest_period_end()),
                        g.measured() ? Number(g.percent_met()) : Text(""), Text(g.measured() ? (g.met() ? "Đạt" : "Chưa đạt") : "")});
      for (const pb::LevelLine& lv : g.levels()) {
        t.rows.push_back({Text(""), Text(absl::StrCat("Cấp ", lv.level())), Number(lv.target_value()), Text(""),
                          lv.measured() ? Number(lv.latest_value()) : Text("Chưa có số liệu"), Text(""),
                          lv.measured() ? Number(lv.percent_met()) : Text(""),
                          Text(lv.measured() ? (lv.met() ? "Đạt" : "Chưa đạt") : "")});
      }
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

}  // namespace p06::reporting
