// Runs one of the suite's service binaries as a real process for end-to-end tests:
// free ports, the given database, output in a log file, and a wait until its
// grpc.health.v1 check says SERVING.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/harness/subprocess.h"

namespace p06::testing {

class ServiceProcess {
 public:
  // Starts `binary` with --database_url and free gRPC and metrics ports plus `flags`;
  // waits up to `ready_timeout` for SERVING.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(const std::string& binary,
                                                               const std::string& database_url,
                                                               std::vector<std::string> flags = {},
                                                               absl::Duration ready_timeout = absl::Seconds(30));
  std::string target() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  int metrics_port() const { return metrics_port_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  Subprocess& process() { return *process_; }
  // Everything the service logged so far.
  std::string Log() const;

 private:
  ServiceProcess() = default;
  std::unique_ptr<Subprocess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string log_file_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
};

// Polls grpc.health.v1 on `target` until SERVING or the timeout passes.
absl::Status WaitForServing(const std::string& target, absl::Duration timeout);

// A plain HTTP/1.0 GET on 127.0.0.1:port; returns the body of a 200 response.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

}  // namespace p06::testing
