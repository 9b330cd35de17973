// A main for fuzz targets built without libFuzzer: runs LLVMFuzzerTestOneInput once
// on every file under the directories (or on the files) named on the command line,
// in name order, and ends with "fuzz replay: N inputs, F failures".
//
//   p06_fuzz_time_phrase_replay tests/fuzz/corpus/time_phrase [more dirs or files]
//
// Exit status 0 when every input passed. A violated invariant traps and an ASan or
// UBSan report aborts: either ends the process at once with the name of the input
// on stderr, which is a failure by itself. An exception escaping the target, an
// unreadable file or a path that does not exist counts as a failure and the replay
// goes on.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define P06_REPLAY_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define P06_REPLAY_SANITIZED 1
#endif

#ifdef P06_REPLAY_SANITIZED
extern "C" void __sanitizer_set_death_callback(void (*callback)(void));
#endif

namespace {

namespace fs = std::filesystem;

// The input being run, for the message of a crash (written from a signal handler).
const char* current_input = "(none)";

void SayWhichInput() {
  const char prefix[] = "fuzz replay: crashed on input ";
  (void)!write(STDERR_FILENO, prefix, sizeof prefix - 1);
  (void)!write(STDERR_FILENO, current_input, std::strlen(current_input));
  (void)!write(STDERR_FILENO, "\n", 1);
}

// Names the input, then dies of the signal as if not caught. The handler runs on a
// stack of its own so that a stack overflow is reported too.
void OnFatalSignal(int sig) {
  SayWhichInput();
  signal(sig, SIG_DFL);
  raise(sig);
}

void InstallCrashHandlers() {
#ifdef P06_REPLAY_SANITIZED
  // The sanitizers report memory errors, SIGSEGV, SIGBUS and SIGFPE themselves and call
  // this before they exit; a trap (SIGILL) or an abort they leave alone.
  __sanitizer_set_death_callback(SayWhichInput);
  const int signals[] = {SIGILL, SIGTRAP, SIGABRT};
#else
  const int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#endif
  static std::vector<char> alt_stack(1 << 16);
  stack_t ss{};
  ss.ss_sp = alt_stack.data();
  ss.ss_size = alt_stack.size();
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = OnFatalSignal;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int sig : signals) sigaction(sig, &sa, nullptr);
}

bool ReadFile(const fs::path& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  int failures = 0;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) inputs.push_back(it->path());
      }
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.push_back(arg);
    } else {
      ec = std::make_error_code(std::errc::no_such_file_or_directory);
    }
    if (ec) {
      std::fprintf(stderr, "fuzz replay: %s: %s\n", argv[i], ec.message().c_str());
      ++failures;
    }
  }
  std::sort(inputs.begin(), inputs.end());

  InstallCrashHandlers();
  for (const fs::path& path : inputs) {
    const std::string name = path.string();
    std::vector<uint8_t> bytes;
    if (!ReadFile(path, &bytes)) {
      std::fprintf(stderr, "fuzz replay: %s: cannot read\n", name.c_str());
      ++failures;
      continue;
    }
    // A buffer of exactly the input's size, as libFuzzer passes, so that a sanitized
    // build catches a read past the end.
    std::unique_ptr<uint8_t[]> data(new uint8_t[bytes.size()]);
    std::copy(bytes.begin(), bytes.end(), data.get());
    current_input = name.c_str();
    try {
      LLVMFuzzerTestOneInput(data.get(), bytes.size());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fuzz replay: %s: exception: %s\n", name.c_str(), e.what());
      ++failures;
    } catch (...) {
      std::fprintf(stderr, "fuzz replay: %s: exception of unknown type\n", name.c_str());
      ++failures;
    }
    current_input = "(none)";
  }
  std::printf("fuzz replay: %zu inputs, %d failures\n", inputs.size(), failures);
  return failures == 0 ? 0 : 1;
}
