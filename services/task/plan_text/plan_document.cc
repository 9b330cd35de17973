#include "services/task/plan_text/plan_document.h"

#include <cstdlib>
#include <regex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/status_mapping.h"
#include "common/text/fold.h"
#include "services/task/plan_text/time_phrase.h"
#include "services/task/task_limits.h"

namespace p06::task {
namespace {

constexpr int kColumns = 8;  // TT, title, lead, coordinating, time, product, funding, note.
constexpr int kFirstPlanYear = 2000, kLastPlanYear = 2100;  // Đề án 06 dates from 2022.
enum Column { kTT = 0, kTitle, kLead, kCoordinating, kTime, kProduct, kFunding, kNote };

using Kind = pb::ImportDiagnostic;

std::string Trim(absl::string_view s) { return std::string(absl::StripAsciiWhitespace(s)); }

// Drops <ul …>, </ul>, <li>, </li> (as a space: they separate items) and <i>, </i>
// (as nothing: "(<i>đảm bảo …</i>)" is "(đảm bảo …)"), and collapses white space.
std::string StripMarkup(absl::string_view s) {
  static const std::regex kBlockTags("</?(ul|li)\\b[^>]*>");
  static const std::regex kInlineTags("</?i>");
  std::string out = std::regex_replace(std::string(s), kBlockTags, " ");
  out = std::regex_replace(out, kInlineTags, "");
  static const std::regex kSpaces("\\s+");
  return Trim(std::regex_replace(out, kSpaces, " "));
}

// Joins a cell continued on the next page. PDF extraction cuts at word boundaries,
// so the pieces join with one space.
void Append(std::string& cell, absl::string_view piece) {
  std::string p = Trim(piece);
  if (p.empty()) return;
  std::string c = Trim(cell);
  cell = c.empty() ? p : absl::StrCat(c, " ", p);
}

bool IsRoman(absl::string_view s) {
  static const std::regex kRoman("^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$");
  return std::regex_match(std::string(s), kRoman);
}

// "12." or "12" → 12; otherwise 0.
int TaskNumber(absl::string_view s) {
  std::string t = Trim(s);
  if (!t.empty() && t.back() == '.') t.pop_back();
  int n = 0;
  return absl::SimpleAtoi(t, &n) && n > 0 && n < 100000 ? n : 0;
}

// A sub-row is a target when it states a percentage; otherwise an activity.
bool IsTarget(absl::string_view text) {
  return std::regex_search(std::string(text), std::regex("\\d+([.,]\\d+)?\\s*%"));
}

pb::Target ParseTarget(const std::string& text) {
  pb::Target t;
  t.set_text(text);
  t.set_unit_of_measure("%");
  t.set_comparison(pb::Target::COMPARISON_AT_LEAST);  // "100%", "Tối thiểu 90%": met at or above.
  const std::string f = text::Fold(text);
  // Folding drops "%"; find the percentages on the original, the levels on the folded.
  std::vector<double> values;
  static const std::regex kPercent("(\\d+(?:[.,]\\d+)?)\\s*%");
  for (std::sregex_iterator it(text.begin(), text.end(), kPercent), end; it != end; ++it) {
    std::string v = (*it)[1].str();
    std::replace(v.begin(), v.end(), ',', '.');
    double d = 0;
    if (absl::SimpleAtod(v, &d)) values.push_back(d);
  }
  if (!values.empty()) t.set_target_value(values.front());
  if (values.size() > 1) {
    // "90% … cấp bộ, tỉnh; 80% … cấp huyện và 60% … cấp xã": one value per level, in order.
    static const std::regex kLevel("cap ((?:bo|tinh|huyen|xa)(?: (?:bo|tinh|huyen|xa))*)");
    static const std::pair<const char*, const char*> kNames[] = {
        {"bo", "bộ"}, {"tinh", "tỉnh"}, {"huyen", "huyện"}, {"xa", "xã"}};
    size_t i = 0;
    for (std::sregex_iterator it(f.begin(), f.end(), kLevel), end; it != end && i < values.size(); ++it, ++i) {
      for (absl::string_view word : absl::StrSplit((*it)[1].str(), ' ')) {
        for (const auto& [folded, name] : kNames) {
          if (word == folded) {
            pb::LevelTarget* lt = t.add_level_targets();
            lt->set_level(name);
            lt->set_target_value(values[i]);
          }
        }
      }
    }
  }
  return t;
}

std::vector<std::string> SplitProducts(absl::string_view cell) {
  std::vector<std::string> out;
  for (absl::string_view piece : absl::StrSplit(StripMarkup(cell), ';')) {
    std::string p = Trim(piece);
    while (!p.empty() && (p[0] == '-' || p[0] == ' ')) p.erase(0, 1);
    if (!p.empty()) out.push_back(p);
  }
  return out;
}

// The raw cells of one task, as continued across pages and sub-rows.
struct RawTask {
  int line = 0;
  int number = 0;
  int section = 0;
  std::string cells[kColumns];
  std::vector<std::string> extra_products;  // From sub-rows (targets' products).
  struct Sub {
    int line;
    std::string title;
    std::string time;
  };
  std::vector<Sub> subs;
  bool distributed = false;
};

class Parser {
 public:
  absl::StatusOr<ParsedPlan> Parse(absl::string_view input);

 private:
  void Diagnose(int line, Kind::Kind kind, std::string message, int task = 0) {
    pb::ImportDiagnostic& d = out_.diagnostics.emplace_back();
    d.set_line(line);
    d.set_kind(kind);
    d.set_message(std::move(message));
    d.set_task_number(task);
  }
  absl::Status ParsePreamble();
  void ParseNarrative(size_t from, size_t to);
  void ParseTable(size_t from);
  void TableRow(int line, std::vector<std::string> cells);
  void FinishTasks();
  absl::Status CheckComplete() const;

  std::vector<std::string> lines_;
  ParsedPlan out_;
  std::vector<RawTask> raw_;
  bool header_seen_ = false;
  bool last_row_was_sub_ = false;
  absl::flat_hash_set<std::string> section_labels_;
  struct LastRow {
    int line = 0;
    int cells = 0;
    bool header = false;
  } last_row_;
};

absl::Status Parser::ParsePreamble() {
  static const std::regex kDecision(
      "[Bb]an hành kèm theo Quyết định số ([0-9]+/[^ ]+) ngày ([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?: của (.+?))?\\)");
  pb::Plan& plan = out_.plan;
  for (const std::string& line : lines_) {
    std::smatch m;
    if (std::regex_search(line, m, kDecision)) {
      plan.set_decision_number(m[1].str());
      const int y = std::stoi(m[4].str()), mo = std::stoi(m[3].str()), d = std::stoi(m[2].str());
      absl::CivilDay day(y, mo, d);
      // A date that does not exist (31/2), or a year no plan of this suite has
      // (0000): refused, or every due date derived from it would be wrong.
      if (day.year() != y || day.month() != mo || day.day() != d || y < kFirstPlanYear || y > kLastPlanYear) {
        return InvalidField("text", absl::StrCat("the decision's date ", m[2].str(), "/", m[3].str(), "/", m[4].str(),
                                                 " is not a date of ", kFirstPlanYear, "..", kLastPlanYear));
      }
      *plan.mutable_decision_date() = ToProtoDate(day);
      std::string by = m[5].str();
      static const std::regex kIssuer("Bộ trưởng (Bộ .+)");
      std::smatch issuer;
      plan.set_issuer(std::regex_match(by, issuer, kIssuer) ? issuer[1].str() : by);
      break;
    }
  }
  if (plan.decision_number().empty()) {
    return absl::InvalidArgumentError(
        "text: not a plan: no line \"(Ban hành kèm theo Quyết định số N/QĐ-… ngày d/m/yyyy …)\" found");
  }
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (Trim(lines_[i]) == "KẾ HOẠCH") {
      for (size_t j = i + 1; j < lines_.size(); ++j) {
        if (!Trim(lines_[j]).empty()) {
          plan.set_title(Trim(lines_[j]));
          break;
        }
      }
      break;
    }
  }
  // "**KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG**", then the signer's name.
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].rfind("**", 0) != 0) continue;
    std::string title = lines_[i].substr(2);
    size_t j = i;
    while (title.find("**") == std::string::npos && j + 1 < lines_.size()) title += " / " + Trim(lines_[++j]);
    title = Trim(title.substr(0, title.find("**")));
    for (size_t k = j + 1; k < lines_.size(); ++k) {
      if (!Trim(lines_[k]).empty()) {
        out_.plan.set_signer(Trim(lines_[k]));
        break;
      }
    }
    out_.plan.set_signer_title(title);
    break;
  }
  static const std::regex kYear("năm ([0-9]{4})\\s*$");
  std::smatch y;
  int year = plan.decision_date().year();
  if (std::regex_search(plan.title(), y, kYear)) year = std::stoi(y[1].str());
  if (std::abs(year - plan.decision_date().year()) > 1) {
    return InvalidField("text", absl::StrCat("the plan's year ", year, " is far from its decision's (",
                                             plan.decision_date().year(), ")"));
  }
  plan.set_year(year);
  return absl::OkStatus();
}

void Parser::ParseNarrative(size_t from, size_t to) {
  static const std::regex kHeading("^(I|II|III|IV|V|VI)\\. (.+)$");
  pb::NarrativeSection* current = nullptr;
  for (size_t i = from; i < to; ++i) {
    std::smatch m;
    if (std::regex_match(lines_[i], m, kHeading)) {
      current = out_.plan.add_narrative();
      current->set_label(m[1].str());
      current->set_heading(Trim(m[2].str()));
    } else if (current != nullptr && !Trim(lines_[i]).empty()) {
      current->set_text(current->text().empty() ? Trim(lines_[i])
                                                : absl::StrCat(current->text(), "\n", Trim(lines_[i])));
    }
  }
}

void Parser::TableRow(int line, std::vector<std::string> cells) {
  if (cells.size() != kColumns) {
    Diagnose(line, Kind::KIND_ERROR,
             absl::StrCat("row has ", cells.size(), " cells, expected ", kColumns, "; read as far as it goes"));
    cells.resize(kColumns);
  }
  for (auto& c : cells) c = Trim(c);
  bool all_empty = true;
  for (const auto& c : cells) all_empty = all_empty && c.empty();
  if (all_empty) return;

  if (cells[kTT] == "TT") {
    if (header_seen_)
      Diagnose(line, Kind::KIND_REPEATED_HEADER_SKIPPED, "table header repeated at a page break; skipped");
    header_seen_ = true;
    return;
  }
  if (IsRoman(cells[kTT])) {
    pb::Section* s = out_.plan.add_sections();
    s->set_ordinal(out_.plan.sections_size());
    s->set_label(cells[kTT]);
    s->set_title(StripMarkup(cells[kTitle]));
    if (!section_labels_.insert(cells[kTT]).second) {
      Diagnose(line, Kind::KIND_DUPLICATE_SECTION_LABEL,
               absl::StrCat("section label ", cells[kTT], " used again (\"", s->title(), "\"); kept as section ",
                            s->ordinal()));
    }
    last_row_was_sub_ = false;
    return;
  }
  if (int number = TaskNumber(cells[kTT]); number > 0) {
    if (!raw_.empty() && number != raw_.back().number + 1) {
      Diagnose(line, Kind::KIND_ERROR,
               absl::StrCat("task ", number, " follows task ", raw_.back().number, ": a row missing or out of order?"),
               number);
    }
    RawTask t;
    t.line = line;
    t.number = number;
    t.section = out_.plan.sections_size();
    for (int c = 0; c < kColumns; ++c) t.cells[c] = cells[c];
    raw_.push_back(std::move(t));
    last_row_was_sub_ = false;
    return;
  }
  if (raw_.empty()) {
    Diagnose(line, Kind::KIND_ERROR, "row without a task number before the first task; skipped");
    return;
  }
  RawTask& t = raw_.back();
  const bool italic = cells[kTitle].rfind("<i>", 0) == 0;
  if (italic) {
    // A sub-row: an activity or a target of the task. Its other cells belong to the
    // task when the task's own cell is empty (cells merged over the sub-rows).
    t.subs.push_back({line, StripMarkup(cells[kTitle]), cells[kTime].rfind("<i>", 0) == 0 ? cells[kTime] : ""});
    for (int c : {kLead, kCoordinating}) {
      if (!cells[c].empty()) {
        Append(t.cells[c], absl::StrCat(t.cells[c].empty() ? "" : ";", cells[c]));
        t.distributed = true;
      }
    }
    for (int c : {kTime, kFunding, kNote}) {
      if (c == kTime && cells[kTime].rfind("<i>", 0) == 0) continue;
      if (!cells[c].empty() && t.cells[c].empty()) {
        t.cells[c] = cells[c];
        t.distributed = true;
      }
    }
    if (!cells[kProduct].empty()) t.extra_products.push_back(cells[kProduct]);
    last_row_was_sub_ = true;
    return;
  }
  // A continuation of the row above, cut by a page break.
  Diagnose(line, Kind::KIND_CONTINUATION_JOINED, absl::StrCat("continuation of task ", t.number, " joined"), t.number);
  if (last_row_was_sub_ && !t.subs.empty()) {
    Append(t.subs.back().title, StripMarkup(cells[kTitle]));
    cells[kTitle].clear();
  }
  for (int c = kTitle; c < kColumns; ++c) {
    if (cells[c].empty()) continue;
    if (c == kLead || c == kCoordinating) {
      Append(t.cells[c], cells[c]);  // A list cut mid-name joins with a space: "Bồi" + "thường".
    } else if (c == kProduct && !t.extra_products.empty() && last_row_was_sub_) {
      Append(t.extra_products.back(), cells[c]);
    } else {
      Append(t.cells[c], cells[c]);
    }
  }
}

void Parser::ParseTable(size_t from) {
  for (size_t i = from; i < lines_.size(); ++i) {
    if (lines_[i].find('\t') == std::string::npos) continue;
    std::vector<std::string> cells = absl::StrSplit(lines_[i], '\t');
    if (!Trim(absl::StrJoin(cells, "")).empty()) {  // An empty row (Word leaves some) is no cut.
      last_row_ = {.line = static_cast<int>(i + 1), .cells = static_cast<int>(cells.size()),
                   .header = Trim(cells[kTT]) == "TT"};
    }
    TableRow(last_row_.line, std::move(cells));
  }
}

// A text cut short (a truncated upload, a copy of the first pages) must not pass for
// a plan: imported as a revision it would remove every task it lacks. The decision
// ends with its table, so its last row must be whole, and the signature block that
// precedes the appendix must be there. (A text cut exactly between two rows still
// looks whole: ImportPlan refuses a revision that removes tasks unless the request
// confirms which, see remove_tasks.)
absl::Status Parser::CheckComplete() const {
  if (last_row_.cells < kColumns) {
    return InvalidField("text", absl::StrCat("line ", last_row_.line, ": truncated: the table's last row has ",
                                             last_row_.cells, " of ", kColumns, " cells"));
  }
  if (last_row_.header) {
    return InvalidField("text", absl::StrCat("line ", last_row_.line,
                                             ": truncated: the text ends with a repeated table header"));
  }
  if (out_.plan.signer().empty() || out_.plan.signer_title().empty()) {
    return InvalidField("text", "truncated or not a decision: no signature block (**KT. BỘ TRƯỞNG …** and a name)");
  }
  return absl::OkStatus();
}

void Parser::FinishTasks() {
  const int year = out_.plan.year();
  for (RawTask& r : raw_) {
    ParsedTask p;
    p.line = r.line;
    pb::Task& t = p.task;
    t.set_number(r.number);
    t.set_section_ordinal(r.section);
    t.set_title(StripMarkup(r.cells[kTitle]));
    if (r.distributed) {
      Diagnose(r.line, Kind::KIND_MERGED_CELLS_DISTRIBUTED,
               absl::StrCat("task ", r.number, ": cells merged over its sub-rows distributed to the task"), r.number);
    }
    for (auto [column, texts] : {std::pair{kLead, &p.lead_texts}, std::pair{kCoordinating, &p.coordinating_texts}}) {
      absl::flat_hash_set<std::string> seen;
      for (std::string& name : SplitUnitCell(r.cells[column])) {
        if (!seen.insert(text::Fold(name)).second) {
          Diagnose(r.line, Kind::KIND_DUPLICATE_UNIT_REMOVED,
                   absl::StrCat("task ", r.number, ": \"", name, "\" listed twice; kept once"), r.number);
          continue;
        }
        texts->push_back(std::move(name));
      }
    }
    const std::string phrase = StripMarkup(r.cells[kTime]);
    *t.mutable_schedule() = ParseTimePhrase(phrase, year);
    if (t.schedule().unparsed() && !phrase.empty()) {
      Diagnose(r.line, Kind::KIND_UNKNOWN_TIME_PHRASE,
               absl::StrCat("task ", r.number, ": time phrase \"", phrase, "\" not understood; kept as written"),
               r.number);
    }
    absl::flat_hash_set<std::string> products;
    for (const std::string& cell : [&] {
           std::vector<std::string> cells = {r.cells[kProduct]};
           cells.insert(cells.end(), r.extra_products.begin(), r.extra_products.end());
           return cells;
         }()) {
      for (std::string& product : SplitProducts(cell)) {
        if (products.insert(product).second) t.add_expected_products(std::move(product));
      }
    }
    t.set_funding_source(StripMarkup(r.cells[kFunding]));
    t.set_note(StripMarkup(r.cells[kNote]));
    int ordinal = 0;
    for (const RawTask::Sub& sub : r.subs) {
      if (IsTarget(sub.title)) {
        *t.add_targets() = ParseTarget(sub.title);
      } else {
        pb::SubActivity* a = t.add_sub_activities();
        a->set_ordinal(++ordinal);
        a->set_title(sub.title);
        if (!sub.time.empty()) *a->mutable_schedule() = ParseTimePhrase(StripMarkup(sub.time), year);
      }
    }
    if (p.lead_texts.empty()) {
      Diagnose(r.line, Kind::KIND_ERROR, absl::StrCat("task ", r.number, " names no lead unit"), r.number);
    }
    out_.tasks.push_back(std::move(p));
  }
}

absl::StatusOr<ParsedPlan> Parser::Parse(absl::string_view input) {
  if (input.size() > kMaxPlanTextBytes) {
    return absl::ResourceExhaustedError(absl::StrCat("text: ", input.size(), " bytes; at most ", kMaxPlanTextBytes));
  }
  // One pass for what makes the text unusable, naming its line: bytes that are not
  // UTF-8 (also a text cut in the middle of a character), or control characters.
  if (size_t bad = text::FirstInvalidUtf8(input); bad != absl::string_view::npos) {
    return InvalidField("text", absl::StrCat("line ", text::LineOf(input, bad), ": not valid UTF-8; send the plan as UTF-8"));
  }
  for (size_t i = 0; i < input.size(); ++i) {
    if (text::IsForbiddenControl(static_cast<unsigned char>(input[i]))) {
      return InvalidField("text", absl::StrCat("line ", text::LineOf(input, i), ": control character U+",
                                               absl::Hex(input[i], absl::kZeroPad4), " (only tab and line breaks)"));
    }
  }
  absl::StatusOr<std::string> nfc = text::NormalizeNfc(input, "text");
  if (!nfc.ok()) return nfc.status();
  lines_ = absl::StrSplit(*nfc, '\n');
  if (absl::Status s = ParsePreamble(); !s.ok()) return s;
  size_t appendix = lines_.size();
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].rfind("Phụ lục", 0) == 0) {
      appendix = i;
      break;
    }
  }
  ParseNarrative(0, appendix);
  ParseTable(appendix);
  if (out_.plan.sections().empty() || raw_.empty()) {
    return InvalidField("text", "not a plan: no task table (rows of 8 tab-separated cells under \"Phụ lục\") found");
  }
  if (absl::Status s = CheckComplete(); !s.ok()) return s;
  FinishTasks();
  if (absl::Status s = CheckPlanLimits(out_.plan, "text: plan."); !s.ok()) return s;
  for (const ParsedTask& t : out_.tasks) {
    const std::string where = absl::StrCat("text: line ", t.line, ": task ", t.task.number(), ": ");
    if (absl::Status s = CheckTaskLimits(t.task, where); !s.ok()) return s;
    // The unit cells are still names here (resolved by the importer): bounded before
    // anyone asks the directory about them.
    for (auto [texts, field] : {std::pair{&t.lead_texts, "lead_units"}, std::pair{&t.coordinating_texts,
                                                                               "coordinating_units"}}) {
      if (texts->size() > static_cast<size_t>(kMaxUnitRefs)) {
        return InvalidField(absl::StrCat(where, field), absl::StrCat("at most ", kMaxUnitRefs, " units"));
      }
      for (size_t i = 0; i < texts->size(); ++i) {
        if ((*texts)[i].size() > kMaxNameBytes) {
          return InvalidField(absl::StrCat(where, field, "[", i, "].text"),
                              absl::StrCat("longer than ", kMaxNameBytes, " bytes"));
        }
      }
    }
  }
  return std::move(out_);
}

}  // namespace

std::vector<std::string> SplitUnitCell(absl::string_view cell) {
  std::vector<std::string> out;
  for (absl::string_view piece : absl::StrSplit(StripMarkup(cell), absl::ByAnyChar(";\n"))) {
    std::string name = Trim(piece);
    while (!name.empty() && (name[0] == '-' || name[0] == ' ')) name.erase(0, 1);
    while (!name.empty() && (name.back() == '.' || name.back() == ',' || name.back() == ' ')) name.pop_back();
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

absl::StatusOr<ParsedPlan> ParsePlanDocument(absl::string_view text) { return Parser().Parse(text); }

}  // namespace p06::task
