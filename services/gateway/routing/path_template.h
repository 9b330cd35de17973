// AIP-127 path templates, as the `http` option of an RPC declares them
// (proto/p06/gateway/v1/http.proto): "/v1/{name=plans/*/tasks/*}", "/v1/units:resolve",
// "/v1/{parent=plans/**}/occurrences". Pure: no I/O, no protobuf.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06::gateway {

// A request's path, split: "/v1/units/stp-hcm:rename" is {"v1", "units", "stp-hcm"} and
// verb "rename".
struct RequestPath {
  std::vector<std::string> segments;
  std::string verb;
};

// INVALID_ARGUMENT naming "path" for an empty or "." / ".." segment, or one with a
// control character: a resource name is never made of those.
absl::StatusOr<RequestPath> SplitRequestPath(absl::string_view path);

// (field path, value): ("task.name", "plans/910-qd-btp-2025/tasks/7").
using Bindings = std::vector<std::pair<std::string, std::string>>;

class PathTemplate {
 public:
  // INVALID_ARGUMENT saying what is wrong with `text`.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // The variables' values when `path` matches, else false.
  bool Match(const RequestPath& path, Bindings* bindings) const;

  const std::string& text() const { return text_; }
  // The field paths bound by the path, in order.
  std::vector<std::string> FieldPaths() const;
  // The template in OpenAPI's form, one parameter per wildcard, named after its field:
  // "/v1/{name=plans/*/tasks/*}:x" is "/v1/plans/{name_1}/tasks/{name_2}:x". The
  // parameters' names are appended to `parameters` in order.
  std::string OpenApiPath(std::vector<std::string>* parameters = nullptr) const;

 private:
  enum class Kind { kLiteral, kStar, kDoubleStar };
  struct Segment {
    Kind kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    size_t begin;  // Segments [begin, end) of segments_.
    size_t end;
  };
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

}  // namespace p06::gateway
