// The one PostgreSQL fixture for tests. Every test binary that links
// p06_test_harness gets one throwaway cluster (started on first use, removed when the
// binary exits); every PgTest gets its own fresh database.
//
//   class UnitStoreTest : public p06::testing::PgTest {};
//   TEST_F(UnitStoreTest, CreatesUnit) { db::Pool pool({.url = database_url()}); ... }
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/harness/pg_cluster.h"

namespace p06::testing {

// The binary's shared cluster; fails the test (and returns nullptr) if it cannot start.
PgCluster* SharedCluster();

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  const std::string& database_url() const { return url_; }
  PgCluster& cluster() { return *SharedCluster(); }

 private:
  std::string url_;
};

}  // namespace p06::testing
