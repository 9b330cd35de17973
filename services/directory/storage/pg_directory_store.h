// DirectoryStore on PostgreSQL (schema "directory", see ../schema/).
#pragma once

#include "absl/strings/string_view.h"
#include "common/db/pool.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

class PgDirectoryStore final : public DirectoryStore {
 public:
  explicit PgDirectoryStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<pb::Unit> GetUnit(absl::string_view unit_id) override;
  absl::StatusOr<std::vector<pb::Unit>> ListUnits(const UnitQuery& query) override;
  absl::StatusOr<pb::Unit> CreateUnit(const pb::CreateUnitRequest& request,
                                      const std::string& search_text) override;

 private:
  db::Pool& pool_;
};

}  // namespace p06::directory
