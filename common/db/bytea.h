// Protobuf messages stored in bytea columns.
#pragma once

#include <google/protobuf/message.h>

#include <pqxx/binarystring>
#include <pqxx/field>

namespace p06::db {

// A message as a bytea parameter.
inline pqxx::binarystring Bytes(const google::protobuf::Message& m) { return pqxx::binarystring(m.SerializeAsString()); }

// Parses the message in `field` (a bytea column written with SerializeAsString).
template <typename T>
T ProtoFromBytea(const pqxx::field& field) {
  T message;
  pqxx::binarystring bytes(field);
  message.ParseFromString(bytes.str());
  return message;
}

}  // namespace p06::db
