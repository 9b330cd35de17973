#include "tests/harness/pg_test.h"

namespace p06::testing {
namespace {

std::unique_ptr<PgCluster>& ClusterSlot() {
  static std::unique_ptr<PgCluster> cluster;
  return cluster;
}

// Removes the cluster when the test binary finishes, whatever the results.
class ClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { ClusterSlot().reset(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ClusterEnvironment());

}  // namespace

PgCluster* SharedCluster() {
  auto& slot = ClusterSlot();
  if (slot == nullptr) {
    absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
    if (!cluster.ok()) {
      ADD_FAILURE() << "cannot start PostgreSQL: " << cluster.status();
      return nullptr;
    }
    slot = std::move(*cluster);
  }
  return slot.get();
}

void PgTest::SetUp() {
  PgCluster* cluster = SharedCluster();
  ASSERT_NE(cluster, nullptr);
  absl::StatusOr<std::string> url = cluster->CreateDatabase();
  ASSERT_TRUE(url.ok()) << url.status();
  url_ = *url;
}

void PgTest::TearDown() {
  if (!url_.empty() && SharedCluster() != nullptr) (void)SharedCluster()->DropDatabase(url_);
}

}  // namespace p06::testing
