#include "tests/kafka/test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;

namespace vbp::kafka::testutil {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string TempFile(const std::string& name) {
  static std::atomic<int> counter{0};
  return ::testing::TempDir() + "vbp_kafka_" + std::to_string(::getpid()) + "_" +
         std::to_string(counter++) + "_" + name;
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input,
                         int timeout_ms) {
  CommandResult result;
  const std::string in_path = TempFile("stdin");
  const std::string out_path = TempFile("stdout");
  const std::string err_path = TempFile("stderr");
  {
    std::ofstream in(in_path, std::ios::binary);
    in << input;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.err = "posix_spawn " + argv[0] + " failed: " + std::to_string(rc);
    return result;
  }
  int status = 0;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    ::usleep(20000);
  }
  result.exit_code = timed_out           ? 124
                     : WIFEXITED(status) ? WEXITSTATUS(status)
                                         : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  if (timed_out) {
    result.err += "\n[test harness] " + argv[0] + " timed out after " +
                  std::to_string(timeout_ms / 1000) + " s and was killed\n";
  }
  std::remove(in_path.c_str());
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string KcatOrWhy(std::string* why) {
  std::string kcat = FindInPath("kcat");
  if (kcat.empty()) {
    *why = "kcat not found on PATH: run ops/install-deps (Debian package kcat)";
  }
  return kcat;
}

std::string KafkaPythonMissing(bool with_zstd) {
  if (::access("/usr/bin/python3", X_OK) != 0) {
    return "/usr/bin/python3 not found: run ops/install-deps (Debian package python3)";
  }
  CommandResult r = RunCommand({"/usr/bin/python3", "-c", "import kafka"});
  if (r.exit_code != 0) {
    return "/usr/bin/python3 cannot import kafka: run ops/install-deps (Debian package "
           "python3-kafka)\n" +
           r.err;
  }
  if (with_zstd) {
    r = RunCommand({"/usr/bin/python3", "-c", "import zstandard"});
    if (r.exit_code != 0) {
      return "/usr/bin/python3 cannot import zstandard, which kafka-python needs for zstd "
             "batches: run ops/install-deps (Debian package python3-zstandard)\n" +
             r.err;
    }
  }
  return "";
}

std::string PythonClientPath() {
  return std::string(VBP_SOURCE_DIR) + "/tests/kafka/kafka_python_client.py";
}

std::string VbpPath() { return std::string(VBP_BINARY_DIR) + "/cli/vbp"; }

std::string Base64Encode(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    acc = (acc << 8) | static_cast<uint8_t>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

std::string Base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  uint32_t acc = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;  // '=' padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

Result<std::vector<Message>> ReadAll(const std::string& bootstrap, const std::string& topic,
                                     int timeout_ms, bool read_headers) {
  Result<std::unique_ptr<Consumer>> consumer = Consumer::Create({{"bootstrap.servers", bootstrap}});
  if (!consumer.ok()) return consumer.status();
  (*consumer)->set_read_headers(read_headers);
  Result<std::vector<int32_t>> partitions = (*consumer)->ListPartitions(topic);
  if (!partitions.ok()) return partitions.status();
  std::vector<TopicPartitionOffset> assignment;
  for (int32_t p : *partitions) assignment.push_back({topic, p, kOffsetBeginning});
  VBP_RETURN_IF_ERROR((*consumer)->Assign(assignment));
  std::vector<Message> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!(*consumer)->CaughtUp()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("ReadAll(" + topic + "): not caught up after " +
                                 std::to_string(timeout_ms) + " ms; read " +
                                 std::to_string(out.size()));
    }
    Result<MessageBatch> batch = (*consumer)->PollBatch(10000, 200);
    if (!batch.ok()) return batch.status();
    for (const MessageView& m : *batch) out.push_back(m.ToOwned());
  }
  std::stable_sort(out.begin(), out.end(), [](const Message& a, const Message& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return out;
}

}  // namespace vbp::kafka::testutil
