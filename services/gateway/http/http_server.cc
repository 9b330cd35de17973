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

#include "absl/container/flat_hash_map.h"
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

// A header that can be written as one line: a name or value with a line break would
// split an answer into two, and is left out.
bool Writable(absl::string_view name, absl::string_view value) {
  return name.find_first_of("\r\n:") == absl::string_view::npos && value.find_first_of("\r\n") == absl::string_view::npos;
}

// Answers that must not carry a Content-Length (RFC 9110 §8.6); none has a body.
bool HasNoLength(int status) { return status < 200 || status == 204 || status == 304; }

// An answer's bytes: status line, headers (the answer's own over the defaults of the
// same name), Content-Length, Connection, body.
std::string Serialize(const HttpResponse& r, const HttpFields& defaults, unsigned version, bool keep_alive,
                      bool head) {
  std::string out;
  out.reserve(512 + r.body.size());
  const beast::string_view reason = http::obsolete_reason(static_cast<http::status>(r.status));
  absl::StrAppend(&out, version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ", r.status, " ",
                  absl::string_view(reason.data(), reason.size()), "\r\n");
  auto header = [&out](absl::string_view name, absl::string_view value) {
    if (Writable(name, value)) absl::StrAppend(&out, name, ": ", value, "\r\n");
  };
  for (const auto& [name, value] : defaults) {
    const bool replaced = std::any_of(r.headers.begin(), r.headers.end(),
                                      [&name = name](const auto& h) { return absl::EqualsIgnoreCase(h.first, name); });
    if (!replaced) header(name, value);
  }
  for (const auto& [name, value] : r.headers) header(name, value);
  if (!r.content_type.empty()) header("Content-Type", r.content_type);
  if (!HasNoLength(r.status)) absl::StrAppend(&out, "Content-Length: ", r.body.size(), "\r\n");
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!head && !HasNoLength(r.status)) out += r.body;  // An answer to HEAD says the body's length, without it.
  return out;
}

// RFC 9112 §6.1: a request's Transfer-Encoding is "chunked", once, and only in HTTP/1.1;
// anything else cannot be framed and is refused rather than guessed.
bool FramingIsValid(const http::request_parser<http::string_body>::value_type& head) {
  const size_t count = head.count(http::field::transfer_encoding);
  if (count == 0) return true;
  if (count > 1 || head.version() < 11) return false;
  const beast::string_view te = head[http::field::transfer_encoding];
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(absl::string_view(te.data(), te.size())), "chunked");
}

bool ExpectsContinue(const http::request_parser<http::string_body>::value_type& head) {
  const beast::string_view expect = head[http::field::expect];
  return head.version() >= 11 && absl::EqualsIgnoreCase(absl::string_view(expect.data(), expect.size()), "100-continue");
}

}  // namespace

struct HttpServer::Loop {
  explicit Loop(size_t workers) : worker_pool(workers) {}
  // Declared before `io`, so that it outlives the sessions the loop still holds.
  absl::Mutex mu;
  absl::flat_hash_map<Session*, std::weak_ptr<Session>> sessions ABSL_GUARDED_BY(mu);

  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
  // The acceptor's own strand: accepting, backing off and closing at Stop never overlap.
  net::strand<net::io_context::executor_type> accept_strand{io.get_executor()};
  tcp::acceptor acceptor{accept_strand};
  net::steady_timer accept_backoff{accept_strand};
  net::thread_pool worker_pool;
  std::atomic<bool> stopping{false};
};

// One connection: reads a request, hands it to the handler, writes its answer, and
// reads the next. All of it on the connection's strand, but for the first try at
// writing an answer, made from the thread that has it.
class HttpServer::Session : public HttpExchange, public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer& server, tcp::socket socket, bool shed)
      : server_(server), loop_(server.loop_.get()), options_(server.options_), stream_(std::move(socket)), shed_(shed) {
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
  ~Session() override {
    server_.connections_.fetch_sub(1);  // First: Stop() returns once `sessions` is empty.
    absl::MutexLock lock(&loop_->mu);
    loop_->sessions.erase(this);
  }

  void Start() {
    {
      absl::MutexLock lock(&loop_->mu);
      loop_->sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->AwaitRequest(); });
  }

  // The server is stopping: a connection between requests is closed now; one with a
  // request under way closes after its answer.
  void CloseIfIdle() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->between_requests_) self->Close();
    });
  }

  // From the thread that has the answer (a gRPC completion, say): nothing else is
  // under way on the connection until it is written.
  void Reply(HttpResponse response) override { Write(std::move(response)); }

  bool StartChunked(HttpResponse head) override {
    return RunAndWait([this, head = std::move(head)](Done done) mutable {
      keep_alive_ = false;  // A stream's end is the connection's.
      auto res = std::make_shared<http::response<http::empty_body>>();
      Fill(*res, head);
      // HTTP/1.0 has no chunks: the body is what comes until the connection closes.
      raw_stream_ = version_ < 11;
      res->chunked(!raw_stream_);
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
      auto handler = [owned, done](beast::error_code ec, size_t) { done(ec); };
      if (raw_stream_) return net::async_write(stream_, net::buffer(*owned), std::move(handler));
      net::async_write(stream_, http::make_chunk(net::buffer(*owned)), std::move(handler));
    });
  }

  void EndChunked() override {
    RunAndWait([this](Done done) {
      if (raw_stream_) return done({});
      stream_.expires_after(Chrono(options_.io_timeout));
      net::async_write(stream_, http::make_chunk_last(), [done](beast::error_code ec, size_t) { done(ec); });
    });
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->LingerAndClose(); });
  }

 private:
  using Done = std::function<void(beast::error_code)>;
  static constexpr size_t kReadSize = 16 << 10;

  bool stopping() const { return loop_->stopping.load(); }

  // How long a request's first byte, then its head, may take: a connection past the
  // limit gets a moment for each (so that its 503 is an answer, not a reset), not
  // io_timeout: otherwise a flood of them would hold descriptors for that long each.
  absl::Duration HeadTimeout() const {
    return shed_ ? std::min(options_.io_timeout, kShedHeadTimeout) : options_.io_timeout;
  }
  static constexpr absl::Duration kShedHeadTimeout = absl::Seconds(1);

  // Waits for a request's first byte: HeadTimeout on a new connection, then
  // keep_alive_timeout between requests.
  void AwaitRequest() {
    if (stopping() && buffer_.size() == 0) return Close();  // A pipelined request is still answered (503).
    between_requests_ = true;
    if (buffer_.size() > 0) return ReadRequest();  // Pipelined: already here.
    stream_.expires_after(Chrono(served_ == 0 ? HeadTimeout() : options_.keep_alive_timeout));
    stream_.async_read_some(buffer_.prepare(kReadSize), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadRequest();
    });
  }

  // The request's head, then (once it is accepted) its body: the whole of it within
  // io_timeout of its first byte.
  void ReadRequest() {
    between_requests_ = false;
    version_ = 11;
    head_ = false;
    keep_alive_ = true;
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    stream_.expires_after(Chrono(HeadTimeout()));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& head = parser_->get();
    version_ = head.version();
    head_ = head.method() == http::verb::head;
    keep_alive_ = head.keep_alive();
    if (shed_ || stopping()) return Refuse(503);
    if (!FramingIsValid(head)) return Refuse(400);
    if (parser_->is_done()) return OnRequest({});
    auto read_body = [self = shared_from_this()] {
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code ec, size_t) { self->OnRequest(ec); });
    };
    if (!ExpectsContinue(head)) return read_body();
    // The client waits for this before it sends the body (RFC 9110 §10.1.1).
    static constexpr absl::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this(), read_body](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       read_body();
                     });
  }

  void OnReadError(beast::error_code ec) {
    stream_.expires_never();
    if (ec == http::error::body_limit) return Refuse(413);
    if (ec == http::error::header_limit) return Refuse(431);
    if (IsMalformed(ec)) return Refuse(400);
    return Close();  // Gone, or too slow.
  }

  void OnRequest(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    stream_.expires_never();
    if (stopping()) return Refuse(503);  // The body came after StopAccepting.
    ++served_;
    http::request<http::string_body> message = parser_->release();
    parser_.reset();
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
    for (const auto& [name, value] : options_.default_headers) {
      if (Writable(name, value)) res.set(name, value);
    }
    for (const auto& [name, value] : from.headers) {
      if (Writable(name, value)) res.set(name, value);
    }
    if (!from.content_type.empty() && Writable("Content-Type", from.content_type)) {
      res.set(http::field::content_type, from.content_type);
    }
    res.keep_alive(keep_alive_);
  }

  // Called with nothing else under way on the connection, from any thread. Most
  // answers fit the socket's buffer and are sent here and now, with no hand-over to an
  // I/O thread; the rest of a larger one is written by the loop. What follows the
  // answer (reading the next request) is the strand's.
  void Write(HttpResponse response) {
    if (stopping()) keep_alive_ = false;  // The client hears now that it must reconnect.
    auto bytes = std::make_shared<std::string>(Serialize(response, options_.default_headers, version_, keep_alive_, head_));
    beast::error_code ec;
    const size_t sent = stream_.socket().write_some(net::buffer(*bytes), ec);
    if (ec && ec != net::error::would_block) {
      return net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
    }
    if (!ec && sent == bytes->size()) {
      return net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->AfterAnswer(); });
    }
    const size_t offset = ec ? 0 : sent;
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), bytes, offset] {
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
    // A shed connection's 503 is sent: it has no more claim on a descriptor than on a
    // head, whatever it still sends.
    stream_.expires_after(Chrono(HeadTimeout()));
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
  // that has stopped and will never run it. `done` holds the session, so a write the
  // wait gave up on still has its connection when it completes.
  bool RunAndWait(std::function<void(Done)> start) {
    struct Wait {
      absl::Mutex mu;
      bool done ABSL_GUARDED_BY(mu) = false;
      beast::error_code ec ABSL_GUARDED_BY(mu);
    };
    auto wait = std::make_shared<Wait>();
    net::post(stream_.get_executor(), [self = shared_from_this(), start = std::move(start), wait] {
      start([self, wait](beast::error_code ec) {
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
  // Not server_.loop_: a session the loop still holds at a cut-off Stop is destroyed
  // inside ~Loop, while that pointer is being reset.
  Loop* const loop_;
  const HttpServerOptions& options_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const bool shed_;
  // Waiting for a request's first byte, owing nothing: closed at once when stopping.
  bool between_requests_ = true;
  // Of the request being answered.
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool head_ = false;  // It is a HEAD.
  bool raw_stream_ = false;  // A stream to an HTTP/1.0 client: no chunks.
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
          break;
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
    const size_t open = connections_.fetch_add(1);
    if (open >= kHardLimitFactor * options_.max_connections) {
      // Far past the limit (a flood): closed at once, unanswered, so that a descriptor
      // is held for no time at all.
      connections_.fetch_sub(1);
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(*this, std::move(socket), open >= options_.max_connections)->Start();
    }
    Accept();
  });
}

void HttpServer::Blocking(std::function<void()> work) { net::post(loop_->worker_pool, std::move(work)); }

void HttpServer::StopAccepting() {
  if (!started_ || loop_->stopping.exchange(true)) return;
  net::post(loop_->accept_strand, [this] {
    beast::error_code ec;
    loop_->acceptor.close(ec);
    loop_->accept_backoff.cancel();
  });
  // A session started from now on sees `stopping` and closes itself.
  std::vector<std::shared_ptr<Session>> open;
  {
    absl::MutexLock lock(&loop_->mu);
    for (const auto& [raw, weak] : loop_->sessions) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  for (const auto& session : open) session->CloseIfIdle();
}

void HttpServer::Stop() {
  if (!started_) return;
  StopAccepting();
  started_ = false;
  // A connection owes at most one answer, and may need a worker for it: the loop and
  // the workers run until the last connection has sent its answer and closed. A client
  // that will not take it is cut off after io_timeout.
  {
    absl::MutexLock lock(&loop_->mu);
    loop_->mu.AwaitWithTimeout(absl::Condition(
                                   +[](absl::flat_hash_map<Session*, std::weak_ptr<Session>>* sessions) {
                                     return sessions->empty();
                                   },
                                   &loop_->sessions),
                               options_.io_timeout + absl::Seconds(1));
  }
  loop_->worker_pool.join();  // Streams were told to end; a stuck write ends by its expiry.
  loop_->work.reset();
  loop_->io.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
}

}  // namespace p06::gateway
