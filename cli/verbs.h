#pragma once
// Every `vbp` verb registers itself here; main.cc calls each Add*Command once.
// A verb's callback stores its exit code in `*exit_code` (0 success, 1 failure, 2 usage).

#include <CLI/CLI.hpp>

namespace vbp::cli {

void AddSettleCommand(CLI::App& app, int* exit_code);
void AddGenerateCommand(CLI::App& app, int* exit_code);
void AddImportCommand(CLI::App& app, int* exit_code);
void AddImportCclfCommand(CLI::App& import, int* exit_code);  // `vbp import cclf`
// `vbp import fhir`, a subcommand of `import` (cli/import_fhir.cc).
void AddImportFhirCommand(CLI::App& import_cmd, int* exit_code);
void AddBrokerCommand(CLI::App& app, int* exit_code);
void AddProduceCommand(CLI::App& app, int* exit_code);
void AddRunCommand(CLI::App& app, int* exit_code);
void AddStatementsCommand(CLI::App& app, int* exit_code);
void AddDemoCommand(CLI::App& app, int* exit_code);
void AddRecalcCommand(CLI::App& app, int* exit_code);  // recalc, compact
void AddVerifyCommand(CLI::App& app, int* exit_code);
void AddWhatIfCommand(CLI::App& app, int* exit_code);
void AddExplainCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddReconcileCommand(CLI::App& app, int* exit_code);
// `vbp token add|migrate`: the provider API's tokens file (cli/token.cc).
void AddTokenCommand(CLI::App& app, int* exit_code);

}  // namespace vbp::cli
