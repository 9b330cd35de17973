#include "services/p06ctl/continuations.h"

#include <iostream>

#include "absl/strings/str_format.h"
#include "p06/task/v1/task.grpc.pb.h"

namespace p06::ctl {

namespace tpb = ::p06::task::v1;

namespace {

void Print(const tpb::Continuation& c) {
  std::cout << c.task() << "\t" << (c.previous_task().empty() ? "(none)" : c.previous_task()) << "\t"
            << absl::StrFormat("%.2f", c.score()) << "\t" << (c.confirmed() ? "confirmed" : "suggested") << "\t"
            << c.previous_title() << "\n";
}

}  // namespace

int ListContinuations(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                      const std::string& plan) {
  tpb::ListContinuationsRequest request;
  request.set_parent(plan);
  grpc::ClientContext ctx;
  Prepare(ctx, options);
  tpb::ListContinuationsResponse response;
  grpc::Status s = tpb::TaskService::NewStub(channel)->ListContinuations(&ctx, request, &response);
  if (!s.ok()) return Fail(s);
  for (const tpb::Continuation& c : response.continuations()) Print(c);
  return 0;
}

int ConfirmContinuation(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                        const std::string& task, const std::string& previous) {
  tpb::ConfirmContinuationRequest request;
  request.set_task(task);
  request.set_previous_task(previous);
  grpc::ClientContext ctx;
  Prepare(ctx, options);  // Confirming again says the same: no request id needed.
  tpb::Continuation response;
  grpc::Status s = tpb::TaskService::NewStub(channel)->ConfirmContinuation(&ctx, request, &response);
  if (!s.ok()) return Fail(s);
  Print(response);
  return 0;
}

}  // namespace p06::ctl
