// The gateway binary: REST/JSON on --http_port, its own gRPC service on --grpc_port.
// See README.md for flags and ports.
#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "common/server/run_service.h"
#include "services/gateway/gateway_bundle.h"

ABSL_FLAG(int, http_port, 8080, "REST/JSON port.");
ABSL_FLAG(std::string, jwks_file, "", "The token issuer's public keys, a JWKS file (required).");
ABSL_FLAG(std::string, jwt_issuer, "", "The tokens' required \"iss\" (required).");
ABSL_FLAG(std::string, jwt_audience, "p06", "The audience tokens must name in \"aud\".");
ABSL_FLAG(std::string, directory_target, "127.0.0.1:7101", "host:port of the directory service.");
ABSL_FLAG(std::string, task_target, "127.0.0.1:7102", "host:port of the task service.");
ABSL_FLAG(std::string, reporting_target, "127.0.0.1:7103", "host:port of the reporting service.");
ABSL_FLAG(std::string, notification_target, "127.0.0.1:7104", "host:port of the notification service.");
ABSL_FLAG(double, rate_limit, 50, "Requests per second per principal (0: no limit).");
ABSL_FLAG(double, rate_burst, 100, "Requests a principal may send at once above the rate.");
ABSL_FLAG(std::string, cors_origins, "", "Comma-separated origins allowed to call from a browser.");
ABSL_FLAG(int, http_io_threads, 2, "Threads reading requests and writing answers, for every connection.");
ABSL_FLAG(int, http_threads, 32, "Worker threads: audited mutations and refusals, and streams, at once.");
ABSL_FLAG(int, http_max_connections, 256, "Connections held at once; beyond, 503 and close.");
ABSL_FLAG(absl::Duration, backend_timeout, absl::Seconds(10), "Deadline of every call to a service.");
ABSL_FLAG(absl::Duration, http_io_timeout, absl::Seconds(10), "Longest stall reading a request or writing an answer.");
ABSL_FLAG(int, max_body_bytes, 8 << 20, "Largest request body; beyond, 413.");
ABSL_FLAG(int, sse_max_streams, 16, "Server-Sent Event streams open at once (each holds a worker thread); beyond, 503.");
ABSL_FLAG(int, sse_max_streams_per_principal, 4, "Of those, held by one principal at once; beyond, 429.");
ABSL_FLAG(absl::Duration, sse_max_duration, absl::Minutes(10),
          "Longest a Server-Sent Event stream stays open; then it ends and the client resumes.");
ABSL_FLAG(absl::Duration, sse_heartbeat, absl::Seconds(15),
          "Longest silence on a Server-Sent Event stream: then a comment is written (a gone client is noticed).");
ABSL_FLAG(int, tls_port, -1, "Mutual-TLS gRPC port for other ministry systems (-1: none; 7443 in deploy/run.sh).");
ABSL_FLAG(std::string, tls_cert_file, "", "With tls_port: the gateway's certificate chain (PEM).");
ABSL_FLAG(std::string, tls_key_file, "", "With tls_port: the gateway's private key (PEM).");
ABSL_FLAG(std::string, tls_client_ca_file, "", "With tls_port: the CA certificates client certificates must chain to.");
ABSL_FLAG(std::string, tls_client_principals_file, "",
          "With tls_port: client certificate subject -> principal and scopes (see proxy/client_principals.h).");
ABSL_FLAG(int, tls_max_streams, 64,
          "With tls_port: WatchEvents streams forwarded at once (each holds a backend stream, no thread); beyond, "
          "RESOURCE_EXHAUSTED.");
ABSL_FLAG(absl::Duration, page_timeout, absl::Seconds(3),
          "Longest an aggregate page (plan overview, unit page) waits for its services.");

int main(int argc, char** argv) {
  return p06::RunServiceMain(
      argc, argv,
      {.defaults = {"gateway", 7100, 9100},
       .migrations = GatewayMigrations(),
       .make_bundle = [](p06::ServiceContext& ctx) -> absl::StatusOr<std::unique_ptr<p06::ServiceBundle>> {
         p06::gateway::GatewayOptions o;
         o.rest.host = ctx.config.listen_host;
         o.rest.port = absl::GetFlag(FLAGS_http_port);
         o.rest.io_threads = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_http_io_threads)));
         o.rest.threads = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_http_threads)));
         o.rest.max_connections = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_http_max_connections)));
         o.rest.backend_timeout = absl::GetFlag(FLAGS_backend_timeout);
         o.rest.io_timeout = absl::GetFlag(FLAGS_http_io_timeout);
         o.rest.max_body_bytes = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_max_body_bytes)));
         o.rest.max_streams = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_sse_max_streams)));
         o.rest.max_streams_per_principal =
             static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_sse_max_streams_per_principal)));
         o.rest.stream_max_duration = absl::GetFlag(FLAGS_sse_max_duration);
         o.rest.stream_heartbeat = absl::GetFlag(FLAGS_sse_heartbeat);
         o.rest.cors_origins = absl::StrSplit(absl::GetFlag(FLAGS_cors_origins), ',', absl::SkipEmpty());
         o.jwks_file = absl::GetFlag(FLAGS_jwks_file);
         o.jwt.issuer = absl::GetFlag(FLAGS_jwt_issuer);
         o.jwt.audience = absl::GetFlag(FLAGS_jwt_audience);
         o.rate_per_second = absl::GetFlag(FLAGS_rate_limit);
         o.rate_burst = absl::GetFlag(FLAGS_rate_burst);
         o.page_timeout = absl::GetFlag(FLAGS_page_timeout);
         o.tls = {.port = absl::GetFlag(FLAGS_tls_port),
                  .cert_file = absl::GetFlag(FLAGS_tls_cert_file),
                  .key_file = absl::GetFlag(FLAGS_tls_key_file),
                  .client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file),
                  .client_principals_file = absl::GetFlag(FLAGS_tls_client_principals_file),
                  .max_streams = absl::GetFlag(FLAGS_tls_max_streams)};
         o.backends = {{"p06.directory.v1.DirectoryService", absl::GetFlag(FLAGS_directory_target)},
                       {"p06.task.v1.TaskService", absl::GetFlag(FLAGS_task_target)},
                       {"p06.reporting.v1.ReportingService", absl::GetFlag(FLAGS_reporting_target)},
                       {"p06.notification.v1.NotificationService", absl::GetFlag(FLAGS_notification_target)}};
         auto bundle = p06::gateway::GatewayBundle::Create(ctx, std::move(o));
         if (!bundle.ok()) return bundle.status();
         return std::unique_ptr<p06::ServiceBundle>(std::move(*bundle));
       }});
}
