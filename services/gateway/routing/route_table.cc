#include "services/gateway/routing/route_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "p06/gateway/v1/http.pb.h"

namespace p06::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

const FieldDescriptor* FindFieldPath(const Descriptor* message, absl::string_view path) {
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (message == nullptr) return nullptr;
    field = message->FindFieldByName(std::string(part));
    if (field == nullptr || field->is_repeated()) return nullptr;
    message = field->type() == FieldDescriptor::TYPE_MESSAGE ? field->message_type() : nullptr;
  }
  return field;
}

namespace {

absl::Status Bad(const MethodDescriptor* m, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("http option of ", m->full_name(), ": ", why));
}

absl::StatusOr<Route> RouteOf(const MethodDescriptor* m, const v1::HttpRule& rule) {
  Route r;
  r.http_method = rule.method();
  if (r.http_method != "GET" && r.http_method != "POST" && r.http_method != "PATCH" && r.http_method != "DELETE") {
    return Bad(m, absl::StrCat("method \"", r.http_method, "\" is not GET, POST, PATCH or DELETE"));
  }
  absl::StatusOr<PathTemplate> path = PathTemplate::Parse(rule.path());
  if (!path.ok()) return Bad(m, path.status().message());
  r.path = *std::move(path);
  for (const std::string& field_path : r.path.FieldPaths()) {
    const FieldDescriptor* f = FindFieldPath(m->input_type(), field_path);
    if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING) {
      return Bad(m, absl::StrCat("path variable ", field_path, " is no string field of ", m->input_type()->name()));
    }
  }
  r.body = rule.body();
  if (!r.body.empty() && r.body != "*") {
    const FieldDescriptor* f = m->input_type()->FindFieldByName(r.body);
    if (f == nullptr || f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_repeated()) {
      return Bad(m, absl::StrCat("body ", r.body, " is no message field of ", m->input_type()->name()));
    }
  }
  if (r.http_method == "GET" && !r.body.empty()) return Bad(m, "a GET takes no body");
  if (rule.read() && r.http_method != "GET" && r.http_method != "POST") {
    return Bad(m, absl::StrCat("read: true on a ", r.http_method, ": only a POST can be a read"));
  }
  r.read = r.http_method == "GET" || rule.read();
  r.method = m;
  r.grpc_path = absl::StrCat("/", m->service()->full_name(), "/", m->name());
  return r;
}

// The paths a template matches, without its variables' names: "/v1/units/{}".
std::string Shape(const PathTemplate& path) {
  std::string out;
  bool in_name = false;
  for (char c : path.OpenApiPath()) {
    if (c == '{') {
      in_name = true;
      out += "{}";
    } else if (c == '}') {
      in_name = false;
    } else if (!in_name) {
      out += c;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::Build(const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* m = service->method(i);
      if (!m->options().HasExtension(v1::http)) continue;
      absl::StatusOr<Route> route = RouteOf(m, m->options().GetExtension(v1::http));
      if (!route.ok()) return route.status();
      for (const Route& other : table.routes_) {
        if (other.http_method == route->http_method && Shape(other.path) == Shape(route->path)) {
          return Bad(m, absl::StrCat("same route as ", other.method->full_name()));
        }
      }
      table.routes_.push_back(*std::move(route));
    }
  }
  return table;
}

RouteTable::Match RouteTable::Find(absl::string_view http_method, const RequestPath& path) const {
  Match match;
  Bindings bindings;
  for (const Route& route : routes_) {
    if (!route.path.Match(path, &bindings)) continue;
    if (route.http_method != http_method) {
      match.other_method_matches = true;
      continue;
    }
    match.route = &route;
    match.bindings = std::move(bindings);
    return match;
  }
  return match;
}

}  // namespace p06::gateway
