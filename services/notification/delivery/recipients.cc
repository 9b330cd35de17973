#include "services/notification/delivery/recipients.h"

#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "common/grpc/status_mapping.h"

namespace p06::notification {
namespace {

constexpr absl::Duration kCallTimeout = absl::Seconds(5);

void Prepare(grpc::ClientContext& ctx) {
  PrepareClientContext(ctx, kCallTimeout, "notification-recipients");
  AttachPrincipal(ctx, ServicePrincipal("notification"));
}

}  // namespace

DirectoryRecipients::DirectoryRecipients(std::shared_ptr<grpc::Channel> directory, absl::Duration cache_for)
    : stub_(dpb::DirectoryService::NewStub(std::move(directory))), cache_for_(cache_for) {}

absl::StatusOr<UnitRecipient> DirectoryRecipients::Unit(const std::string& name) {
  const absl::Time now = absl::Now();  // Cache age is wall time, whatever the service's (injected) clock says.
  {
    std::lock_guard lock(mu_);
    if (auto it = units_.find(name); it != units_.end() && now - it->second.first < cache_for_) {
      return it->second.second;
    }
  }
  UnitRecipient out;
  {
    grpc::ClientContext ctx;
    Prepare(ctx);
    dpb::GetUnitRequest request;
    request.set_name(name);
    dpb::Unit unit;
    if (grpc::Status s = stub_->GetUnit(&ctx, request, &unit); !s.ok()) return FromGrpcStatus(s);
    out.name = unit.name();
    out.display_name = unit.display_name();
    out.active = unit.state() == dpb::UNIT_STATE_ACTIVE;
    out.successors.assign(unit.successors().begin(), unit.successors().end());
    out.endpoints.assign(unit.notification_endpoints().begin(), unit.notification_endpoints().end());
  }
  dpb::ListContactsRequest contacts;
  contacts.set_parent(name);
  contacts.set_page_size(100);
  do {
    grpc::ClientContext ctx;
    Prepare(ctx);
    dpb::ListContactsResponse page;
    if (grpc::Status s = stub_->ListContacts(&ctx, contacts, &page); !s.ok()) return FromGrpcStatus(s);
    out.contacts.insert(out.contacts.end(), page.contacts().begin(), page.contacts().end());
    contacts.set_page_token(page.next_page_token());
  } while (!contacts.page_token().empty());
  std::lock_guard lock(mu_);
  units_[name] = {now, out};
  return out;
}

absl::StatusOr<std::vector<std::string>> DirectoryRecipients::Members(const std::string& group) {
  const absl::Time now = absl::Now();
  {
    std::lock_guard lock(mu_);
    if (auto it = groups_.find(group); it != groups_.end() && now - it->second.first < cache_for_) {
      return it->second.second;
    }
  }
  grpc::ClientContext ctx;
  Prepare(ctx);
  dpb::GetGroupRequest request;
  request.set_name(group);
  dpb::Group g;
  if (grpc::Status s = stub_->GetGroup(&ctx, request, &g); !s.ok()) return FromGrpcStatus(s);
  std::vector<std::string> members(g.members().begin(), g.members().end());
  std::lock_guard lock(mu_);
  groups_[group] = {now, members};
  return members;
}

}  // namespace p06::notification
