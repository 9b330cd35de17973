// Benchmarks of the notification service's two heavy paths, each beside a baseline
// measured in the same run, on a durable PostgreSQL (fsync and synchronous_commit on):
//   - planning: 10,000 tasks × 12 monthly occurrences × 100 units (each task with 100
//     coordinating units) applied through the consumer's write path
//     (NotificationStore::Apply, 500 events a transaction with the cursor), which
//     stores the occurrences and plans every rule's notice; in seconds, beside plain
//     INSERTs of the same notice rows in statements of the same size;
//   - delivery: deliveries to a local webhook receiver (deploy/tools/webhook_receiver.py)
//     through the dispatcher (claim, sign, POST, record), in deliveries/s and the p99
//     from due time to delivery, beside the same receiver hit by plain libcurl POSTs
//     from as many threads.
// Figures, not assertions. P06_BENCH_TASKS and P06_BENCH_DELIVERIES override the sizes.
#include <curl/curl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <prometheus/registry.h>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/arrays.h"
#include "common/db/migrations.h"
#include "common/grpc/proto_time.h"
#include "common/server/server_config.h"
#include "services/notification/channels/webhook_sender.h"
#include "services/notification/delivery/dispatcher.h"
#include "services/notification/storage/pg_notification_store.h"
#include "tests/harness/internal_key.h"
#include "tests/harness//pg_cluster.h"
#include "tests/harness/subprocess.h"

std::span<const p06::db::Migration> NotificationMigrations();

namespace {

namespace npb = ::p06::notification::v1;
namespace tpb = ::p06::task::v1;
using namespace p06::notification;

constexpr int kBatch = 500;
constexpr int kUnits = 100;
constexpr int kSenders = 8;

int Size(const char* env, int fallback) {
  int n = 0;
  return std::getenv(env) != nullptr && absl::SimpleAtoi(std::getenv(env), &n) && n > 0 ? n : fallback;
}

// A task with 12 monthly occurrences, led by one unit, coordinated by 100.
tpb::Event TaskEvent(int number) {
  tpb::Event e;
  e.set_kind(tpb::Event::KIND_TASK_CHANGED);
  const std::string task = absl::StrCat("plans/bench/tasks/", number);
  e.set_resource(task);
  tpb::Task* t = e.mutable_task();
  t->set_name(task);
  t->set_number(number);
  t->set_section_ordinal(1 + number % 7);
  t->set_title(absl::StrCat("Nhiệm vụ thử tải số ", number));
  t->mutable_schedule()->set_kind(tpb::Schedule::KIND_MONTHLY);
  t->add_lead_units()->set_unit(absl::StrCat("units/u-", number % kUnits));
  for (int u = 0; u < kUnits; ++u) t->add_coordinating_units()->set_unit(absl::StrCat("units/u-", u));
  for (int m = 1; m <= 12; ++m) {
    tpb::Occurrence* o = e.add_occurrences();
    const absl::CivilDay due = absl::CivilDay(2026, m + 1, 1) - 1;
    o->set_name(absl::StrCat(task, "/occurrences/", p06::FormatIsoDate(due)));
    *o->mutable_due_date() = p06::ToProtoDate(due);
  }
  return e;
}

int64_t Scalar(pqxx::connection& conn, const std::string& sql) {
  pqxx::nontransaction tx(conn);
  return tx.exec1(sql)[0].as<int64_t>();
}

// No unit is ever asked: the deliveries are written directly.
class NoDirectory final : public RecipientDirectory {
 public:
  absl::StatusOr<UnitRecipient> Unit(const std::string& name) override { return absl::NotFoundError(name); }
  absl::StatusOr<std::vector<std::string>> Members(const std::string& g) override { return absl::NotFoundError(g); }
};

class NoMail final : public Sender {
 public:
  SendResult Send(const OutgoingMessage&) override { return {absl::UnavailableError("no mail in this benchmark")}; }
};

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// `n` plain POSTs of `body` to `url` from kSenders threads, as fast as they go.
double PlainPostsPerSecond(const std::string& url, const std::string& body, int n) {
  std::atomic<int> next{0}, failed{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kSenders; ++t) {
    threads.emplace_back([&] {
      CURL* h = curl_easy_init();
      curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
      while (next.fetch_add(1) < n) {
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Discard);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        // A new connection each time, as the sender makes one (an easy handle a send).
        curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
        if (curl_easy_perform(h) != CURLE_OK) ++failed;
      }
      curl_slist_free_all(headers);
      curl_easy_cleanup(h);
    });
  }
  for (std::thread& t : threads) t.join();
  if (failed > 0) std::fprintf(stderr, "%d plain POSTs failed\n", failed.load());
  return n / absl::ToDoubleSeconds(absl::Now() - start);
}

int Run() {
  auto cluster = p06::testing::PgCluster::Create(/*durable=*/true);
  if (!cluster.ok()) return std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str()), 1;
  auto url = (*cluster)->CreateDatabase();
  if (!url.ok()) return 1;
  p06::ServerConfig config;
  config.db = {.url = *url, .schema = "notification", .size = 12};
  if (!p06::db::ApplyMigrations(p06::db::BuildConnectionString(config.db), "notification",
                                NotificationMigrations()).ok()) {
    return 1;
  }
  p06::db::Pool pool(config.db);
  DeliveryWindow every_hour{.open = absl::ZeroDuration(), .close = absl::Hours(24), .every_day = true};
  PgNotificationStore store(pool, p06::calendar::WorkingCalendar::Vietnam(), every_hour);
  pqxx::connection conn(p06::db::BuildConnectionString(config.db));

  // Planning.
  const int tasks = Size("P06_BENCH_TASKS", 10000);
  std::string cursor;
  int64_t seq = 0;
  absl::Time start = absl::Now();
  for (int first = 1; first <= tasks; first += kBatch) {
    std::vector<tpb::Event> batch;
    for (int n = first; n < first + kBatch && n <= tasks; ++n) {
      batch.push_back(TaskEvent(n));
      batch.back().set_cursor(absl::StrCat("1.", ++seq));
    }
    if (absl::Status s = store.Apply(cursor, batch, false, absl::Now()); !s.ok()) {
      return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    }
    cursor = batch.back().cursor();
  }
  const double plan_s = absl::ToDoubleSeconds(absl::Now() - start);
  const int64_t notices = Scalar(conn, "SELECT count(*) FROM notification.notices");
  const int64_t occurrences = Scalar(conn, "SELECT count(*) FROM notification.occurrences");

  pqxx::nontransaction(conn).exec0("CREATE TABLE notification.baseline (LIKE notification.notices INCLUDING ALL)");
  start = absl::Now();
  const int per_batch = static_cast<int>(notices / std::max<int64_t>(1, (tasks + kBatch - 1) / kBatch));
  for (int64_t i = 0; i < notices; i += per_batch) {
    std::vector<std::string> o, r;
    std::vector<int> k, w;
    std::vector<int64_t> f;
    for (int64_t j = i; j < std::min<int64_t>(notices, i + per_batch); ++j) {
      o.push_back(absl::StrCat("plans/bench/tasks/", j / 84, "/occurrences/2026-", j % 12, "-28"));
      r.push_back(absl::StrCat("rule-", j % 84));
      k.push_back(1);
      w.push_back(5);
      f.push_back(1767225600000000 + j);
    }
    pqxx::work tx(conn);
    tx.exec_params("INSERT INTO notification.baseline (occurrence, rule_id, kind, working_days, fire_time, state) "
                   "SELECT t.o, t.r, t.k, t.w, to_timestamp(t.f::double precision / 1000000), 1 "
                   "FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[]) AS t(o, r, k, w, f)",
                   p06::db::ArrayLiteral(o), p06::db::ArrayLiteral(r), p06::db::ArrayLiteral(k),
                   p06::db::ArrayLiteral(w), p06::db::ArrayLiteral(f));
    tx.commit();
  }
  const double baseline_s = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("notification benchmark: planning %d tasks × 12 occurrences × %d units\n", tasks, kUnits);
  std::printf("  %lld occurrences, %lld notices planned in %.2f s through Apply (%.0f notices/s); "
              "plain INSERTs of the same rows %.2f s; ratio %.0f%%\n",
              static_cast<long long>(occurrences), static_cast<long long>(notices), plan_s, notices / plan_s,
              baseline_s, 100 * baseline_s / plan_s);

  // Delivery, on a database of its own (the planning part's 800,000 notices and
  // their vacuum are not what this part measures).
  auto delivery_url = (*cluster)->CreateDatabase();
  if (!delivery_url.ok()) return 1;
  config.db.url = *delivery_url;
  if (!p06::db::ApplyMigrations(p06::db::BuildConnectionString(config.db), "notification",
                                NotificationMigrations()).ok()) {
    return 1;
  }
  p06::db::Pool delivery_pool(config.db);
  PgNotificationStore outbox(delivery_pool, p06::calendar::WorkingCalendar::Vietnam(), every_hour);
  pqxx::connection delivery_conn(p06::db::BuildConnectionString(config.db));
  const int deliveries = Size("P06_BENCH_DELIVERIES", 3000);
  const int port = p06::testing::FreePort();
  const std::string hook = absl::StrCat("http://127.0.0.1:", port, "/bench");
  const std::string dir = absl::StrCat("/tmp/p06-notification-bench-", getpid());
  std::filesystem::create_directories(dir);
  npb::RotateWebhookSecretRequest rotate;
  rotate.set_url(hook);
  absl::StatusOr<npb::WebhookSecret> secret =
      outbox.RotateSecret(rotate, "bench", absl::Now(), absl::Hours(1), [] { return std::string(
          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"); });
  if (!secret.ok()) return 1;
  auto receiver = p06::testing::Subprocess::Spawn(
      {.argv = {"/usr/bin/python3", P06_SOURCE_DIR "/deploy/tools/webhook_receiver.py", "--port",
                std::to_string(port), "--secrets", secret->secret(), "--out", dir + "/hooks.jsonl"},
       .output_file = dir + "/receiver.log"});
  if (!receiver.ok()) return 1;
  for (int i = 0; i < 100; ++i) {
    std::ifstream in(dir + "/receiver.log");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (all.find("listening") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  const std::string body(600, 'x');
  const std::string payload = absl::StrCat("{\"type\":\"p06.notification.reminder\",\"data\":\"", body, "\"}");
  const double plain_rate = PlainPostsPerSecond(hook, payload, deliveries);

  // The outbox filled as firing would fill it, all due now.
  {
    pqxx::work tx(delivery_conn);
    tx.exec_params("INSERT INTO notification.notifications (id, unit, occurrence, task, rule_id, kind, due_date, "
                   "subject, body, payload, in_inbox, create_time) SELECT 'ntf-' || lpad(g::text, 32, '0'), "
                   "'units/u-1', 'plans/bench/tasks/1/occurrences/2026-01-31', 'plans/bench/tasks/1', 'reminder-1', "
                   "1, '2026-01-31', 'Nhắc hạn', 'Nội dung', $2, false, now() FROM generate_series(1, $1) g",
                   deliveries, payload);
    tx.exec_params("INSERT INTO notification.deliveries (notification_id, channel, address, digest, state, budget, "
                   "due_time, next_attempt_time) SELECT id, 2, $1, false, 1, 8, clock_timestamp(), "
                   "clock_timestamp() FROM notification.notifications",
                   hook);
    tx.commit();
  }
  prometheus::Registry registry;
  NotificationMetrics metrics = NotificationMetrics::Register(registry);
  AddressPolicy policy({"127.0.0.1"});
  WebhookSender webhook(policy, [&](const std::string& u) { return outbox.SecretsFor(u, absl::Now()); },
                        p06::SystemClock::Get());
  NoMail mail;
  NoDirectory directory;
  DispatcherOptions options{.tick = absl::Milliseconds(20), .senders = kSenders, .per_endpoint = kSenders,
                            .window = every_hour};
  Dispatcher dispatcher(outbox, directory, webhook, mail, p06::calendar::WorkingCalendar::Vietnam(),
                        p06::SystemClock::Get(), metrics, options);
  start = absl::Now();
  dispatcher.Start();
  while (Scalar(delivery_conn, "SELECT count(*) FROM notification.deliveries WHERE state <> 2") > 0) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  const double deliver_s = absl::ToDoubleSeconds(absl::Now() - start);
  dispatcher.Stop();
  const int64_t p99_ms = Scalar(delivery_conn, "SELECT (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM "
                                      "deliver_time - due_time)) * 1000)::bigint FROM notification.deliveries");
  std::printf("notification benchmark: %d webhook deliveries through the dispatcher (%d senders)\n", deliveries,
              kSenders);
  std::printf("  %.0f deliveries/s (claim, sign, POST, record), p99 from due to delivered %lld ms "
              "(all due at once: the queue's wait included); plain libcurl POSTs to the same receiver %.0f/s; "
              "ratio %.0f%%\n",
              deliveries / deliver_s, static_cast<long long>(p99_ms), plain_rate,
              100 * (deliveries / deliver_s) / plain_rate);
  receiver->Signal(SIGTERM);
  (void)receiver->Wait(absl::Seconds(5));
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main() {
  p06::testing::InstallTestInternalKeys();
  return Run();
}
