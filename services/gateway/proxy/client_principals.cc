#include "services/gateway/proxy/client_principals.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/data_lines.h"

namespace p06::gateway {
namespace {

std::vector<std::string> List(absl::string_view field) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(field, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

bool IsScope(const std::string& s) {
  if (s == "reads") return true;
  // "/package.Service/Method" or "/package.Service/*".
  std::vector<absl::string_view> parts = absl::StrSplit(s, '/');
  return parts.size() == 3 && parts[0].empty() && absl::StrContains(parts[1], '.') && !parts[2].empty();
}

}  // namespace

bool ClientPrincipal::Allows(const std::string& grpc_path, bool is_read) const {
  for (const std::string& scope : scopes) {
    if (scope == "reads" && is_read) return true;
    if (scope == grpc_path) return true;
    if (absl::EndsWith(scope, "/*") && absl::StartsWith(grpc_path, scope.substr(0, scope.size() - 1))) return true;
  }
  return false;
}

absl::StatusOr<ClientPrincipals> ClientPrincipals::Parse(absl::string_view text) {
  ClientPrincipals out;
  for (const auto& [line_number, line] : DataLines(text)) {
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("client principals, line ", line_number, ": ", what));
    };
    std::vector<absl::string_view> f = absl::StrSplit(line, '|');
    if (f.size() != 5) return error("needs 5 fields: subject | principal | unit | roles | scopes");
    for (absl::string_view& field : f) field = absl::StripAsciiWhitespace(field);
    ClientPrincipal c;
    const std::string subject(f[0]);
    if (subject.empty()) return error("empty certificate subject");
    c.principal.subject = std::string(f[1]);
    if (c.principal.subject.empty()) return error("empty principal subject");
    c.principal.unit = std::string(f[2]);
    if (!c.principal.unit.empty() && !absl::StartsWith(c.principal.unit, "units/")) {
      return error("unit must be units/{id} or empty");
    }
    c.principal.roles = List(f[3]);
    if (c.principal.roles.empty()) return error("no role");
    for (const std::string& r : c.principal.roles) {
      if (!IsKnownRole(r)) return error(absl::StrCat("unknown role \"", r, "\""));
    }
    c.scopes = List(f[4]);
    if (c.scopes.empty()) return error("no scope");
    for (const std::string& s : c.scopes) {
      if (!IsScope(s)) return error(absl::StrCat("scope \"", s, "\": reads, /pkg.Service/*, or /pkg.Service/Method"));
    }
    if (!out.by_subject_.emplace(subject, std::move(c)).second) return error("subject listed twice");
  }
  return out;
}

const ClientPrincipal* ClientPrincipals::Find(const std::string& certificate_subject) const {
  auto it = by_subject_.find(certificate_subject);
  return it == by_subject_.end() ? nullptr : &it->second;
}

}  // namespace p06::gateway
