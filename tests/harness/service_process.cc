#include "tests/harness/service_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/client.h"
#include "services/p06ctl/health.h"

namespace p06::testing {

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(const std::string& binary,
                                                                      const std::string& database_url,
                                                                      std::vector<std::string> flags,
                                                                      absl::Duration ready_timeout) {
  std::unique_ptr<ServiceProcess> s(new ServiceProcess());
  s->grpc_port_ = FreePort();
  s->metrics_port_ = FreePort();
  char tmpl[] = "/tmp/p06-service-XXXXXX.log";
  int fd = mkstemps(tmpl, 4);
  if (fd < 0) return absl::InternalError("mkstemps failed");
  close(fd);
  s->log_file_ = tmpl;
  SpawnOptions o;
  o.argv = {binary, "--database_url=" + database_url, absl::StrCat("--grpc_port=", s->grpc_port_),
            absl::StrCat("--metrics_port=", s->metrics_port_)};
  o.argv.insert(o.argv.end(), flags.begin(), flags.end());
  o.output_file = s->log_file_;
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(o);
  if (!child.ok()) return child.status();
  s->process_ = std::make_unique<Subprocess>(std::move(*child));
  absl::Status ready = WaitForServing(s->target(), ready_timeout);
  if (!ready.ok()) return absl::Status(ready.code(), absl::StrCat(ready.message(), "; log:\n", s->Log()));
  // Made once the server listens, so that it starts without reconnect backoff.
  s->channel_ = MakeChannel(s->target());
  return s;
}

std::string ServiceProcess::Log() const {
  std::ifstream in(log_file_);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::Status WaitForServing(const std::string& target, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  grpc::Status last;
  while (absl::Now() < deadline) {
    // A new channel each time: a channel that was refused waits out a reconnect backoff.
    last = ctl::CheckHealth(MakeChannel(target), "", absl::Milliseconds(500));
    if (last.ok()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat(target, " not SERVING: ", last.error_message()));
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to port ", port));
  }
  std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError("write failed");
  }
  std::string response;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || body == std::string::npos) return absl::InternalError("not HTTP");
  if (response.find(" 200 ") > response.find("\r\n")) {
    return absl::InternalError(absl::StrCat("HTTP status: ", response.substr(0, response.find("\r\n"))));
  }
  return response.substr(body + 4);
}

}  // namespace p06::testing
