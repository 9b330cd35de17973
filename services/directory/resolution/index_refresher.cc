#include "services/directory/resolution/index_refresher.h"

#include "common/log/log.h"

namespace p06::directory {

IndexRefresher::IndexRefresher(DirectoryStore& store, std::string listen_conninfo, absl::Duration check_interval)
    : store_(store), listener_(std::move(listen_conninfo), store.ChangeChannel(), check_interval, [this] {
        RefreshOrLog();
      }) {}

IndexRefresher::~IndexRefresher() = default;

absl::Status IndexRefresher::Start() {
  absl::Status status = Refresh();
  if (!status.ok()) return status;
  listener_.Start();
  return absl::OkStatus();
}
std::shared_ptr<const NameIndex> IndexRefresher::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

void IndexRefresher::RefreshOrLog() {
  if (absl::Status s = Refresh(); !s.ok()) log::Warning("name index refresh failed", {{"error", s.ToString()}});
}

absl::Status IndexRefresher::Refresh() {
  std::lock_guard refreshing(refresh_mu_);
  std::shared_ptr<const NameIndex> current = Current();
  if (current != nullptr) {
    absl::StatusOr<int64_t> revision = store_.Revision();
    if (!revision.ok()) return revision.status();
    if (*revision == current->revision()) return absl::OkStatus();
  }
  absl::StatusOr<DirectorySnapshot> snapshot = store_.LoadSnapshot();
  if (!snapshot.ok()) return snapshot.status();
  std::shared_ptr<const NameIndex> index = NameIndex::Build(std::move(*snapshot));
  log::Info("name index rebuilt",
            {{"revision", index->revision()}, {"units", static_cast<int64_t>(index->snapshot().units.size())}});
  std::lock_guard lock(mu_);
  current_ = std::move(index);
  return absl::OkStatus();
}

}  // namespace p06::directory
