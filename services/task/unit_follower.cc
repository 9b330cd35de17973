#include "services/task/unit_follower.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/log/log.h"
#include "services/task/plan_import.h"

namespace p06::task {
namespace {

namespace dpb = ::p06::directory::v1;

// Asks the directory for each name once per pass and days: a plan's cells are asked
// in one call up front; the parts of compound cells and names retried as of today
// are asked as they come, once each.
class MemoResolver final : public UnitResolver {
 public:
  explicit MemoResolver(UnitResolver& directory) : directory_(directory) {}

  absl::StatusOr<std::vector<dpb::Resolution>> Resolve(const std::vector<std::string>& names,
                                                       const ResolutionDays& days,
                                                       const IncomingCall& call) override {
    std::vector<std::string> missing;
    std::set<std::string> asked;
    for (const std::string& n : names) {
      if (!known_.contains(Key(n, days)) && asked.insert(n).second) missing.push_back(n);
    }
    if (!missing.empty()) {
      ASSIGN_OR_RETURN(std::vector<dpb::Resolution> answers, directory_.Resolve(missing, days, call));
      if (answers.size() != missing.size()) return absl::UnavailableError("directory: an answer per name expected");
      for (size_t i = 0; i < missing.size(); ++i) known_[Key(missing[i], days)] = std::move(answers[i]);
    }
    std::vector<dpb::Resolution> out;
    for (const std::string& n : names) out.push_back(known_.at(Key(n, days)));
    return out;
  }

 private:
  using DayKey = std::tuple<std::string, absl::CivilDay, absl::CivilDay>;
  static DayKey Key(const std::string& name, const ResolutionDays& days) { return {name, days.as_of, days.follow_to}; }

  UnitResolver& directory_;
  std::map<DayKey, dpb::Resolution> known_;
};

// Every task of a plan that is not removed, in number order.
absl::StatusOr<std::vector<pb::Task>> TasksOf(TaskStore& store, const std::string& plan_id, absl::CivilDay today) {
  std::vector<pb::Task> tasks;
  TaskQuery q{.plan_id = plan_id, .limit = 500, .today = today};
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<RankedTask> page, store.ListTasks(q));
    for (RankedTask& t : page) tasks.push_back(std::move(t.row));
    if (static_cast<int>(page.size()) < q.limit) return tasks;
    q.after_rank = page.back().rank;
    q.after_number = page.back().row.number();
  }
}

// The units of the refs of `text` among `refs`.
std::set<std::string> UnitsOfText(const google::protobuf::RepeatedPtrField<pb::UnitRef>& refs, const std::string& text) {
  std::set<std::string> units;
  for (const pb::UnitRef& ref : refs) {
    if (ref.text() == text && !ref.unit().empty()) units.insert(ref.unit());
  }
  return units;
}

}  // namespace

absl::StatusOr<std::optional<TaskDraft>> FollowedUnits(const pb::Task& stored, int plan_year, UnitResolver& resolver,
                                                       const ResolutionDays& days, const IncomingCall& call) {
  TaskDraft draft;
  draft.task = stored;
  ClearDerivedFields(draft.task);
  const std::vector<std::string> lead = CellTexts(stored.lead_units());
  const std::vector<std::string> coordinating = CellTexts(stored.coordinating_units());
  ASSIGN_OR_RETURN(UnresolvedNames unknown, ResolveTaskUnits(resolver, days, /*typed=*/{}, call, lead, coordinating,
                                                             draft));
  std::vector<std::string> names = lead;
  names.insert(names.end(), coordinating.begin(), coordinating.end());
  ASSIGN_OR_RETURN(std::vector<dpb::Resolution> whole, resolver.Resolve(names, days, call));
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    const bool is_lead = i < lead.size();
    const auto& before = is_lead ? stored.lead_units() : stored.coordinating_units();
    const std::set<std::string> had = UnitsOfText(before, n);
    if (had.empty()) continue;  // Nothing to lose.
    const std::vector<std::string>& unresolved = is_lead ? unknown.lead : unknown.coordinating;
    if (std::find(unresolved.begin(), unresolved.end(), n) != unresolved.end()) return std::optional<TaskDraft>();
    const auto& after = is_lead ? draft.task.lead_units() : draft.task.coordinating_units();
    if (whole[i].match_kind() == dpb::MATCH_KIND_FUZZY && UnitsOfText(after, n) != had) {
      return std::optional<TaskDraft>();
    }
  }
  CompleteDraft(draft, plan_year);
  return std::optional<TaskDraft>(std::move(draft));
}

UnitFollower::UnitFollower(TaskStore& store, TaskCache& cache, UnitResolver& resolver, const Clock& clock,
                           absl::Duration every, FollowCounters counters)
    : store_(store), cache_(cache), resolver_(resolver), clock_(clock), every_(every), counters_(counters) {}

UnitFollower::~UnitFollower() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

void UnitFollower::Stop() {
  {
    std::lock_guard lock(mu_);  // Set under the lock, so that Run's wait cannot miss it.
    stop_ = true;
  }
  wake_.notify_one();
}

void UnitFollower::Start() {
  if (every_ > absl::ZeroDuration()) thread_ = std::thread([this] { Run(); });
}

absl::StatusOr<FollowPass> UnitFollower::Follow() {
  const absl::CivilDay today = TodayInVietnam(clock_);
  // The events' request id says why the tasks changed, and when.
  const std::string request_id = absl::StrCat("units-followed-", FormatIsoDate(today));
  const IncomingCall call{.request_id = request_id};
  FollowPass pass;
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<pb::Plan> plans, store_.ListPlans(/*year=*/0, after, 100));
    for (const pb::Plan& plan : plans) {
      const std::string plan_id = LastSegment(plan.name());
      const ResolutionDays days = PlanResolutionDays(plan, today);
      ASSIGN_OR_RETURN(std::vector<pb::Task> tasks, TasksOf(store_, plan_id, today));
      MemoResolver memo(resolver_);
      std::vector<std::string> names;
      for (const pb::Task& t : tasks) {
        for (const auto* refs : {&t.lead_units(), &t.coordinating_units()}) {
          for (const std::string& n : CellTexts(*refs)) names.push_back(n);
        }
      }
      RETURN_IF_ERROR(memo.Resolve(names, days, call).status());  // The plan's cells in one call.
      for (const pb::Task& t : tasks) {
        if (stop_) return absl::UnavailableError("the task service is stopping");
        ++pass.tasks_read;
        ASSIGN_OR_RETURN(std::optional<TaskDraft> draft, FollowedUnits(t, plan.year(), memo, days, call));
        if (!draft) {
          ++pass.tasks_kept;
          counters_.kept.Increment();
          log::Warning("task kept under its stored units: a name it has a unit for is unknown to the directory now, "
                       "or matches other units only by a guess",
                       {{"task", t.name()}});
          continue;
        }
        absl::StatusOr<bool> wrote = store_.FollowTaskUnits(plan_id, *draft, t.etag(), today, request_id);
        if (absl::IsAborted(wrote.status()) || absl::IsNotFound(wrote.status())) continue;  // Changed meanwhile.
        if (absl::IsUnavailable(wrote.status())) return wrote.status();
        if (!wrote.ok()) {  // This task's own trouble: the others go on.
          ++pass.tasks_failed;
          log::Error("task units not followed", {{"task", t.name()}, {"error", wrote.status().ToString()}});
          continue;
        }
        if (*wrote) {
          ++pass.tasks_followed;
          counters_.followed.Increment();
          cache_.Invalidate(t.name());
        }
      }
    }
    if (plans.size() < 100) return pass;
    after = LastSegment(plans.back().name());
  }
}

void UnitFollower::Run() {
  absl::Duration wait = std::min(every_, absl::Minutes(1));
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, absl::ToChronoNanoseconds(wait), [&] { return stop_.load(); })) {
    lock.unlock();
    absl::StatusOr<FollowPass> pass = Follow();
    if (!pass.ok()) {
      log::Warning("task units not followed; trying again in a minute", {{"error", pass.status().ToString()}});
      wait = std::min(every_, absl::Minutes(1));
    } else {
      if (pass->tasks_followed > 0 || pass->tasks_kept > 0 || pass->tasks_failed > 0) {
        log::Info("task units followed", {{"tasks", std::to_string(pass->tasks_read)},
                                          {"followed", std::to_string(pass->tasks_followed)},
                                          {"kept", std::to_string(pass->tasks_kept)},
                                          {"failed", std::to_string(pass->tasks_failed)}});
      }
      wait = every_;
    }
    lock.lock();
  }
}

}  // namespace p06::task
