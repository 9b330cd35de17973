#include "tests/harness/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

extern char** environ;

namespace p06::testing {

absl::StatusOr<Subprocess> Subprocess::Spawn(const SpawnOptions& o) {
  std::vector<char*> argv;
  for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Ours first: getenv() returns the first of duplicate names.
  std::vector<std::string> env_strings = o.env;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // The child: only async-signal-safe calls from here on.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!o.output_file.empty()) {
      int fd = open(o.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
    }
    if (o.user.has_value()) {
      if (setgroups(0, nullptr) != 0 || setgid(o.user->second) != 0 || setuid(o.user->first) != 0) _exit(126);
    }
    // A test binary that crashes must not leave its services running (they would hold
    // ports and the database): the child is told to stop when the test dies. After the
    // user change, which clears the setting.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(125);  // The test died before the line above.
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return Subprocess(pid);
}

Subprocess::~Subprocess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void Subprocess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("no child");
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (absl::Now() >= deadline) return absl::DeadlineExceededError("child still running");
    absl::SleepFor(absl::Milliseconds(5));
  }
}

absl::StatusOr<ProcessResult> RunForOutput(const SpawnOptions& options, absl::Duration timeout) {
  SpawnOptions o = options;
  char path[] = "/tmp/p06-run-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return absl::InternalError("mkstemp failed");
  close(fd);
  if (o.user.has_value() && chown(path, o.user->first, o.user->second) != 0) {
    return absl::InternalError("chown failed");
  }
  o.output_file = path;
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(o);
  if (!child.ok()) return child.status();
  absl::StatusOr<int> code = child->Wait(timeout);
  std::ifstream in(path);
  std::stringstream output;
  output << in.rdbuf();
  unlink(path);
  if (!code.ok()) return code.status();
  return ProcessResult{*code, output.str()};
}

absl::Status Run(const SpawnOptions& options, absl::Duration timeout) {
  absl::StatusOr<ProcessResult> result = RunForOutput(options, timeout);
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError(
        absl::StrCat(absl::StrJoin(options.argv, " "), " exited ", result->exit_code, ": ", result->output));
  }
  return absl::OkStatus();
}

namespace {

// Whether nothing listens on, or holds, 127.0.0.1:port.
bool CanBind(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

int FreePort() {
  // Ports below Linux's ephemeral range (32768-60999), so that no outgoing connection
  // takes one between this check and the service's bind; handed out in turn, so that
  // two calls never give the same port (asking the kernel for port 0 twice can). Each
  // test binary walks its own window, by process id, since CTest runs two at once.
  constexpr int kFirst = 20000, kWindow = 1000, kWindows = 12;
  static std::mutex mu;
  static int next = 0;
  std::lock_guard lock(mu);
  const int base = kFirst + static_cast<int>(getpid() % kWindows) * kWindow;
  for (int tries = 0; tries < kWindow; ++tries) {
    const int port = base + (next++ % kWindow);
    if (CanBind(port)) return port;
  }
  return 0;  // Nothing free in the window: the start that uses it fails and says so.
}

}  // namespace p06::testing
