#pragma once
// The chain key of statement revisions (engine/state/revision_seal.h) for every verb that
// writes or reads a state directory: `--chain-key FILE`, else the file named by the environment
// variable VBP_CHAIN_KEY_FILE, else none (plain sha256 seals; demos and tests).
#include <CLI/CLI.hpp>
#include <string>

#include "domain/status.h"
#include "engine/state/revision_seal.h"

namespace vbp::cli {

constexpr const char* kChainKeyEnv = "VBP_CHAIN_KEY_FILE";

void AddChainKeyOption(CLI::App* cmd, std::string* path);

// Reads the key file (flag, else environment); refuses one inside `state_dir`.
Result<ChainKeys> LoadChainKeys(const std::string& flag_path, const std::string& state_dir);

}  // namespace vbp::cli
