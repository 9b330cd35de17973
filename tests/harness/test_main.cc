// The main of every test binary: gtest's, after installing the test's internal key.
#include <gtest/gtest.h>

#include "tests/harness/internal_key.h"

int main(int argc, char** argv) {
  p06::testing::InstallTestInternalKeys();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
