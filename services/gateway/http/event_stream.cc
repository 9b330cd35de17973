#include "services/gateway/http/event_stream.h"

#include <deque>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/gateway/http/backends.h"
#include "services/gateway/http/error_body.h"
#include "services/gateway/routing/transcoder.h"

namespace p06::gateway {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

// The `cursor` of the last element of the message's first repeated message field
// that has one; "" when there is none.
std::string LastCursor(const Message& m) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!f->is_repeated() || f->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    const FieldDescriptor* cursor = f->message_type()->FindFieldByName(EventStreams::kCursorField);
    if (cursor == nullptr || cursor->type() != FieldDescriptor::TYPE_STRING || cursor->is_repeated()) continue;
    const int n = r->FieldSize(m, f);
    if (n == 0) return "";
    const Message& last = r->GetRepeatedMessage(m, f, n - 1);
    return last.GetReflection()->GetString(last, cursor);
  }
  return "";
}

}  // namespace

std::string SseEvent(const std::string& event, const std::string& data, const std::string& id) {
  std::string out;
  // An id with a line break would end the field early: such a cursor is left out.
  if (!id.empty() && id.find_first_of("\r\n") == std::string::npos) absl::StrAppend(&out, "id: ", id, "\n");
  absl::StrAppend(&out, "event: ", event, "\n");
  for (absl::string_view line : absl::StrSplit(data, '\n')) absl::StrAppend(&out, "data: ", line, "\n");
  out += "\n";
  return out;
}

// One open stream: a pump thread reads the call into a short queue; the HTTP worker
// thread takes from it, and while nothing comes writes a heartbeat comment now and then, which
// is how a client that has gone is noticed (the write fails) and its call ended.
struct EventStreams::Stream {
  // Then the pump waits for the client (a WatchEvents message is up to 2 MiB).
  static constexpr size_t kMaxQueued = 64;
  static constexpr size_t kMaxQueuedBytes = 4 << 20;

  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<Message> request, prototype;
  std::unique_ptr<grpc::ClientReader<Message>> reader;
  std::string request_id;
  std::thread pump;

  absl::Mutex mu;
  struct Queued {
    std::unique_ptr<Message> message;
    size_t bytes;  // Its size, counted once.
  };
  std::deque<Queued> queue ABSL_GUARDED_BY(mu);
  size_t queued_bytes ABSL_GUARDED_BY(mu) = 0;
  bool ended ABSL_GUARDED_BY(mu) = false;
  bool closing ABSL_GUARDED_BY(mu) = false;  // The client went: the pump stops.
  grpc::Status status ABSL_GUARDED_BY(mu);

  void Pump(std::unique_ptr<Message> first) {
    Push(std::move(first));
    while (true) {
      auto next = std::unique_ptr<Message>(prototype->New());
      if (!reader->Read(next.get())) break;
      if (!Push(std::move(next))) break;
    }
    grpc::Status s = reader->Finish();
    absl::MutexLock lock(&mu);
    status = std::move(s);
    ended = true;
  }
  // False when the client has gone.
  bool Push(std::unique_ptr<Message> m) {
    const size_t bytes = m->ByteSizeLong();
    absl::MutexLock lock(&mu);
    auto room = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
      return closing || queue.empty() || (queue.size() < kMaxQueued && queued_bytes < kMaxQueuedBytes);
    };
    mu.Await(absl::Condition(&room));
    if (closing) return false;
    queued_bytes += bytes;
    queue.push_back({std::move(m), bytes});
    return true;
  }
};

grpc::Status EventStreams::Serve(const std::string& holder, const std::string& grpc_path,
                                 std::unique_ptr<grpc::ClientContext> ctx,
                                 std::unique_ptr<Message> request, std::unique_ptr<Message> response,
                                 const std::string& request_id, HttpResponse head, HttpExchange& out) {
  auto s = std::make_shared<Stream>();
  s->ctx = std::move(ctx);
  s->ctx->set_deadline(absl::ToChronoTime(absl::Now() + max_duration_));
  s->request = std::move(request);
  s->prototype = std::move(response);
  s->request_id = request_id;
  {
    // Counted and taken under one lock, so that simultaneous requests cannot all pass.
    absl::MutexLock lock(&mu_);
    if (stopping_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is stopping");
    // A holder is in the map only while it holds a stream.
    const auto it = open_by_holder_.find(holder);
    if (it != open_by_holder_.end() && it->second >= max_streams_per_holder_) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("you hold ", max_streams_per_holder_, " event streams already: close one"));
    }
    if (open_.size() >= max_streams_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "too many event streams open; retry later");
    }
    ++open_by_holder_[holder];
    open_.insert(s->ctx.get());
  }
  auto close = [this, s, holder] {
    absl::MutexLock lock(&mu_);
    open_.erase(s->ctx.get());
    if (auto it = open_by_holder_.find(holder); it != open_by_holder_.end() && --it->second == 0) {
      open_by_holder_.erase(it);
    }
  };
  s->reader = backends_.Stream(grpc_path, *s->ctx, *s->request);
  if (s->reader == nullptr) {
    close();
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, grpc_path + ": no backend");
  }
  head.content_type = "text/event-stream";
  head.SetHeader("X-Accel-Buffering", "no");  // Proxies in front must not hold events back.
  // The first message is awaited here, so that a call refused at once (a bad cursor)
  // is an ordinary error answer rather than a stream.
  auto first = std::unique_ptr<Message>(s->prototype->New());
  if (!s->reader->Read(first.get())) {
    grpc::Status status = s->reader->Finish();
    close();
    if (status.ok() && out.StartChunked(std::move(head)) && out.WriteChunk(SseEvent("end", "{}"))) out.EndChunked();
    return status;
  }
  s->pump = std::thread([s, first = std::move(first)]() mutable { s->Pump(std::move(first)); });

  bool writing = out.StartChunked(std::move(head));
  while (writing) {
    std::unique_ptr<Message> m;
    bool ended = false;
    grpc::Status status;
    {
      absl::MutexLock lock(&s->mu);
      auto ready = [s]() ABSL_SHARED_LOCKS_REQUIRED(s->mu) { return !s->queue.empty() || s->ended; };
      s->mu.AwaitWithTimeout(absl::Condition(&ready), heartbeat_);
      if (!s->queue.empty()) {
        m = std::move(s->queue.front().message);
        s->queued_bytes -= s->queue.front().bytes;
        s->queue.pop_front();
      } else if (s->ended) {
        ended = true;
        status = s->status;
      }
    }
    std::string text;
    if (m != nullptr) {
      absl::StatusOr<std::string> json = ResponseJson(*m);
      text = json.ok() ? SseEvent("message", *json, LastCursor(*m))
                       : SseEvent("error", ErrorBody(grpc::Status(grpc::StatusCode::INTERNAL,
                                                                  std::string(json.status().message())),
                                                     s->request_id));
    } else if (ended) {
      // Time up (our own deadline) is an ordinary end: the client resumes from the
      // last id.
      text = status.ok() || status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                 ? SseEvent("end", "{}")
                 : SseEvent("error", ErrorBody(status, s->request_id));
    } else {
      text = ": heartbeat\n\n";  // A comment: clients ignore it.
    }
    // A failed write is a client that has gone (or stopped reading).
    writing = out.WriteChunk(std::move(text));
    if (writing && ended) {
      out.EndChunked();
      break;
    }
  }
  // The stream ended, the client left, or the server stops: end the call.
  s->ctx->TryCancel();
  {
    absl::MutexLock lock(&s->mu);
    s->closing = true;
  }
  s->pump.join();
  close();
  return grpc::Status::OK;
}

void EventStreams::CancelAll() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  for (grpc::ClientContext* ctx : open_) ctx->TryCancel();
}

}  // namespace p06::gateway
