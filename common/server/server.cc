#include "common/server/server.h"

#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/server_interceptor.h"

namespace p06 {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                                      const std::vector<NamedService>& services,
                                                      prometheus::Registry& registry) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<Server> server(new Server());
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat(options.host, ":", options.port), grpc::InsecureServerCredentials(),
                           &server->port_);
  if (options.secure_credentials != nullptr) {
    builder.AddListeningPort(absl::StrCat(options.host, ":", options.secure_port), options.secure_credentials,
                             &server->secure_port_);
  }
  if (options.generic_service != nullptr) builder.RegisterCallbackGenericService(options.generic_service);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // Keepalive: ping idle connections so that dead peers are noticed, and let clients
  // ping every 10 s at most without being disconnected for it.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  // Handlers block on the database; gRPC then starts a thread to keep polling and
  // ends it when idle again, a thread per call under load (seen in profiles as
  // clone and munmap). Keep up to 64 idle pollers instead.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
  for (const NamedService& s : services) {
    builder.RegisterService(s.service);
    server->names_.push_back(s.name);
  }

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  std::vector<std::string> known = server->names_;
  known.insert(known.end(), options.generic_service_names.begin(), options.generic_service_names.end());
  interceptors.push_back(NewServerInterceptorFactory(registry, server->in_flight_, known));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("gRPC: cannot listen on ", options.host, ":", options.port));
  }
  if (options.secure_credentials != nullptr && server->secure_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("gRPC: cannot listen on ", options.host, ":", options.secure_port,
                                               " (TLS)"));
  }
  server->SetServing(true);
  return server;
}

void Server::SetServing(bool serving) {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  SetHealth(serving);
}

void Server::SetHealth(bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus(serving);
  for (const std::string& name : names_) health->SetServingStatus(name, serving);
}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

void Server::Shutdown(absl::Duration drain) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    // Never started (the port was taken: Start is returning that error): nothing to stop.
    if (server_ == nullptr) return;
    SetHealth(false);
  }
  const absl::Time deadline = absl::Now() + drain;
  // grpc::Server::Shutdown stops accepting at once, but then also waits for every
  // client to close its connection, which idle clients do not do until the deadline.
  // So: wait for the calls in flight here, then cancel what remains (nothing, unless
  // the deadline passed), which closes the idle connections too.
  std::thread stopper([&] { server_->Shutdown(absl::ToChronoTime(deadline)); });
  while (InFlight() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  grpc_server_cancel_all_calls(server_->c_server());
  stopper.join();
  server_->Wait();
}

}  // namespace p06
