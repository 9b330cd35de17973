// The limits that keep the event stream readable for ever: every task of the 2025
// plan updated twice with the largest values its writable fields allow, then the
// whole stream replayed and every task listed by an independent client (grpc-js)
// with its default limit of 4 MiB per message. Before the limits, four 5 MiB notes
// made every replay fail with RESOURCE_EXHAUSTED, for every consumer, for ever.
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tests/harness/subprocess.h"
#include "tests/integration/task_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

// `bytes` of Vietnamese text (multi-byte characters count by their bytes).
std::string Text(size_t bytes) {
  std::string s;
  while (s.size() + 3 <= bytes) s += "ệ";  // 3 bytes in UTF-8.
  return s + std::string(bytes - s.size(), 'a');
}

TEST_F(TaskServerTest, TheLargestValuesStillReplayForAClientWithDefaultLimits) {
  Import(PlanText());
  for (int round = 0; round < 2; ++round) {
    for (int number = 1; number <= 49; ++number) {
      tpb::Task t;
      t.set_name("plans/910-qd-btp-2025/tasks/" + std::to_string(number));
      t.set_title(Text(4000 - 2) + std::to_string(round));
      t.set_note(Text(4000));
      t.set_funding_source(Text(1000));
      for (int i = 0; i < 50; ++i) t.add_expected_products(absl::StrCat(i, Text(1990)));
      tpb::UpdateTaskRequest r;
      *r.mutable_task() = t;
      for (const char* f : {"title", "note", "funding_source", "expected_products"}) r.mutable_update_mask()->add_paths(f);
      tpb::Task out;
      grpc::Status s = T(&TaskStub::UpdateTask, r, &out);
      ASSERT_TRUE(s.ok()) << number << ": " << s.error_message();
    }
  }
  // One byte more than a limit is refused, naming the field.
  tpb::UpdateTaskRequest over;
  over.mutable_task()->set_name("plans/910-qd-btp-2025/tasks/1");
  over.mutable_task()->set_note(Text(4001));
  over.mutable_update_mask()->add_paths("note");
  tpb::Task out;
  EXPECT_THAT(T(&TaskStub::UpdateTask, over, &out), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.note")));

  const std::string node = "/usr/bin/node";
  ASSERT_EQ(access(node.c_str(), X_OK), 0) << "node is installed by deploy/install-deps.sh";
  setenv("P06_NODE_MODULES", P06_SOURCE_DIR "/deploy/tools/node_modules", 1);
  auto result = RunForOutput({.argv = {node, P06_SOURCE_DIR "/tests/e2e/js/replay_events.js",
                                       "127.0.0.1:" + std::to_string(task_server_->port()), P06_SOURCE_DIR "/proto",
                                       "plans/910-qd-btp-2025"}});
  ASSERT_OK(result);
  EXPECT_EQ(result->exit_code, 0) << result->output;
  // 50 events of the import, 98 updates; more than one message; every task listed.
  EXPECT_THAT(result->output, HasSubstr("replayed 148 events in "));
  EXPECT_THAT(result->output, HasSubstr("listed 49 tasks in "));
  EXPECT_EQ(result->output.find(" in 1 messages"), std::string::npos) << result->output;
  std::printf("grpc-js: %s", result->output.c_str());
}

}  // namespace
}  // namespace p06::testing
