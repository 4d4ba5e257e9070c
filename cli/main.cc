// vbp: the streaming value-based payment engine. See README.md for the verbs.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/log.h"
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

// Levenshtein distance, for "did you mean" on a mistyped verb.
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The verbs closest to `word` (at most 2 edits, or a prefix), comma-separated; "" when none.
std::string Closest(const CLI::App& app, const std::string& word) {
  std::string best;
  size_t best_d = 3;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string& name = sub->get_name();
    const size_t d = name.rfind(word, 0) == 0 ? 1 : EditDistance(word, name);
    if (d < best_d) {
      best_d = d;
      best = name;
    }
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vbp - value-based payment engine: attribution, shared savings and losses, fees"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       [] { return std::string("vbp ") + VBP_VERSION + "\n" + AllocatorLine(); });
  // Options of the whole program may follow the verb: `vbp run --log-level debug`.
  app.fallthrough();
  vbp::cli::InitLogging("info");
  app.add_option_function<std::string>(
         "--log-level", [](const std::string& level) { vbp::cli::InitLogging(level); },
         "log level of the JSON log lines on stderr: debug, info (default), warn, error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  vbp::cli::RouteKafkaLogs();
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
  vbp::cli::AddTokenCommand(app, &exit_code);
  // An unknown verb: say so and suggest the closest (CLI11 would only say a subcommand is
  // required).
  if (argc > 1 && argv[1][0] != '-') {
    const std::string verb = argv[1];
    if (app.get_subcommands([&verb](const CLI::App* s) { return s->get_name() == verb; }).empty()) {
      const std::string near = Closest(app, verb);
      std::fprintf(stderr, "vbp: unknown verb '%s'%s; `vbp --help` lists them\n", verb.c_str(),
                   near.empty() ? "" : (" (did you mean '" + near + "'?)").c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
