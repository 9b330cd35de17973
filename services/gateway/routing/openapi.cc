#include "services/gateway/routing/openapi.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace p06::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Struct;
using google::protobuf::Value;

namespace {

Value Str(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}
Value Bool(bool b) {
  Value v;
  v.set_bool_value(b);
  return v;
}
Struct& Obj(Struct& parent, const std::string& key) { return *(*parent.mutable_fields())[key].mutable_struct_value(); }
void Set(Struct& s, const std::string& key, Value v) { (*s.mutable_fields())[key] = std::move(v); }

std::string Ref(const Descriptor* d) { return absl::StrCat("#/components/schemas/", d->full_name()); }

// The schema of one (non-repeated) value of `f`; records message types to describe.
Struct ValueSchema(const FieldDescriptor* f, std::vector<const Descriptor*>* pending) {
  Struct s;
  switch (f->type()) {
    case FieldDescriptor::TYPE_BOOL:
      Set(s, "type", Str("boolean"));
      break;
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32:
      Set(s, "type", Str("integer"));
      Set(s, "format", Str("int32"));
      break;
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      // int64 travels as a JSON string (protobuf's JSON mapping).
      Set(s, "type", Str("string"));
      Set(s, "format", Str("int64"));
      break;
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FLOAT:
      Set(s, "type", Str("number"));
      break;
    case FieldDescriptor::TYPE_BYTES:
      Set(s, "type", Str("string"));
      Set(s, "format", Str("byte"));
      break;
    case FieldDescriptor::TYPE_ENUM: {
      Set(s, "type", Str("string"));
      Value names;
      for (int i = 0; i < f->enum_type()->value_count(); ++i) {
        *names.mutable_list_value()->add_values() = Str(f->enum_type()->value(i)->name());
      }
      Set(s, "enum", names);
      break;
    }
    case FieldDescriptor::TYPE_MESSAGE: {
      const std::string& name = f->message_type()->full_name();
      if (name == "google.protobuf.Timestamp") {
        Set(s, "type", Str("string"));
        Set(s, "format", Str("date-time"));
      } else if (name == "google.protobuf.FieldMask" || name == "google.protobuf.Duration") {
        Set(s, "type", Str("string"));
      } else if (name == "google.protobuf.Struct") {
        Set(s, "type", Str("object"));
      } else {
        pending->push_back(f->message_type());
        Set(s, "$ref", Str(Ref(f->message_type())));
      }
      break;
    }
    default:
      Set(s, "type", Str("string"));
  }
  return s;
}

Struct FieldSchema(const FieldDescriptor* f, std::vector<const Descriptor*>* pending) {
  if (f->is_map()) {
    Struct s;
    Set(s, "type", Str("object"));
    *Obj(s, "additionalProperties").mutable_fields() = ValueSchema(f->message_type()->map_value(), pending).fields();
    return s;
  }
  if (f->is_repeated()) {
    Struct s;
    Set(s, "type", Str("array"));
    *Obj(s, "items").mutable_fields() = ValueSchema(f, pending).fields();
    return s;
  }
  return ValueSchema(f, pending);
}

Struct MessageSchema(const Descriptor* d, std::vector<const Descriptor*>* pending) {
  Struct s;
  Set(s, "type", Str("object"));
  Struct& props = Obj(s, "properties");
  for (int i = 0; i < d->field_count(); ++i) {
    *Obj(props, d->field(i)->json_name()).mutable_fields() = FieldSchema(d->field(i), pending).fields();
  }
  return s;
}

Struct ErrorSchema() {
  Struct s;
  Set(s, "type", Str("object"));
  Struct& error = Obj(Obj(s, "properties"), "error");
  Set(error, "type", Str("object"));
  Struct& props = Obj(error, "properties");
  Set(Obj(props, "code"), "type", Str("integer"));
  Set(Obj(props, "status"), "type", Str("string"));
  Set(Obj(props, "message"), "type", Str("string"));
  Struct& details = Obj(props, "details");
  Set(details, "type", Str("array"));
  Set(Obj(details, "items"), "type", Str("object"));
  return s;
}

}  // namespace

bool IsQueryField(const Route& route, const FieldDescriptor* field) {
  if (route.body == "*" || field->name() == route.body) return false;
  for (const std::string& path : route.path.FieldPaths()) {
    if (path == field->name()) return false;
  }
  return true;
}

std::string OpenApiDocument(const RouteTable& routes, const std::string& version) {
  Struct doc;
  Set(doc, "openapi", Str("3.0.3"));
  Struct& info = Obj(doc, "info");
  Set(info, "title", Str("Đề án 06 plan-tracking suite"));
  Set(info, "version", Str(version));
  Set(info, "description", Str("REST/JSON routes of every RPC of the suite, derived from the http option of each RPC."));
  Struct& scheme = Obj(Obj(Obj(doc, "components"), "securitySchemes"), "bearer");
  Set(scheme, "type", Str("http"));
  Set(scheme, "scheme", Str("bearer"));
  Set(scheme, "bearerFormat", Str("JWT"));
  Value security;  // [{"bearer": []}]: every route needs the token.
  Struct& requirement = *security.mutable_list_value()->add_values()->mutable_struct_value();
  (*requirement.mutable_fields())["bearer"].mutable_list_value();
  Set(doc, "security", security);

  std::vector<const Descriptor*> pending;
  Struct& paths = Obj(doc, "paths");
  for (const Route& route : routes.routes()) {
    std::vector<std::string> path_params;
    Struct& op = Obj(Obj(paths, route.path.OpenApiPath(&path_params)), absl::AsciiStrToLower(route.http_method));
    Set(op, "operationId", Str(absl::StrCat(route.method->service()->name(), "_", route.method->name())));
    Set(op, "summary", Str(route.grpc_path));
    Value tags;
    *tags.mutable_list_value()->add_values() = Str(route.method->service()->name());
    Set(op, "tags", tags);
    Value params;
    for (const std::string& name : path_params) {
      Struct& p = *params.mutable_list_value()->add_values()->mutable_struct_value();
      Set(p, "name", Str(name));
      Set(p, "in", Str("path"));
      Set(p, "required", Bool(true));
      Set(p, "description", Str(absl::StrCat("A segment of the resource name ", route.path.text())));
      Set(Obj(p, "schema"), "type", Str("string"));
    }
    const Descriptor* input = route.method->input_type();
    for (int i = 0; i < input->field_count(); ++i) {
      const FieldDescriptor* f = input->field(i);
      if (!IsQueryField(route, f)) continue;
      // Query parameters of messages are set field by field; only scalars are listed.
      if (f->type() == FieldDescriptor::TYPE_MESSAGE && f->message_type()->full_name() != "google.protobuf.Timestamp" &&
          f->message_type()->full_name() != "p06.type.v1.Date" && f->message_type()->full_name() != "google.protobuf.FieldMask") {
        continue;
      }
      Struct& p = *params.mutable_list_value()->add_values()->mutable_struct_value();
      Set(p, "name", Str(f->json_name()));
      Set(p, "in", Str("query"));
      if (f->message_type() != nullptr && f->message_type()->full_name() == "p06.type.v1.Date") {
        Set(Obj(p, "schema"), "type", Str("string"));
        Set(Obj(p, "schema"), "format", Str("date"));
      } else {
        std::vector<const Descriptor*> ignored;
        *Obj(p, "schema").mutable_fields() = FieldSchema(f, &ignored).fields();
        if (f->is_repeated()) {
          Set(p, "explode", Bool(true));
        }
      }
    }
    if (params.list_value().values_size() > 0) Set(op, "parameters", params);
    if (!route.body.empty()) {
      const Descriptor* body = route.body == "*" ? input : input->FindFieldByName(route.body)->message_type();
      pending.push_back(body);
      Struct& rb = Obj(op, "requestBody");
      Set(rb, "required", Bool(true));
      Set(Obj(Obj(Obj(rb, "content"), "application/json"), "schema"), "$ref", Str(Ref(body)));
    }
    pending.push_back(route.method->output_type());
    Struct& ok = Obj(Obj(op, "responses"), "200");
    if (route.method->server_streaming()) {
      // Server-Sent Events: each event's data is one message of the stream.
      Set(ok, "description", Str(absl::StrCat("Server-Sent Events; each event's data is a ",
                                              route.method->output_type()->name(), " as JSON.")));
      Set(Obj(Obj(Obj(ok, "content"), "text/event-stream"), "schema"), "type", Str("string"));
    } else {
      Set(ok, "description", Str("OK"));
      Set(Obj(Obj(Obj(ok, "content"), "application/json"), "schema"), "$ref", Str(Ref(route.method->output_type())));
    }
    Struct& error = Obj(Obj(op, "responses"), "default");
    Set(error, "description", Str("An error: the gRPC status as HTTP (AIP-193), with the error body."));
    Set(Obj(Obj(Obj(error, "content"), "application/json"), "schema"), "$ref", Str("#/components/schemas/Error"));
  }

  Struct& schemas = Obj(Obj(doc, "components"), "schemas");
  *Obj(schemas, "Error").mutable_fields() = ErrorSchema().fields();
  std::set<std::string> done;
  while (!pending.empty()) {
    const Descriptor* d = pending.back();
    pending.pop_back();
    if (!done.insert(d->full_name()).second) continue;
    *Obj(schemas, d->full_name()).mutable_fields() = MessageSchema(d, &pending).fields();
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(doc, &json, options);
  return json;
}

}  // namespace p06::gateway
