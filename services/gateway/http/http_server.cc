#include "services/gateway/http/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"

namespace p06::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::chrono::steady_clock::duration Chrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

// Errors of the HTTP parser that mean the bytes were not HTTP (answered 400), as
// opposed to a client that went away between or in the middle of requests.
bool IsMalformed(const beast::error_code& ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// An answer's bytes: status line, headers (the answer's own over the defaults of the
// same name), Content-Length, Connection, body. A name or value with a line break is
// left out: an answer is never split into two.
std::string Serialize(const HttpResponse& r, const HttpFields& defaults, unsigned version, bool keep_alive,
                      bool head) {
  std::string out;
  out.reserve(512 + r.body.size());
  const beast::string_view reason = http::obsolete_reason(static_cast<http::status>(r.status));
  absl::StrAppend(&out, version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ", r.status, " ",
                  absl::string_view(reason.data(), reason.size()), "\r\n");
  auto header = [&out](absl::string_view name, absl::string_view value) {
    if (name.find_first_of("\r\n:") != absl::string_view::npos || value.find_first_of("\r\n") != absl::string_view::npos) {
      return;
    }
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  };
  for (const auto& [name, value] : defaults) {
    const bool replaced = std::any_of(r.headers.begin(), r.headers.end(),
                                      [&name = name](const auto& h) { return absl::EqualsIgnoreCase(h.first, name); });
    if (!replaced) header(name, value);
  }
  for (const auto& [name, value] : r.headers) header(name, value);
  if (!r.content_type.empty()) header("Content-Type", r.content_type);
  absl::StrAppend(&out, "Content-Length: ", r.body.size(), "\r\n");
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!head) out += r.body;  // An answer to HEAD says the body's length, without it.
  return out;
}

}  // namespace

struct HttpServer::Loop {
  explicit Loop(size_t workers) : worker_pool(workers) {}
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
  tcp::acceptor acceptor{io};
  net::steady_timer accept_backoff{io};
  net::thread_pool worker_pool;
  std::atomic<bool> stopping{false};
};

// One connection: reads a request, hands it to the handler, writes its answer, and
// reads the next. All of it on the connection's strand.
class HttpServer::Session : public HttpExchange, public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer& server, tcp::socket socket, bool shed)
      : server_(server), options_(server.options_), stream_(std::move(socket)), shed_(shed) {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);  // An answer is one write: send it now.
    // Write() tries the socket from whatever thread answers, and must never wait there.
    stream_.socket().non_blocking(true, ec);
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_addr_ = peer.address().to_string();
      remote_port_ = peer.port();
    }
  }
  ~Session() override { server_.connections_.fetch_sub(1); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->AwaitRequest(); });
  }

  // From the thread that has the answer (a gRPC completion, say): nothing else is
  // under way on the connection until it is written.
  void Reply(HttpResponse response) override { Write(std::move(response)); }

  bool StartChunked(HttpResponse head) override {
    return RunAndWait([this, head = std::move(head)](Done done) mutable {
      keep_alive_ = false;  // A stream's end is the connection's.
      auto res = std::make_shared<http::response<http::empty_body>>();
      Fill(*res, head);
      res->chunked(true);
      auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*res);
      stream_.expires_after(Chrono(options_.io_timeout));
      http::async_write_header(stream_, *serializer,
                               [res, serializer, done](beast::error_code ec, size_t) { done(ec); });
    });
  }

  bool WriteChunk(std::string data) override {
    auto owned = std::make_shared<std::string>(std::move(data));
    return RunAndWait([this, owned](Done done) {
      stream_.expires_after(Chrono(options_.io_timeout));
      net::async_write(stream_, http::make_chunk(net::buffer(*owned)),
                       [owned, done](beast::error_code ec, size_t) { done(ec); });
    });
  }

  void EndChunked() override {
    RunAndWait([this](Done done) {
      stream_.expires_after(Chrono(options_.io_timeout));
      net::async_write(stream_, http::make_chunk_last(), [done](beast::error_code ec, size_t) { done(ec); });
    });
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->LingerAndClose(); });
  }

 private:
  using Done = std::function<void(beast::error_code)>;
  static constexpr size_t kReadSize = 16 << 10;

  // Waits for a request's first byte: io_timeout on a new connection, then
  // keep_alive_timeout between requests.
  void AwaitRequest() {
    if (buffer_.size() > 0) return ReadRequest();  // Pipelined: already here.
    stream_.expires_after(Chrono(served_ == 0 ? options_.io_timeout : options_.keep_alive_timeout));
    stream_.async_read_some(buffer_.prepare(kReadSize), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadRequest();
    });
  }

  // The whole request, within io_timeout of its first byte.
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    stream_.expires_after(Chrono(options_.io_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRequest(ec); });
  }

  void OnRequest(beast::error_code ec) {
    stream_.expires_never();
    if (ec) {
      if (ec == http::error::body_limit) return Refuse(413);
      if (ec == http::error::header_limit) return Refuse(431);
      if (IsMalformed(ec)) return Refuse(400);
      return Close();  // Gone, or too slow.
    }
    ++served_;
    http::request<http::string_body> message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    head_ = message.method() == http::verb::head;
    if (server_.loop_->stopping.load()) return Close();
    if (shed_) return Refuse(503);
    absl::StatusOr<RequestTarget> target = ParseRequestTarget({message.target().data(), message.target().size()});
    if (!target.ok()) return Refuse(400);

    HttpRequest request;
    request.method = std::string(message.method_string());
    request.path = std::move(target->path);
    request.query = std::move(target->query);
    for (const auto& field : message) {
      request.headers.emplace_back(absl::AsciiStrToLower({field.name_string().data(), field.name_string().size()}),
                                   std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote_addr = remote_addr_;
    request.remote_port = remote_port_;
    server_.handler_(std::move(request), shared_from_this());
  }

  void Refuse(int status) {
    keep_alive_ = false;
    Write(options_.refusal(status));
  }

  template <class Body>
  void Fill(http::response<Body>& res, const HttpResponse& from) {
    res.version(version_);
    res.result(static_cast<unsigned>(from.status));
    for (const auto& [name, value] : options_.default_headers) res.set(name, value);
    for (const auto& [name, value] : from.headers) res.set(name, value);
    if (!from.content_type.empty()) res.set(http::field::content_type, from.content_type);
    res.keep_alive(keep_alive_);
  }

  // Called with nothing else under way on the connection, from any thread. Most
  // answers fit the socket's buffer and are sent here and now, with no hand-over to an
  // I/O thread; the rest of a larger one is written by the loop.
  void Write(HttpResponse response) {
    auto bytes = std::make_shared<std::string>(Serialize(response, options_.default_headers, version_, keep_alive_, head_));
    beast::error_code ec;
    const size_t sent = stream_.socket().write_some(net::buffer(*bytes), ec);
    if (ec && ec != net::error::would_block) return Close();
    if (!ec && sent == bytes->size()) return AfterAnswer();
    const size_t offset = ec ? 0 : sent;
    net::post(stream_.get_executor(), [self = shared_from_this(), bytes, offset] {
      self->stream_.expires_after(Chrono(self->options_.io_timeout));
      net::async_write(self->stream_, net::buffer(bytes->data() + offset, bytes->size() - offset),
                       [self, bytes](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         self->AfterAnswer();
                       });
    });
  }

  void AfterAnswer() {
    if (!keep_alive_) return LingerAndClose();
    AwaitRequest();
  }

  // The answer is sent; what the client still sends (the rest of a refused body) is
  // read and dropped until it closes or io_timeout, so that it reads the answer rather
  // than a reset.
  void LingerAndClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(Chrono(options_.io_timeout));
    Drain();
  }
  void Drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(kReadSize), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  // Starts `start` on the strand and waits (on a worker thread) until it calls done.
  // The write's own expiry ends it after io_timeout; the extra second covers a loop
  // that has stopped and will never run it.
  bool RunAndWait(std::function<void(Done)> start) {
    struct Wait {
      absl::Mutex mu;
      bool done ABSL_GUARDED_BY(mu) = false;
      beast::error_code ec ABSL_GUARDED_BY(mu);
    };
    auto wait = std::make_shared<Wait>();
    net::post(stream_.get_executor(), [self = shared_from_this(), start = std::move(start), wait] {
      start([wait](beast::error_code ec) {
        absl::MutexLock lock(&wait->mu);
        wait->done = true;
        wait->ec = ec;
      });
    });
    absl::MutexLock lock(&wait->mu);
    const bool done = wait->mu.AwaitWithTimeout(absl::Condition(&wait->done), options_.io_timeout + absl::Seconds(1));
    return done && !wait->ec;
  }

  HttpServer& server_;
  const HttpServerOptions& options_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const bool shed_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool head_ = false;  // The request is a HEAD.
  size_t served_ = 0;
  std::string remote_addr_;
  int remote_port_ = 0;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start() {
  loop_ = std::make_unique<Loop>(options_.worker_threads);
  beast::error_code ec;
  tcp::resolver resolver(loop_->io);
  const auto endpoints = resolver.resolve(options_.host, absl::StrCat(options_.port), ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("http_host: cannot resolve ", options_.host, ": ", ec.message()));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& acceptor = loop_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":", options_.port, ": ", ec.message()));
  }
  port_ = acceptor.local_endpoint().port();
  Accept();
  for (size_t i = 0; i < std::max<size_t>(1, options_.io_threads); ++i) {
    io_threads_.emplace_back([this] {
      while (true) {
        try {
          loop_->io.run();
          return;
        } catch (const std::exception& e) {
          // A handler threw (out of memory, say): its connection is lost, the loop goes on.
          log::Error("http handler failed", {{"error", e.what()}});
        }
      }
    });
  }
  started_ = true;
  return absl::OkStatus();
}

void HttpServer::Accept() {
  loop_->acceptor.async_accept(net::make_strand(loop_->io), [this](beast::error_code ec, tcp::socket socket) {
    if (!loop_->acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors, say: try again shortly rather than spin.
      loop_->accept_backoff.expires_after(std::chrono::milliseconds(50));
      loop_->accept_backoff.async_wait([this](beast::error_code) { Accept(); });
      return;
    }
    const bool shed = connections_.fetch_add(1) >= options_.max_connections;
    std::make_shared<Session>(*this, std::move(socket), shed)->Start();
    Accept();
  });
}

void HttpServer::Blocking(std::function<void()> work) { net::post(loop_->worker_pool, std::move(work)); }

void HttpServer::Stop() {
  if (!started_) return;
  started_ = false;
  loop_->stopping = true;
  net::post(loop_->io, [this] {
    beast::error_code ec;
    loop_->acceptor.close(ec);
    loop_->accept_backoff.cancel();
  });
  loop_->worker_pool.join();  // Their answers still need the I/O threads.
  loop_->work.reset();
  loop_->io.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
}

}  // namespace p06::gateway
