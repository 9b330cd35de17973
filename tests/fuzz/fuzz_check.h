// FUZZ_CHECK(cond): the invariant check of the fuzz targets. On a violation it names
// the condition and traps, so that libFuzzer (and the replay main) treat the input as
// a crash and keep it as the reproducer.
#pragma once

#include <cstdio>

#define FUZZ_CHECK(cond)                                                                        \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "fuzz invariant violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      __builtin_trap();                                                                         \
    }                                                                                           \
  } while (false)
