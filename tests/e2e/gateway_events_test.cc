// WatchEvents through the gateway as Server-Sent Events, over real HTTP against the
// real task service: the replay, resuming with Last-Event-ID as a browser's EventSource
// does, a live event arriving on an open stream, and refusals before any stream.
#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "tests/e2e/gateway_fixture.h"

namespace p06 {
namespace {

using ::p06::testing::GatewayTest;
using ::p06::testing::kTask;

struct SseEvent {
  std::string id, event, data;
};

// The events of an SSE text (complete events only: a trailing partial one is left).
std::vector<SseEvent> ParseSse(absl::string_view text) {
  std::vector<SseEvent> events;
  while (true) {
    const size_t end = text.find("\n\n");
    if (end == absl::string_view::npos) return events;
    SseEvent e;
    for (absl::string_view line : absl::StrSplit(text.substr(0, end), '\n')) {
      if (absl::ConsumePrefix(&line, "id: ")) e.id = std::string(line);
      if (absl::ConsumePrefix(&line, "event: ")) e.event = std::string(line);
      if (absl::ConsumePrefix(&line, "data: ")) e.data += std::string(line);
    }
    events.push_back(std::move(e));
    text.remove_prefix(end + 2);
  }
}

// The events of one streamed WatchEventsResponse (none in a caught-up marker).
std::vector<google::protobuf::Struct> EventsOf(const google::protobuf::Struct& message) {
  std::vector<google::protobuf::Struct> out;
  auto it = message.fields().find("events");
  if (it == message.fields().end()) return out;
  for (const auto& e : it->second.list_value().values()) out.push_back(e.struct_value());
  return out;
}

class GatewayEventsTest : public GatewayTest {
 protected:
  std::vector<std::string> ExtraGatewayFlags() override {
    return {"--sse_max_streams=3", "--sse_max_streams_per_principal=2"};
  }
};

TEST_F(GatewayEventsTest, ReplayThenResumeFromLastEventId) {
  auto r = Call("GET", "/v1/events:watch?replayOnly=true", Office());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/event-stream");
  std::vector<SseEvent> events = ParseSse(r->body);
  ASSERT_GE(events.size(), 2u) << r->body.substr(0, 500);
  EXPECT_EQ(events.back().event, "end");
  int plan_events = 0;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i].event, "message");
    for (const auto& e : EventsOf(Json(events[i].data))) {
      plan_events += e.fields().at("kind").string_value() == "KIND_PLAN_IMPORTED";
    }
  }
  EXPECT_EQ(plan_events, 1);
  size_t total = 0;
  for (const SseEvent& e : events) total += e.event == "message" ? EventsOf(Json(e.data)).size() : 0;
  const size_t in_first = EventsOf(Json(events[0].data)).size();
  // Each message's id is its last event's cursor: resuming after the first message's
  // id gives everything after it and nothing of it.
  const std::string first_id = events[0].id;
  ASSERT_FALSE(first_id.empty());
  auto resumed = Call("GET", "/v1/events:watch?replayOnly=true", Office(), "", {{"Last-Event-ID", first_id}});
  ASSERT_EQ(resumed->status, 200);
  std::vector<SseEvent> rest = ParseSse(resumed->body);
  ASSERT_FALSE(rest.empty());
  size_t resumed_total = 0;
  for (const SseEvent& e : rest) {
    if (e.event != "message") continue;
    resumed_total += EventsOf(Json(e.data)).size();
    for (const auto& ev : EventsOf(Json(e.data))) {
      EXPECT_GT(ev.fields().at("cursor").string_value(), "") << "each event has a cursor";
      EXPECT_NE(ev.fields().at("cursor").string_value(), first_id) << "an event repeated";
    }
  }
  EXPECT_EQ(rest.back().event, "end");
  EXPECT_EQ(resumed_total, total - in_first);
}

TEST_F(GatewayEventsTest, AnOpenStreamDeliversALiveEvent) {
  // The unit that leads the task reports on it while a stream is open.
  const google::protobuf::Struct task = Json(Call("GET", absl::StrCat("/v1/", kTask), Office())->body);
  const std::string lead = task.fields().at("leadUnits").list_value().values(0).struct_value().fields().at("unit").string_value();
  const std::string reporter = Token(Claims("bao-cao", lead, {kRoleUnitReporter}));

  absl::Mutex mu;
  std::string received;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    httplib::Client c("127.0.0.1", http_port_);
    c.set_read_timeout(std::chrono::seconds(20));
    c.Get("/v1/events:watch", {{"Authorization", "Bearer " + Office()}}, [&](const char* data, size_t n) {
      absl::MutexLock lock(&mu);
      received.append(data, n);
      return !stop.load();  // False: the client hangs up.
    });
  });
  auto contains = [&](absl::string_view what) {
    absl::MutexLock lock(&mu);
    return absl::StrContains(received, what);
  };
  // Caught up with the replay first.
  for (int i = 0; i < 100 && !contains("\"caughtUp\":true"); ++i) absl::SleepFor(absl::Milliseconds(100));
  ASSERT_TRUE(contains("\"caughtUp\":true"));
  const std::string body = absl::StrCat(R"({"report": {"reportingUnit": ")", lead,
                                        R"(", "status": "TASK_STATUS_IN_PROGRESS", "percentComplete": 30}})");
  auto posted = Call("POST", absl::StrCat("/v1/", kTask, "/progress"), reporter, body, {{"Idempotency-Key", "sse-1"}});
  ASSERT_EQ(posted->status, 200) << posted->body;
  for (int i = 0; i < 100 && !contains("KIND_PROGRESS_REPORTED"); ++i) absl::SleepFor(absl::Milliseconds(100));
  EXPECT_TRUE(contains("KIND_PROGRESS_REPORTED"));
  stop = true;
  // One more event makes the client see stop and hang up; the gateway then ends the call.
  Call("POST", absl::StrCat("/v1/", kTask, "/progress"), reporter, body, {{"Idempotency-Key", "sse-2"}});
  reader.join();
}

TEST_F(GatewayEventsTest, StreamsAreBoundedAndAHungUpClientFreesItsSlot) {
  // This gateway allows 3 streams, 2 per principal. The Office holds two, a viewer one.
  const std::string viewer = Token(Claims("xem", "units/vu-tccb", {kRoleViewer}));
  std::atomic<int> open{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> holders;
  auto hold = [&](const std::string& token) {
    holders.emplace_back([&, token] {
      httplib::Client c("127.0.0.1", http_port_);
      c.set_read_timeout(std::chrono::seconds(20));
      bool counted = false;
      c.Get("/v1/events:watch", {{"Authorization", "Bearer " + token}}, [&](const char*, size_t) {
        if (!counted) ++open;
        counted = true;
        return !stop.load();
      });
    });
  };
  hold(Office());
  hold(Office());
  for (int i = 0; i < 100 && open.load() < 2; ++i) absl::SleepFor(absl::Milliseconds(50));
  ASSERT_EQ(open.load(), 2);
  // The Office's third: its share is used up, though a slot is free.
  auto third = Call("GET", "/v1/events:watch?replayOnly=true", Office());
  EXPECT_EQ(third->status, 429) << third->body;
  EXPECT_EQ(third->get_header_value("Retry-After"), "5");
  hold(viewer);
  for (int i = 0; i < 100 && open.load() < 3; ++i) absl::SleepFor(absl::Milliseconds(50));
  ASSERT_EQ(open.load(), 3);
  // Every slot taken: 503 for anyone.
  auto fourth = Call("GET", "/v1/events:watch?replayOnly=true", Auditor());
  EXPECT_EQ(fourth->status, 503) << fourth->body;
  EXPECT_EQ(fourth->get_header_value("Retry-After"), "5");
  // Ordinary requests still have threads.
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", kTask), Office())->status, 200);
  // The holders hang up (on the next heartbeat, 500 ms); the gateway notices on the
  // heartbeat after, and their slots come back.
  stop = true;
  for (std::thread& t : holders) t.join();
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    status = Call("GET", "/v1/events:watch?replayOnly=true", Office())->status;
    if (status != 200) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(status, 200);
}

TEST_F(GatewayEventsTest, RefusalsComeBeforeAnyStream) {
  EXPECT_EQ(Call("GET", "/v1/events:watch?replayOnly=true", "")->status, 401);
  auto bad = Call("GET", "/v1/events:watch?replayOnly=true&after=not-a-cursor", Office());
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_EQ(bad->get_header_value("Content-Type"), "application/json");
  auto bad_resume = Call("GET", "/v1/events:watch?replayOnly=true", Office(), "", {{"Last-Event-ID", "garbage"}});
  EXPECT_EQ(bad_resume->status, 400) << bad_resume->body;
}

}  // namespace
}  // namespace p06
