// Child processes for tests: PostgreSQL tools and the suite's own service binaries.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace p06::testing {

struct SpawnOptions {
  std::vector<std::string> argv;                // argv[0] is the program path.
  std::vector<std::string> env;                 // Added to the environment ("K=V").
  std::optional<std::pair<uid_t, gid_t>> user;  // Run as this user (when we are root).
  std::string output_file;                      // stdout+stderr go here; empty: inherit.
};

class Subprocess {
 public:
  static absl::StatusOr<Subprocess> Spawn(const SpawnOptions& options);
  Subprocess(Subprocess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  Subprocess& operator=(Subprocess&&) = delete;
  ~Subprocess();  // Kills (SIGKILL) a child still running.

  pid_t pid() const { return pid_; }
  void Signal(int signal);
  // The exit code (or 128+signal), or DEADLINE_EXCEEDED if still running after `timeout`.
  absl::StatusOr<int> Wait(absl::Duration timeout);

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

struct ProcessResult {
  int exit_code = 0;
  std::string output;  // stdout and stderr together
};

// Runs a command to completion and returns its exit code and output.
absl::StatusOr<ProcessResult> RunForOutput(const SpawnOptions& options, absl::Duration timeout = absl::Minutes(2));

// Runs a command to completion; INTERNAL with its output when it exits non-zero.
absl::Status Run(const SpawnOptions& options, absl::Duration timeout = absl::Minutes(2));

// A TCP port on 127.0.0.1 free right now, never one this process was given before
// (until its window of 1,000 ports wraps), and below the ephemeral range.
int FreePort();

}  // namespace p06::testing
