#include "services/gateway/gateway_bundle.h"


#include "absl/strings/str_cat.h"
#include "common/base/file.h"
#include "common/base/invalid_field.h"
#include "common/base/status_macros.h"
#include "p06/dashboard/v1/dashboard.grpc.pb.h"
#include "p06/directory/v1/directory.grpc.pb.h"
#include "p06/notification/v1/notification.grpc.pb.h"
#include "p06/reporting/v1/reporting.grpc.pb.h"
#include "p06/task/v1/task.grpc.pb.h"
#include "services/gateway/routing/openapi.h"

namespace p06::gateway {
namespace {

// Typed stubs on the backends' channels, for the dashboard pages.
PageBackends PageBackendsOf(const Backends& b) {
  return {.directory = directory::v1::DirectoryService::NewStub(b.ChannelOf(directory::v1::DirectoryService::service_full_name())),
          .task = task::v1::TaskService::NewStub(b.ChannelOf(task::v1::TaskService::service_full_name())),
          .reporting = reporting::v1::ReportingService::NewStub(b.ChannelOf(reporting::v1::ReportingService::service_full_name())),
          .notification = notification::v1::NotificationService::NewStub(
              b.ChannelOf(notification::v1::NotificationService::service_full_name()))};
}

}  // namespace

std::vector<const google::protobuf::ServiceDescriptor*> FrontedServices() {
  // Through a message of each file: that also links the file's descriptors in.
  return {directory::v1::GetUnitRequest::descriptor()->file()->FindServiceByName("DirectoryService"),
          task::v1::GetTaskRequest::descriptor()->file()->FindServiceByName("TaskService"),
          reporting::v1::GetReportRequest::descriptor()->file()->FindServiceByName("ReportingService"),
          notification::v1::GetRuleRequest::descriptor()->file()->FindServiceByName("NotificationService"),
          pb::GetPrincipalRequest::descriptor()->file()->FindServiceByName("GatewayService"),
          dashboard::v1::GetPlanOverviewRequest::descriptor()->file()->FindServiceByName("DashboardService")};
}

absl::Status GatewayOptions::Validate() const {
  if (jwks_file.empty()) return InvalidField("jwks_file", "required: the token issuer's public keys (JWKS)");
  if (jwt.issuer.empty()) return InvalidField("jwt_issuer", "required");
  if (jwt.audience.empty()) return InvalidField("jwt_audience", "required");
  if (rest.port < 0 || rest.port > 65535) return InvalidField("http_port", "must be 0..65535");
  if (rest.threads < 1 || rest.threads > 1024) return InvalidField("http_threads", "must be 1..1024");
  if (rest.io_threads < 1 || rest.io_threads > 64) return InvalidField("http_io_threads", "must be 1..64");
  if (rest.max_connections < 1) return InvalidField("http_max_connections", "must be at least 1");
  if (rest.backend_timeout <= absl::ZeroDuration()) return InvalidField("backend_timeout", "must be positive");
  if (rest.max_streams >= rest.threads) {
    return InvalidField("sse_max_streams", "must be below http_threads: streams hold workers, mutations need some");
  }
  if (rest.stream_max_duration <= absl::ZeroDuration()) return InvalidField("sse_max_duration", "must be positive");
  if (rest.stream_heartbeat <= absl::ZeroDuration()) return InvalidField("sse_heartbeat", "must be positive");
  if (rate_per_second < 0 || rate_burst < 1) return InvalidField("rate_limit", "rate must be >= 0 and burst >= 1");
  if (page_timeout <= absl::ZeroDuration()) return InvalidField("page_timeout", "must be positive");
  if (tls.enabled()) {
    if (tls.port > 65535) return InvalidField("tls_port", "must be 0..65535");
    if (tls.max_streams < 1) return InvalidField("tls_max_streams", "must be at least 1");
    for (const auto& [name, value] : {std::pair{"tls_cert_file", &tls.cert_file}, {"tls_key_file", &tls.key_file},
                                      {"tls_client_ca_file", &tls.client_ca_file},
                                      {"tls_client_principals_file", &tls.client_principals_file}}) {
      if (value->empty()) return InvalidField(name, "required with tls_port");
    }
  }
  for (const char* service : {"p06.directory.v1.DirectoryService", "p06.task.v1.TaskService",
                              "p06.reporting.v1.ReportingService", "p06.notification.v1.NotificationService"}) {
    if (!backends.contains(service)) return InvalidField("backends", absl::StrCat(service, ": no target"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<GatewayBundle>> GatewayBundle::Create(ServiceContext& ctx, GatewayOptions options) {
  RETURN_IF_ERROR(options.Validate());
  absl::StatusOr<std::string> jwks = ReadFileToString(options.jwks_file);
  if (!jwks.ok()) return InvalidField("jwks_file", jwks.status().message());
  ASSIGN_OR_RETURN(std::unique_ptr<JwtVerifier> verifier, JwtVerifier::FromJwks(*jwks, options.jwt));
  ASSIGN_OR_RETURN(RouteTable route_table, RouteTable::Build(FrontedServices()));
  // The gateway's own RPCs go through the same door: over its own gRPC port.
  const std::string self = absl::StrCat(ctx.config.listen_host, ":", ctx.config.grpc_port);
  options.backends[pb::GatewayService::service_full_name()] = self;
  options.backends[dashboard::v1::DashboardService::service_full_name()] = self;
  std::unique_ptr<GatewayBundle> bundle(new GatewayBundle(ctx, std::move(options), std::move(route_table), std::move(verifier)));
  if (bundle->options_.tls.enabled()) RETURN_IF_ERROR(bundle->SetUpTls(ctx.metrics));
  RETURN_IF_ERROR(bundle->rest_->Start());
  return bundle;
}

GatewayBundle::GatewayBundle(ServiceContext& ctx, GatewayOptions options, RouteTable routes,
                             std::unique_ptr<JwtVerifier> jwt)
    : options_(std::move(options)),
      routes_(std::move(routes)),
      jwt_(std::move(jwt)),
      limiter_(options_.rate_per_second, options_.rate_burst),
      audit_(ctx.pool),
      backends_(options_.backends),
      grpc_(audit_, own_callers_),
      dashboard_(PageBackendsOf(backends_), ctx.clock, options_.page_timeout, own_callers_),
      rest_(std::make_unique<RestServer>(options_.rest, routes_, backends_, *jwt_, limiter_, audit_,
                                         OpenApiDocument(routes_, "1"), ctx.metrics)) {}

std::vector<NamedService> GatewayBundle::GrpcServices() {
  return {{pb::GatewayService::service_full_name(), &grpc_},
          {dashboard::v1::DashboardService::service_full_name(), &dashboard_}};
}

absl::Status GatewayBundle::SetUpTls(prometheus::Registry& metrics) {
  const TlsOptions& t = options_.tls;
  auto read = [](const char* field, const std::string& path) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> text = ReadFileToString(path);
    if (!text.ok()) return InvalidField(field, text.status().message());
    return text;
  };
  ASSIGN_OR_RETURN(std::string cert, read("tls_cert_file", t.cert_file));
  ASSIGN_OR_RETURN(std::string key, read("tls_key_file", t.key_file));
  ASSIGN_OR_RETURN(std::string ca, read("tls_client_ca_file", t.client_ca_file));
  ASSIGN_OR_RETURN(std::string principals_text, read("tls_client_principals_file", t.client_principals_file));
  absl::StatusOr<ClientPrincipals> principals = ClientPrincipals::Parse(principals_text);
  if (!principals.ok()) return InvalidField("tls_client_principals_file", principals.status().message());
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = ca;
  ssl.pem_key_cert_pairs.push_back({key, cert});
  tls_credentials_ = grpc::SslServerCredentials(ssl);
  proxy_ = std::make_unique<GrpcProxy>(routes_, backends_, *std::move(principals), audit_, limiter_,
                                       options_.rest.backend_timeout,
                                       options_.rest.stream_max_duration, options_.tls.max_streams,
                                       metrics);
  own_callers_.set_proxy(proxy_.get());
  return absl::OkStatus();
}

void GatewayBundle::ConfigureServer(ServerOptions& server) {
  if (proxy_ == nullptr) return;
  server.secure_port = options_.tls.port;
  server.secure_credentials = tls_credentials_;
  server.generic_service = proxy_.get();
  for (const auto& [service, target] : options_.backends) {
    if (service != pb::GatewayService::service_full_name() &&
        service != dashboard::v1::DashboardService::service_full_name()) {
      server.generic_service_names.push_back(service);
    }
  }
}

}  // namespace p06::gateway
