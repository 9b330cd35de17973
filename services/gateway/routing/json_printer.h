// Protobuf messages as proto3 JSON, as protobuf's MessageToJsonString prints them
// with default options (lowerCamelCase names, enums by name, 64-bit integers as
// strings, default values left out), byte for byte, but by reflection straight from
// the message: protobuf 3.21's printer serialises the message and re-reads it through
// type descriptions rebuilt on every call, a fifth of the gateway's CPU per request.
// Messages holding maps or well-known types other than Timestamp go to protobuf's
// printer (tests/unit/json_printer_test.cc compares the two).
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/statusor.h"

namespace p06::gateway {

absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message);

}  // namespace p06::gateway
