#include "common/log/log.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace p06::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::mutex g_service_mu;
std::string g_service = "p06";

constexpr absl::string_view kLevelNames[] = {"debug", "info", "warning", "error"};

std::string ServiceName() {
  std::lock_guard lock(g_service_mu);
  return g_service;
}

}  // namespace

void Init(absl::string_view service, Level min_level) {
  {
    std::lock_guard lock(g_service_mu);
    g_service = std::string(service);
  }
  g_min_level = static_cast<int>(min_level);
}

bool ParseLevel(absl::string_view text, Level* level) {
  for (int i = 0; i < 4; ++i) {
    if (text == kLevelNames[i]) {
      *level = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

void AppendJsonString(std::string& out, absl::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));  // UTF-8 passes through unchanged.
        }
    }
  }
  out.push_back('"');
}

std::string FormatLine(Level level, absl::string_view msg, Fields fields) {
  std::string line = "{\"ts\":";
  AppendJsonString(line, absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  line += ",\"level\":";
  AppendJsonString(line, kLevelNames[static_cast<int>(level)]);
  line += ",\"service\":";
  AppendJsonString(line, ServiceName());
  line += ",\"msg\":";
  AppendJsonString(line, msg);
  for (const Field& f : fields) {
    line.push_back(',');
    AppendJsonString(line, f.key);
    line.push_back(':');
    if (auto* s = std::get_if<absl::string_view>(&f.value)) {
      AppendJsonString(line, *s);
    } else if (auto* i = std::get_if<int64_t>(&f.value)) {
      absl::StrAppend(&line, *i);
    } else if (auto* d = std::get_if<double>(&f.value)) {
      // JSON has no NaN or infinity.
      if (std::isfinite(*d))
        absl::StrAppend(&line, *d);
      else
        line += "null";
    } else {
      line += std::get<bool>(f.value) ? "true" : "false";
    }
  }
  line.push_back('}');
  return line;
}

void Write(Level level, absl::string_view msg, Fields fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  std::string line = FormatLine(level, msg, fields);
  line.push_back('\n');
  // A single write keeps concurrent lines whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace p06::log
