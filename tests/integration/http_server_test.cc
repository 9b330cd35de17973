// The gateway's HTTP server over real sockets, as clients good and bad would use it:
// keep-alive, slow and half-sent requests, too many connections, an oversized body,
// bytes that are not HTTP, a stream whose reader leaves.
#include "services/gateway/http/http_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace p06::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A plain TCP client: what it sends is exactly what the test writes.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }

  bool Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // What arrives until `until` is in it, the server closes, or `timeout_ms` passes.
  std::string ReadUntil(const std::string& until, int timeout_ms = 5000) {
    std::string out;
    while (until.empty() || out.find(until) == std::string::npos) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) break;
      char buf[16384];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // Whether the server closes within `timeout_ms` (what it sends meanwhile is dropped).
  bool ClosedWithin(int timeout_ms) {
    ReadUntil("\x01\x02never", timeout_ms);
    return closed_;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

std::string Get(const std::string& path, const std::string& extra = "") {
  return absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: x\r\n", extra, "\r\n");
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions o) {
    o.port = 0;
    o.default_headers = {{"X-Content-Type-Options", "nosniff"}};
    o.refusal = [](int status) {
      HttpResponse r;
      r.status = status;
      r.content_type = "application/json";
      r.body = absl::StrCat("{\"refused\":", status, "}");
      if (status == 503) r.SetHeader("Retry-After", "1");
      return r;
    };
    server_ = std::make_unique<HttpServer>(o, [this](HttpRequest req, std::shared_ptr<HttpExchange> x) {
      if (req.path == "/stream") {
        server_->Blocking([this, x] {
          HttpResponse head;
          head.content_type = "text/event-stream";
          head.SetHeader("X-Split", "a\r\nSet-Cookie: injected");  // Never written.
          bool ok = x->StartChunked(head);
          while (ok) ok = x->WriteChunk(std::string(64 << 10, 'e'));  // Until the reader leaves.
          stream_ended_.Notify();
        });
        return;
      }
      if (req.path == "/later") {  // Answered from another thread, a while after.
        later_received_.Notify();
        later_ = std::thread([x] {
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          HttpResponse r;
          r.body = "late";
          x->Reply(std::move(r));
        });
        return;
      }
      HttpResponse r;
      if (req.path == "/empty") {
        r.status = 204;
        return x->Reply(std::move(r));
      }
      r.content_type = "text/plain";
      r.body = absl::StrCat(req.method, " ", req.path, " body=", req.body.size());
      for (const auto& [k, v] : req.query) absl::StrAppend(&r.body, " ", k, "=", v);
      x->Reply(std::move(r));
    });
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (later_.joinable()) later_.join();
    if (server_) server_->Stop();
  }

  std::unique_ptr<HttpServer> server_;
  absl::Notification stream_ended_;
  absl::Notification later_received_;
  std::thread later_;
};

TEST_F(HttpServerTest, KeepAliveServesRequestsInTurnWithTheDefaultHeaders) {
  StartServer({});
  RawClient c(server_->port());
  ASSERT_TRUE(c.connected());
  // Two requests sent at once (pipelined) and a third later: three answers, in order.
  ASSERT_TRUE(c.Send(Get("/a?x=1+2") + Get("/b")));
  std::string both = c.ReadUntil("GET /b body=0");
  EXPECT_THAT(both, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(both, HasSubstr("X-Content-Type-Options: nosniff\r\n"));
  EXPECT_THAT(both, HasSubstr("GET /a body=0 x=1 2"));
  ASSERT_TRUE(c.Send("POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
  EXPECT_THAT(c.ReadUntil("body=3"), HasSubstr("POST /c body=3"));
}

TEST_F(HttpServerTest, HeadIsAnsweredWithoutABodyAndTheConnectionGoesOn) {
  StartServer({});
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string head = c.ReadUntil("\r\n\r\n");
  EXPECT_THAT(head, HasSubstr("Content-Length: 14\r\n"));  // "HEAD /h body=0".
  ASSERT_TRUE(c.Send(Get("/next")));
  // Had the body been sent, it would come first and this answer would not start with it.
  EXPECT_THAT(c.ReadUntil("body=0"), StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_F(HttpServerTest, HalfSentRequestsHoldNoThreadAndAreCutOffAfterTheTimeout) {
  HttpServerOptions o;
  o.io_threads = 1;
  o.io_timeout = absl::Milliseconds(400);
  StartServer(o);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<RawClient>(server_->port()));
    ASSERT_TRUE(slow.back()->Send("GET /slow HTTP/1.1\r\nHost: x\r\n"));  // No blank line: never ends.
  }
  // Twenty stalled clients, one I/O thread: a whole request is still answered at once.
  RawClient fast(server_->port());
  ASSERT_TRUE(fast.Send(Get("/fast")));
  // Held threads would answer it only after the stalled ones' 20 × 400 ms.
  EXPECT_THAT(fast.ReadUntil("body=0", 1500), HasSubstr("GET /fast"));
  // And the stalled ones are closed once their time is up, without an answer.
  for (auto& c : slow) EXPECT_TRUE(c->ClosedWithin(2000));
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosedAfterTheKeepAliveTimeout) {
  HttpServerOptions o;
  o.keep_alive_timeout = absl::Milliseconds(300);
  StartServer(o);
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send(Get("/a")));
  EXPECT_THAT(c.ReadUntil("body=0"), HasSubstr("200 OK"));
  EXPECT_TRUE(c.ClosedWithin(2000));
}

TEST_F(HttpServerTest, PastTheConnectionLimitARequestIsAnswered503AndClosed) {
  HttpServerOptions o;
  o.max_connections = 2;
  StartServer(o);
  RawClient a(server_->port());
  auto b = std::make_unique<RawClient>(server_->port());
  ASSERT_TRUE(a.Send(Get("/a")));
  ASSERT_TRUE(b->Send(Get("/b")));
  EXPECT_THAT(a.ReadUntil("body=0"), HasSubstr("200 OK"));
  EXPECT_THAT(b->ReadUntil("body=0"), HasSubstr("200 OK"));
  auto third = std::make_unique<RawClient>(server_->port());
  ASSERT_TRUE(third->Send(Get("/c")));
  const std::string refused = third->ReadUntil("");
  EXPECT_THAT(refused, StartsWith("HTTP/1.1 503"));
  EXPECT_THAT(refused, HasSubstr("Retry-After: 1\r\n"));
  EXPECT_THAT(refused, HasSubstr("{\"refused\":503}"));
  // Once one leaves (the refused one counts until it goes), a new connection is served again.
  third.reset();
  b.reset();
  for (int tries = 0; tries < 50 && server_->connections() > 1; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  RawClient again(server_->port());
  ASSERT_TRUE(again.Send(Get("/d")));
  EXPECT_THAT(again.ReadUntil("body=0"), HasSubstr("200 OK"));
}

// A flood of connections past the limit holds descriptors only briefly: those that
// send nothing are closed after a second (not io_timeout), and past twice the limit a
// connection is closed at once. The connections within the limit are served all along.
TEST_F(HttpServerTest, AFloodPastTheConnectionLimitHoldsNothingLong) {
  HttpServerOptions o;
  o.max_connections = 2;
  o.io_timeout = absl::Seconds(30);
  StartServer(o);
  RawClient a(server_->port());
  RawClient b(server_->port());
  ASSERT_TRUE(a.Send(Get("/a")));
  ASSERT_TRUE(b.Send(Get("/b")));
  EXPECT_THAT(a.ReadUntil("body=0"), HasSubstr("200 OK"));
  EXPECT_THAT(b.ReadUntil("body=0"), HasSubstr("200 OK"));
  // Two more are shed (waiting for their head), the rest are past twice the limit.
  std::vector<std::unique_ptr<RawClient>> flood;
  for (int i = 0; i < 10; ++i) flood.push_back(std::make_unique<RawClient>(server_->port()));
  const absl::Time start = absl::Now();
  for (auto& c : flood) EXPECT_TRUE(c->ClosedWithin(3000));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "shed connections held for io_timeout";
  for (int tries = 0; tries < 50 && server_->connections() > 2; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server_->connections(), 2u);
  // One past the limit that sends its head is answered 503, and closed a second later
  // though it keeps its side open (not after io_timeout's 30 s).
  RawClient head_only(server_->port());
  ASSERT_TRUE(head_only.Send(Get("/c")));
  EXPECT_THAT(head_only.ReadUntil("{\"refused\":503}"), StartsWith("HTTP/1.1 503"));
  EXPECT_TRUE(head_only.ClosedWithin(3000));
  // The two served connections go on.
  ASSERT_TRUE(a.Send(Get("/a2")));
  EXPECT_THAT(a.ReadUntil("body=0"), HasSubstr("GET /a2"));
}

TEST_F(HttpServerTest, AnOversizedBodyIs413AndTheClientStillReadsTheAnswer) {
  HttpServerOptions o;
  o.max_body_bytes = 1024;
  StartServer(o);
  RawClient c(server_->port());
  // The whole 4 MiB is sent before the answer is read, as simple clients do: the
  // server drops the rest rather than resetting the connection under the answer.
  const std::string body(4 << 20, 'a');
  ASSERT_TRUE(c.Send(absl::StrCat("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: ", body.size(), "\r\n\r\n")));
  std::thread sender([&] { c.Send(body); });
  const std::string answer = c.ReadUntil("{\"refused\":413}");
  sender.join();
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(answer, HasSubstr("{\"refused\":413}"));
}

TEST_F(HttpServerTest, BytesThatAreNotHttpAre400) {
  StartServer({});
  for (const std::string& bad : {std::string("HELLO\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nNo colon\r\n\r\n"),
                                 std::string("GET * HTTP/1.1\r\nHost: x\r\n\r\n")}) {
    RawClient c(server_->port());
    ASSERT_TRUE(c.Send(bad));
    const std::string answer = c.ReadUntil("");
    EXPECT_THAT(answer, StartsWith("HTTP/1.1 400")) << bad;
    EXPECT_THAT(answer, HasSubstr("{\"refused\":400}")) << bad;
  }
  // Headers past the limit.
  HttpServerOptions small;
  server_->Stop();
  small.max_header_bytes = 512;
  StartServer(small);
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send(Get("/x", absl::StrCat("X-Big: ", std::string(2000, 'h'), "\r\n"))));
  EXPECT_THAT(c.ReadUntil(""), StartsWith("HTTP/1.1 431"));
}

TEST_F(HttpServerTest, AStreamWhoseReaderLeavesEndsItsWorker) {
  HttpServerOptions o;
  o.io_timeout = absl::Milliseconds(500);
  StartServer(o);
  {
    RawClient c(server_->port());
    ASSERT_TRUE(c.Send(Get("/stream")));
    const std::string head = c.ReadUntil("\r\n\r\n");
    EXPECT_THAT(head, HasSubstr("Transfer-Encoding: chunked"));
    EXPECT_THAT(head, HasSubstr("Content-Type: text/event-stream"));
    EXPECT_THAT(head, Not(HasSubstr("Set-Cookie")));
  }  // Closed: the next writes fail.
  EXPECT_TRUE(stream_ended_.WaitForNotificationWithTimeout(absl::Seconds(5)));
}

TEST_F(HttpServerTest, AStreamWhoseReaderStopsReadingIsCutOff) {
  HttpServerOptions o;
  o.io_timeout = absl::Milliseconds(500);
  StartServer(o);
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send(Get("/stream")));
  // Reads nothing: once the socket buffers are full, a write stalls past io_timeout.
  EXPECT_TRUE(stream_ended_.WaitForNotificationWithTimeout(absl::Seconds(20)));
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAtOnce) {
  StartServer({});
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send(Get("/a")));
  EXPECT_THAT(c.ReadUntil("body=0"), HasSubstr("200 OK"));
  const absl::Time start = absl::Now();
  server_->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  server_.reset();
  EXPECT_TRUE(c.ClosedWithin(2000));
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  StartServer({});
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(c.ReadUntil("\r\n\r\n", 2000), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.Send("hello"));
  EXPECT_THAT(c.ReadUntil("body=5"), HasSubstr("POST /up body=5"));
}

TEST_F(HttpServerTest, ARefusedHeadIsAnsweredWithoutAskingForTheBody) {
  HttpServerOptions o;
  o.max_body_bytes = 1024;
  StartServer(o);
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n"));
  const std::string answer = c.ReadUntil("{\"refused\":413}");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(answer, Not(HasSubstr("100 Continue")));
}

TEST_F(HttpServerTest, OnlyChunkedTransferEncodingInHttp11IsRead) {
  StartServer({});
  {
    RawClient c(server_->port());
    ASSERT_TRUE(c.Send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
    EXPECT_THAT(c.ReadUntil("body=5"), HasSubstr("200 OK"));
  }
  for (const std::string& bad :
       {std::string("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nhello"),
        std::string("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "0\r\n\r\n"),
        std::string("POST /up HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")}) {
    RawClient c(server_->port());
    ASSERT_TRUE(c.Send(bad));
    EXPECT_THAT(c.ReadUntil(""), HasSubstr(" 400 Bad Request\r\n")) << bad;
  }
}

TEST_F(HttpServerTest, A204CarriesNoContentLength) {
  StartServer({});
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send(Get("/empty") + Get("/a")));
  const std::string both = c.ReadUntil("body=0");
  EXPECT_THAT(both, StartsWith("HTTP/1.1 204 No Content\r\n"));
  const std::string first = both.substr(0, both.find("\r\n\r\n"));
  EXPECT_THAT(first, Not(HasSubstr("Content-Length")));
  EXPECT_THAT(both, HasSubstr("GET /a body=0"));  // The connection went on.
}

TEST_F(HttpServerTest, AStreamToAnHttp10ClientIsNotChunked) {
  HttpServerOptions o;
  o.io_timeout = absl::Milliseconds(500);
  StartServer(o);
  RawClient c(server_->port());
  ASSERT_TRUE(c.Send("GET /stream HTTP/1.0\r\n\r\n"));
  const std::string start = c.ReadUntil("eeee");
  EXPECT_THAT(start, StartsWith("HTTP/1.0 200"));
  EXPECT_THAT(start, Not(HasSubstr("chunked")));
  EXPECT_THAT(start, HasSubstr("\r\n\r\neeee"));  // The body's first bytes follow the head.
}

TEST_F(HttpServerTest, StopAnswersWhatIsUnderWayAndClosesTheRest) {
  StartServer({});
  RawClient idle(server_->port());
  ASSERT_TRUE(idle.Send(Get("/a")));
  EXPECT_THAT(idle.ReadUntil("body=0"), HasSubstr("200 OK"));
  // One in the handler's hands; one whose head is read (the 100 says so) and whose
  // body is still to come.
  auto answering = std::make_unique<RawClient>(server_->port());
  ASSERT_TRUE(answering->Send(Get("/later")));
  ASSERT_TRUE(later_received_.WaitForNotificationWithTimeout(absl::Seconds(5)));
  auto half = std::make_unique<RawClient>(server_->port());
  ASSERT_TRUE(half->Send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  ASSERT_THAT(half->ReadUntil("\r\n\r\n"), StartsWith("HTTP/1.1 100 Continue"));

  const absl::Time start = absl::Now();
  std::thread stopper([this] { server_->Stop(); });
  EXPECT_TRUE(idle.ClosedWithin(2000));  // Between requests: closed at once.
  ASSERT_TRUE(half->Send("hello"));
  const std::string refused = half->ReadUntil("");
  EXPECT_THAT(refused, StartsWith("HTTP/1.1 503"));
  EXPECT_THAT(refused, HasSubstr("{\"refused\":503}"));
  // The answer comes after Stop began, and Stop waits for it.
  const std::string late = answering->ReadUntil("late");
  EXPECT_THAT(late, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(late, HasSubstr("Connection: close\r\n"));
  // Told to close, they do; the server has nothing left and Stop returns, well before
  // its io_timeout (10 s) deadline.
  answering.reset();
  half.reset();
  stopper.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(HttpServerTest, StopWaitsForAnAnswerOwedOnAConnectionWithNothingElseUnderWay) {
  StartServer({});
  auto answering = std::make_unique<RawClient>(server_->port());
  ASSERT_TRUE(answering->Send(Get("/later")));
  ASSERT_TRUE(later_received_.WaitForNotificationWithTimeout(absl::Seconds(5)));
  const absl::Time start = absl::Now();
  std::thread stopper([this] { server_->Stop(); });
  // No read or write of the server's is pending on it: only the handler's answer.
  EXPECT_THAT(answering->ReadUntil("late"), HasSubstr("Connection: close\r\n"));
  EXPECT_TRUE(answering->ClosedWithin(2000));
  answering.reset();
  stopper.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace p06::gateway
