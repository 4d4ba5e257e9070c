#include "tests/stream/stream_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "connectors/kafka/consumer.h"

extern char** environ;

namespace vbp::stream::testutil {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(20);

std::string Join(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

TestDir::TestDir() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "test";
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  path_ = ::testing::TempDir() + "vbp_stream_" + std::to_string(::getpid()) + "_" +
          std::to_string(counter++) + "_" + name;
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TestDir::~TestDir() {
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "test files kept in %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::unique_ptr<Process> Process::Start(const std::vector<std::string>& argv,
                                        const std::string& log_prefix) {
  std::unique_ptr<Process> p(new Process());
  p->out_path_ = log_prefix + ".out";
  p->err_path_ = log_prefix + ".err";
  p->command_ = Join(argv);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, p->out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, p->err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawn(&p->pid_, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "posix_spawn " << p->command_;
  if (rc != 0) return nullptr;
  return p;
}

Process::~Process() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

bool Process::Running() {
  if (exit_code_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

void Process::Signal(int sig) {
  if (Running()) ::kill(pid_, sig);
}

std::optional<int> Process::Wait(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Running()) {
    if (Clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
  return exit_code_;
}

std::string Process::Stdout() const { return ReadText(out_path_); }
std::string Process::Stderr() const { return ReadText(err_path_); }

std::unique_ptr<Broker> Broker::Start(const TestDir& dir, int partitions) {
  std::unique_ptr<Broker> b(new Broker());
  b->partitions_ = partitions;
  b->process_ =
      Process::Start({Vbp(), "broker", "--partitions", std::to_string(partitions)}, dir / "broker");
  if (!b->process_) return nullptr;
  const auto deadline = Clock::now() + std::chrono::milliseconds(kProcessDeadlineMs);
  while (Clock::now() < deadline && b->process_->Running()) {
    const std::string out = b->process_->Stdout();
    const size_t at = out.find("bootstrap=");
    const size_t nl = out.find('\n', at);
    if (at != std::string::npos && nl != std::string::npos) {
      b->bootstrap_ = out.substr(at + 10, nl - at - 10);
      return b;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  ADD_FAILURE() << "vbp broker did not print its bootstrap address: " << b->process_->Stderr();
  return nullptr;
}

Broker::~Broker() {
  if (!process_) return;
  process_->Signal(SIGTERM);
  process_->Wait(30000);
}

std::string Vbp() { return kafka::testutil::VbpPath(); }

CommandResult RunVbp(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Vbp()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) out.push_back(line);
  }
  return out;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const std::string& l : lines) out << l << '\n';
  ASSERT_TRUE(out.good()) << path;
}

std::string KeyOf(const std::string& line, const std::string& field) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto f = j.find(field);
  return f != j.end() && f->is_string() ? f->get<std::string>() : "";
}

int32_t Murmur2Partition(const std::string& key, int32_t partitions) {
  // org.apache.kafka.common.utils.Utils.murmur2, in unsigned arithmetic.
  const uint32_t m = 0x5bd1e995;
  const size_t length = key.size();
  uint32_t h = 0x9747b28c ^ static_cast<uint32_t>(length);
  const auto byte = [&key](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(key[i]));
  };
  for (size_t i = 0; i + 4 <= length; i += 4) {
    uint32_t k = byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24);
    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= byte(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>((h & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

void Generate(const std::string& dir, int members, uint64_t seed, int malformed_per_mille) {
  CommandResult r =
      RunVbp({"generate", "--members", std::to_string(members), "--seed", std::to_string(seed),
              "--out", dir, "--malformed-per-mille", std::to_string(malformed_per_mille)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

void ProduceWithVbp(const std::string& bootstrap, const std::string& topic,
                    const std::string& file) {
  CommandResult r = RunVbp({"produce", "--brokers", bootstrap, "--topic", topic, "--file", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

void ProduceWithKcat(const std::string& bootstrap, const std::string& topic,
                     const std::string& file, const std::string& key_field) {
  std::string why;
  const std::string kcat = kafka::testutil::KcatOrWhy(&why);
  ASSERT_FALSE(kcat.empty()) << why;
  std::string input;
  for (const std::string& line : ReadLines(file)) {
    ASSERT_EQ(line.find('\t'), std::string::npos) << "a tab would split kcat's key: " << line;
    input += KeyOf(line, key_field) + "\t" + line + "\n";
  }
  // kcat's own default partitioner is consistent_random (CRC32); the engine's producer and
  // kafka-python hash keys with murmur2 (the Java client's), and claims and members must be
  // co-partitioned whichever client wrote them. -Z: an empty key is sent as a null key, as
  // `vbp produce` does.
  CommandResult r = RunCommand({kcat, "-P", "-b", bootstrap, "-t", topic, "-K", "\t", "-z", "lz4",
                                "-Z", "-X", "partitioner=murmur2_random", "-X", "linger.ms=20"},
                               input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

void ProduceWithKafkaPython(const std::string& bootstrap, const std::string& topic,
                            const std::string& file, const std::string& key_field,
                            const std::string& compression) {
  const std::string missing = kafka::testutil::KafkaPythonMissing(compression == "zstd");
  ASSERT_TRUE(missing.empty()) << missing;
  std::string input;
  const std::vector<std::string> lines = ReadLines(file);
  for (const std::string& line : lines) {
    nlohmann::json j;
    const std::string key = KeyOf(line, key_field);
    // A record without its key field is sent with a null key, as `vbp produce` does.
    j["key_b64"] =
        key.empty() ? nlohmann::json(nullptr) : nlohmann::json(kafka::testutil::Base64Encode(key));
    j["value_b64"] = kafka::testutil::Base64Encode(line);
    input += j.dump() + "\n";
  }
  CommandResult r = RunCommand({"/usr/bin/python3", kafka::testutil::PythonClientPath(), "produce",
                                bootstrap, topic, compression},
                               input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // kafka-python's DefaultPartitioner: murmur2 of the key bytes, like the Java client.
  auto c = kafka::Consumer::Create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto listed = (*c)->ListPartitions(topic);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  const int32_t partitions = static_cast<int32_t>(listed->size());
  std::istringstream out(r.out);
  std::string md;
  size_t n = 0;
  for (const std::string& line : lines) {
    ASSERT_TRUE(std::getline(out, md)) << "kafka-python reported " << n << " of " << lines.size();
    ++n;
    const std::string key = KeyOf(line, key_field);
    if (key.empty()) continue;
    const int32_t p = nlohmann::json::parse(md)["partition"].get<int32_t>();
    ASSERT_EQ(p, Murmur2Partition(key, partitions)) << topic << " key " << key;
  }
}

int64_t SumHighWatermarks(const std::string& bootstrap, const std::vector<std::string>& topics) {
  auto c = kafka::Consumer::Create({{"bootstrap.servers", bootstrap}});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return -1;
  int64_t sum = 0;
  for (const std::string& t : topics) {
    auto parts = (*c)->ListPartitions(t);
    EXPECT_TRUE(parts.ok()) << parts.status().ToString();
    if (!parts.ok()) return -1;
    for (int32_t p : *parts) {
      auto w = (*c)->QueryWatermarks(t, p);
      EXPECT_TRUE(w.ok()) << w.status().ToString();
      if (!w.ok()) return -1;
      EXPECT_EQ(w->low, 0) << t << "[" << p << "]: the mock dropped records";
      sum += w->high;
    }
  }
  return sum;
}

size_t ExpectMurmur2Placement(const std::string& bootstrap, const std::string& topic) {
  auto c = kafka::Consumer::Create({{"bootstrap.servers", bootstrap}});
  EXPECT_TRUE(c.ok());
  if (!c.ok()) return 0;
  auto parts = (*c)->ListPartitions(topic);
  EXPECT_TRUE(parts.ok());
  if (!parts.ok()) return 0;
  const int32_t n = static_cast<int32_t>(parts->size());
  auto all = kafka::testutil::ReadAll(bootstrap, topic);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (!all.ok()) return 0;
  size_t checked = 0;
  for (const kafka::Message& m : *all) {
    if (m.key.empty()) continue;
    EXPECT_EQ(m.partition, Murmur2Partition(m.key, n)) << topic << " key " << m.key;
    ++checked;
  }
  return checked;
}

nlohmann::ordered_json Settle(const std::string& data_dir, const std::string& out_file,
                              bool allow_incomplete) {
  std::vector<std::string> args = {"settle", "--data", data_dir, "--out", out_file, "--quiet"};
  if (allow_incomplete) args.push_back("--allow-incomplete");
  CommandResult r = RunVbp(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::ordered_json::parse(ReadText(out_file), nullptr, false);
}

std::string Statements(const std::string& state_dir, const std::string& out_file,
                       bool allow_incomplete) {
  std::vector<std::string> args = {"statements", "--state", state_dir, "--out", out_file};
  if (allow_incomplete) args.push_back("--allow-incomplete");
  CommandResult r = RunVbp(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return ReadText(out_file);
}

nlohmann::ordered_json WithoutDataQuality(nlohmann::ordered_json statements) {
  if (!statements.is_array()) return statements;
  for (auto& s : statements) s.erase("data_quality");
  return statements;
}

nlohmann::ordered_json WithoutRevision(nlohmann::ordered_json statements) {
  EXPECT_TRUE(statements.is_array()) << statements.dump().substr(0, 200);
  if (!statements.is_array()) return statements;
  for (auto& s : statements) {
    EXPECT_TRUE(s.contains("revision")) << s.dump().substr(0, 200);
    s.erase("revision");
  }
  return statements;
}

void ExpectSameStatements(const nlohmann::ordered_json& expected,
                          const nlohmann::ordered_json& actual, const std::string& what) {
  ASSERT_TRUE(expected.is_array()) << what;
  ASSERT_TRUE(actual.is_array()) << what;
  EXPECT_FALSE(expected.empty()) << what << ": no statement at all";
  ASSERT_EQ(expected.size(), actual.size()) << what << ": number of statements";
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(expected[i], actual[i]) << what << ": statement " << i << "\nexpected "
                                      << expected[i].dump() << "\n  actual " << actual[i].dump();
  }
}

std::vector<int64_t> Revisions(const nlohmann::ordered_json& statements) {
  std::vector<int64_t> out;
  if (!statements.is_array()) return out;
  for (const auto& s : statements) out.push_back(s.value("revision", int64_t{-1}));
  return out;
}

std::vector<std::string> RunArgs(const std::string& bootstrap, const std::string& state,
                                 const std::string& group) {
  return {"run",          "--brokers", bootstrap,       "--state",     state,
          "--group",      group,       "--set",         kShortSession, "--set",
          kFastHeartbeat, "--set",     kConnectTimeout, "--http-port", "-1"};
}

CommandResult RunUntilCaughtUp(const std::string& bootstrap, const std::string& state,
                               const std::string& group, const std::vector<std::string>& extra) {
  std::vector<std::string> args = RunArgs(bootstrap, state, group);
  args.push_back("--until-caught-up");
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<std::string> argv = {Vbp()};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult r = RunCommand(argv, "", 120000);
  if (r.exit_code == 124 || r.err.find("made no progress") != std::string::npos ||
      r.err.find("for the consumer group to assign") != std::string::npos) {
    // Rarely, under load, the mock broker stops answering one of the engine's connections and
    // the run makes no progress. The state is exactly-once, so the remedy is the operator's:
    // run again. The test still holds the final statements to the expected ones.
    std::fprintf(stderr, "note: vbp run made no progress; running it again:\n%s\n", r.err.c_str());
    r = RunCommand(argv, "", 120000);
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r;
}

std::unique_ptr<Service> Service::Start(const TestDir& dir, const std::string& name,
                                        const std::string& bootstrap, const std::string& state,
                                        const std::string& group,
                                        const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {Vbp()};
  for (const std::string& a : RunArgs(bootstrap, state, group)) {
    argv.push_back(a == "-1" && argv.back() == "--http-port" ? "0" : a);
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::unique_ptr<Service> s(new Service());
  s->process_ = Process::Start(argv, dir / name);
  if (!s->process_) return nullptr;
  // run.cc logs {"msg":"serving /health, /ready and /metrics","address":"127.0.0.1:PORT"}.
  const auto deadline = Clock::now() + std::chrono::milliseconds(kProcessDeadlineMs);
  while (Clock::now() < deadline && s->process_->Running()) {
    std::istringstream err(s->process_->Stderr());
    std::string line;
    while (std::getline(err, line)) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.value("msg", "") == "serving /health, /ready and /metrics") {
        const std::string address = j.value("address", "");
        s->http_port_ = std::stoi(address.substr(address.rfind(':') + 1));
        return s;
      }
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  ADD_FAILURE() << name << " did not report its HTTP address: " << s->process_->Stderr();
  return nullptr;
}

Service::~Service() = default;

std::optional<std::pair<int, std::string>> Service::Get(const std::string& path) {
  httplib::Client client("127.0.0.1", http_port_);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  auto res = client.Get(path);
  if (!res) return std::nullopt;
  return std::make_pair(res->status, res->body);
}

std::optional<int64_t> Service::Metric(const std::string& series) {
  auto r = Get("/metrics");
  if (!r || r->first != 200) return std::nullopt;
  return PrometheusValue(r->second, series);
}

std::string Service::WaitForMetrics(const std::function<bool(const std::string&)>& ready,
                                    const std::string& what, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string last;
  while (Clock::now() < deadline) {
    if (!process_->Running()) {
      ADD_FAILURE() << "vbp run exited while waiting for " << what << ": " << process_->Stderr();
      return last;
    }
    auto r = Get("/metrics");
    if (r && r->first == 200) {
      last = r->second;
      if (ready(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "timed out waiting for " << what << "; last /metrics:\n" << last;
  return last;
}

void Service::Stop() {
  process_->Signal(SIGTERM);
  const std::optional<int> code = process_->Wait();
  EXPECT_EQ(code, std::optional<int>(0)) << process_->Stderr();
}

std::optional<int64_t> PrometheusValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stoll(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

std::vector<int32_t> LagPartitions(const std::string& text, const std::string& topic) {
  std::vector<int32_t> out;
  const std::string prefix = "vbp_consumer_lag_messages{topic=\"" + topic + "\",partition=\"";
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) == 0) {
      out.push_back(std::stoi(line.substr(prefix.size())));
    }
  }
  return out;
}

}  // namespace vbp::stream::testutil
