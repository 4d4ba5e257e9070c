# Shared compile options for every vbp target.
option(VBP_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(VBP_WERROR "Treat warnings as errors" ON)
# libFuzzer targets (tests/fuzz, `ops/fuzz`): clang only; every library is instrumented for
# coverage and built with the sanitizers.
option(VBP_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies VBP_SANITIZE)" OFF)
if(VBP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VBP_FUZZ needs clang: configure with CC=clang CXX=clang++ (ops/fuzz does)")
  endif()
  set(VBP_SANITIZE ON)
  set(VBP_WERROR OFF)  # warnings are gcc's job; clang's differ
endif()
# mimalloc replaces malloc in the vbp command and the streaming bench (libmimalloc-dev): vbp
# settle allocates and frees a few objects per claim on several threads, and ran ~10% faster
# with it (README, Benchmarks). Never with the sanitizers, which bring their own allocator.
option(VBP_MIMALLOC "Link the vbp command with mimalloc (not with VBP_SANITIZE)" ON)
if(VBP_MIMALLOC AND VBP_SANITIZE)
  set(VBP_MIMALLOC OFF)
endif()

add_library(vbp_options INTERFACE)
target_compile_features(vbp_options INTERFACE cxx_std_20)
# Debug information: line tables only (-g1) unless VBP_FULL_DEBUG_INFO. Backtraces, sanitizer
# reports and `perf annotate` need only line tables; full DWARF (variables, types) made every
# translation unit ~40% slower to compile (rules/core/settlement.cc: 18.3 s with -g, 13.1 s with
# -g1), which is most of CI's build time. Turn it on for a gdb session.
option(VBP_FULL_DEBUG_INFO "Full DWARF (-g) instead of line tables (-g1) in Debug/RelWithDebInfo" OFF)
if(NOT VBP_FULL_DEBUG_INFO)
  target_compile_options(vbp_options INTERFACE $<$<CONFIG:Debug,RelWithDebInfo>:-g1>)
endif()
target_compile_options(vbp_options INTERFACE -Wall -Wextra -Wpedantic
                       $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wnon-virtual-dtor
                       -Wno-missing-field-initializers)
if(VBP_WERROR)
  target_compile_options(vbp_options INTERFACE -Werror)
endif()
if(VBP_SANITIZE)
  target_compile_options(vbp_options INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  # GCC's value-range analysis is much weaker under -fsanitize: these diagnostics turn into false
  # positives (snprintf into exactly-sized buffers, for one). They stay errors in the normal build.
  target_compile_options(vbp_options INTERFACE
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-error=format-truncation>
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-error=stringop-overflow>
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-error=maybe-uninitialized>)
  target_link_options(vbp_options INTERFACE -fsanitize=address,undefined)
endif()
if(VBP_FUZZ)
  # -O1 (after the build type's -O2, so it wins): the sanitizer build compiles every library,
  # the unit tests and the fuzz targets once, and -O1 is what libFuzzer's documentation uses.
  # The unit tests link the same objects without libFuzzer (the sanitizer runtime defines the
  # coverage callbacks as no-ops).
  target_compile_options(vbp_options INTERFACE -fsanitize=fuzzer-no-link -O1)
endif()
