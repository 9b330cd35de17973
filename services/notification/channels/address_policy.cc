#include "services/notification/channels/address_policy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/invalid_field.h"

namespace p06::notification {
namespace {

constexpr size_t kMaxUrlBytes = 2000;
constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxLocalPartBytes = 64;
constexpr size_t kMaxLabelBytes = 63;

// The parts of a URL the policy looks at.
struct UrlParts {
  std::string host;  // Without the brackets of an IPv6 literal.
  bool bracketed = false;
};

bool IsControlOrSpace(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7F;
}

// A host name as DNS spells it; a percent sign or other oddity would be read
// differently by curl and by getaddrinfo, so it is refused rather than interpreted.
bool IsHostNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool IsIpv6LiteralChar(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }

absl::StatusOr<UrlParts> ParseUrl(absl::string_view url, absl::string_view field) {
  if (url.size() > kMaxUrlBytes) return InvalidField(field, absl::StrCat("must be at most ", kMaxUrlBytes, " bytes"));
  for (char c : url) {
    if (IsControlOrSpace(c)) return InvalidField(field, "must not contain spaces or control characters");
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return InvalidField(field, "must start with http:// or https://");
  const absl::string_view scheme = url.substr(0, scheme_end);
  if (!absl::EqualsIgnoreCase(scheme, "http") && !absl::EqualsIgnoreCase(scheme, "https")) {
    return InvalidField(field, "must start with http:// or https://");
  }
  absl::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  // user:password@ would put a credential in every log line, and is a classic way to
  // make a URL look like it points somewhere else.
  if (absl::StrContains(authority, '@')) return InvalidField(field, "must not contain a user name or password");

  UrlParts parts;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return InvalidField(field, "has an unclosed [ in its host");
    parts.host = std::string(authority.substr(1, close - 1));
    parts.bracketed = true;
    const absl::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return InvalidField(field, "has text after the ] of its host");
      port = rest.substr(1);
      if (port.empty()) return InvalidField(field, "has an empty port");
    }
    if (parts.host.empty()) return InvalidField(field, "must name a host");
    for (char c : parts.host) {
      if (!IsIpv6LiteralChar(c)) return InvalidField(field, "has an invalid IPv6 address in brackets");
    }
    in6_addr unused;
    if (inet_pton(AF_INET6, parts.host.c_str(), &unused) != 1) {
      return InvalidField(field, "has an invalid IPv6 address in brackets");
    }
  } else {
    const size_t colon = authority.find(':');
    parts.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return InvalidField(field, "has an empty port");
    }
    if (parts.host.empty()) return InvalidField(field, "must name a host");
    for (char c : parts.host) {
      if (!IsHostNameChar(c)) return InvalidField(field, "has an invalid character in its host");
    }
  }
  if (!port.empty()) {
    uint32_t number = 0;
    bool digits = true;
    for (char c : port) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (!digits || port.size() > 5 || !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
      return InvalidField(field, "has a port that is not 1..65535");
    }
  }
  return parts;
}

// Why an IPv4 address (host byte order) is refused, or nullptr if it is not.
const char* RefusedIpv4(uint32_t a) {
  if ((a >> 24) == 0) return "unspecified";
  if ((a >> 24) == 10) return "private-use";
  if ((a >> 24) == 127) return "loopback";
  if ((a >> 16) == 0xA9FE) return "link-local";                   // 169.254/16: the cloud metadata address.
  if ((a & 0xFFF00000u) == 0xAC100000u) return "private-use";     // 172.16/12
  if ((a >> 16) == 0xC0A8) return "private-use";                  // 192.168/16
  if ((a & 0xFFC00000u) == 0x64400000u) return "shared (carrier-grade NAT)";  // 100.64/10
  if (a >= 0xE0000000u) return "multicast or reserved";           // 224/4, 240/4, 255.255.255.255
  return nullptr;
}

const char* RefusedIpv6(const in6_addr& address) {
  const uint8_t* b = address.s6_addr;
  bool zero_to_14 = true;
  for (int i = 0; i < 15; ++i) zero_to_14 = zero_to_14 && b[i] == 0;
  if (zero_to_14 && b[15] == 0) return "unspecified";
  if (zero_to_14 && b[15] == 1) return "loopback";
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";  // fe80::/10
  if ((b[0] & 0xFE) == 0xFC) return "private-use";                 // fc00::/7 (unique local)
  if (b[0] == 0xFF) return "multicast";                            // ff00::/8
  // ::ffff:a.b.c.d reaches the IPv4 address a.b.c.d through a dual-stack socket.
  bool mapped = b[10] == 0xFF && b[11] == 0xFF;
  for (int i = 0; i < 10; ++i) mapped = mapped && b[i] == 0;
  if (mapped) {
    const uint32_t v4 = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | uint32_t{b[15]};
    return RefusedIpv4(v4);
  }
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address a gateway reaches.
  bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B;
  for (int i = 4; i < 12; ++i) nat64 = nat64 && b[i] == 0;
  if (nat64) {
    const uint32_t v4 = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | uint32_t{b[15]};
    if (const char* why = RefusedIpv4(v4)) return why;
  }
  if (b[0] == 0x20 && b[1] == 0x02) {
    const uint32_t v4 = (uint32_t{b[2]} << 24) | (uint32_t{b[3]} << 16) | (uint32_t{b[4]} << 8) | uint32_t{b[5]};
    if (const char* why = RefusedIpv4(v4)) return why;
  }
  return nullptr;
}

// Why a socket address is refused (its text in `text`), or nullptr.
const char* RefusedSocketAddress(const sockaddr* address, char (&text)[INET6_ADDRSTRLEN]) {
  text[0] = '\0';
  if (address->sa_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
    return RefusedIpv4(ntohl(sin->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
    return RefusedIpv6(sin6->sin6_addr);
  }
  return "non-IP";
}

struct AddrInfoFree {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

}  // namespace

absl::Status AddressPolicy::CheckUrlSyntax(absl::string_view url, absl::string_view field) const {
  return ParseUrl(url, field).status();
}

absl::Status AddressPolicy::CheckUrlTarget(absl::string_view url) const {
  absl::StatusOr<UrlParts> parts = ParseUrl(url, "url");
  if (!parts.ok()) return parts.status();
  const std::string host = absl::AsciiStrToLower(parts->host);
  if (allowed_.count(host) > 0 || allowed_.count(parts->host) > 0) return absl::OkStatus();
  if (parts->bracketed && allowed_.count(absl::StrCat("[", host, "]")) > 0) return absl::OkStatus();

  // curl answers "localhost" and any "*.localhost" itself with the loopback address,
  // without asking DNS, so what getaddrinfo says about them does not matter.
  absl::string_view bare = host;
  if (absl::EndsWith(bare, ".")) bare.remove_suffix(1);
  if (bare == "localhost" || absl::EndsWith(bare, ".localhost")) {
    return absl::PermissionDeniedError(absl::StrCat("webhook host ", host, " is the loopback host, which is refused"));
  }

  addrinfo hints;
  std::memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (parts->bracketed) hints.ai_flags = AI_NUMERICHOST;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(parts->host.c_str(), nullptr, &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoFree> resolved(raw);
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat("webhook host ", host, " does not resolve: ", gai_strerror(rc)));
  }
  if (resolved == nullptr) return absl::UnavailableError(absl::StrCat("webhook host ", host, " has no address"));

  // Every address must pass: curl may try any of them, in any order.
  for (const addrinfo* a = resolved.get(); a != nullptr; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;  // Not a family curl connects to.
    char text[INET6_ADDRSTRLEN];
    const char* why = RefusedSocketAddress(a->ai_addr, text);
    if (why == nullptr || allowed_.count(text) > 0) continue;
    return absl::PermissionDeniedError(
        absl::StrCat("webhook host ", host, " resolves to ", text, ", a ", why, " address, which is refused"));
  }
  return absl::OkStatus();
}

absl::Status AddressPolicy::CheckConnectAddress(const sockaddr* address, absl::string_view url) const {
  absl::StatusOr<UrlParts> parts = ParseUrl(url, "url");
  if (!parts.ok()) return parts.status();
  const std::string host = absl::AsciiStrToLower(parts->host);
  if (allowed_.count(host) > 0 || allowed_.count(parts->host) > 0) return absl::OkStatus();
  char text[INET6_ADDRSTRLEN];
  const char* why = RefusedSocketAddress(address, text);
  if (why == nullptr || allowed_.count(text) > 0) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("webhook host ", host, " connects to ", text, ", a ", why, " address, which is refused"));
}

absl::Status AddressPolicy::CheckEmail(absl::string_view address, absl::string_view field) {
  if (address.size() > kMaxEmailBytes) {
    return InvalidField(field, absl::StrCat("must be at most ", kMaxEmailBytes, " bytes"));
  }
  // No quoting, comments or address lists: the address goes into SMTP commands and
  // headers as is, so anything that could end or extend one is refused.
  for (char c : address) {
    if (IsControlOrSpace(c)) return InvalidField(field, "must not contain spaces or control characters");
    if (absl::string_view("<>(),;:\"[]").find(c) != absl::string_view::npos) {
      return InvalidField(field, absl::StrCat("must not contain '", std::string(1, c), "'"));
    }
  }
  const size_t at = address.find('@');
  if (at == absl::string_view::npos || address.find('@', at + 1) != absl::string_view::npos) {
    return InvalidField(field, "must contain exactly one @");
  }
  const absl::string_view local = address.substr(0, at);
  const absl::string_view domain = address.substr(at + 1);
  if (local.empty()) return InvalidField(field, "must have a name before the @");
  if (local.size() > kMaxLocalPartBytes) {
    return InvalidField(field, absl::StrCat("must have at most ", kMaxLocalPartBytes, " bytes before the @"));
  }
  if (!absl::StrContains(domain, '.')) return InvalidField(field, "must have a domain with a dot after the @");
  for (absl::string_view label : absl::StrSplit(domain, '.')) {
    if (label.empty() || label.size() > kMaxLabelBytes) return InvalidField(field, "has an invalid domain");
    if (label.front() == '-' || label.back() == '-') return InvalidField(field, "has an invalid domain");
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return InvalidField(field, "has an invalid domain");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace p06::notification
