// vbp: the streaming value-based payment engine. See README.md for the verbs.
#include <cstdio>

#include "cli/verbs.h"

int main(int argc, char** argv) {
  CLI::App app{"vbp - value-based payment engine: attribution, shared savings and losses, fees"};
  app.require_subcommand(1);
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
