// Structured logs: one JSON object per line on stderr.
//
//   p06::log::Info("unit created", {{"request_id", rid}, {"unit", id}});
//
// Every line carries "ts" (RFC 3339, UTC), "level", "service" and "msg". Pass the
// request id of the call being served (see common/grpc/request_id.h) so that a
// request can be followed across service hops. Thread-safe; one write(2) per line.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"

namespace p06::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

using Value = std::variant<absl::string_view, int64_t, double, bool>;

struct Field {
  Field(absl::string_view k, absl::string_view v) : key(k), value(v) {}
  Field(absl::string_view k, const std::string& v) : key(k), value(absl::string_view(v)) {}
  Field(absl::string_view k, const char* v) : key(k), value(absl::string_view(v)) {}
  Field(absl::string_view k, int v) : key(k), value(int64_t{v}) {}
  Field(absl::string_view k, int64_t v) : key(k), value(v) {}
  Field(absl::string_view k, uint64_t v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, double v) : key(k), value(v) {}
  Field(absl::string_view k, bool v) : key(k), value(v) {}
  absl::string_view key;
  Value value;
};

using Fields = std::initializer_list<Field>;

// Sets the service name written on every line and the lowest level written.
void Init(absl::string_view service, Level min_level = Level::kInfo);

// Parses "debug", "info", "warning" or "error".
bool ParseLevel(absl::string_view text, Level* level);

// Renders one log line (without the trailing newline); exposed for tests.
std::string FormatLine(Level level, absl::string_view msg, Fields fields);

void Write(Level level, absl::string_view msg, Fields fields = {});
inline void Debug(absl::string_view msg, Fields f = {}) { Write(Level::kDebug, msg, f); }
inline void Info(absl::string_view msg, Fields f = {}) { Write(Level::kInfo, msg, f); }
inline void Warning(absl::string_view msg, Fields f = {}) { Write(Level::kWarning, msg, f); }
inline void Error(absl::string_view msg, Fields f = {}) { Write(Level::kError, msg, f); }

// Appends `text` to `out` as a JSON string literal, quotes included.
void AppendJsonString(std::string& out, absl::string_view text);

}  // namespace p06::log
