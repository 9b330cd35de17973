// Who a notice reaches, as the directory says when it fires: a unit's endpoints and
// contacts, a group's members. RecipientDirectory is the interface the firing logic
// depends on; DirectoryRecipients asks the directory service over gRPC, with a short
// cache (a burst of notices asks about the same units).
#pragma once

#include <grpcpp/channel.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "p06/directory/v1/directory.grpc.pb.h"

namespace p06::notification {

namespace dpb = ::p06::directory::v1;

struct UnitRecipient {
  std::string name;  // "units/{id}"
  std::string display_name;
  bool active = true;
  std::vector<std::string> successors;  // Of a merged, renamed or dissolved unit.
  std::vector<dpb::NotificationEndpoint> endpoints;
  std::vector<dpb::Contact> contacts;
};

class RecipientDirectory {
 public:
  virtual ~RecipientDirectory() = default;
  // NOT_FOUND for an unknown unit; UNAVAILABLE and others: try the batch later.
  virtual absl::StatusOr<UnitRecipient> Unit(const std::string& name) = 0;
  // "groups/{id}" → its member units.
  virtual absl::StatusOr<std::vector<std::string>> Members(const std::string& group) = 0;
};

class DirectoryRecipients final : public RecipientDirectory {
 public:
  explicit DirectoryRecipients(std::shared_ptr<grpc::Channel> directory, absl::Duration cache_for = absl::Seconds(30));
  absl::StatusOr<UnitRecipient> Unit(const std::string& name) override;
  absl::StatusOr<std::vector<std::string>> Members(const std::string& group) override;

 private:
  std::unique_ptr<dpb::DirectoryService::Stub> stub_;
  const absl::Duration cache_for_;
  std::mutex mu_;
  std::map<std::string, std::pair<absl::Time, UnitRecipient>> units_;                // Guarded by mu_.
  std::map<std::string, std::pair<absl::Time, std::vector<std::string>>> groups_;  // Guarded by mu_.
};

}  // namespace p06::notification
