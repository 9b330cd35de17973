#include "services/directory/resolution/index_refresher.h"

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "common/log/log.h"
#include "services/directory/storage/pg_rows.h"

namespace p06::directory {
namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, std::atomic<bool>* notified)
      : pqxx::notification_receiver(conn, pg::kChannel), notified_(notified) {}
  void operator()(const std::string&, int) override { notified_->store(true); }

 private:
  std::atomic<bool>* notified_;
};

}  // namespace

IndexRefresher::IndexRefresher(DirectoryStore& store, std::string listen_conninfo, absl::Duration check_interval)
    : store_(store), conninfo_(std::move(listen_conninfo)), check_interval_(check_interval) {}

IndexRefresher::~IndexRefresher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::Status IndexRefresher::Start() {
  absl::Status status = Refresh();
  if (!status.ok()) return status;
  thread_ = std::thread([this] { Listen(); });
  return absl::OkStatus();
}

std::shared_ptr<const NameIndex> IndexRefresher::Current() const {
  std::lock_guard lock(mu_);
  return current_;
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
  log::Info("name index rebuilt", {{"revision", index->revision()}, {"units", static_cast<int64_t>(index->snapshot().units.size())}});
  std::lock_guard lock(mu_);
  current_ = std::move(index);
  return absl::OkStatus();
}

void IndexRefresher::Listen() {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<Receiver> receiver;
  std::atomic<bool> notified{false};
  absl::Time next_check = absl::Now() + check_interval_;
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stop_) {
    try {
      if (conn == nullptr) {
        conn = std::make_unique<pqxx::connection>(conninfo_);
        receiver = std::make_unique<Receiver>(*conn, &notified);
        notified = true;  // Changes made while we were away were not notified.
        backoff = absl::Milliseconds(100);
      }
      conn->await_notification(0, 200000);  // Wakes at least every 200 ms to see stop_.
      if (notified.exchange(false) || absl::Now() >= next_check) {
        next_check = absl::Now() + check_interval_;
        if (absl::Status s = Refresh(); !s.ok()) log::Warning("name index refresh failed", {{"error", s.ToString()}});
      }
    } catch (const std::exception& e) {
      log::Warning("directory change listener disconnected", {{"error", e.what()}});
      receiver.reset();
      conn.reset();
      for (absl::Time until = absl::Now() + backoff; !stop_ && absl::Now() < until;) {
        absl::SleepFor(absl::Milliseconds(50));
      }
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  }
  receiver.reset();
}

}  // namespace p06::directory
