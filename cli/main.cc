// vbp: the streaming value-based payment engine. See README.md for the verbs.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/verbs.h"

#ifdef VBP_WITH_MIMALLOC
#include <mimalloc.h>
#endif

namespace {

// Which allocator serves malloc in this process, checked rather than assumed: a block from
// malloc must come from mimalloc's heap for mimalloc to be in use.
std::string AllocatorLine() {
#ifdef VBP_WITH_MIMALLOC
  void* probe = std::calloc(1, 64);  // calloc: malloc's family, and initialized
  const bool replaced = mi_is_in_heap_region(probe);
  std::free(probe);
  const int v = mi_version();  // e.g. 209 for 2.0.9
  return "allocator: mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) +
         "." + std::to_string(v % 10) +
         (replaced ? " (replaces malloc)"
                   : " (linked, but malloc is glibc's: check the link order)");
#else
  return "allocator: glibc malloc";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vbp - value-based payment engine: attribution, shared savings and losses, fees"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       [] { return std::string("vbp ") + VBP_VERSION + "\n" + AllocatorLine(); });
  int exit_code = 0;
  vbp::cli::AddSettleCommand(app, &exit_code);
  vbp::cli::AddGenerateCommand(app, &exit_code);
  vbp::cli::AddImportCommand(app, &exit_code);
  vbp::cli::AddBrokerCommand(app, &exit_code);
  vbp::cli::AddProduceCommand(app, &exit_code);
  vbp::cli::AddRunCommand(app, &exit_code);
  vbp::cli::AddStatementsCommand(app, &exit_code);
  vbp::cli::AddDemoCommand(app, &exit_code);
  vbp::cli::AddRecalcCommand(app, &exit_code);
  vbp::cli::AddVerifyCommand(app, &exit_code);
  vbp::cli::AddWhatIfCommand(app, &exit_code);
  vbp::cli::AddExplainCommand(app, &exit_code);
  vbp::cli::AddServeCommand(app, &exit_code);
  vbp::cli::AddReconcileCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
