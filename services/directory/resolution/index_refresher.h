// Keeps this replica's NameIndex current. Every committed change bumps the directory
// revision and NOTIFYs directory_changed; a listener thread rebuilds the index when
// notified. Notifications sent while the listener is disconnected are lost, so it also
// compares the revision every `check_interval` and after every reconnect.
//
// Thread-safe. Current() never blocks on the database.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/db/listener.h"
#include "services/directory/resolution/name_index.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

class IndexRefresher {
 public:
  // `listen_conninfo` opens the listener's own connection (LISTEN holds a session);
  // it listens on the store's ChangeChannel().
  IndexRefresher(DirectoryStore& store, std::string listen_conninfo, absl::Duration check_interval = absl::Seconds(5));
  ~IndexRefresher();

  // Builds the first index (so that the service starts with one) and starts the
  // listener thread. UNAVAILABLE if the database cannot be read.
  absl::Status Start();

  std::shared_ptr<const NameIndex> Current() const;

  // Rebuilds now if the revision moved; called after this replica's own changes so
  // that it reads its writes.
  absl::Status Refresh();

  // Passes on the result of a write, refreshing first when it committed: this
  // replica reads its own writes at once. A failed rebuild is logged, not returned
  // (the change is committed either way; the listener retries).
  template <typename T>
  absl::StatusOr<T> AfterWrite(absl::StatusOr<T> result) {
    if (result.ok()) RefreshOrLog();
    return result;
  }

 private:
  void RefreshOrLog();

  DirectoryStore& store_;
  mutable std::mutex mu_;
  std::shared_ptr<const NameIndex> current_;
  std::mutex refresh_mu_;  // One rebuild at a time.
  db::Listener listener_;  // Last: stops before the rest is destroyed.
};

}  // namespace p06::directory
