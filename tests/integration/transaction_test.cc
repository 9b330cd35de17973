#include "common/db/transaction.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "common/db/idempotency.h"
#include "common/db/migrations.h"
#include "p06/type/v1/date.pb.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/status_matchers.h"

namespace p06::db {
namespace {

using ::p06::testing::StatusIs;
using Date = ::p06::type::v1::Date;

const Migration kSchema[] = {{1, "001_t.sql", "CREATE TABLE items (id int PRIMARY KEY, v text NOT NULL);"}};

class TransactionTest : public ::p06::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_OK(ApplyMigrations(database_url(), "svc", kSchema));
    pool_ = std::make_unique<Pool>(PoolOptions{.url = database_url(), .schema = "svc", .size = 4});
  }
  int CountItems() {
    return *RunReadOnly(*pool_, "count", [](pqxx::read_transaction& tx) -> absl::StatusOr<int> {
      return tx.exec1("SELECT count(*) FROM items")[0].as<int>();
    });
  }
  std::unique_ptr<Pool> pool_;
};

TEST_F(TransactionTest, OkCommitsAndErrorRollsBack) {
  EXPECT_OK(RunInTransaction(*pool_, "insert", [](pqxx::work& tx) -> absl::Status {
    tx.exec0("INSERT INTO items VALUES (1, 'a')");
    return absl::OkStatus();
  }));
  EXPECT_THAT(RunInTransaction(*pool_, "insert",
                               [](pqxx::work& tx) -> absl::Status {
                                 tx.exec0("INSERT INTO items VALUES (2, 'b')");
                                 return absl::FailedPreconditionError("changed my mind");
                               }),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(CountItems(), 1);
}

TEST_F(TransactionTest, ConstraintViolationsBecomeCanonicalCodes) {
  auto insert = [&](int id) {
    return RunInTransaction(*pool_, "insert item", [id](pqxx::work& tx) -> absl::Status {
      tx.exec_params0("INSERT INTO items VALUES ($1, 'x')", id);
      return absl::OkStatus();
    });
  };
  EXPECT_OK(insert(1));
  EXPECT_THAT(insert(1), StatusIs(absl::StatusCode::kAlreadyExists, ::testing::HasSubstr("insert item")));
  EXPECT_THAT(RunInTransaction(*pool_, "bad",
                               [](pqxx::work& tx) -> absl::Status {
                                 tx.exec0("SELECT 'x'::int");
                                 return absl::OkStatus();
                               }),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TransactionTest, IdempotentRequestTakesEffectOnce) {
  Date request;
  request.set_year(2025);
  auto create = [&](const Date& req, const std::string& request_id, const std::string& caller = "alice") {
    return RunInTransaction(*pool_, "create", [&](pqxx::work& tx) -> absl::StatusOr<Date> {
      return Idempotent<Date>(tx, caller, request_id, "Create", req, [&]() -> absl::StatusOr<Date> {
        int n = tx.exec1("SELECT count(*) FROM items")[0].as<int>();
        tx.exec_params0("INSERT INTO items VALUES ($1, 'x')", n + 1);
        Date out;
        out.set_day(n + 1);
        return out;
      });
    });
  };
  absl::StatusOr<Date> first = create(request, "req-1");
  absl::StatusOr<Date> retry = create(request, "req-1");
  ASSERT_OK(first);
  ASSERT_OK(retry);
  EXPECT_EQ(first->day(), retry->day());
  EXPECT_EQ(CountItems(), 1);

  Date other = request;
  other.set_month(2);
  EXPECT_THAT(create(other, "req-1"), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("request_id")));
  EXPECT_THAT(create(request, "has space"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(CountItems(), 1);

  // Request ids are the caller's own: another caller's "req-1" is another request,
  // which neither gets alice's answer nor collides with it.
  absl::StatusOr<Date> bobs = create(other, "req-1", "bob");
  ASSERT_OK(bobs);
  EXPECT_NE(bobs->day(), first->day());
  EXPECT_EQ(CountItems(), 2);
}

TEST_F(TransactionTest, ConcurrentRetriesOfOneRequestTakeEffectOnce) {
  Date request;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = RunInTransaction(*pool_, "create", [&](pqxx::work& tx) -> absl::StatusOr<Date> {
        return Idempotent<Date>(tx, "alice", "same", "Create", request, [&]() -> absl::StatusOr<Date> {
          tx.exec0("INSERT INTO items SELECT coalesce(max(id), 0) + 1, 'x' FROM items");
          return Date();
        });
      });
      if (r.ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(CountItems(), 1);
}

}  // namespace
}  // namespace p06::db
