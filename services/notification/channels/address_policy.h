// Which addresses the service may send to. A webhook URL must be http(s) with a host;
// its host must not resolve to a loopback, link-local (169.254/16, fe80::/10, which
// holds the cloud metadata address), unspecified, multicast or private-use address,
// unless the allow-list names the host or its address (the tests allow 127.0.0.1). An
// e-mail address must look like one (local@domain, no spaces or control characters,
// at most 254 bytes). Checked when a rule or secret names an address, and again before
// every send (DNS may change).
#pragma once

#include <sys/socket.h>

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace p06::notification {

class AddressPolicy {
 public:
  // `allowed_hosts`: hosts or literal IPs that pass even though refused by kind.
  explicit AddressPolicy(std::set<std::string> allowed_hosts = {}) : allowed_(std::move(allowed_hosts)) {}

  // INVALID_ARGUMENT naming `field` and why; the URL's form only (no DNS).
  absl::Status CheckUrlSyntax(absl::string_view url, absl::string_view field) const;
  // CheckUrlSyntax, then resolves the host: PERMISSION_DENIED if any address it
  // resolves to is refused; UNAVAILABLE if it does not resolve.
  absl::Status CheckUrlTarget(absl::string_view url) const;
  // The address a connection to `url`'s host is about to use, as curl resolved it:
  // PERMISSION_DENIED if refused (the same kinds, and the same allow-list). Checked
  // when the socket opens, so a name that resolves to a public address for
  // CheckUrlTarget and to a refused one a moment later (DNS rebinding) is caught.
  absl::Status CheckConnectAddress(const sockaddr* address, absl::string_view url) const;
  // INVALID_ARGUMENT naming `field`.
  static absl::Status CheckEmail(absl::string_view address, absl::string_view field);

 private:
  std::set<std::string> allowed_;
};

}  // namespace p06::notification
