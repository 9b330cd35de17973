#include "services/gateway/routing/json_printer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace p06::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kTimestamp[] = "google.protobuf.Timestamp";

// Whether every message reachable from `d` is printed here (no maps, no well-known
// type but Timestamp). Computed once per type.
bool Printable(const Descriptor* d) {
  thread_local absl::flat_hash_map<const Descriptor*, bool> seen;  // Saves the lock below.
  if (auto it = seen.find(d); it != seen.end()) return it->second;
  static std::mutex mu;
  static absl::flat_hash_map<const Descriptor*, bool> known;
  std::lock_guard lock(mu);
  // Depth-first; a type being looked at counts as printable (recursive types).
  std::function<bool(const Descriptor*)> visit = [&](const Descriptor* t) -> bool {
    if (auto it = known.find(t); it != known.end()) return it->second;
    known[t] = true;  // Provisional, for a type that reaches itself; settled below.
    bool ok = t->file()->package() != "google.protobuf" || t->full_name() == kTimestamp;
    for (int i = 0; ok && i < t->field_count(); ++i) {
      const FieldDescriptor* f = t->field(i);
      if (f->is_map()) ok = false;
      if (ok && f->type() == FieldDescriptor::TYPE_MESSAGE) ok = visit(f->message_type());
    }
    known[t] = ok;
    return ok;
  };
  return seen[d] = visit(d);
}

// Set when a value is one this printer does not print as protobuf would: the whole
// message then goes to protobuf's printer.
thread_local bool t_give_up = false;

// The code points protobuf's escaping leaves as they are, beyond ASCII: Latin letters
// (Vietnamese among them), combining marks, most punctuation, currency signs, and the
// planes above the first but the tags. It also escapes some format and control
// characters (U+0080-009F, soft hyphen, zero-width and direction marks, BOM, ...): a
// string holding one of those, or anything else outside this list, is left to it.
bool PrintedAsIs(uint32_t cp) {
  return (cp >= 0xA0 && cp <= 0x24F && cp != 0xAD) || (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
         (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205F) || (cp >= 0x20A0 && cp <= 0x20CF) ||
         (cp >= 0x10000 && cp < 0xE0000);
}

// The code point of the UTF-8 sequence at s[i] (its length in *n); 0 when malformed.
uint32_t DecodeUtf8(absl::string_view s, size_t i, size_t* n) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) return *n = 1, 0;
  uint32_t cp = c & (0x3F >> (len - 1));
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *n = len;
  return cp;
}

// As protobuf's JSON escaping: quotes, backslashes, control characters, 0x7f, < and >
// escaped; the rest of ASCII and the code points of PrintedAsIs as they are.
void AppendString(std::string* out, absl::string_view s) {
  out->push_back('"');
  size_t plain = 0;  // Start of the run of bytes copied as they are, appended at once.
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>') continue;
    if (c >= 0x80) {
      size_t n = 1;
      if (!PrintedAsIs(DecodeUtf8(s, i, &n))) t_give_up = true;
      i += n - 1;  // Copied with the run.
      continue;
    }
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out->append("\\\""); continue;
      case '\\': out->append("\\\\"); continue;
      case '\b': out->append("\\b"); continue;
      case '\t': out->append("\\t"); continue;
      case '\n': out->append("\\n"); continue;
      case '\f': out->append("\\f"); continue;
      case '\r': out->append("\\r"); continue;
      case '<': out->append("\\u003c"); continue;
      case '>': out->append("\\u003e"); continue;
      default: break;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", c);
    out->append(buf);
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

// Shortest of %.{short}g and %.{long}g that reads back as the same value (protobuf's
// SimpleDtoa / SimpleFtoa).
template <typename T>
void AppendFloat(std::string* out, T v, int short_digits, int long_digits) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", short_digits, static_cast<double>(v));
  if (static_cast<T>(std::strtod(buf, nullptr)) != v) std::snprintf(buf, sizeof buf, "%.*g", long_digits, static_cast<double>(v));
  out->append(buf);
}

void AppendTimestamp(std::string* out, const Message& m) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  const int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
  const int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
  // 1970 to 9999 with valid nanos here; anything else (which protobuf formats with
  // four-digit years, or refuses) is left to protobuf.
  if (seconds < 0 || seconds > 253402300799 || nanos < 0 || nanos > 999999999) {
    t_give_up = true;
    return;
  }
  std::string text = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  if (nanos != 0) {
    char frac[16];
    if (nanos % 1000000 == 0) {
      std::snprintf(frac, sizeof frac, ".%03d", nanos / 1000000);
    } else if (nanos % 1000 == 0) {
      std::snprintf(frac, sizeof frac, ".%06d", nanos / 1000);
    } else {
      std::snprintf(frac, sizeof frac, ".%09d", nanos);
    }
    text += frac;
  }
  AppendString(out, absl::StrCat(text, "Z"));
}

void AppendMessage(std::string* out, const Message& m);

// One value of field `f` (element `index` when repeated).
void AppendValue(std::string* out, const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrAppend(out, rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrAppend(out, rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrAppend(out, "\"", rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f), "\"");
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrAppend(out, "\"", rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f), "\"");
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return AppendFloat(out, rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f), 15, 17);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return AppendFloat(out, rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f), 6, 9);
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false");
      return;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      const auto* value = f->enum_type()->FindValueByNumber(number);
      if (value == nullptr) return absl::StrAppend(out, number);
      return AppendString(out, value->name());
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s =
          rep ? r->GetRepeatedStringReference(m, f, index, &scratch) : r->GetStringReference(m, f, &scratch);
      if (f->type() == FieldDescriptor::TYPE_BYTES) return AppendString(out, absl::Base64Escape(s));
      return AppendString(out, s);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f);
      if (sub.GetDescriptor()->full_name() == kTimestamp) return AppendTimestamp(out, sub);
      return AppendMessage(out, sub);
    }
  }
}

void AppendMessage(std::string* out, const Message& m) {
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);  // The fields set, by number: protobuf's order.
  out->push_back('{');
  bool first = true;
  for (const FieldDescriptor* f : fields) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(out, f->json_name());
    out->push_back(':');
    if (!f->is_repeated()) {
      AppendValue(out, m, f, 0);
      continue;
    }
    out->push_back('[');
    const int n = m.GetReflection()->FieldSize(m, f);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out->push_back(',');
      AppendValue(out, m, f, i);
    }
    out->push_back(']');
  }
  out->push_back('}');
}

}  // namespace

absl::StatusOr<std::string> MessageToJson(const Message& message) {
  std::string json;
  if (Printable(message.GetDescriptor())) {
    t_give_up = false;
    if (message.GetDescriptor()->full_name() == kTimestamp) {
      AppendTimestamp(&json, message);
    } else {
      AppendMessage(&json, message);
    }
    if (!t_give_up) return json;
    json.clear();
  }
  auto status = google::protobuf::util::MessageToJsonString(message, &json);
  if (!status.ok()) return absl::InternalError(absl::StrCat("to JSON: ", status.message().as_string()));
  return json;
}

}  // namespace p06::gateway
