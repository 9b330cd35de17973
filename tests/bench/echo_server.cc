// The baseline of tests/bench/h2load_bench.sh: a bare gRPC server, as small as gRPC
// allows. It serves only gRPC's default health service, so the load is
// /grpc.health.v1.Health/Check with an empty request (answered SERVING from memory):
// no database, no interceptor, no reflection, no metrics, every server option at its
// default. What the task server's GetTask costs beyond this is the suite's own.
//
//   p06-bench-echo --port=N     (N = 0 picks a free port)
//
// Prints "listening on 127.0.0.1:PORT" once it accepts calls, and serves until killed.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

int main(int argc, char** argv) {
  int port = -1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--port=", 7) == 0) port = std::atoi(argv[i] + 7);
  }
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "usage: %s --port=N\n", argv[0]);
    return 2;
  }

  // The server adds the default health service when it starts, if this is set; it
  // answers SERVING for "" (the whole server) from the start. In gRPC 1.51 it is a
  // callback service.
  grpc::EnableDefaultHealthCheckService(true);
  // BuildAndStart refuses a server with no service of its own ("At least one of the
  // completion queues must be frequently polled"): the health service is added only
  // later. A callback generic service is the least that satisfies it: its default
  // reactor answers every other method UNIMPLEMENTED, as any gRPC server does. (The
  // in-process bare server of task_bench.cc gets past this only because the
  // reflection plugin, installed process-wide by p06::Server, adds reflection to it.)
  grpc::CallbackGenericService unimplemented;
  int bound = 0;
  std::unique_ptr<grpc::Server> server =
      grpc::ServerBuilder()
          .AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(), &bound)
          .RegisterCallbackGenericService(&unimplemented)
          .BuildAndStart();
  if (server == nullptr || bound == 0) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("listening on 127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  server->Wait();  // Until SIGTERM or SIGINT ends the process: it holds no state.
  return 0;
}
