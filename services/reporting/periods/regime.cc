#include "services/reporting/periods/regime.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/data_lines.h"
#include "common/base/invalid_field.h"
#include "common/grpc/proto_time.h"

// The text of regimes/decree-09-2019.regime, embedded by p06_embed_text.
extern const char kDecree09RegimeText[];

namespace p06::reporting {
namespace {

absl::Status LineError(int line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("regime line ", line, ": ", why));
}

bool ParseKind(absl::string_view word, pb::PeriodKind* kind) {
  static constexpr std::pair<absl::string_view, pb::PeriodKind> kKinds[] = {
      {"monthly", pb::PERIOD_KIND_MONTHLY},       {"quarterly", pb::PERIOD_KIND_QUARTERLY},
      {"six_month", pb::PERIOD_KIND_SIX_MONTH},   {"nine_month", pb::PERIOD_KIND_NINE_MONTH},
      {"annual", pb::PERIOD_KIND_ANNUAL},
  };
  for (const auto& [name, k] : kKinds) {
    if (word == name) {
      *kind = k;
      return true;
    }
  }
  return false;
}

bool ParseMonthDay(absl::string_view text, int* month, int* day) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], month) && absl::SimpleAtoi(parts[1], day) && *month >= 1 &&
         *month <= 12 && *day >= 1 && *day <= 28;  // 28: a fixed day exists in every month.
}

bool ParseDeadline(absl::string_view text, Deadline* d) {
  if (absl::ConsumePrefix(&text, "+") && absl::ConsumeSuffix(&text, "wd")) {
    return absl::SimpleAtoi(text, &d->working_days) && d->working_days >= 1 && d->working_days <= 30;
  }
  return ParseMonthDay(text, &d->month, &d->day);
}

// "2025-03", "2025-Q1", "2025-H1", "2025-9M", "2025".
std::string Label(pb::PeriodKind kind, int year, int end_month) {
  switch (kind) {
    case pb::PERIOD_KIND_MONTHLY:
      return absl::StrCat(year, "-", end_month < 10 ? "0" : "", end_month);
    case pb::PERIOD_KIND_QUARTERLY:
      return absl::StrCat(year, "-Q", (end_month + 2) / 3);
    case pb::PERIOD_KIND_SIX_MONTH:
      return absl::StrCat(year, "-H1");
    case pb::PERIOD_KIND_NINE_MONTH:
      return absl::StrCat(year, "-9M");
    default:
      return absl::StrCat(year);
  }
}

// Parse has checked that a fixed deadline comes after the cut-off.
absl::StatusOr<absl::CivilDay> DeadlineDay(const Deadline& d, absl::CivilDay cut_off, int year,
                                           const calendar::WorkingCalendar& calendar) {
  if (d.working_days > 0) return calendar.AddWorkingDays(cut_off, d.working_days);
  return absl::CivilDay(year, d.month, d.day);
}

}  // namespace

absl::StatusOr<Regime> Regime::Parse(absl::string_view text) {
  Regime regime;
  for (const auto& [line_number, line] : DataLines(text)) {
    std::vector<absl::string_view> w = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (w.size() != 6) return LineError(line_number, "expected: kind end_day end_months start unit office");
    PeriodRule rule;
    if (!ParseKind(w[0], &rule.kind)) return LineError(line_number, absl::StrCat("unknown kind \"", w[0], "\""));
    for (const PeriodRule& r : regime.rules_) {
      if (r.kind == rule.kind) return LineError(line_number, absl::StrCat(w[0], " given twice"));
    }
    if (!absl::SimpleAtoi(w[1], &rule.end_day) || rule.end_day < 1 || rule.end_day > 28) {
      return LineError(line_number, "end_day must be 1..28");
    }
    int last = 0;
    for (absl::string_view m : absl::StrSplit(w[2], ',')) {
      int month = 0;
      if (!absl::SimpleAtoi(m, &month) || month <= last || month > 12) {
        return LineError(line_number, "end_months must be increasing months 1..12");
      }
      rule.end_months.push_back(last = month);
    }
    if (w[3] == "after_previous") {
      rule.start_after_previous = true;
    } else if (absl::string_view s = w[3]; absl::ConsumeSuffix(&s, "-previous_year") &&
                                          ParseMonthDay(s, &rule.start_month, &rule.start_day)) {
      rule.start_after_previous = false;
    } else {
      return LineError(line_number, "start must be after_previous or MM-DD-previous_year");
    }
    if (rule.kind != pb::PERIOD_KIND_MONTHLY && rule.kind != pb::PERIOD_KIND_QUARTERLY && rule.end_months.size() != 1) {
      return LineError(line_number, absl::StrCat(w[0], " has one period a year: one end month"));
    }
    if (!ParseDeadline(w[4], &rule.unit)) return LineError(line_number, "unit deadline must be +Nwd (1..30) or MM-DD");
    if (!ParseDeadline(w[5], &rule.office)) {
      return LineError(line_number, "office deadline must be +Nwd (1..30) or MM-DD");
    }
    // Decree 09/2019 Art. 8(5): a deadline comes after its cut-off.
    for (const Deadline* d : {&rule.unit, &rule.office}) {
      for (int m : rule.end_months) {
        if (d->working_days == 0 && std::pair(d->month, d->day) <= std::pair(m, rule.end_day)) {
          return LineError(line_number, absl::StrCat("a fixed deadline ", d->month, "-", d->day,
                                                     " is not after the cut-off of month ", m,
                                                     " (Decree 09/2019 Art. 8(5)); use +Nwd"));
        }
      }
    }
    regime.rules_.push_back(std::move(rule));
  }
  if (regime.rules_.empty()) return absl::InvalidArgumentError("the regime names no report kind");
  return regime;
}

const Regime& Regime::Default() {
  static const Regime kRegime = [] {
    absl::StatusOr<Regime> parsed = Parse(kDecree09RegimeText);
    if (!parsed.ok()) std::abort();  // The shipped file is checked by its unit test.
    return *std::move(parsed);
  }();
  return kRegime;
}

absl::StatusOr<std::vector<pb::ReportPeriod>> Regime::Periods(int year, pb::PeriodKind kind,
                                                              const calendar::WorkingCalendar& calendar) const {
  if (year < 2000 || year > 2100) return InvalidField("year", "must be 2000..2100");
  if (kind == pb::PERIOD_KIND_AD_HOC) {
    return InvalidField("kind", "AD_HOC reports take their window from the request; they have no periods");
  }
  if (!pb::PeriodKind_IsValid(kind)) return InvalidField("kind", "unknown");
  std::vector<pb::ReportPeriod> periods;
  for (const PeriodRule& rule : rules_) {
    if (kind != pb::PERIOD_KIND_UNSPECIFIED && kind != rule.kind) continue;
    for (size_t i = 0; i < rule.end_months.size(); ++i) {
      const int m = rule.end_months[i];
      const absl::CivilDay end(year, m, rule.end_day);
      absl::CivilDay start;
      if (!rule.start_after_previous) {
        start = absl::CivilDay(year - 1, rule.start_month, rule.start_day);
      } else {  // The day after the previous window's end (the year's last, for the first).
        const int previous = i > 0 ? rule.end_months[i - 1] : rule.end_months.back();
        start = absl::CivilDay(i > 0 ? year : year - 1, previous, rule.end_day) + 1;
      }
      pb::ReportPeriod p;
      p.set_kind(rule.kind);
      p.set_label(Label(rule.kind, year, m));
      *p.mutable_window_start() = ToProtoDate(start);
      *p.mutable_window_end() = ToProtoDate(end);
      absl::StatusOr<absl::CivilDay> unit = DeadlineDay(rule.unit, end, year, calendar);
      if (!unit.ok()) return unit.status();
      absl::StatusOr<absl::CivilDay> office = DeadlineDay(rule.office, end, year, calendar);
      if (!office.ok()) return office.status();
      *p.mutable_unit_deadline() = ToProtoDate(*unit);
      *p.mutable_office_deadline() = ToProtoDate(*office);
      periods.push_back(std::move(p));
    }
  }
  std::stable_sort(periods.begin(), periods.end(), [](const pb::ReportPeriod& a, const pb::ReportPeriod& b) {
    return CivilDayOf(a.window_end()) < CivilDayOf(b.window_end());
  });
  return periods;
}

absl::StatusOr<pb::ReportPeriod> Regime::Find(pb::PeriodKind kind, absl::string_view label,
                                              const calendar::WorkingCalendar& calendar) const {
  int year = 0;
  if (label.size() < 4 || !absl::SimpleAtoi(label.substr(0, 4), &year) || year < 2000 || year > 2100) {
    return InvalidField("period.label", "must start with the year: 2025-03, 2025-Q1, 2025-H1, 2025-9M or 2025");
  }
  absl::StatusOr<std::vector<pb::ReportPeriod>> periods = Periods(year, kind, calendar);
  if (!periods.ok()) return periods.status();
  for (pb::ReportPeriod& p : *periods) {
    if (p.label() == label) return std::move(p);
  }
  return InvalidField("period.label", absl::StrCat("no ", pb::PeriodKind_Name(kind), " period \"", label,
                                                   "\" in the regime"));
}

}  // namespace p06::reporting
