// What the gateway's HTTP server (http_server.h) hands a handler, and how the handler
// answers. Plain structs, so that the REST logic needs no HTTP library's headers.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06::gateway {

using HttpFields = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // As sent: "GET".
  std::string path;    // Percent-decoded, without the query.
  HttpFields query;    // Decoded ('+' is a space), in the order sent.
  HttpFields headers;  // Names in lower case.
  std::string body;
  std::string remote_addr;
  int remote_port = 0;

  // The first header of that name (any case); "" when there is none.
  std::string Header(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HttpFields headers;
  std::string content_type;  // With a body.
  std::string body;

  void SetHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

// One request's way back to its client. The handler answers once, from any thread:
// with Reply, or as a stream (StartChunked, WriteChunk…, EndChunked) from a thread
// that may block (HttpServer::Blocking), never an I/O thread.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual void Reply(HttpResponse response) = 0;
  // Each waits until written; false when the client has gone or stopped reading.
  virtual bool StartChunked(HttpResponse head) = 0;
  virtual bool WriteChunk(std::string data) = 0;  // Not empty.
  // The last chunk; then the connection closes.
  virtual void EndChunked() = 0;
};

// "/a%20b?x=1&y=+2" → path "/a b", query {x: "1", y: " 2"}. INVALID_ARGUMENT for a
// target that is not a path (absolute-form, "*").
struct RequestTarget {
  std::string path;
  HttpFields query;
};
absl::StatusOr<RequestTarget> ParseRequestTarget(absl::string_view target);

// %XX decoded (a malformed escape stays as written); '+' is a space when `plus_is_space`.
std::string PercentDecode(absl::string_view s, bool plus_is_space);

}  // namespace p06::gateway
