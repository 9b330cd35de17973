#include "services/gateway/routing/path_template.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace p06::gateway {
namespace {

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
}

bool IsFieldPath(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) || absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
          c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<RequestPath> SplitRequestPath(absl::string_view path) {
  if (path.empty() || path[0] != '/') return absl::InvalidArgumentError("path: must start with /");
  path.remove_prefix(1);
  RequestPath out;
  // The verb follows the last ':' of the last segment; resource ids never hold one.
  const size_t last_slash = path.rfind('/');
  const size_t colon = path.rfind(':');
  if (colon != absl::string_view::npos && (last_slash == absl::string_view::npos || colon > last_slash)) {
    out.verb = std::string(path.substr(colon + 1));
    path = path.substr(0, colon);
    if (out.verb.empty()) return absl::InvalidArgumentError("path: empty :verb");
  }
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty()) return absl::InvalidArgumentError("path: empty segment (//)");
    if (segment == "." || segment == "..") return absl::InvalidArgumentError("path: \".\" and \"..\" segments are refused");
    for (char c : segment) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return absl::InvalidArgumentError("path: a control character");
      }
    }
    out.segments.emplace_back(segment);
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (text.empty() || text[0] != '/') return Bad(text, "must start with /");
  absl::string_view rest = text.substr(1);
  // The verb: after a ':' that is outside any {…}.
  int depth = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}') --depth;
    if (rest[i] == ':' && depth == 0) {
      t.verb_ = std::string(rest.substr(i + 1));
      rest = rest.substr(0, i);
      if (t.verb_.empty()) return Bad(text, "empty verb");
      break;
    }
  }
  auto add_segment = [&](absl::string_view s) -> absl::Status {
    if (s == "*") {
      t.segments_.push_back({Kind::kStar, ""});
    } else if (s == "**") {
      t.segments_.push_back({Kind::kDoubleStar, ""});
    } else if (s.empty() || s.find_first_of("{}=*") != absl::string_view::npos) {
      return Bad(text, absl::StrCat("bad segment \"", s, "\""));
    } else {
      t.segments_.push_back({Kind::kLiteral, std::string(s)});
    }
    return absl::OkStatus();
  };
  size_t i = 0;
  while (i <= rest.size()) {
    size_t end = rest.find('/', i);
    if (i < rest.size() && rest[i] == '{') {
      const size_t close = rest.find('}', i);
      if (close == absl::string_view::npos) return Bad(text, "unclosed {");
      absl::string_view inside = rest.substr(i + 1, close - i - 1);
      std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(inside, absl::MaxSplits('=', 1));
      if (!IsFieldPath(parts.first)) return Bad(text, absl::StrCat("bad field path \"", parts.first, "\""));
      Variable v{std::string(parts.first), t.segments_.size(), 0};
      absl::string_view pattern = inside.find('=') == absl::string_view::npos ? "*" : parts.second;
      for (absl::string_view s : absl::StrSplit(pattern, '/')) {
        if (absl::Status st = add_segment(s); !st.ok()) return st;
      }
      v.end = t.segments_.size();
      t.variables_.push_back(std::move(v));
      end = close + 1;
      if (end < rest.size() && rest[end] != '/') return Bad(text, "} must end a segment");
    } else {
      if (end == absl::string_view::npos) end = rest.size();
      if (absl::Status st = add_segment(rest.substr(i, end - i)); !st.ok()) return st;
    }
    if (end >= rest.size()) break;
    i = end + 1;
  }
  for (size_t k = 0; k < t.segments_.size(); ++k) {
    if (t.segments_[k].kind == Kind::kDoubleStar) {
      for (size_t j = k + 1; j < t.segments_.size(); ++j) {
        if (t.segments_[j].kind == Kind::kDoubleStar) return Bad(text, "more than one **");
      }
    }
  }
  return t;
}

bool PathTemplate::Match(const RequestPath& path, Bindings* bindings) const {
  if (path.verb != verb_) return false;
  const size_t n = path.segments.size();
  // Where each template segment starts in the request: "**" takes whatever the
  // segments after it leave, at least one.
  std::vector<size_t> start(segments_.size() + 1);
  size_t pos = 0;
  for (size_t k = 0; k < segments_.size(); ++k) {
    start[k] = pos;
    const Segment& s = segments_[k];
    if (s.kind == Kind::kDoubleStar) {
      const size_t after = segments_.size() - k - 1;
      if (n < pos + 1 + after) return false;
      pos = n - after;
      continue;
    }
    if (pos >= n) return false;
    if (s.kind == Kind::kLiteral && path.segments[pos] != s.literal) return false;
    ++pos;
  }
  if (pos != n) return false;
  start[segments_.size()] = n;
  bindings->clear();
  for (const Variable& v : variables_) {
    std::vector<absl::string_view> parts;
    for (size_t j = start[v.begin]; j < start[v.end]; ++j) parts.push_back(path.segments[j]);
    bindings->emplace_back(v.field_path, absl::StrJoin(parts, "/"));
  }
  return true;
}

std::vector<std::string> PathTemplate::FieldPaths() const {
  std::vector<std::string> out;
  for (const Variable& v : variables_) out.push_back(v.field_path);
  return out;
}

std::string PathTemplate::OpenApiPath(std::vector<std::string>* parameters) const {
  // Each wildcard of a variable is a parameter of its own ("/v1/plans/{name_1}/tasks/{name_2}"),
  // so that routes over different collections ("units/*", "groups/*") stay apart.
  std::string out;
  size_t var = 0;
  int wildcard = 0;
  for (size_t k = 0; k < segments_.size(); ++k) {
    while (var < variables_.size() && k >= variables_[var].end) {
      ++var;
      wildcard = 0;
    }
    out += "/";
    const Segment& s = segments_[k];
    if (s.kind == Kind::kLiteral) {
      out += s.literal;
      continue;
    }
    const std::string name = var < variables_.size() && k >= variables_[var].begin
                                 ? absl::StrCat(absl::StrReplaceAll(variables_[var].field_path, {{".", "_"}}), "_", ++wildcard)
                                 : absl::StrCat("segment_", k);
    absl::StrAppend(&out, "{", name, "}");
    if (parameters != nullptr) parameters->push_back(name);
  }
  if (!verb_.empty()) absl::StrAppend(&out, ":", verb_);
  return out;
}

}  // namespace p06::gateway
