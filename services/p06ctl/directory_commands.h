// p06ctl's directory commands that change reference data.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "services/p06ctl/call.h"

namespace p06::ctl {

// `p06ctl directory import FILE [--dry_run]`: loads a reference data file
// (services/directory/reference_data/README.md). No request id is needed: a file
// already applied changes nothing, so running it again is harmless.
int ImportReferenceData(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                        const std::string& path, bool dry_run);

}  // namespace p06::ctl
