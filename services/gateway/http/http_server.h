// The gateway's HTTP/1.1 server (Boost.Beast on asio): a few I/O threads serve every
// connection from one event loop, so an idle or slow connection holds no thread and a
// request costs one read and one write. The handler is called on an I/O thread and
// must not block there: it answers at once, from a gRPC completion, or from a worker
// thread it asked for with Blocking() (database writes, streams).
//
// Edge limits: a body over max_body_bytes is answered 413 as soon as its length is
// known; a request must arrive whole within io_timeout of its first byte (a slow
// client is cut off) and an answer be taken within io_timeout; a connection idle for
// keep_alive_timeout is closed; past max_connections a connection's request head is
// read (within two seconds, one for its first byte and one for the rest), answered 503
// and the connection closed a second after, and past twice
// max_connections a connection is closed at once, unanswered. `Expect: 100-continue` is answered once
// the head is accepted, so a client sends no body that would be refused. Every answer
// carries default_headers.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/gateway/http/http_message.h"

namespace p06::gateway {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port.
  size_t io_threads = 2;
  size_t worker_threads = 32;
  size_t max_body_bytes = 8 << 20;
  size_t max_header_bytes = 64 << 10;
  absl::Duration io_timeout = absl::Seconds(10);
  absl::Duration keep_alive_timeout = absl::Seconds(5);
  size_t max_connections = 256;
  HttpFields default_headers;
  // The server's own refusals: 400 (malformed or unframeable), 413 (body too large),
  // 431 (headers too large), 503 (too many connections, or stopping). The handler's
  // answers are its own.
  std::function<HttpResponse(int http_status)> refusal;
};

using HttpHandler = std::function<void(HttpRequest request, std::shared_ptr<HttpExchange> exchange)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O and worker threads.
  absl::Status Start();
  int port() const { return port_; }

  // Runs `work` on a worker thread, where it may block.
  void Blocking(std::function<void()> work);

  // Stops accepting and closes the connections that are between requests. A request
  // under way is still answered (one whose head arrives from now on, 503), with
  // `Connection: close`. Idempotent; Stop() begins with it.
  void StopAccepting();

  // StopAccepting, then waits for the workers' work to end (streams must have been
  // told to end) and for the connections to finish their answers, at most io_timeout
  // more; what is left then is cut off.
  void Stop();

  // Connections open now (for tests and metrics).
  size_t connections() const { return connections_.load(); }

 private:
  class Session;
  struct Loop;
  void Accept();
  static constexpr size_t kHardLimitFactor = 2;

  const HttpServerOptions options_;
  const HttpHandler handler_;
  std::atomic<size_t> connections_{0};  // Outlives the loop: sessions count themselves out.
  std::unique_ptr<Loop> loop_;
  std::vector<std::thread> io_threads_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace p06::gateway
