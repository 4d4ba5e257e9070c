// Placeholder until the import verb lands; exits 1 with a message.
#include <cstdio>

#include "cli/verbs.h"

namespace vbp::cli {

void AddImportCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("import", "(not implemented yet)");
  cmd->allow_extras();
  cmd->callback([exit_code] {
    std::fprintf(stderr, "vbp import: not implemented yet\n");
    *exit_code = 1;
  });
}

}  // namespace vbp::cli
