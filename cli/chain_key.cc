#include "cli/chain_key.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "cli/common.h"

namespace vbp::cli {

namespace {

// True when `path` lies inside `dir` (both resolved; `dir` need not exist yet).
bool Inside(const std::string& path, const std::string& dir) {
  std::error_code ec;
  const auto p = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  const auto d = std::filesystem::weakly_canonical(dir, ec);
  if (ec) return false;
  auto pi = p.begin();
  for (auto di = d.begin(); di != d.end(); ++di, ++pi) {
    if (di->empty()) continue;  // trailing separator
    if (pi == p.end() || *pi != *di) return false;
  }
  return true;
}

}  // namespace

void AddChainKeyOption(CLI::App* cmd, std::string* path) {
  cmd->add_option("--chain-key", *path,
                  std::string("file of the key(s) that seal statement revisions (HMAC-SHA256; one "
                              "hex key per line, the first seals; outside the state directory). "
                              "Default: $") +
                      kChainKeyEnv + "; none: plain sha256 seals");
}

Result<ChainKeys> LoadChainKeys(const std::string& flag_path, const std::string& state_dir) {
  std::string path = flag_path;
  std::string source = "--chain-key " + path;
  if (path.empty()) {
    const char* env = std::getenv(kChainKeyEnv);
    if (env == nullptr || *env == '\0') return ChainKeys();
    path = env;
    source = std::string(kChainKeyEnv) + "=" + path;
  }
  if (!state_dir.empty() && Inside(path, state_dir)) {
    return Status::Invalid(source + ": the chain key is inside the state directory " + state_dir +
                           ", where anyone who can edit the state can read it; keep it "
                           "elsewhere (a secrets mount, a file only the service user reads)");
  }
  auto text = ReadFile(path);
  if (!text.ok()) return Status::Invalid(source + ": " + text.status().message());
  return ChainKeys::Parse(*text, source);
}

}  // namespace vbp::cli
