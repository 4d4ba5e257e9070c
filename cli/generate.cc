// Placeholder until the generate verb lands; exits 1 with a message.
#include <cstdio>

#include "cli/verbs.h"

namespace vbp::cli {

void AddGenerateCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("generate", "(not implemented yet)");
  cmd->allow_extras();
  cmd->callback([exit_code] {
    std::fprintf(stderr, "vbp generate: not implemented yet\n");
    *exit_code = 1;
  });
}

}  // namespace vbp::cli
