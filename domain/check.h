#pragma once
// Invariant checks. A failed VBP_CHECK is a bug in this program, never bad input:
// it prints where and why, then aborts. Never use it on external input (STYLE.md, Errors).

#include <cstdio>
#include <cstdlib>

#define VBP_CHECK(cond)                                                                  \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

#define VBP_CHECK_MSG(cond, msg)                                                       \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, (msg));                                                      \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)
