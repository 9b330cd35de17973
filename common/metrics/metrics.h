// Prometheus metrics for one service: a registry, its HTTP exposer (GET /metrics on the
// service's metrics port) and the build-info gauge.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace p06::metrics {

class MetricsServer {
 public:
  // Serves the registry on `host:port` (port 0 picks a free one; see port()).
  // UNAVAILABLE when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& host, int port,
                                                              const std::string& service);
  ~MetricsServer();

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  int port() const;

 private:
  MetricsServer() = default;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// Adds p06_build_info{service,version,revision} = 1 to `registry`.
void RegisterBuildInfo(prometheus::Registry& registry, const std::string& service);

}  // namespace p06::metrics
