#include "common/metrics/metrics.h"

#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"

#ifndef P06_VERSION
#define P06_VERSION "dev"
#endif
#ifndef P06_REVISION
#define P06_REVISION "unknown"
#endif

namespace p06::metrics {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host, int port,
                                                                    const std::string& service) {
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->registry_ = std::make_shared<prometheus::Registry>();
  RegisterBuildInfo(*server->registry_, service);
  try {
    server->exposer_ = std::make_unique<prometheus::Exposer>(absl::StrCat(host, ":", port));
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("metrics: cannot listen on ", host, ":", port, ": ", e.what()));
  }
  server->exposer_->RegisterCollectable(server->registry_);
  return server;
}

MetricsServer::~MetricsServer() = default;

int MetricsServer::port() const {
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void RegisterBuildInfo(prometheus::Registry& registry, const std::string& service) {
  prometheus::BuildGauge()
      .Name("p06_build_info")
      .Help("Always 1; labels name the running build.")
      .Register(registry)
      .Add({{"service", service}, {"version", P06_VERSION}, {"revision", P06_REVISION}})
      .Set(1);
}

}  // namespace p06::metrics
