#include "services/reporting/counting/report_builder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/grpc/proto_time.h"

namespace p06::reporting {
namespace {

// The reports that speak for an item, as of `cut_off`: those on it, and those on the
// whole task. Oldest first.
std::vector<const ModelReport*> ReportsFor(const std::vector<ModelReport>& reports, const std::string& occurrence,
                                           absl::CivilDay cut_off) {
  std::vector<const ModelReport*> out;
  for (const ModelReport& r : reports) {
    if (r.day > cut_off) continue;
    if (r.report.occurrence().empty() || r.report.occurrence() == occurrence) out.push_back(&r);
  }
  return out;
}

pb::CountedItem Judge(const std::string& task, const ModelOccurrence* occurrence,
                      const std::vector<const ModelReport*>& reports, absl::CivilDay cut_off) {
  pb::CountedItem item;
  item.set_task(task);
  if (occurrence != nullptr) {
    item.set_occurrence(occurrence->name);
    *item.mutable_due_date() = ToProtoDate(occurrence->due);
  }
  const ModelReport* latest = reports.empty() ? nullptr : reports.back();
  bool started = false;
  for (const ModelReport* r : reports) {
    started |= r->report.status() == tpb::TASK_STATUS_IN_PROGRESS || r->report.percent_complete() > 0;
  }
  const tpb::TaskStatus status = latest ? latest->report.status() : tpb::TASK_STATUS_NOT_STARTED;
  if (status == tpb::TASK_STATUS_CANCELLED) {
    item.set_outcome(pb::OUTCOME_CANCELLED);
  } else if (status == tpb::TASK_STATUS_COMPLETED) {
    const absl::CivilDay done =
        IsUnset(latest->report.completion_date()) ? latest->day : CivilDayOf(latest->report.completion_date());
    *item.mutable_completion_date() = ToProtoDate(done);
    item.set_outcome(occurrence == nullptr || done <= occurrence->due ? pb::OUTCOME_COMPLETED_ON_TIME
                                                                     : pb::OUTCOME_COMPLETED_LATE);
  } else if (status == tpb::TASK_STATUS_BLOCKED) {
    item.set_outcome(pb::OUTCOME_BLOCKED);
  } else if (occurrence == nullptr) {
    item.set_outcome(started ? pb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE : pb::OUTCOME_AWAITING_TRIGGER);
  } else if (occurrence->due < cut_off) {
    item.set_outcome(pb::OUTCOME_OVERDUE);
  } else {
    item.set_outcome(started ? pb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE : pb::OUTCOME_NOT_YET_DUE);
  }
  return item;
}

// The accountable lead: the primary one, else the first; its unit, else its text.
std::string PrimaryLead(const tpb::Task& t) {
  const tpb::UnitRef* lead = nullptr;
  for (const tpb::UnitRef& u : t.lead_units()) {
    if (lead == nullptr || (u.primary() && !lead->primary())) lead = &u;
  }
  if (lead == nullptr) return "";
  return lead->unit().empty() ? lead->text() : lead->unit();
}

std::vector<std::string> ParticipatingUnits(const tpb::Task& t) {
  std::set<std::string> units;
  for (const auto* refs : {&t.lead_units(), &t.coordinating_units()}) {
    for (const tpb::UnitRef& u : *refs) {
      if (!u.unit().empty()) units.insert(u.unit());
    }
  }
  return {units.begin(), units.end()};
}

// Each lead that is a unit, with the units whose reports answer for it: itself, and
// those it took the task over from (a merger; UnitRef.followed_from), over all the
// refs that name it.
std::map<std::string, std::set<std::string>> LeadsAndWhoAnswers(const tpb::Task& t) {
  std::map<std::string, std::set<std::string>> out;
  for (const tpb::UnitRef& l : t.lead_units()) {
    if (l.unit().rfind("units/", 0) != 0) continue;
    std::set<std::string>& answering = out[l.unit()];
    answering.insert(l.unit());
    answering.insert(l.followed_from().begin(), l.followed_from().end());
  }
  return out;
}

// How far `value` meets `target`, 0..100, in the target's direction.
double PercentMet(tpb::Target::Comparison comparison, double target, double value) {
  double percent = 0;
  switch (comparison) {
    case tpb::Target::COMPARISON_AT_MOST:  // Must fall to the target.
      percent = value <= target ? 100 : (value > 0 ? 100 * target / value : 100);
      break;
    case tpb::Target::COMPARISON_EQUAL:
      percent = target == value ? 100 : 100 * std::min(target, value) / std::max(target, value);
      break;
    default:  // AT_LEAST, and unspecified read as "at least".
      percent = target <= 0 ? 100 : 100 * value / target;
  }
  return std::clamp(std::round(percent * 10) / 10, 0.0, 100.0);
}

bool Met(tpb::Target::Comparison comparison, double target, double value) {
  switch (comparison) {
    case tpb::Target::COMPARISON_AT_MOST:
      return value <= target;
    case tpb::Target::COMPARISON_EQUAL:
      return value == target;
    default:
      return value >= target;
  }
}

pb::TargetLine TargetLineOf(const tpb::Target& target, int index, const std::vector<ModelMeasurement>& ms,
                            absl::CivilDay cut_off) {
  pb::TargetLine line;
  line.set_target(target.name());
  line.set_text(target.text());
  line.set_target_value(target.target_value());
  line.set_unit_of_measure(target.unit_of_measure());
  line.set_comparison(target.comparison());
  // The latest by the period measured, then by the day it was reported.
  auto latest = [&](const std::string& level) -> const ModelMeasurement* {
    const ModelMeasurement* best = nullptr;
    for (const ModelMeasurement& m : ms) {
      if (m.target != index || m.day > cut_off || m.measurement.level() != level) continue;
      if (best == nullptr || std::tuple(CivilDayOf(m.measurement.period_end()), m.day) >=
                                 std::tuple(CivilDayOf(best->measurement.period_end()), best->day)) {
        best = &m;
      }
    }
    return best;
  };
  if (const ModelMeasurement* m = latest("")) {
    line.set_measured(true);
    line.set_latest_value(m->measurement.value());
    *line.mutable_latest_period_end() = m->measurement.period_end();
    line.set_percent_met(PercentMet(target.comparison(), target.target_value(), m->measurement.value()));
    line.set_met(Met(target.comparison(), target.target_value(), m->measurement.value()));
  }
  for (const tpb::LevelTarget& lt : target.level_targets()) {
    pb::LevelLine* level = line.add_levels();
    level->set_level(lt.level());
    level->set_target_value(lt.target_value());
    if (const ModelMeasurement* m = latest(lt.level())) {
      level->set_measured(true);
      level->set_latest_value(m->measurement.value());
      level->set_percent_met(PercentMet(target.comparison(), lt.target_value(), m->measurement.value()));
      level->set_met(Met(target.comparison(), lt.target_value(), m->measurement.value()));
    }
  }
  return line;
}

bool IsCompleted(pb::Outcome o) { return o == pb::OUTCOME_COMPLETED_ON_TIME || o == pb::OUTCOME_COMPLETED_LATE; }

}  // namespace

void Count(pb::Outcome outcome, pb::StatusCounts* c) {
  switch (outcome) {
    case pb::OUTCOME_COMPLETED_ON_TIME:
      c->set_completed_on_time(c->completed_on_time() + 1);
      break;
    case pb::OUTCOME_COMPLETED_LATE:
      c->set_completed_late(c->completed_late() + 1);
      break;
    case pb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE:
      c->set_in_progress_within_deadline(c->in_progress_within_deadline() + 1);
      break;
    case pb::OUTCOME_OVERDUE:
      c->set_overdue(c->overdue() + 1);
      break;
    case pb::OUTCOME_NOT_YET_DUE:
      c->set_not_yet_due(c->not_yet_due() + 1);
      break;
    case pb::OUTCOME_AWAITING_TRIGGER:
      c->set_awaiting_trigger(c->awaiting_trigger() + 1);
      break;
    case pb::OUTCOME_BLOCKED:
      c->set_blocked(c->blocked() + 1);
      break;
    case pb::OUTCOME_CANCELLED:
      c->set_cancelled(c->cancelled() + 1);
      break;
    default:
      return;
  }
  c->set_total(c->total() + 1);
}

pb::Report BuildReport(const PlanModel& model, const pb::ReportPeriod& period, const pb::Report* previous) {
  const absl::CivilDay start = CivilDayOf(period.window_start()), end = CivilDayOf(period.window_end());
  pb::Report report;
  report.set_plan(model.plan.name());
  report.set_plan_title(model.plan.title());
  report.set_decision_number(model.plan.decision_number());
  report.set_issuer(model.plan.issuer());
  *report.mutable_period() = period;

  std::map<int, pb::SectionSummary> sections;
  for (const tpb::Section& s : model.plan.sections()) {
    pb::SectionSummary& summary = sections[s.ordinal()];
    summary.set_ordinal(s.ordinal());
    summary.set_label(s.label());
    summary.set_title(s.title());
  }
  std::map<std::string, pb::UnitSummary> units;
  auto unit = [&](const std::string& name) -> pb::UnitSummary& {
    pb::UnitSummary& u = units[name];
    u.set_unit(name);
    return u;
  };
  static const std::vector<ModelReport> kNoReports;
  static const std::vector<ModelMeasurement> kNoMeasurements;

  for (const ModelTask& mt : model.tasks) {
    const tpb::Task& t = mt.task;
    auto found = model.reports.find(t.number());
    const std::vector<ModelReport>& reports = found == model.reports.end() ? kNoReports : found->second;
    pb::TaskLine* line = report.add_tasks();
    line->set_task(t.name());
    line->set_number(t.number());
    line->set_title(t.title());
    line->set_section_ordinal(t.section_ordinal());
    line->set_primary_lead(PrimaryLead(t));
    line->set_status(tpb::TASK_STATUS_NOT_STARTED);
    for (const ModelReport& r : reports) {  // The latest as of the cut-off, of any item.
      if (r.day > end) continue;
      line->set_status(r.report.status());
      line->set_percent_complete(r.report.percent_complete());
      line->set_summary(r.report.summary());
      *line->mutable_last_report_date() = ToProtoDate(r.day);
      if (r.day >= start && (!r.report.difficulties().empty() || !r.report.proposals().empty())) {
        pb::Difficulty* d = report.add_difficulties();
        d->set_task(t.name());
        d->set_unit(r.report.reporting_unit());
        *d->mutable_date() = ToProtoDate(r.day);
        d->set_difficulties(r.report.difficulties());
        d->set_proposals(r.report.proposals());
        if (!r.report.difficulties().empty()) unit(r.report.reporting_unit()).add_difficulties(r.report.difficulties());
      }
    }
    // The reports that speak for each item, found once for its outcome and its missing reports.
    std::vector<std::vector<const ModelReport*>> speaking;
    if (mt.occurrences.empty()) {
      speaking.push_back(ReportsFor(reports, "", end));
      *line->add_items() = Judge(t.name(), nullptr, speaking.back(), end);
    }
    for (const ModelOccurrence& o : mt.occurrences) {
      speaking.push_back(ReportsFor(reports, o.name, end));
      *line->add_items() = Judge(t.name(), &o, speaking.back(), end);
    }
    const std::string lead = PrimaryLead(t);
    const std::vector<std::string> participants = ParticipatingUnits(t);
    if (!lead.empty()) unit(lead).add_led_tasks(t.name());
    for (const std::string& u : participants) unit(u).add_participating_tasks(t.name());
    for (int i = 0; i < line->items_size(); ++i) {
      const pb::CountedItem& item = line->items(i);
      Count(item.outcome(), report.mutable_totals());
      Count(item.outcome(), sections[t.section_ordinal()].mutable_counts());
      if (!lead.empty()) Count(item.outcome(), unit(lead).mutable_led());
      for (const std::string& u : participants) Count(item.outcome(), unit(u).mutable_participating());
      // An obligation due in the window, still open, that a lead unit did not report
      // on within the window (a report of months ago does not answer this one).
      if (!item.has_due_date() || CivilDayOf(item.due_date()) < start || CivilDayOf(item.due_date()) > end) continue;
      if (IsCompleted(item.outcome()) || item.outcome() == pb::OUTCOME_CANCELLED) continue;
      for (const auto& [lead_unit, answering] : LeadsAndWhoAnswers(t)) {
        bool reported = false;
        for (const ModelReport* r : speaking[i]) {
          reported |= r->day >= start && answering.contains(r->report.reporting_unit());
        }
        if (reported) continue;
        pb::MissingReport* missing = report.add_missing_reports();
        missing->set_unit(lead_unit);
        missing->set_task(t.name());
        missing->set_occurrence(item.occurrence());
        *missing->mutable_due_date() = item.due_date();
      }
    }
    auto ms = model.measurements.find(t.number());
    for (int i = 0; i < t.targets_size(); ++i) {
      *report.add_targets() =
          TargetLineOf(t.targets(i), i + 1, ms == model.measurements.end() ? kNoMeasurements : ms->second, end);
    }
  }
  for (auto& [ordinal, s] : sections) *report.add_sections() = std::move(s);
  for (auto& [name, u] : units) *report.add_units() = std::move(u);

  if (previous != nullptr) {
    report.set_previous_report(previous->name());
    std::map<std::pair<std::string, std::string>, pb::Outcome> before;
    for (const pb::TaskLine& l : previous->tasks()) {
      for (const pb::CountedItem& i : l.items()) before[{i.task(), i.occurrence()}] = i.outcome();
    }
    for (const pb::TaskLine& l : report.tasks()) {
      for (const pb::CountedItem& i : l.items()) {
        auto was = before.find({i.task(), i.occurrence()});
        const pb::Outcome prior = was == before.end() ? pb::OUTCOME_UNSPECIFIED : was->second;
        const bool newly_completed = IsCompleted(i.outcome()) && !IsCompleted(prior);
        const bool newly_overdue = i.outcome() == pb::OUTCOME_OVERDUE && prior != pb::OUTCOME_OVERDUE;
        if (!newly_completed && !newly_overdue) continue;
        pb::Change* c = report.add_changes();
        c->set_task(i.task());
        c->set_occurrence(i.occurrence());
        c->set_previous(prior);
        c->set_current(i.outcome());
      }
    }
  }
  return report;
}

}  // namespace p06::reporting
