#include <vector>
#include "common/db/pool.h"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/log/log.h"

namespace p06::db {
namespace {

int64_t Millis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }
int64_t WholeSeconds(absl::Duration d) { return std::max<int64_t>(1, absl::ToInt64Seconds(d)); }

bool IsUri(const std::string& url) {
  return absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://");
}

// Percent-encodes a URI query value.
std::string UriEscape(absl::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

// Quotes a key=value connection string value.
std::string ConninfoQuote(absl::string_view value) {
  return absl::StrCat("'", absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"'", "\\'"}}), "'");
}

}  // namespace

std::string BuildConnectionString(const PoolOptions& o) {
  std::string server_options =
      absl::StrCat("-c statement_timeout=", Millis(o.statement_timeout), " -c lock_timeout=", Millis(o.lock_timeout),
                   " -c idle_in_transaction_session_timeout=", Millis(o.idle_in_transaction_timeout),
                   " -c TimeZone=Asia/Ho_Chi_Minh",
                   // Short queries only: JIT would compile (for milliseconds) whenever a
                   // plan's estimate crossed jit_above_cost, to save microseconds.
                   " -c jit=off");
  if (!o.schema.empty()) absl::StrAppend(&server_options, " -c search_path=", o.schema);
  std::vector<std::pair<std::string, std::string>> params = {
      {"connect_timeout", absl::StrCat(WholeSeconds(o.connect_timeout))},
      {"keepalives", "1"},
      {"keepalives_idle", absl::StrCat(WholeSeconds(o.keepalive_idle))},
      {"keepalives_interval", absl::StrCat(WholeSeconds(o.keepalive_interval))},
      {"keepalives_count", absl::StrCat(o.keepalive_count)},
      {"application_name", o.application_name},
      {"options", server_options},
  };
  if (o.tcp_user_timeout > absl::ZeroDuration()) params.emplace_back("tcp_user_timeout", absl::StrCat(Millis(o.tcp_user_timeout)));
  std::string out = o.url;
  if (IsUri(o.url)) {
    char sep = absl::StrContains(o.url, '?') ? '&' : '?';
    for (const auto& [key, value] : params) {
      absl::StrAppend(&out, std::string(1, sep), key, "=", UriEscape(value));
      sep = '&';
    }
  } else {
    for (const auto& [key, value] : params) {
      absl::StrAppend(&out, out.empty() ? "" : " ", key, "=", ConninfoQuote(value));
    }
  }
  return out;
}

std::string RedactUrl(const std::string& url) {
  if (IsUri(url)) {
    // postgresql://user:secret@host → postgresql://user:***@host
    size_t scheme_end = url.find("://") + 3;
    size_t at = url.find('@', scheme_end);
    size_t colon = url.find(':', scheme_end);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      return absl::StrCat(url.substr(0, colon + 1), "***", url.substr(at));
    }
    return url;
  }
  size_t pos = url.find("password=");
  if (pos == std::string::npos) return url;
  size_t end = url.find(' ', pos);
  return absl::StrCat(url.substr(0, pos), "password=***", end == std::string::npos ? "" : url.substr(end));
}

Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(conn_), broken_);
}

Pool::Pool(PoolOptions options, prometheus::Registry* registry)
    : options_(std::move(options)), conninfo_(BuildConnectionString(options_)) {
  if (registry != nullptr) {
    const std::map<std::string, std::string> labels = {{"pool", options_.schema.empty() ? "default" : options_.schema}};
    in_use_gauge_ = &prometheus::BuildGauge()
                         .Name("p06_db_pool_in_use_connections")
                         .Help("PostgreSQL connections lent out by the pool.")
                         .Register(*registry)
                         .Add(labels);
    idle_gauge_ = &prometheus::BuildGauge()
                       .Name("p06_db_pool_idle_connections")
                       .Help("Open PostgreSQL connections waiting in the pool.")
                       .Register(*registry)
                       .Add(labels);
    waiters_gauge_ = &prometheus::BuildGauge()
                          .Name("p06_db_pool_waiters")
                          .Help("Callers waiting for a pooled PostgreSQL connection.")
                          .Register(*registry)
                          .Add(labels);
  }
}

Pool::~Pool() = default;

absl::StatusOr<Lease> Pool::Acquire() {
  const absl::Time deadline = absl::Now() + options_.acquire_timeout;
  std::unique_lock lock(mu_);
  ++waiters_;
  UpdateGauges();
  while (idle_.empty() && open_ >= options_.size) {
    if (freed_.wait_until(lock, absl::ToChronoTime(deadline)) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.size) {
      --waiters_;
      UpdateGauges();
      return absl::ResourceExhaustedError(absl::StrCat(
          "no database connection free within ", absl::FormatDuration(options_.acquire_timeout), "; retry later"));
    }
  }
  --waiters_;
  if (!idle_.empty()) {
    std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
    idle_.pop_back();
    UpdateGauges();
    return Lease(this, std::move(conn));
  }
  ++open_;  // Reserve the slot, then connect without holding the lock.
  UpdateGauges();
  lock.unlock();
  try {
    return Lease(this, std::make_unique<pqxx::connection>(conninfo_));
  } catch (const std::exception& e) {
    lock.lock();
    --open_;
    UpdateGauges();
    freed_.notify_one();
    log::Warning("database connection failed", {{"error", e.what()}});
    return absl::UnavailableError("database unavailable; retry later");
  }
}

void Pool::Return(std::unique_ptr<pqxx::connection> conn, bool broken) {
  std::lock_guard lock(mu_);
  if (broken || conn == nullptr || !conn->is_open()) {
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
  UpdateGauges();
  freed_.notify_one();
}

void Pool::DropIdle() {
  std::vector<std::unique_ptr<pqxx::connection>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(idle_);
    open_ -= static_cast<int>(dropped.size());
    UpdateGauges();
    freed_.notify_all();
  }
  // Connections close outside the lock.
}

PoolStats Pool::Stats() const {
  std::lock_guard lock(mu_);
  int idle = static_cast<int>(idle_.size());
  return PoolStats{.in_use = open_ - idle, .idle = idle, .waiters = waiters_};
}

void Pool::UpdateGauges() {
  if (in_use_gauge_ == nullptr) return;
  int idle = static_cast<int>(idle_.size());
  in_use_gauge_->Set(open_ - idle);
  idle_gauge_->Set(idle);
  waiters_gauge_->Set(waiters_);
}

}  // namespace p06::db
