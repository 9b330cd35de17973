#include "services/task/task_cache.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace p06::task {
namespace {

// "plans/p/tasks/7/progress/12" → "plans/p/tasks/7"; other resources → "".
std::string TaskOf(const std::string& resource) {
  size_t tasks = resource.find("/tasks/");
  if (tasks == std::string::npos) return "";
  size_t end = resource.find('/', tasks + 7);
  return resource.substr(0, end);
}

// The key of a task's record: its resource name.
std::string NameOf(const std::string& plan_id, int number) { return absl::StrCat("plans/", plan_id, "/tasks/", number); }

}  // namespace

TaskCache::~TaskCache() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::Status TaskCache::Start() {
  absl::StatusOr<EventPosition> head = store_.StreamHead();
  if (!head.ok()) return head.status();
  applied_ = *head;
  thread_ = std::thread([this] { Follow(); });
  return absl::OkStatus();
}

absl::StatusOr<TaskRecord> TaskCache::Get(const std::string& plan_id, int number) {
  const std::string name = NameOf(plan_id, number);
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    auto it = records_.find(name);
    if (it != records_.end()) return it->second;
    generation = generation_;
  }
  absl::StatusOr<TaskRecord> loaded = store_.GetTask(plan_id, number);
  if (loaded.ok()) {
    std::lock_guard lock(mu_);
    if (generation_ == generation) records_[name] = *loaded;  // Else it may already be stale.
  }
  return loaded;
}

std::optional<TaskRecord> TaskCache::Find(const std::string& plan_id, int number) {
  const std::string name = NameOf(plan_id, number);
  std::lock_guard lock(mu_);
  auto it = records_.find(name);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

void TaskCache::Invalidate(const std::string& resource) {
  const std::string task = TaskOf(resource);
  std::lock_guard lock(mu_);
  ++generation_;
  if (task.empty()) {
    records_.clear();  // A plan-level event: be safe.
  } else {
    records_.erase(task);
  }
}

void TaskCache::Clear() {
  std::lock_guard lock(mu_);
  ++generation_;
  records_.clear();
}

void TaskCache::Follow() {
  while (!stop_) {
    const uint64_t seen = events_.Generation();
    absl::StatusOr<EventBatch> events = store_.ReadEvents(applied_, 1000);
    if (!events.ok()) {
      // Without the outbox, nothing cached can be trusted to be current.
      log::Warning("task cache cannot follow events; cleared", {{"error", events.status().ToString()}});
      if (absl::IsOutOfRange(events.status())) {
        // Behind what the outbox keeps: follow from its head (taken before the
        // records are dropped, so that nothing loaded after goes unwatched).
        if (absl::StatusOr<EventPosition> head = store_.StreamHead(); head.ok()) applied_ = *head;
      }
      Clear();
      events_.WaitChanged(seen, absl::Seconds(1));
      continue;
    }
    for (const pb::Event& e : events->events) Invalidate(e.resource());
    applied_ = events->last;
    if (!events->events.empty()) continue;
    events_.WaitToReadAgain(seen, events->held_back, [this] { return stop_.load(); });
    if (events_.Stopped()) {
      for (int i = 0; i < 4 && !stop_; ++i) absl::SleepFor(absl::Milliseconds(50));
    }
  }
}

}  // namespace p06::task
