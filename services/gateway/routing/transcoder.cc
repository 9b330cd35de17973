#include "services/gateway/routing/transcoder.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/invalid_field.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"
#include "services/gateway/routing/json_printer.h"

namespace p06::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Struct;
using google::protobuf::Value;

namespace {

// "pageSize" and "page_size" both name page_size.
const FieldDescriptor* FieldNamed(const Descriptor* message, absl::string_view name) {
  if (const FieldDescriptor* f = message->FindFieldByName(std::string(name))) return f;
  return message->FindFieldByCamelcaseName(std::string(name));
}

bool IsDateMessage(const FieldDescriptor* f) {
  return f->type() == FieldDescriptor::TYPE_MESSAGE && f->message_type()->full_name() == "p06.type.v1.Date";
}

// The JSON value of one query parameter for field `f`.
absl::StatusOr<Value> QueryValue(const FieldDescriptor* f, const std::string& key, const std::string& text) {
  Value v;
  if (IsDateMessage(f)) {
    // "2025-06-30": the form a person types.
    std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
    int y = 0, m = 0, d = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
        !absl::SimpleAtoi(parts[2], &d)) {
      return InvalidField(key, "must be a date yyyy-mm-dd");
    }
    Struct* date = v.mutable_struct_value();
    (*date->mutable_fields())["year"].set_number_value(y);
    (*date->mutable_fields())["month"].set_number_value(m);
    (*date->mutable_fields())["day"].set_number_value(d);
    return v;
  }
  switch (f->type()) {
    case FieldDescriptor::TYPE_BOOL:
      if (text == "true" || text == "1") {
        v.set_bool_value(true);
      } else if (text == "false" || text == "0") {
        v.set_bool_value(false);
      } else {
        return InvalidField(key, "must be true or false");
      }
      return v;
    case FieldDescriptor::TYPE_MESSAGE:
      // Well-known types with a string form (Timestamp, FieldMask, Duration) parse it;
      // other messages are reached field by field ("dueAfter.year=2025").
      if (f->message_type()->file()->package() != "google.protobuf") {
        return InvalidField(key, "a message: set its fields with dots (name.field=value)");
      }
      [[fallthrough]];
    default:
      // Numbers and enums as strings: protobuf's JSON parser takes both and checks them.
      v.set_string_value(text);
      return v;
  }
}

// Adds key=value to `root` (JSON of the request) at the field path `key`.
absl::Status AddQueryParam(const Descriptor* request, const std::string& key, const std::string& text, Struct* root) {
  const Descriptor* message = request;
  Struct* node = root;
  std::vector<std::string> parts = absl::StrSplit(key, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = message == nullptr ? nullptr : FieldNamed(message, parts[i]);
    if (f == nullptr) return InvalidField(key, "no such parameter");
    const std::string json_name = f->json_name();
    if (i + 1 < parts.size()) {
      if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_repeated()) {
        return InvalidField(key, absl::StrCat(parts[i], " has no fields"));
      }
      Value& child = (*node->mutable_fields())[json_name];
      if (!child.has_struct_value()) child.mutable_struct_value();
      node = child.mutable_struct_value();
      message = f->message_type();
      continue;
    }
    if (f->is_map()) return InvalidField(key, "maps cannot be set from the query");
    ASSIGN_OR_RETURN(Value v, QueryValue(f, key, text));
    Value& slot = (*node->mutable_fields())[json_name];
    if (f->is_repeated()) {
      *slot.mutable_list_value()->add_values() = std::move(v);
    } else {
      if (slot.kind_case() != Value::KIND_NOT_SET) return InvalidField(key, "given twice");
      slot = std::move(v);
    }
  }
  return absl::OkStatus();
}

constexpr int kMaxJsonDepth = 32;

// Deeper than any request of the suite; refused before the parser recurses into it.
bool TooDeep(absl::string_view json) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// protobuf's JSON errors say "(report.status): invalid value …" or "foo: Cannot find
// field."; the field they name is made a path from the request's root (`prefix`).
absl::Status ParseJsonInto(absl::string_view json, absl::string_view what, absl::string_view prefix, Message* message) {
  if (TooDeep(json)) return InvalidField(what, absl::StrCat("nested deeper than ", kMaxJsonDepth));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json), message, options);
  if (status.ok()) return absl::OkStatus();
  std::string text = status.message().as_string();
  absl::string_view field, problem = text;
  std::string nested;
  if (absl::ConsumePrefix(&problem, "(")) {
    // "(report.status): problem", or "(report) unit: problem" for a field not found.
    const size_t close = problem.find(')');
    if (close != absl::string_view::npos) {
      absl::string_view path = problem.substr(0, close);
      problem.remove_prefix(close + 1);
      if (absl::ConsumePrefix(&problem, ": ")) {
        field = path;
      } else if (absl::ConsumePrefix(&problem, " ")) {
        const size_t colon = problem.find(": ");
        if (colon != absl::string_view::npos) {
          nested = absl::StrCat(path, ".", problem.substr(0, colon));
          field = nested;
          problem.remove_prefix(colon + 2);
        }
      }
    }
  } else if (const size_t colon = problem.find(": "); colon != absl::string_view::npos &&
                                                       problem.substr(0, colon).find(' ') == absl::string_view::npos) {
    field = problem.substr(0, colon);
    problem.remove_prefix(colon + 2);
  }
  if (field.empty()) return InvalidField(what, text);
  return InvalidField(prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field), problem);
}

Message* MutableMessageAt(Message* message, const std::vector<std::string>& parts, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const FieldDescriptor* f = message->GetDescriptor()->FindFieldByName(parts[i]);
    message = message->GetReflection()->MutableMessage(message, f);
  }
  return message;
}

void SetStringAt(Message* message, absl::string_view path, const std::string& value) {
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  Message* leaf = MutableMessageAt(message, parts, parts.size() - 1);
  const FieldDescriptor* f = leaf->GetDescriptor()->FindFieldByName(parts.back());
  leaf->GetReflection()->SetString(leaf, f, value);
}

// Sets the string field `name` of `message` when it has one and `value` is not empty.
void SetIfPresent(Message* message, const char* name, const std::string& value) {
  if (value.empty() || message == nullptr) return;
  const FieldDescriptor* f = message->GetDescriptor()->FindFieldByName(name);
  if (f != nullptr && f->type() == FieldDescriptor::TYPE_STRING && !f->is_repeated()) {
    message->GetReflection()->SetString(message, f, value);
  }
}

// If-Match (RFC 9110 §13.1.1) as the etag the service compares. A precondition
// that cannot be checked is refused, never dropped: the write would go ahead
// unconditioned while the client believes it guarded.
absl::Status ApplyIfMatch(absl::string_view header, Message* target) {
  const absl::string_view value = absl::StripAsciiWhitespace(header);
  const FieldDescriptor* f = target->GetDescriptor()->FindFieldByName("etag");
  if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING || f->is_repeated()) {
    return InvalidField("If-Match", "this route takes no etag, so nothing would be checked");
  }
  // Any current version: what changing a resource that must exist requires anyway.
  if (value == "*") return absl::OkStatus();
  if (absl::StartsWith(value, "W/")) {
    return InvalidField("If-Match", "a weak etag never matches: If-Match compares strongly");
  }
  if (value.size() < 2 || value.front() != '"' || value.back() != '"' ||
      value.substr(1, value.size() - 2).find('"') != absl::string_view::npos) {
    return InvalidField("If-Match", "one etag in double quotes, as the ETag header gave it");
  }
  target->GetReflection()->SetString(target, f, std::string(value.substr(1, value.size() - 2)));
  return absl::OkStatus();
}

}  // namespace

std::string StringAt(const Message& message, absl::string_view path) {
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  const Message* node = &message;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    node = &node->GetReflection()->GetMessage(*node, node->GetDescriptor()->FindFieldByName(parts[i]));
  }
  return node->GetReflection()->GetString(*node, node->GetDescriptor()->FindFieldByName(parts.back()));
}

absl::Status BuildRequest(const HttpRequestParts& parts, Message* request) {
  const Route& route = *parts.route;
  const Descriptor* type = request->GetDescriptor();

  // Query parameters: fields neither in the path nor in the body.
  if (!parts.query.empty()) {
    Struct root;
    for (const auto& [key, value] : parts.query) {
      if (!IsValidUtf8(key) || !IsValidUtf8(value)) return InvalidField("query", "not valid UTF-8");
      const std::string top = key.substr(0, key.find('.'));
      const FieldDescriptor* f = FieldNamed(type, top);
      if (f != nullptr && (route.body == "*" || f->name() == route.body)) {
        return InvalidField(key, "belongs in the body");
      }
      RETURN_IF_ERROR(AddQueryParam(type, key, value, &root));
    }
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(root, &json);
    RETURN_IF_ERROR(ParseJsonInto(json, "query", "", request));
  }

  // The body.
  if (!route.body.empty()) {
    if (!IsValidUtf8(parts.body)) return InvalidField("body", "not valid UTF-8");
    const absl::string_view body = absl::StripAsciiWhitespace(parts.body);
    if (!body.empty()) {
      if (route.body == "*") {
        std::unique_ptr<Message> parsed(request->New());
        RETURN_IF_ERROR(ParseJsonInto(body, "body", "", parsed.get()));
        request->MergeFrom(*parsed);
      } else {
        const FieldDescriptor* f = type->FindFieldByName(route.body);
        Message* target = request->GetReflection()->MutableMessage(request, f);
        std::unique_ptr<Message> parsed(target->New());
        RETURN_IF_ERROR(ParseJsonInto(body, "body", f->name(), parsed.get()));
        target->MergeFrom(*parsed);
      }
    }
  } else if (!absl::StripAsciiWhitespace(parts.body).empty()) {
    return InvalidField("body", "this route takes none");
  }

  // The path wins over anything the body said of the same field.
  for (const auto& [field_path, value] : parts.bindings) {
    if (!IsValidUtf8(value)) return InvalidField(field_path, "not valid UTF-8");
    SetStringAt(request, field_path, value);
  }

  // Headers: If-Match on the resource in the body (or the request itself),
  // Idempotency-Key as the request id.
  if (!parts.if_match.empty()) {
    Message* target = request;
    if (!route.body.empty() && route.body != "*") {
      target = request->GetReflection()->MutableMessage(request, type->FindFieldByName(route.body));
    }
    RETURN_IF_ERROR(ApplyIfMatch(parts.if_match, target));
  }
  SetIfPresent(request, "request_id", parts.idempotency_key);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResponseJson(const Message& response) { return MessageToJson(response); }

std::string EtagOf(const Message& response) {
  const FieldDescriptor* f = response.GetDescriptor()->FindFieldByName("etag");
  if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING || f->is_repeated()) return "";
  return response.GetReflection()->GetString(response, f);
}

std::string ResourceOf(const HttpRequestParts& parts) {
  return parts.bindings.empty() ? "" : parts.bindings.front().second;
}

}  // namespace p06::gateway
