#include "services/task/plan_text/time_phrase.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <optional>
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
// Longer than any time cell a plan prints; the grammar is not run on more.
constexpr size_t kMaxPhraseWords = 60;

absl::CivilDay LastDayOfMonth(int year, int month) { return absl::CivilDay(year, month + 1, 1) - 1; }

// One word of the folded phrase; `number` is set for digits ("6", "2026").
struct Token {
  std::string word;
  std::optional<int> number;
  size_t digits = 0;
};

// A point or span a phrase names: its first and last day.
struct Span {
  absl::CivilDay first;
  absl::CivilDay last;
};

// Recursive descent over the folded words. Each Read* consumes tokens when it
// matches and leaves the position where it was when it does not, so forms compose
// ("từ" + month + "đến" + quarter) and alternatives are tried in turn.
class Grammar {
 public:
  Grammar(std::vector<Token> tokens, int plan_year)
      : t_(std::move(tokens)), plan_year_(plan_year), default_year_(plan_year) {}

  std::optional<pb::Schedule> Parse() {
    using Form = std::optional<pb::Schedule> (Grammar::*)();
    static constexpr Form kForms[] = {&Grammar::Recurrence, &Grammar::YearlyFrom, &Grammar::Continuous,
                                      &Grammar::InYear,     &Grammar::PartOfYear, &Grammar::Half,
                                      &Grammar::Deadline,   &Grammar::Range,      &Grammar::MonthList,
                                      &Grammar::QuarterList, &Grammar::BareDate};
    for (Form form : kForms) {
      pos_ = 0;
      std::optional<pb::Schedule> s = (this->*form)();
      if (s && pos_ == t_.size()) return s;
    }
    return std::nullopt;
  }

 private:
  // ---- Words ----

  bool Word(absl::string_view w) {
    if (pos_ < t_.size() && t_[pos_].word == w) return ++pos_, true;
    return false;
  }
  // All of `words` in order, or nothing consumed.
  bool Words(std::initializer_list<absl::string_view> words) {
    const size_t start = pos_;
    for (absl::string_view w : words) {
      if (!Word(w)) return pos_ = start, false;
    }
    return true;
  }
  // The first of `alternatives` (each a word sequence) that matches.
  bool AnyOf(std::initializer_list<std::initializer_list<absl::string_view>> alternatives) {
    for (const auto& words : alternatives) {
      if (Words(words)) return true;
    }
    return false;
  }
  std::optional<int> Number(int lo, int hi, size_t max_digits) {
    if (pos_ >= t_.size() || !t_[pos_].number || t_[pos_].digits > max_digits) return std::nullopt;
    const int n = *t_[pos_].number;
    if (n < lo || n > hi) return std::nullopt;
    ++pos_;
    return n;
  }
  std::optional<int> Month() { return Number(1, 12, 2); }
  std::optional<int> Day() { return Number(1, 31, 2); }
  // "I".."IV" or 1..4.
  std::optional<int> Quarter() {
    static constexpr absl::string_view kRoman[] = {"i", "ii", "iii", "iv"};
    for (int q = 0; q < 4; ++q) {
      if (Word(kRoman[q])) return q + 1;
    }
    return Number(1, 4, 1);
  }
  // A written year, "2026" or "năm 2026" (folding turned "/2026" into " 2026").
  std::optional<int> Year() {
    const size_t start = pos_;
    Word("nam");
    if (pos_ < t_.size() && t_[pos_].number && t_[pos_].digits == 4) return *t_[pos_++].number;
    pos_ = start;
    return std::nullopt;
  }
  // The year of a point that names none: the plan's, or the end's in a range.
  int YearOrPlan(std::optional<int> y) const { return y.value_or(default_year_); }
  bool AtEnd() const { return pos_ == t_.size(); }

  // ---- Building blocks ----

  // A day: "15/12[/2026]", "ngày 15/12", "ngày 15 tháng 12 năm 2026".
  std::optional<Span> DateRef(std::optional<int>* year_out = nullptr) {
    const size_t start = pos_;
    Word("ngay");
    std::optional<int> d = Day();
    if (d) Word("thang");
    std::optional<int> m = d ? Month() : std::nullopt;
    if (!m) return pos_ = start, std::nullopt;
    std::optional<int> y = Year();
    if (year_out) *year_out = y;
    absl::CivilDay day(YearOrPlan(y), *m, *d);
    if (day.day() != *d || day.month() != *m) return pos_ = start, std::nullopt;  // 31/2 is no day.
    return Span{day, day};
  }
  // A month: "tháng 6[/2026]"; `bare` also takes "6" without "tháng" (inside ranges).
  std::optional<Span> MonthRef(bool bare, std::optional<int>* year_out) {
    const size_t start = pos_;
    if (!Word("thang") && !bare) return std::nullopt;
    std::optional<int> m = Month();
    if (!m) return pos_ = start, std::nullopt;
    std::optional<int> y = Year();
    if (year_out) *year_out = y;
    const int year = YearOrPlan(y);
    return Span{absl::CivilDay(year, *m, 1), LastDayOfMonth(year, *m)};
  }
  std::optional<Span> QuarterRef(std::optional<int>* year_out) {
    const size_t start = pos_;
    if (!Word("quy")) return std::nullopt;
    std::optional<int> q = Quarter();
    if (!q) return pos_ = start, std::nullopt;
    std::optional<int> y = Year();
    if (year_out) *year_out = y;
    const int year = YearOrPlan(y);
    return Span{absl::CivilDay(year, *q * 3 - 2, 1), LastDayOfMonth(year, *q * 3)};
  }
  // A day, a month or a quarter.
  std::optional<Span> PointRef(bool bare_month, std::optional<int>* year_out) {
    if (auto d = DateRef(year_out)) return d;
    if (auto q = QuarterRef(year_out)) return q;
    return MonthRef(bare_month, year_out);
  }

  static pb::Schedule OneOff(absl::CivilDay due) {
    pb::Schedule s;
    s.set_kind(pb::Schedule::KIND_ONE_OFF);
    *s.mutable_due_date() = ToProtoDate(due);
    return s;
  }
  static pb::Schedule Window(absl::CivilDay first, absl::CivilDay due) {
    pb::Schedule s = OneOff(due);
    *s.mutable_window_start() = ToProtoDate(first);
    return s;
  }
  static pb::Schedule OfKind(pb::Schedule::Kind kind, std::optional<int> year = std::nullopt) {
    pb::Schedule s;
    s.set_kind(kind);
    if (year) s.set_year(*year);
    return s;
  }
  static pb::Schedule OnMonths(std::vector<int> months, std::optional<int> year) {
    pb::Schedule s = OfKind(pb::Schedule::KIND_ON_MONTHS, year);
    for (int m : months) s.add_months(m);
    return s;
  }
  // "năm 2026", "trong năm 2026" after a recurring or continuous form.
  std::optional<int> TrailingYear() {
    const size_t start = pos_;
    Word("trong");
    if (std::optional<int> y = Year()) return y;
    pos_ = start;
    return std::nullopt;
  }

  // ---- Forms ----

  // "hằng/hàng/mỗi tháng|quý|năm", "định kỳ [hằng] tháng|quý|năm", "định kỳ 6 tháng".
  std::optional<pb::Schedule> Recurrence() {
    const bool periodic = Words({"dinh", "ky"});
    const bool every = Word("hang") || Word("moi");
    if (!periodic && !every) return std::nullopt;
    std::optional<int> months = Number(1, 12, 2);
    if (months && every) return std::nullopt;  // "hằng 6 tháng" is not how it is said.
    std::optional<pb::Schedule> s;
    if (Word("thang")) {
      switch (months.value_or(1)) {
        case 1: s = OfKind(pb::Schedule::KIND_MONTHLY); break;
        case 3: s = OfKind(pb::Schedule::KIND_QUARTERLY); break;
        case 6: s = OnMonths({6, 12}, std::nullopt); break;
        case 12: s = OfKind(pb::Schedule::KIND_YEARLY); break;
        default: return std::nullopt;
      }
    } else if (!months && Word("quy")) {
      s = OfKind(pb::Schedule::KIND_QUARTERLY);
    } else if (!months && Word("nam")) {
      s = OfKind(pb::Schedule::KIND_YEARLY);
    } else {
      return std::nullopt;
    }
    if (std::optional<int> y = TrailingYear()) s->set_year(*y);
    return s;
  }

  // "Năm 2025 và các năm tiếp theo".
  std::optional<pb::Schedule> YearlyFrom() {
    if (!Year() || !Words({"va", "cac", "nam", "tiep", "theo"})) return std::nullopt;
    return OfKind(pb::Schedule::KIND_YEARLY);
  }

  // "Thường xuyên [, liên tục] [trong năm 2026]", "Cả năm [2026]", "Liên tục".
  std::optional<pb::Schedule> Continuous() {
    if (Words({"ca", "nam"})) {
      return OfKind(pb::Schedule::KIND_CONTINUOUS, Year());
    }
    const bool often = Words({"thuong", "xuyen"});
    const bool steady = Words({"lien", "tuc"});
    if (!often && !steady) return std::nullopt;
    std::optional<int> year = TrailingYear();
    if (!year) Words({"trong", "nam"});  // "trong năm" alone: the plan's year.
    return OfKind(pb::Schedule::KIND_CONTINUOUS, year);
  }

  // "Năm 2026", "Trong năm 2026", "Trong năm": by the year's end.
  std::optional<pb::Schedule> InYear() {
    const bool within = Word("trong");
    if (std::optional<int> y = Year()) return OneOff(absl::CivilDay(*y, 12, 31));
    if (within && Word("nam")) return OneOff(absl::CivilDay(plan_year_, 12, 31));
    return std::nullopt;
  }

  // "Đầu năm" (the first quarter), "giữa năm" (June–July), "cuối năm" (the last quarter).
  std::optional<pb::Schedule> PartOfYear() {
    int first_month = 0, last_month = 0;
    if (Word("dau")) {
      first_month = 1, last_month = 3;
    } else if (Word("giua")) {
      first_month = 6, last_month = 7;
    } else if (Word("cuoi")) {
      first_month = 10, last_month = 12;
    } else {
      return std::nullopt;
    }
    if (!Word("nam")) return std::nullopt;
    const int year = YearOrPlan(Year());
    return Window(absl::CivilDay(year, first_month, 1), LastDayOfMonth(year, last_month));
  }

  // "6 tháng đầu/cuối năm [2026]", "nửa đầu/cuối năm".
  std::optional<pb::Schedule> Half() {
    if (!Words({"6", "thang"}) && !Word("nua")) return std::nullopt;
    int last_month = 0;
    if (Word("dau")) {
      last_month = 6;
    } else if (Word("cuoi")) {
      last_month = 12;
    } else {
      return std::nullopt;
    }
    if (!Word("nam")) return std::nullopt;
    return OneOff(LastDayOfMonth(YearOrPlan(Year()), last_month));
  }

  // "Trước [ngày] 30/6[/2026]", "chậm nhất [là] [ngày] …", "không muộn hơn …", "hạn …";
  // also a month or a quarter: "trước tháng 6" ends with May, "chậm nhất tháng 6" with June.
  std::optional<pb::Schedule> Deadline() {
    bool before = false;
    if (Word("truoc")) {
      before = true;
    } else if (!AnyOf({{"cham", "nhat"}, {"khong", "muon", "hon"}, {"han", "chot"}, {"han"}})) {
      return std::nullopt;
    }
    Word("la");
    if (std::optional<Span> d = DateRef()) return OneOff(d->last);
    std::optional<Span> span = QuarterRef(nullptr);
    if (!span) span = MonthRef(false, nullptr);
    if (!span) return std::nullopt;
    return OneOff(before ? span->first - 1 : span->last);
  }

  // "Từ tháng 3 đến tháng 6 [năm 2026]", "từ 01/3 đến hết 30/6/2026", "từ Quý I đến Quý III".
  std::optional<pb::Schedule> Range() {
    if (!Word("tu")) return std::nullopt;
    const size_t first_at = pos_;
    // A bare number is a month only after "từ tháng …": in "từ 5 đến 30/6" it is a day.
    const bool months = pos_ < t_.size() && t_[pos_].word == "thang";
    std::optional<int> first_year, last_year;
    std::optional<Span> first = PointRef(false, &first_year);
    if (!first || !Word("den")) return std::nullopt;
    Word("het");
    std::optional<Span> last = PointRef(months, &last_year);
    if (!last) return std::nullopt;
    if (!first_year && last_year) {
      // "từ tháng 10 đến tháng 12/2026": the start is read again in the end's year.
      const size_t end_at = pos_;
      pos_ = first_at;
      default_year_ = *last_year;
      first = PointRef(false, nullptr);
      default_year_ = plan_year_;
      pos_ = end_at;
      if (!first) return std::nullopt;  // 29/2 of a leap year, read again in a year without one.
    }
    if (first->first > last->last) return std::nullopt;
    return Window(first->first, last->last);
  }

  // "Tháng 3", "Tháng 6/2025", "Tháng 6 và tháng 12 năm 2026", "tháng 3, 6, 9/2026".
  std::optional<pb::Schedule> MonthList() {
    if (!Word("thang")) return std::nullopt;
    return ListOf([this] { return Month(); }, [](int m) { return m; }, "thang",
                  [this](int m, int year) { return OneOff(LastDayOfMonth(year, m)); });
  }

  // "Quý II/2025", "Quý I và Quý III/2026", "quý 1, 3".
  std::optional<pb::Schedule> QuarterList() {
    if (!Word("quy")) return std::nullopt;
    return ListOf([this] { return Quarter(); }, [](int q) { return q * 3; }, "quy",
                  [this](int q, int year) { return OneOff(LastDayOfMonth(year, q * 3)); });
  }

  // Items separated by "và", commas (folded away) or the repeated head word, each
  // perhaps followed by a year; every year written must be the same one. One item
  // is a one-off; several are the months they end in.
  template <class ReadItem, class EndMonth, class Single>
  std::optional<pb::Schedule> ListOf(ReadItem read, EndMonth end_month, absl::string_view head, Single single) {
    std::vector<int> items;
    std::optional<int> year;
    while (true) {
      std::optional<int> item = read();
      if (!item) return std::nullopt;
      items.push_back(*item);
      if (std::optional<int> y = Year()) {
        if (year && *year != *y) return std::nullopt;
        year = y;
      }
      if (AtEnd()) break;
      const bool joined = Word("va");
      Word(head);
      if (AtEnd() && joined) return std::nullopt;  // "tháng 6 và": the list was cut.
    }
    if (items.size() == 1) return single(items[0], YearOrPlan(year));
    // Written in order: "quý IV và quý I/2026" may well cross a year's end, which
    // one year cannot say; "tháng 6 và tháng 6" says nothing.
    if (std::adjacent_find(items.begin(), items.end(), [](int a, int b) { return b <= a; }) != items.end()) {
      return std::nullopt;
    }
    std::vector<int> months;
    for (int item : items) months.push_back(end_month(item));
    return OnMonths(months, year);
  }

  // "30/6/2026" alone.
  std::optional<pb::Schedule> BareDate() {
    if (std::optional<Span> d = DateRef()) return OneOff(d->last);
    return std::nullopt;
  }

  std::vector<Token> t_;
  int plan_year_;
  int default_year_;
  size_t pos_ = 0;
};

std::vector<Token> Tokens(const std::string& folded) {
  std::vector<Token> out;
  for (absl::string_view w : absl::StrSplit(folded, ' ', absl::SkipEmpty())) {
    Token t{.word = std::string(w)};
    int n = 0;
    if (w.size() <= 4 && absl::ascii_isdigit(w[0]) && absl::SimpleAtoi(w, &n)) {
      t.number = n;
      t.digits = w.size();
    }
    out.push_back(std::move(t));
  }
  return out;
}

// The phrase begins with `words` and, when `more`, goes on after them.
bool StartsWith(const std::vector<Token>& t, std::initializer_list<absl::string_view> words, bool more = false) {
  if (t.size() < words.size() + (more ? 1 : 0)) return false;
  size_t i = 0;
  for (absl::string_view w : words) {
    if (t[i++].word != w) return false;
  }
  return true;
}

// The text after a lead-in such as "theo", taken from the original phrase so that it
// keeps its diacritics: the same number of words dropped from the front.
std::string TriggerAfter(absl::string_view original, int words) {
  std::vector<absl::string_view> parts = absl::StrSplit(original, ' ', absl::SkipEmpty());
  std::string out;
  for (size_t i = static_cast<size_t>(words); i < parts.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out.append(parts[i].data(), parts[i].size());
  }
  return out;
}

// Phrases that wait for something rather than name a time; what they wait for is kept.
std::optional<pb::Schedule> Trigger(const std::vector<Token>& t, const std::string& phrase) {
  pb::Schedule s;
  if (StartsWith(t, {"theo", "yeu", "cau"}) || StartsWith(t, {"theo", "de", "nghi"}) ||
      StartsWith(t, {"theo", "chi", "dao"})) {
    s.set_kind(pb::Schedule::KIND_ON_REQUEST);
    s.set_trigger(TriggerAfter(phrase, 1));
  } else if (StartsWith(t, {"ngay", "sau", "khi"}, true) || StartsWith(t, {"sau", "khi"}, true) ||
             StartsWith(t, {"khi"}, true)) {
    s.set_kind(pb::Schedule::KIND_ON_EVENT);
    s.set_trigger(phrase);
  } else if (StartsWith(t, {"theo", "ke", "hoach"}, true) || StartsWith(t, {"theo", "tien", "do"}, true) ||
             StartsWith(t, {"theo", "lich"}, true) || StartsWith(t, {"theo", "chuong", "trinh"}, true)) {
    s.set_kind(pb::Schedule::KIND_FOLLOWS_PROGRAMME);
    s.set_trigger(TriggerAfter(phrase, 1));
  } else {
    return std::nullopt;
  }
  return s;
}

bool NearPlan(int year, int plan_year) { return std::abs(year - plan_year) <= kYearsFromPlan; }

// A year far from the plan's ("Năm 0000", "Tháng 3/1900") is a typo or no year at all:
// flagged and kept as written, never turned into a date (fuzzing found "năm 0000"
// imported as a one-off with no reporting obligation).
bool PlausibleYears(const pb::Schedule& s, int plan_year) {
  if (s.year() != 0 && !NearPlan(s.year(), plan_year)) return false;
  for (const auto* d : {&s.due_date(), &s.window_start()}) {
    if (d->year() == 0 && d->month() == 0 && d->day() == 0) continue;
    if (!NearPlan(d->year(), plan_year) || !FromProtoDate(*d, "date").ok()) return false;
  }
  return true;
}

}  // namespace

pb::Schedule ParseTimePhrase(absl::string_view phrase_in, int plan_year) {
  absl::StatusOr<std::string> nfc = text::NormalizeNfc(phrase_in);
  std::string phrase = nfc.ok() ? *nfc : std::string(phrase_in);
  // "<i>Tháng 6/2025</i>": the table's italics are markup, not words.
  phrase = std::regex_replace(phrase, std::regex("</?i>"), "");
  phrase = std::string(absl::StripAsciiWhitespace(phrase));
  pb::Schedule unparsed;
  unparsed.set_phrase(phrase);
  // Folding turns "/" and other punctuation into spaces: "tháng 6/2025" is "thang 6 2025".
  const std::vector<Token> tokens = Tokens(text::Fold(phrase));
  if (tokens.empty()) return unparsed;  // An empty cell: no schedule of its own (task 33's dates are its activities').
  unparsed.set_unparsed(true);

  std::optional<pb::Schedule> s = Trigger(tokens, phrase);
  if (!s && tokens.size() <= kMaxPhraseWords) s = Grammar(tokens, plan_year).Parse();
  if (!s || !PlausibleYears(*s, plan_year)) return unparsed;
  // Folding turned a dash into a space: "Tháng 3-6/2026" and "Quý I-II" read as
  // lists, but mean spans; dates ("15-12-2026") are not lists and stay.
  if (s->kind() == pb::Schedule::KIND_ON_MONTHS &&
      (phrase.find('-') != std::string::npos || phrase.find("\u2013") != std::string::npos)) {
    return unparsed;
  }
  s->set_phrase(phrase);
  return *s;
}

std::vector<absl::CivilDay> OccurrenceDates(const pb::Schedule& s, int plan_year) {
  const int year = s.year() != 0 ? s.year() : plan_year;
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
