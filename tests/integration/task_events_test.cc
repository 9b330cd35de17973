// The event stream (WatchEvents, ListTaskHistory, the per-replica cache), through
// real gRPC and PostgreSQL, with concurrent writers and late commits.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "services/task/event_position.h"
#include "tests/integration/task_progress_fixture.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

// Several writers commit concurrently, two on each task, while a consumer follows the
// stream: every event arrives exactly once, in an order that agrees with the order in
// which the writes took effect, across a reconnect and a restart.
TEST_F(TaskProgressTest, ConcurrentWritersEveryEventOnceInOrder) {
  constexpr int kWriters = 4, kEach = 25, kTotal = kWriters * kEach;
  std::vector<tpb::Event> live;
  std::thread consumer([&] { live = Watch(after_import_, kTotal); });
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  const int kTasks[kWriters] = {24, 24, 37, 37};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        const int percent = w * kEach + i;  // Tells every write apart.
        if (!Post(Report(kTasks[w], "w" + std::to_string(w) + "-" + std::to_string(i), percent), kHctp).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  consumer.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(live.size(), static_cast<size_t>(kTotal));
  std::set<std::string> request_ids;
  std::map<int, int> next_of_writer, last_percent_of_task;
  for (size_t i = 0; i < live.size(); ++i) {
    if (i > 0) {
      EXPECT_TRUE(*task::ParseCursor(live[i - 1].cursor(), "") < *task::ParseCursor(live[i].cursor(), ""))
          << live[i - 1].cursor() << " before " << live[i].cursor();
    }
    EXPECT_TRUE(request_ids.insert(live[i].request_id()).second) << "twice: " << live[i].request_id();
    const int percent = live[i].progress().percent_complete();
    EXPECT_EQ(percent % kEach, next_of_writer[percent / kEach]++) << "a writer's reports out of order";
    last_percent_of_task[live[i].resource().find("/tasks/24/") != std::string::npos ? 24 : 37] = percent;
  }
  // The last report of each task in the stream is the one that stands.
  EXPECT_EQ(last_percent_of_task[24], Percent(24));
  EXPECT_EQ(last_percent_of_task[37], Percent(37));

  // A consumer that reconnects resumes after its last cursor.
  std::vector<tpb::Event> resumed = Watch(live[59].cursor(), kTotal - 60, /*replay_only=*/true);
  ASSERT_EQ(resumed.size(), static_cast<size_t>(kTotal - 60));
  EXPECT_EQ(resumed.front().cursor(), live[60].cursor());
  EXPECT_EQ(resumed.back().cursor(), live.back().cursor());

  // And across a restart of the service.
  StartTaskServer();
  std::vector<tpb::Event> after_restart;
  absl::Notification following;  // The follower has replayed the last event: it is live.
  std::thread follower([&] { after_restart = Watch(live[kTotal - 2].cursor(), 2, false, &following); });
  following.WaitForNotification();
  ASSERT_TRUE(Post(Report(24, "after-restart"), kHctp).ok());
  follower.join();
  ASSERT_EQ(after_restart.size(), 2u);
  EXPECT_EQ(after_restart[0].cursor(), live.back().cursor());
  EXPECT_EQ(after_restart[1].request_id(), "after-restart");
}

// A transaction that wrote its event and commits late holds back the events of
// transactions that started after it, even of other tasks, which commit at once (no
// writer waits for another's COMMIT): they can neither overtake it nor leave a gap a
// consumer would skip. The late one notifies nobody, as a writer of another schema
// would not: the stream still moves on when it ends.
TEST_F(TaskProgressTest, ALateCommitIsNeverSkipped) {
  pqxx::connection slow(database_url());
  pqxx::work slow_tx(slow);
  slow_tx.exec0("SET LOCAL search_path TO task");
  slow_tx.exec("SELECT lock_task_for_write('910-qd-btp-2025', 1)");
  slow_tx.exec0(
      "INSERT INTO events (kind, resource, request_id, payload) "
      "VALUES (2, 'plans/910-qd-btp-2025/tasks/1', 'slow', '\\x2a04736c6f77')");  // request_id "slow".

  std::vector<tpb::Event> seen;
  std::thread consumer([&] { seen = Watch(after_import_, 2); });
  EXPECT_TRUE(Post(Report(24, "fast"), kHctp).ok());  // Commits while the slow one is open.
  tpb::ListTaskHistoryRequest history;
  history.set_parent("plans/910-qd-btp-2025/tasks/24");
  tpb::ListTaskHistoryResponse h;
  ASSERT_TRUE(T(&TaskStub::ListTaskHistory, history, &h).ok());
  EXPECT_EQ(h.events_size(), 1) << "the fast report was shown ahead of an older open transaction";
  // What every reader of the outbox sees while the slow one is open: nothing yet, and
  // that it must read again (no sleep: this is the state the consumer is in).
  db::Pool pool(task_config_.db);
  task::PgTaskStore store(pool, db::BuildConnectionString(task_config_.db), SystemClock::Get());
  absl::StatusOr<task::EventBatch> held = store.ReadEvents(*task::ParseCursor(after_import_, "after"), 10, "");
  ASSERT_OK(held);
  EXPECT_TRUE(held->events.empty()) << "the fast report overtook an older open transaction";
  EXPECT_TRUE(held->held_back);
  slow_tx.commit();
  consumer.join();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].request_id(), "slow");
  EXPECT_EQ(seen[1].request_id(), "fast");
}

// Transaction ids as numbers: 8 < 9 < 10 < 11, whatever their digit count.
TEST_F(TaskProgressTest, StreamOrderIsNumericAcrossDigitCounts) {
  pqxx::connection conn(database_url());
  pqxx::work tx(conn);
  for (const char* xid : {"11", "8", "10", "9"}) {  // As if by long-finished transactions.
    tx.exec_params(
        "INSERT INTO task.events (xid, kind, resource, request_id, payload) "
        "VALUES ($1::text::xid8, 2, 'plans/910-qd-btp-2025/tasks/1', $1, '')",
        xid);
  }
  tx.commit();
  std::vector<tpb::Event> seen = Watch("", 4, /*replay_only=*/true);
  ASSERT_GE(seen.size(), 4u);  // Then the import's.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(task::ParseCursor(seen[i].cursor(), "")->xid, 8 + i);
}

TEST_F(TaskProgressTest, BadCursorIsInvalidArgument) {
  grpc::ClientContext ctx;
  AttachOffice(ctx);
  tpb::WatchEventsRequest request;
  request.set_after("not-a-cursor");
  auto reader = tasks_->WatchEvents(&ctx, request);
  tpb::WatchEventsResponse batch;
  EXPECT_FALSE(reader->Read(&batch));
  EXPECT_THAT(reader->Finish(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("after")));
}

// GetTask answers from this replica's cache; a change made through another replica
// reaches it through the event stream.
TEST_F(TaskProgressTest, AnotherReplicasCacheLearnsOfTheChange) {
  db::Pool other_pool(task_config_.db);
  ServiceContext ctx{task_config_, other_pool, task_registry_, clock_};
  const std::string directory = "127.0.0.1:" + std::to_string(server_->port());
  // (A replica with a negative retention is refused before it starts.)
  EXPECT_THAT(task::TaskBundle::Create(ctx, {.directory_target = directory, .event_retention = -absl::Hours(1)}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("event_retention")));
  auto replica = task::TaskBundle::Create(ctx, {.directory_target = directory});
  ASSERT_OK(replica);
  tpb::GetTaskRequest get;
  get.set_name("plans/910-qd-btp-2025/tasks/24");
  ASSERT_EQ((*replica)->service().GetTask(get)->status(), tpb::TASK_STATUS_NOT_STARTED);  // Now cached there.

  ASSERT_TRUE(Post(Report(24, "via-first-replica", 70), kHctp).ok());
  EXPECT_EQ(Task(24).percent_complete(), 70);  // This replica reads its own write at once.
  int seen = 0;
  for (absl::Time until = absl::Now() + absl::Seconds(5); seen != 70 && absl::Now() < until;) {
    seen = (*replica)->service().GetTask(get)->percent_complete();
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(seen, 70);
}

// Events older than the retention are pruned: a cursor before them is OUT_OF_RANGE,
// never a gap; an empty cursor starts at the oldest event kept.
TEST_F(TaskProgressTest, ACursorBeforePrunedEventsIsOutOfRange) {
  std::vector<tpb::Event> imported = Watch("", 50, /*replay_only=*/true);
  ASSERT_EQ(imported.size(), 50u);
  ASSERT_TRUE(Post(Report(24, "kept"), kHctp).ok());
  pqxx::connection admin(database_url());
  pqxx::nontransaction(admin).exec0(
      "UPDATE task.events SET commit_time = now() - interval '400 days' WHERE request_id <> 'kept'");
  db::Pool pool(task_config_.db);
  task::PgTaskStore store(pool, db::BuildConnectionString(task_config_.db), SystemClock::Get());
  ASSERT_THAT(store.PruneEvents(absl::Hours(24 * 365)), StatusIs(absl::StatusCode::kOk));
  EXPECT_EQ(*store.PruneEvents(absl::Hours(24 * 365)), 0);  // Nothing more to prune.

  // Resuming from the last event pruned is fine: nothing after it is missing.
  std::vector<tpb::Event> resumed = Watch(after_import_, 1, /*replay_only=*/true);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].request_id(), "kept");
  std::vector<tpb::Event> from_start = Watch("", 1, /*replay_only=*/true);
  ASSERT_EQ(from_start.size(), 1u);
  EXPECT_EQ(from_start[0].request_id(), "kept");

  // From before it, events are missing: refused, for the stream and the history.
  grpc::ClientContext ctx;
  AttachOffice(ctx);
  tpb::WatchEventsRequest request;
  request.set_after(imported[10].cursor());
  auto reader = tasks_->WatchEvents(&ctx, request);
  tpb::WatchEventsResponse batch;
  EXPECT_FALSE(reader->Read(&batch));
  EXPECT_THAT(reader->Finish(), StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("empty cursor")));
  EXPECT_EQ(pqxx::nontransaction(admin).exec1("SELECT count(*) FROM task.events")[0].as<int>(), 1);
}

// Each stream holds a server thread for as long as its client stays: past
// max_event_streams, more are refused at once (RESOURCE_EXHAUSTED) and counted.
TEST_F(TaskProgressTest, StreamsPastTheLimitAreRefusedAndCounted) {
  task_options_.max_event_streams = 3;
  StartTaskServer();
  struct Stream {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<tpb::WatchEventsResponse>> reader;
  };
  auto open = [&]() {
    auto s = std::make_unique<Stream>();
    AttachOffice(s->ctx);
    s->reader = tasks_->WatchEvents(&s->ctx, tpb::WatchEventsRequest());
    return s;
  };
  std::vector<std::unique_ptr<Stream>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(open());
    tpb::WatchEventsResponse first;
    ASSERT_TRUE(held.back()->reader->Read(&first));  // Being served: the replay began.
  }
  auto refused = open();
  tpb::WatchEventsResponse none;
  EXPECT_FALSE(refused->reader->Read(&none));
  EXPECT_EQ(refused->reader->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const std::string metrics = prometheus::TextSerializer().Serialize(task_registry_.Collect());
  EXPECT_NE(metrics.find("task_event_streams_refused_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("task_event_streams_open 3"), std::string::npos) << metrics;
  held.front()->ctx.TryCancel();  // One leaves: its slot is free again.
  held.front()->reader->Finish();
  held.erase(held.begin());
  absl::Time give_up = absl::Now() + absl::Seconds(10);
  for (;;) {
    auto again = open();
    tpb::WatchEventsResponse first;
    if (again->reader->Read(&first)) break;
    ASSERT_LT(absl::Now(), give_up) << "the freed slot was never given back";
    again->reader->Finish();
  }
  for (auto& s : held) s->ctx.TryCancel();
}

// A consumer more than a read behind is told how far (what its lag metric shows),
// and then that it has caught up.
TEST_F(TaskProgressTest, AConsumerBehindIsToldHowFarAndWhenItHasCaughtUp) {
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(Post(Report(24, "behind-" + std::to_string(i), i % 100), kHctp).ok());
  std::vector<tpb::WatchEventsResponse> messages;
  ASSERT_OK(WatchMessages(after_import_, /*replay_only=*/true, [&](const tpb::WatchEventsResponse& m) {
    messages.push_back(m);
    return true;
  }));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].events_size(), 500);
  EXPECT_FALSE(messages[0].caught_up());
  ASSERT_TRUE(messages[0].has_events_behind());
  EXPECT_EQ(messages[0].events_behind(), 100);
  EXPECT_EQ(messages[1].events_size(), 100);
  EXPECT_TRUE(messages[1].caught_up());
  EXPECT_FALSE(messages[1].has_events_behind());
}

}  // namespace
}  // namespace p06::testing
