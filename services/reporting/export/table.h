// A report as the tables every export shows (summary, tasks, units, difficulties,
// targets): one place decides the columns and their Vietnamese headings, so the CSV,
// XLSX, HTML and Markdown of one report say the same thing.
#pragma once

#include <string>
#include <vector>

#include "p06/reporting/v1/reporting.pb.h"

namespace p06::reporting {

namespace pb = ::p06::reporting::v1;

struct Cell {
  std::string text;
  bool is_number = false;
  double number = 0;
  bool is_date = false;  // text is yyyy-mm-dd.
};

struct Table {
  std::string name;  // Sheet / section name.
  std::vector<std::string> headings;
  std::vector<std::vector<Cell>> rows;
  std::vector<int> widths;  // Column widths in characters.
};

std::vector<Table> ReportTables(const pb::Report& report);

// "dd/mm/yyyy", as Vietnamese documents write dates.
std::string VietnameseDate(const p06::type::v1::Date& d);

}  // namespace p06::reporting
