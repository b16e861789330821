// CHECK: a broken invariant aborts in every build (release included). Used for conditions
// that no input can cause; input errors are Result values instead.
#pragma once

#include <cstdio>
#include <cstdlib>

#define SUANLI_CHECK(cond)                                                          \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)
