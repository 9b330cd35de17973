#include "services/gateway/aggregate/fan_out.h"

#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "services/gateway/http/error_body.h"

namespace p06::gateway {

void FanOut::Run(std::string part, std::string backend, std::function<grpc::Status(const FanOut&)> fn) {
  parts_.push_back(std::make_unique<Part>(Part{std::move(part), std::move(backend), grpc::Status::OK}));
  Part* p = parts_.back().get();
  threads_.emplace_back([this, p, fn = std::move(fn)] { p->status = fn(*this); });
}

std::unique_ptr<grpc::ClientContext> FanOut::NewContext() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  // No budget of its own: the page's deadline, already the earlier of its budget and
  // the caller's.
  PrepareClientContext(*ctx, absl::InfiniteDuration(), {.request_id = request_id_, .deadline = deadline_});
  AttachPrincipal(*ctx, caller_);
  return ctx;
}

std::vector<dashboard::v1::MissingPart> FanOut::Wait() {
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  std::vector<dashboard::v1::MissingPart> missing;
  for (const auto& p : parts_) {
    if (p->status.ok()) continue;
    dashboard::v1::MissingPart m;
    m.set_part(p->name);
    m.set_backend(p->backend);
    m.set_code(CodeName(p->status.error_code()));
    m.set_message(p->status.error_message());
    missing.push_back(std::move(m));
  }
  return missing;
}

grpc::Status FanOut::StatusOf(const std::string& part) const {
  for (const auto& p : parts_) {
    if (p->name == part) return p->status;
  }
  return grpc::Status::OK;
}

}  // namespace p06::gateway
