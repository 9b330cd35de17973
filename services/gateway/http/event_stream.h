// Server-streaming RPCs (WatchEvents) offered over HTTP as Server-Sent Events
// (text/event-stream, WHATWG HTML §9.2): each gRPC message becomes one event whose
// data is the message's JSON on one line. When a message holds a repeated message
// field whose elements have a string `cursor`, the last cursor is the event's `id:`,
// and a reconnecting client's Last-Event-ID header is put in the request's `after`
// field: a browser's EventSource resumes where it stopped without losing or repeating
// an event. The call's end is an `event: end`; an error mid-stream an `event: error`
// with the error body.
//
// A stream holds a REST worker thread (and a thread reading the call) while it lasts, so
// streams are bounded in number (past the limit, 503), per principal (past its share,
// 429: one token cannot take every slot) and in length (then the stream ends and the
// client resumes); a silent stream writes a heartbeat comment, which ends
// the call of a client that has gone; all are cancelled when the gateway stops.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/gateway/http/http_message.h"

namespace p06::gateway {

class Backends;

class EventStreams {
 public:
  // `heartbeat`: how long a stream may be silent before a comment is written (which
  // also tells whether the client is still there).
  EventStreams(Backends& backends, size_t max_streams, size_t max_streams_per_holder, absl::Duration max_duration,
               absl::Duration heartbeat)
      : backends_(backends),
        max_streams_(max_streams),
        max_streams_per_holder_(max_streams_per_holder),
        max_duration_(max_duration),
        heartbeat_(heartbeat) {}
  ~EventStreams() { CancelAll(); }

  // The request field a Last-Event-ID header sets, and the field of streamed elements
  // that gives an event its id.
  static constexpr char kResumeField[] = "after";
  static constexpr char kCursorField[] = "cursor";

  // Opens `grpc_path` with `request` and waits for its first message. A call that
  // fails before any (a bad cursor, say) returns its status, for an ordinary error
  // answer, and nothing is written. Otherwise writes `head` (with the stream's headers
  // added) and relays events on `out` until the call ends, the client leaves, the
  // stream's time is up, or CancelAll(); then returns OK. Blocks all that while.
  // `holder`: who opens it (the principal's subject), for the per-principal bound.
  grpc::Status Serve(const std::string& holder, const std::string& grpc_path, std::unique_ptr<grpc::ClientContext> ctx,
                     std::unique_ptr<google::protobuf::Message> request,
                     std::unique_ptr<google::protobuf::Message> response, const std::string& request_id,
                     HttpResponse head, HttpExchange& out);

  // Cancels every open stream (on shutdown).
  void CancelAll();

  absl::Duration max_duration() const { return max_duration_; }

 private:
  struct Stream;
  Backends& backends_;
  const size_t max_streams_;
  const size_t max_streams_per_holder_;
  const absl::Duration max_duration_;
  const absl::Duration heartbeat_;
  absl::Mutex mu_;
  std::set<grpc::ClientContext*> open_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, size_t> open_by_holder_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

// `text`'s SSE form: "id: …\n" when `id` is not empty, "event: …\n", then "data: …\n"
// per line of `data`, and the blank line that ends an event.
std::string SseEvent(const std::string& event, const std::string& data, const std::string& id = "");

}  // namespace p06::gateway
