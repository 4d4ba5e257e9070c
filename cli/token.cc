// vbp token: the tokens file of the provider API (connectors/api/tokens.h). `add` draws a
// new token, stores only its SHA-256 digest and prints the token once; `migrate` replaces the
// plain tokens of a former tokens file by their digests (every token stays valid).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/api/tokens.h"

namespace vbp::cli {
namespace {

// Replaces `path` with `text` through a temporary file that only the owner can read, synced
// before the rename, so that the file is never half-written.
Status WriteTokensFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // an older .tmp may have had another mode
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      return Status::Io("cannot write " + tmp + ": " + err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return Status::Io("cannot sync " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Io("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

struct AddFlags {
  std::string tokens;
  std::string name;
  std::vector<std::string> tins;
  bool admin = false;
};

int Add(const AddFlags& f) {
  std::string existing;
  struct stat st {};
  if (::stat(f.tokens.c_str(), &st) == 0) {
    auto text = ReadFile(f.tokens);
    if (!text.ok()) return Fail("token add", text.status());
    existing = std::move(text).value();
  }
  auto token = api::NewToken();
  if (!token.ok()) return Fail("token add", token.status());
  auto updated = api::AddTokenEntry(existing, *token, f.name, f.tins, f.admin, f.tokens);
  if (!updated.ok()) return Fail("token add", updated.status());
  if (Status s = WriteTokensFile(f.tokens, *updated); !s.ok()) return Fail("token add", s);
  // The only time the token is shown: the file keeps its digest.
  std::cout << *token << std::endl;
  Log("info",
      "token added; it is printed only this once (the file keeps its SHA-256 digest); "
      "restart `vbp serve` to accept it",
      {{"file", f.tokens}, {"name", f.name}, {"admin", f.admin}, {"tins", f.tins}});
  return 0;
}

int Migrate(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Fail("token migrate", text.status());
  int converted = 0;
  auto hashed = api::HashPlainTokens(*text, path, &converted);
  if (!hashed.ok()) return Fail("token migrate", hashed.status());
  if (converted == 0) {
    Log("info", "every token of the file is already stored as a digest; nothing to do",
        {{"file", path}});
    return 0;
  }
  if (Status s = WriteTokensFile(path, *hashed); !s.ok()) return Fail("token migrate", s);
  Log("info", "plain tokens replaced by their SHA-256 digests; the tokens stay valid",
      {{"file", path}, {"converted", converted}});
  return 0;
}

}  // namespace

void AddTokenCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "token", "Tokens of the provider API (`vbp serve --tokens`): add one, or migrate a file");
  cmd->require_subcommand(1);

  auto* add = cmd->add_subcommand(
      "add",
      "Draw a new token, store its SHA-256 digest in the tokens file (created when missing) "
      "and print the token once on stdout");
  auto af = std::make_shared<AddFlags>();
  add->add_option("--tokens", af->tokens, "tokens file of `vbp serve`")->required();
  add->add_option("--name", af->name, "who holds the token (unique; shown in the access log)")
      ->required();
  auto* tin = add->add_option("--tin", af->tins, "a TIN the token may see (repeatable)");
  auto* admin = add->add_flag("--admin", af->admin, "an admin token: every contract");
  tin->excludes(admin);
  add->callback([af, exit_code] { *exit_code = Add(*af); });

  auto* migrate = cmd->add_subcommand(
      "migrate",
      "Replace the plain-text tokens of a tokens file by their SHA-256 digests, in place");
  auto path = std::make_shared<std::string>();
  migrate->add_option("--tokens", *path, "tokens file of `vbp serve`")->required();
  migrate->callback([path, exit_code] { *exit_code = Migrate(*path); });
}

}  // namespace vbp::cli
