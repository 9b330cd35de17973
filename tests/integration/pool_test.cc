#include "common/db/pool.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>

#include <pqxx/pqxx>
#include <thread>

#include "common/db/transaction.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/status_matchers.h"

namespace p06::db {
namespace {

using ::p06::testing::StatusIs;

class PoolTest : public ::p06::testing::PgTest {
 protected:
  PoolOptions Options(int size = 2) {
    PoolOptions o;
    o.url = database_url();
    o.size = size;
    o.acquire_timeout = absl::Milliseconds(200);
    o.statement_timeout = absl::Milliseconds(1500);
    return o;
  }
};

TEST_F(PoolTest, EveryConnectionCarriesTheTimeoutsAndKeepalives) {
  Pool pool(Options());
  absl::StatusOr<Lease> lease = pool.Acquire();
  ASSERT_OK(lease);
  pqxx::work tx(**lease);
  EXPECT_EQ(tx.exec1("SHOW statement_timeout")[0].as<std::string>(), "1500ms");
  EXPECT_EQ(tx.exec1("SHOW jit")[0].as<std::string>(), "off");
  EXPECT_EQ(tx.exec1("SHOW lock_timeout")[0].as<std::string>(), "5s");
  EXPECT_EQ(tx.exec1("SHOW idle_in_transaction_session_timeout")[0].as<std::string>(), "30s");
  EXPECT_EQ(tx.exec1("SHOW TimeZone")[0].as<std::string>(), "Asia/Ho_Chi_Minh");
  // TCP keepalive is an option of the client's socket.
  int on = 0, idle = 0;
  socklen_t len = sizeof on;
  ASSERT_EQ(getsockopt((*lease)->sock(), SOL_SOCKET, SO_KEEPALIVE, &on, &len), 0);
  EXPECT_EQ(on, 1);
  len = sizeof idle;
  ASSERT_EQ(getsockopt((*lease)->sock(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, &len), 0);
  EXPECT_EQ(idle, 30);
}

TEST_F(PoolTest, BoundedWithWaitTimeout) {
  Pool pool(Options(2));
  absl::StatusOr<Lease> a = pool.Acquire();
  absl::StatusOr<Lease> b = pool.Acquire();
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(pool.Stats().in_use, 2);
  absl::Time start = absl::Now();
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(190));
}

TEST_F(PoolTest, WaiterGetsTheConnectionReturnedByAnother) {
  Pool pool(Options(1));
  std::optional<Lease> held;
  {
    absl::StatusOr<Lease> l = pool.Acquire();
    ASSERT_OK(l);
    held.emplace(std::move(*l));
  }
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(50));
    held.reset();
  });
  EXPECT_OK(pool.Acquire());
  releaser.join();
  EXPECT_EQ(pool.Stats().idle, 1);
}

TEST_F(PoolTest, GaugesFollowTheState) {
  prometheus::Registry registry;
  PoolOptions o = Options(3);
  o.schema = "test";
  Pool pool(o, &registry);
  absl::StatusOr<Lease> lease = pool.Acquire();
  ASSERT_OK(lease);
  std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find("p06_db_pool_in_use_connections{pool=\"test\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("p06_db_pool_idle_connections{pool=\"test\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("p06_db_pool_waiters{pool=\"test\"} 0"), std::string::npos) << text;
}

TEST_F(PoolTest, ReconnectsAfterTheServerDropsConnections) {
  Pool pool(Options(2));
  auto backend_pid = [&]() {
    return RunInTransaction(pool, "pid", [](pqxx::work& tx) -> absl::StatusOr<int> {
      return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
    });
  };
  absl::StatusOr<int> first = backend_pid();
  ASSERT_OK(first);
  {
    pqxx::connection admin(database_url());
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", *first);
  }
  absl::SleepFor(absl::Milliseconds(50));
  // The pooled connection is dead; the pool notices at BEGIN and opens a new one.
  absl::StatusOr<int> second = backend_pid();
  ASSERT_OK(second);
  EXPECT_NE(*first, *second);
}

TEST_F(PoolTest, UnreachableDatabaseIsUnavailableQuickly) {
  PoolOptions o = Options();
  o.url = "postgresql://postgres@127.0.0.1:1/none";
  Pool pool(o);
  absl::Time start = absl::Now();
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(pool.Stats().in_use, 0);
}

TEST_F(PoolTest, StatementTimeoutIsDeadlineExceeded) {
  Pool pool(Options());
  EXPECT_THAT(RunInTransaction(pool, "sleep",
                               [](pqxx::work& tx) -> absl::Status {
                                 tx.exec("SELECT pg_sleep(5)");
                                 return absl::OkStatus();
                               }),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace p06::db
