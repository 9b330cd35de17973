// Storage of the directory: the interface the logic depends on. The PostgreSQL
// implementation is pg_directory_store.h; SQL lives only there.
#pragma once

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "p06/directory/v1/directory.pb.h"

namespace p06::directory {

namespace pb = ::p06::directory::v1;

struct UnitQuery {
  pb::UnitKind kind = pb::UNIT_KIND_UNSPECIFIED;
  std::string parent_id;                 // Direct children of this unit only.
  pb::ListUnitsRequest::Scope scope = pb::ListUnitsRequest::SCOPE_UNSPECIFIED;
  bool active_only = false;
  std::string folded_query;              // Substring of the folded names (text::Fold).
  std::string after_code;                // Keyset pagination: codes greater than this.
  int limit = 50;
};

// Every method is one transaction. Errors follow the RPC contracts in directory.proto.
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  // NOT_FOUND when no unit has this id.
  virtual absl::StatusOr<pb::Unit> GetUnit(absl::string_view unit_id) = 0;
  // Units in code order.
  virtual absl::StatusOr<std::vector<pb::Unit>> ListUnits(const UnitQuery& query) = 0;
  // Stores a validated unit. ALREADY_EXISTS (id or code), FAILED_PRECONDITION (parent).
  // With a request_id, a retry returns the first result.
  virtual absl::StatusOr<pb::Unit> CreateUnit(const pb::CreateUnitRequest& request,
                                              const std::string& search_text) = 0;
};

}  // namespace p06::directory
