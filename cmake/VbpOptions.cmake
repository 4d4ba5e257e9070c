# Shared compile options for every vbp target.
option(VBP_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(VBP_WERROR "Treat warnings as errors" ON)
# mimalloc replaces malloc in the vbp command and the streaming bench (libmimalloc-dev): vbp
# settle allocates and frees a few objects per claim on several threads, and ran ~10% faster
# with it (README, Benchmarks). Never with the sanitizers, which bring their own allocator.
option(VBP_MIMALLOC "Link the vbp command with mimalloc (not with VBP_SANITIZE)" ON)
if(VBP_MIMALLOC AND VBP_SANITIZE)
  set(VBP_MIMALLOC OFF)
endif()

add_library(vbp_options INTERFACE)
target_compile_features(vbp_options INTERFACE cxx_std_20)
target_compile_options(vbp_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
                       -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(VBP_WERROR)
  target_compile_options(vbp_options INTERFACE -Werror)
endif()
if(VBP_SANITIZE)
  target_compile_options(vbp_options INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  # GCC's value-range analysis is much weaker under -fsanitize: these diagnostics turn into false
  # positives (snprintf into exactly-sized buffers, for one). They stay errors in the normal build.
  target_compile_options(vbp_options INTERFACE -Wno-error=format-truncation
                         -Wno-error=stringop-overflow -Wno-error=maybe-uninitialized)
  target_link_options(vbp_options INTERFACE -fsanitize=address,undefined)
endif()
