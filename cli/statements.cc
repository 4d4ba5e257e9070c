// vbp statements: the current statements from a state directory, in settle's format.
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "engine/streaming_engine.h"

namespace vbp::cli {

void AddStatementsCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "statements", "Write the latest statement revisions of a state directory (settle format)");
  auto state = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto table = std::make_shared<bool>(false);
  cmd->add_option("--state", *state, "state directory of `vbp run`")->required();
  cmd->add_option("--out", *out, "output file (statements JSON array)");
  cmd->add_flag("--table", *table, "also print a table on stdout");
  cmd->callback([=] {
    auto store = RocksDbStateStore::OpenReadOnly(*state, RocksDbOptions{});
    if (!store.ok()) {
      *exit_code = Fail("statements", store.status());
      return;
    }
    auto latest = StreamingEngine::LatestRevisions(**store);
    if (!latest.ok()) {
      *exit_code = Fail("statements", latest.status());
      return;
    }
    std::vector<std::string> texts;
    for (const auto& r : *latest) {
      auto j = nlohmann::ordered_json::parse(r.json);
      j.erase("revision_info");
      j.erase("hash");
      texts.push_back(j.dump());
    }
    if (texts.empty()) {
      std::fprintf(stderr,
                   "vbp statements: %s holds no statement revision yet (is this the instance "
                   "that owns partition 0, and has it caught up?)\n",
                   state->c_str());
    }
    if (!out->empty()) {
      Status st = WriteFile(*out, StatementsFile(texts));
      if (!st.ok()) {
        *exit_code = Fail("statements", st);
        return;
      }
    }
    if (*table || out->empty()) std::fputs(StatementTable(texts).c_str(), stdout);
    *exit_code = 0;
  });
}

}  // namespace vbp::cli
