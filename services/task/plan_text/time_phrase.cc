#include <cstdlib>
#include "services/task/plan_text/time_phrase.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/grpc/proto_time.h"
#include "common/text/fold.h"

namespace p06::task {
namespace {

// How far from the plan's year a phrase's year may be: 2030 in a 2025 plan ("tầm nhìn
// đến năm 2030") is a date, 0000 is not.
constexpr int kYearsFromPlan = 10;

absl::CivilDay LastDayOfMonth(int year, int month) { return absl::CivilDay(year, month + 1, 1) - 1; }

int RomanOrNumber(const std::string& s) {
  static const std::pair<const char*, int> kRoman[] = {{"i", 1}, {"ii", 2}, {"iii", 3}, {"iv", 4}};
  for (const auto& [r, n] : kRoman) {
    if (s == r) return n;
  }
  int n = 0;
  return absl::SimpleAtoi(s, &n) ? n : 0;
}

bool ValidMonth(int m) { return m >= 1 && m <= 12; }

void SetDue(pb::Schedule& s, absl::CivilDay day) {
  s.set_kind(pb::Schedule::KIND_ONE_OFF);
  *s.mutable_due_date() = ToProtoDate(day);
}

// The text after a lead-in such as "theo yeu cau cua", taken from the original phrase
// so that it keeps its diacritics: the same number of words dropped from the front.
std::string TriggerAfter(absl::string_view original, int words) {
  std::vector<absl::string_view> parts = absl::StrSplit(original, ' ', absl::SkipEmpty());
  std::string out;
  for (size_t i = static_cast<size_t>(words); i < parts.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out.append(parts[i].data(), parts[i].size());
  }
  return out;
}

}  // namespace

pb::Schedule ParseTimePhrase(absl::string_view phrase_in, int plan_year) {
  pb::Schedule s;
  absl::StatusOr<std::string> nfc = text::NormalizeNfc(phrase_in);
  std::string phrase = nfc.ok() ? *nfc : std::string(phrase_in);
  // "<i>Tháng 6/2025</i>": the table's italics are markup, not words.
  phrase = std::regex_replace(phrase, std::regex("</?i>"), "");
  phrase = std::string(absl::StripAsciiWhitespace(phrase));
  s.set_phrase(phrase);
  // Folding turns "/" into a space: "thang 6 2025".
  const std::string f = text::Fold(phrase);
  std::smatch m;
  auto match = [&](const char* pattern) { return std::regex_match(f, m, std::regex(pattern)); };
  auto num = [&](int i) { return std::stoi(m[i].str()); };
  auto year_or_plan = [&](int i) { return m[i].matched && !m[i].str().empty() ? num(i) : plan_year; };

  if (f.empty()) {
    // An empty cell: no schedule of its own (task 33's dates are its activities').
  } else if (match("hang thang")) {
    s.set_kind(pb::Schedule::KIND_MONTHLY);
  } else if (match("hang quy")) {
    s.set_kind(pb::Schedule::KIND_QUARTERLY);
  } else if (match("hang nam") || match("nam (\\d{4}) va cac nam tiep theo")) {
    s.set_kind(pb::Schedule::KIND_YEARLY);
  } else if (match("ca nam|thuong xuyen|lien tuc|thuong xuyen lien tuc")) {
    s.set_kind(pb::Schedule::KIND_CONTINUOUS);
  } else if (match("nam (\\d{4})")) {
    SetDue(s, absl::CivilDay(num(1), 12, 31));
  } else if (match("thang (\\d{1,2})(?: (\\d{4}))?") && ValidMonth(num(1))) {
    SetDue(s, LastDayOfMonth(year_or_plan(2), num(1)));
  } else if (match("quy (i|ii|iii|iv|[1-4])(?: (?:nam )?(\\d{4}))?")) {
    SetDue(s, LastDayOfMonth(year_or_plan(2), RomanOrNumber(m[1].str()) * 3));
  } else if (match("(?:truoc ngay|truoc|cham nhat ngay|cham nhat) (\\d{1,2}) (\\d{1,2})(?: (\\d{4}))?")) {
    absl::CivilDay day(year_or_plan(3), num(2), num(1));
    if (day.month() == num(2) && day.day() == num(1))
      SetDue(s, day);
    else
      s.set_unparsed(true);
  } else if (match("6 thang dau nam(?: (\\d{4}))?")) {
    SetDue(s, absl::CivilDay(year_or_plan(1), 6, 30));
  } else if (match("6 thang cuoi nam(?: (\\d{4}))?")) {
    SetDue(s, absl::CivilDay(year_or_plan(1), 12, 31));
  } else if (match("tu thang (\\d{1,2}) den thang (\\d{1,2})(?: (?:nam )?(\\d{4}))?") && ValidMonth(num(1)) &&
             ValidMonth(num(2)) && num(1) <= num(2)) {
    const int year = year_or_plan(3);
    SetDue(s, LastDayOfMonth(year, num(2)));
    *s.mutable_window_start() = ToProtoDate(absl::CivilDay(year, num(1), 1));
  } else if (match("thang (\\d{1,2})((?: (?:va|,)? ?thang \\d{1,2})+)")) {
    // "thang 6 va thang 12", "thang 3 thang 9": every month named.
    std::vector<int> months = {num(1)};
    std::string rest = m[2].str();
    std::regex month_re("thang (\\d{1,2})");
    for (std::sregex_iterator it(rest.begin(), rest.end(), month_re), end; it != end; ++it) {
      months.push_back(std::stoi((*it)[1].str()));
    }
    bool ok = true;
    for (int month : months) ok = ok && ValidMonth(month);
    if (ok) {
      s.set_kind(pb::Schedule::KIND_ON_MONTHS);
      for (int month : months) s.add_months(month);
    } else {
      s.set_unparsed(true);
    }
  } else if (match("theo (?:yeu cau|de nghi|chi dao)( .*)?")) {
    s.set_kind(pb::Schedule::KIND_ON_REQUEST);
    s.set_trigger(TriggerAfter(phrase, 1));
  } else if (match("(?:ngay sau khi|sau khi|khi co|khi) .*")) {
    s.set_kind(pb::Schedule::KIND_ON_EVENT);
    s.set_trigger(phrase);
  } else if (match("theo (?:ke hoach|tien do|lich|chuong trinh) .*")) {
    s.set_kind(pb::Schedule::KIND_FOLLOWS_PROGRAMME);
    s.set_trigger(TriggerAfter(phrase, 1));
  } else {
    s.set_unparsed(true);
  }
  // A year far from the plan's ("Năm 0000", "Tháng 3/1900") is a typo or no year at
  // all: flagged and kept as written, never turned into a date (fuzzing found "năm
  // 0000" imported as a one-off with no reporting obligation).
  if (s.has_due_date() && (std::abs(s.due_date().year() - plan_year) > kYearsFromPlan ||
                           !FromProtoDate(s.due_date(), "due_date").ok())) {
    pb::Schedule unparsed;
    unparsed.set_phrase(s.phrase());
    unparsed.set_unparsed(true);
    return unparsed;
  }
  return s;
}

std::vector<absl::CivilDay> OccurrenceDates(const pb::Schedule& s, int year) {
  std::vector<absl::CivilDay> days;
  switch (s.kind()) {
    case pb::Schedule::KIND_ONE_OFF: {
      absl::StatusOr<absl::CivilDay> due = FromProtoDate(s.due_date(), "due_date");
      if (due.ok()) days.push_back(*due);
      break;
    }
    case pb::Schedule::KIND_MONTHLY:
      for (int m = 1; m <= 12; ++m) days.push_back(LastDayOfMonth(year, m));
      break;
    case pb::Schedule::KIND_QUARTERLY:
      for (int m = 3; m <= 12; m += 3) days.push_back(LastDayOfMonth(year, m));
      break;
    case pb::Schedule::KIND_ON_MONTHS:
      for (int m : s.months()) days.push_back(LastDayOfMonth(year, m));
      std::sort(days.begin(), days.end());
      break;
    case pb::Schedule::KIND_YEARLY:
    case pb::Schedule::KIND_CONTINUOUS:
      days = {absl::CivilDay(year, 6, 30), absl::CivilDay(year, 12, 31)};
      break;
    default:
      break;
  }
  return days;
}

}  // namespace p06::task
