// `vbp broker` serves the SPEC §5 topics until SIGTERM; a chosen bootstrap port is served
// through the loopback forwarder (exercised here on an ephemeral port: tests never fix one).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/producer.h"
#include "connectors/kafka/tcp_forwarder.h"
#include "tests/kafka/test_support.h"

extern char** environ;

namespace vbp::kafka {
namespace {

// Reads one line from `fd`, waiting at most `timeout_ms` in total.
std::string ReadLine(int fd, int timeout_ms) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(1, left.count()))) <= 0) continue;
    char c;
    if (::read(fd, &c, 1) != 1) break;
    if (c == '\n') return line;
    line.push_back(c);
  }
  return line;
}

TEST(BrokerVerbTest, ServesTheSpecTopicsAndStopsOnSigterm) {
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const std::string err_path = testutil::TempFile("broker.err");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  const std::string vbp = testutil::VbpPath();
  ASSERT_EQ(::access(vbp.c_str(), X_OK), 0) << vbp << " missing: build the vbp target";
  std::vector<char*> argv = {const_cast<char*>(vbp.c_str()),
                             const_cast<char*>("broker"),
                             const_cast<char*>("--partitions"),
                             const_cast<char*>("3"),
                             const_cast<char*>("--prefix"),
                             const_cast<char*>("demo."),
                             nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, vbp.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);

  const std::string line = ReadLine(out[0], testutil::kDeadlineMs);
  ASSERT_EQ(line.rfind("bootstrap=127.0.0.1:", 0), 0u) << line;
  const std::string bootstrap = line.substr(std::string("bootstrap=").size());

  std::string why;
  const std::string kcat = testutil::KcatOrWhy(&why);
  EXPECT_FALSE(kcat.empty()) << why;
  if (!kcat.empty()) {
    testutil::CommandResult md = testutil::RunCommand({kcat, "-L", "-b", bootstrap});
    EXPECT_EQ(md.exit_code, 0) << md.err;
    for (const std::string& t : SpecTopicNames("demo.")) {
      EXPECT_NE(md.out.find("topic \"" + t + "\" with 3 partitions"), std::string::npos)
          << t << "\n"
          << md.out;
    }
  }
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ::close(out[0]);
}

TEST(TcpForwarderTest, ClientsBootstrapThroughTheForwardedPort) {
  Result<std::unique_ptr<MockCluster>> cluster = MockCluster::Start({});
  ASSERT_TRUE(cluster.ok());
  ASSERT_TRUE((*cluster)->CreateTopic("fwd.t", 2).ok());
  const std::string direct = (*cluster)->bootstrap_servers();
  const int broker_port = std::stoi(direct.substr(direct.rfind(':') + 1));
  Result<std::unique_ptr<TcpForwarder>> fwd = TcpForwarder::Start(0, broker_port);
  ASSERT_TRUE(fwd.ok()) << fwd.status().ToString();
  const std::string via = "127.0.0.1:" + std::to_string((*fwd)->port());

  Result<std::unique_ptr<Producer>> p = Producer::Create({{{"bootstrap.servers", via}}, nullptr});
  ASSERT_TRUE(p.ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*p)->Produce("fwd.t", "k" + std::to_string(i), "v" + std::to_string(i)).ok());
  }
  ASSERT_TRUE((*p)->Flush(testutil::kDeadlineMs).ok());
  Result<std::vector<Message>> got = testutil::ReadAll(via, "fwd.t");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->size(), 20u);
  p->reset();  // disconnect before the forwarder goes away
  (*fwd)->Stop();
  (*fwd)->Stop();  // idempotent
}

}  // namespace
}  // namespace vbp::kafka
