#include "tests/harness/pg_cluster.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"

namespace p06::testing {
namespace {

// What the signal handler needs to clean up, prepared in advance: a handler may only
// fork, exec and wait.
struct Cleanup {
  char pg_ctl[512];
  char data_dir[512];
  char top_dir[512];
  uid_t uid;
  gid_t gid;
  bool as_user;
  bool armed;
};
Cleanup g_cleanup;

void RunInHandler(char* const argv[], bool as_user) {
  pid_t pid = fork();
  if (pid == 0) {
    if (as_user && (setgid(g_cleanup.gid) != 0 || setuid(g_cleanup.uid) != 0)) _exit(1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  if (pid > 0) waitpid(pid, nullptr, 0);
}

void OnFatalSignal(int sig) {
  if (g_cleanup.armed) {
    g_cleanup.armed = false;
    char stop[] = "stop", d[] = "-D", m[] = "-m", immediate[] = "immediate";
    char* stop_argv[] = {g_cleanup.pg_ctl, stop, d, g_cleanup.data_dir, m, immediate, nullptr};
    RunInHandler(stop_argv, g_cleanup.as_user);
    char rm[] = "/bin/rm", rf[] = "-rf";
    char* rm_argv[] = {rm, rf, g_cleanup.top_dir, nullptr};
    RunInHandler(rm_argv, false);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void ArmCleanup(const std::string& bin_dir, const std::string& dir,
                const std::optional<std::pair<uid_t, gid_t>>& user) {
  snprintf(g_cleanup.pg_ctl, sizeof g_cleanup.pg_ctl, "%s/pg_ctl", bin_dir.c_str());
  snprintf(g_cleanup.data_dir, sizeof g_cleanup.data_dir, "%s/data", dir.c_str());
  snprintf(g_cleanup.top_dir, sizeof g_cleanup.top_dir, "%s", dir.c_str());
  g_cleanup.as_user = user.has_value();
  if (user) {
    g_cleanup.uid = user->first;
    g_cleanup.gid = user->second;
  }
  g_cleanup.armed = true;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS}) signal(sig, OnFatalSignal);
}

absl::StatusOr<std::string> FindBinDir() {
  if (const char* env = std::getenv("P06_PG_BIN"); env != nullptr && *env != '\0') return std::string(env);
  std::string best;
  int best_version = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && std::filesystem::exists(entry.path() / "bin" / "initdb")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  if (best.empty()) {
    return absl::FailedPreconditionError(
        "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; run deploy/install-deps.sh or set P06_PG_BIN");
  }
  return best;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgCluster>> PgCluster::Create(bool durable) {
  std::unique_ptr<PgCluster> c(new PgCluster());
  absl::StatusOr<std::string> bin = FindBinDir();
  if (!bin.ok()) return bin.status();
  c->bin_dir_ = *bin;
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return absl::FailedPreconditionError("running as root but there is no postgres user");
    c->user_ = std::make_pair(pw->pw_uid, pw->pw_gid);
  }
  char tmpl[] = "/tmp/p06-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  c->dir_ = tmpl;
  chmod(c->dir_.c_str(), 0755);
  if (c->user_ && chown(c->dir_.c_str(), c->user_->first, c->user_->second) != 0) {
    return absl::InternalError("chown of the cluster folder failed");
  }
  ArmCleanup(c->bin_dir_, c->dir_, c->user_);
  c->port_ = FreePort();
  absl::Status s = Run(c->Tool("initdb", {"-D", c->dir_ + "/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                          "--locale=C.UTF-8", "--no-sync"}));
  if (!s.ok()) return s;
  // Sockets stay inside the folder.
  c->server_options_ = absl::StrCat("-p ", c->port_, " -k ", c->dir_, " -c listen_addresses=127.0.0.1",
                                    " -c max_connections=300",
                                    durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
  s = c->Start();
  if (!s.ok()) return s;
  return c;
}

PgCluster::~PgCluster() {
  if (running_) (void)Run(Tool("pg_ctl", {"stop", "-D", dir_ + "/data", "-m", "immediate"}));
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  g_cleanup.armed = false;
}

SpawnOptions PgCluster::Tool(const std::string& tool, std::vector<std::string> args) const {
  SpawnOptions o;
  o.argv.push_back(absl::StrCat(bin_dir_, "/", tool));
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.user = user_;
  o.env = {"LC_ALL=C.UTF-8"};
  return o;
}

std::string PgCluster::UrlFor(const std::string& database) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", database);
}

absl::Status PgCluster::Execute(const std::string& sql) const {
  try {
    pqxx::connection conn(UrlFor("postgres"));
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(sql, ": ", e.what()));
  }
}

absl::StatusOr<std::string> PgCluster::CreateDatabase() {
  std::string name = absl::StrCat("test_", getpid(), "_", next_db_++);
  absl::Status s = Execute(absl::StrCat("CREATE DATABASE ", name, " TEMPLATE template0"));
  if (!s.ok()) return s;
  return UrlFor(name);
}

absl::Status PgCluster::DropDatabase(const std::string& url) {
  std::string name = url.substr(url.rfind('/') + 1);
  return Execute(absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
}

absl::Status PgCluster::Stop() {
  absl::Status s = Run(Tool("pg_ctl", {"stop", "-w", "-D", dir_ + "/data", "-m", "fast"}));
  if (s.ok()) running_ = false;
  return s;
}

absl::Status PgCluster::Start() {
  absl::Status s = Run(Tool(
      "pg_ctl", {"start", "-w", "-t", "60", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-o", server_options_}));
  if (s.ok()) running_ = true;
  return s;
}

}  // namespace p06::testing
