// Calls to several services at once under one deadline, for the gateway's aggregate
// pages. Each part runs on its own thread with its own calls; a part that fails is
// recorded (which part, which service, the code) instead of failing the whole, so an
// answer can still come with that part marked missing. Every call made through
// NewContext() carries the caller's principal, the request id and the shared deadline,
// so Wait() returns by the deadline whatever the services do.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/grpc/principal.h"
#include "p06/dashboard/v1/dashboard.pb.h"

namespace p06::gateway {

class FanOut {
 public:
  FanOut(Principal caller, std::string request_id, absl::Time deadline)
      : caller_(std::move(caller)), request_id_(std::move(request_id)), deadline_(deadline) {}
  ~FanOut() { Wait(); }
  FanOut(const FanOut&) = delete;
  FanOut& operator=(const FanOut&) = delete;

  // Starts `part` (named as in the answer's `missing`) against `backend` (a full
  // service name). `fn` must write only to state of its own.
  void Run(std::string part, std::string backend, std::function<grpc::Status(const FanOut&)> fn);

  // A context for one call of a part: principal, request id, the shared deadline.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  // Joins every part; the parts that failed, in the order they were started.
  std::vector<dashboard::v1::MissingPart> Wait();

  // The failure of `part`, or OK. After Wait().
  grpc::Status StatusOf(const std::string& part) const;

 private:
  struct Part {
    std::string name, backend;
    grpc::Status status;
  };
  const Principal caller_;
  const std::string request_id_;
  const absl::Time deadline_;
  std::vector<std::unique_ptr<Part>> parts_;
  std::vector<std::thread> threads_;
};

}  // namespace p06::gateway
