// p06ctl's commands for tasks that continue last year's plan.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "services/p06ctl/call.h"

namespace p06::ctl {

// `p06ctl continuations --plan=plans/ID`: each task's suggested or confirmed
// predecessor in the previous year's plan, with its score.
int ListContinuations(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                      const std::string& plan);

// `p06ctl continuations confirm --task=plans/ID/tasks/N [--previous=plans/ID/tasks/M]`:
// the Office's word (no --previous: it continues none).
int ConfirmContinuation(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                        const std::string& task, const std::string& previous);

}  // namespace p06::ctl
