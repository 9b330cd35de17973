// Which systems may call through the gateway's mutual-TLS gRPC port, and as whom: a
// client certificate's subject (verified against the configured CA by TLS) maps to a
// principal and to the methods the system may call (its scopes). Read from a text file
// at start, one system a line:
//
//   # certificate subject | principal subject | unit | roles | scopes
//   CN=dvc.bocongan.gov.vn,O=Bo Cong an,C=VN | system:bca-dvc | units/bo-cong-an | system | reads
//
// - the subject as gRPC reports it (x509_subject: RFC 2253, most specific first);
// - roles: comma-separated, among office, unit_reporter, viewer, auditor, system;
// - scopes: comma-separated: "reads" (every method whose route is a read: a GET, or
//   `read: true`), a service "/p06.task.v1.TaskService/*", or one method
//   "/p06.task.v1.TaskService/GetTask".
// A subject not in the file is refused; so is a method outside the scopes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/grpc/principal.h"

namespace p06::gateway {

struct ClientPrincipal {
  Principal principal;
  std::vector<std::string> scopes;

  // Whether `grpc_path` ("/p06.task.v1.TaskService/GetTask") is within the scopes;
  // `is_read`: its route is a read (route_table.h).
  bool Allows(const std::string& grpc_path, bool is_read) const;
};

class ClientPrincipals {
 public:
  // INVALID_ARGUMENT naming the line: a line without five fields, an empty subject or
  // principal, an unknown role, a scope of another form, a subject listed twice.
  static absl::StatusOr<ClientPrincipals> Parse(absl::string_view text);

  // The system of a certificate subject, or null.
  const ClientPrincipal* Find(const std::string& certificate_subject) const;
  size_t size() const { return by_subject_.size(); }

 private:
  std::map<std::string, ClientPrincipal> by_subject_;
};

}  // namespace p06::gateway
