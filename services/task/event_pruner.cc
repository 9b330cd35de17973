#include "services/task/event_pruner.h"

#include "common/log/log.h"

namespace p06::task {

EventPruner::~EventPruner() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void EventPruner::Start() {
  if (retention_ > absl::ZeroDuration()) thread_ = std::thread([this] { Run(); });
}

void EventPruner::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    absl::StatusOr<int64_t> pruned = store_.PruneEvents(retention_);
    if (!pruned.ok()) {
      log::Warning("events not pruned; trying again later", {{"error", pruned.status().ToString()}});
    } else if (*pruned > 0) {
      log::Info("events pruned",
                {{"count", std::to_string(*pruned)}, {"older_than", absl::FormatDuration(retention_)}});
    }
    lock.lock();
    wake_.wait_for(lock, absl::ToChronoNanoseconds(every_), [&] { return stop_; });
  }
}

}  // namespace p06::task
