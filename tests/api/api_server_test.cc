// The HTTP adapter's connection handling over real sockets: slow and idle clients, the
// connection cap, request limits and the access log. Raw sockets send what a client library
// would not (half a request, a request held open, a body that is never sent).
#include "connectors/api/api_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/api/test_support.h"

namespace vbp::api {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string kAcme = "acme-0123456789abcdef0123456789abcdef";

// A client connection driven byte by byte.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  // Everything the server sends until it closes the connection, or until `timeout`.
  std::string ReadToEnd(milliseconds timeout) {
    std::string out;
    const auto deadline = Clock::now() + timeout;
    char buf[4096];
    while (true) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Waits (polling) until `done` holds or `timeout` passes; what it returns is asserted.
template <typename F>
bool WaitFor(F done, milliseconds timeout = milliseconds(20000)) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

std::string Body(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

class ApiServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto tokens = TokenTable::Parse(
        "{\"" + TokenKey(kAcme) + R"(": {"name": "Acme ACO", "tins": ["111111111"]}})", "t");
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    service_ = new ApiService(std::move(tokens).value());
    service_->SetSnapshot(std::shared_ptr<const Snapshot>(testing::LoadTestData()));
  }
  static void TearDownTestSuite() { delete service_; }

  void Start(ApiServerOptions o) {
    o.access_log = [this](const AccessLogEntry& e) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.push_back(e);
    };
    auto s = ApiServer::Start(service_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  int port() const { return server_->port(); }
  std::vector<AccessLogEntry> Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }
  // The access log entry of the `n`th (0-based) response or refusal, once it is written.
  AccessLogEntry Entry(size_t n) {
    EXPECT_TRUE(WaitFor([&] { return Log().size() > n; })) << "no access log entry " << n;
    auto log = Log();
    return log.size() > n ? log[n] : AccessLogEntry{};
  }

  static ApiService* service_;
  std::unique_ptr<ApiServer> server_;
  std::mutex log_mu_;
  std::vector<AccessLogEntry> log_;
};
ApiService* ApiServerTest::service_ = nullptr;

TEST_F(ApiServerTest, FiftySlowClientsDoNotDelayHealth) {
  ApiServerOptions o;
  o.header_timeout_ms = 120000;  // the slow clients stay for the whole test
  Start(o);
  constexpr int kSlow = 50;
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(slow.back()->ok());
    ASSERT_TRUE(slow.back()->Send("GET /health HTTP/1.1\r\nHost: a\r\n"));
  }
  ASSERT_TRUE(WaitFor([&] { return server_->connections() == kSlow; }))
      << server_->connections() << " connections open";
  // One more header line on every slow connection every 200 ms while /health is asked.
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop.load()) {
      for (auto& c : slow) c->Send("X-Slow: 1\r\n");
      std::this_thread::sleep_for(milliseconds(200));
    }
  });
  double slowest_s = 0;
  for (int i = 0; i < 5; ++i) {
    httplib::Client c("127.0.0.1", port());
    c.set_connection_timeout(10);
    c.set_read_timeout(10);
    const auto t0 = Clock::now();
    auto r = c.Get("/health");
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    slowest_s = std::max(slowest_s, s);
    ASSERT_TRUE(r) << "no answer to /health " << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_LT(s, 1.0) << "/health " << i;
  }
  stop = true;
  trickle.join();
  std::cout << "/health with " << kSlow << " slow connections held: slowest of 5 took "
            << slowest_s * 1000 << " ms\n";
  // The slow clients were held, not dropped: each finishes its request and gets its answer.
  EXPECT_TRUE(WaitFor([&] { return server_->connections() == kSlow; })) << server_->connections();
  for (auto& c : slow) ASSERT_TRUE(c->Send("\r\n"));
  for (auto& c : slow) {
    const std::string r = c->ReadToEnd(milliseconds(20000));
    EXPECT_EQ(r.rfind("HTTP/1.1 200 ", 0), 0u) << r;
  }
}

TEST_F(ApiServerTest, AHeadStillTricklingAtTheHeaderTimeoutIsAnswered408) {
  ApiServerOptions o;
  o.header_timeout_ms = 500;
  Start(o);
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  const auto t0 = Clock::now();
  ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\n"));
  // A header line every 100 ms: each arrives well within any per-read timeout.
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop.load() && c.Send("X-Slow: 1\r\n")) std::this_thread::sleep_for(milliseconds(100));
  });
  const std::string r = c.ReadToEnd(milliseconds(20000));
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  trickle.join();
  EXPECT_EQ(r.rfind("HTTP/1.1 408 ", 0), 0u) << r;
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << r;
  EXPECT_EQ(nlohmann::json::parse(Body(r))["error"], "request_timeout");
  EXPECT_GE(s, 0.5);
  // An idle connection gets the same answer.
  RawConnection idle(port());
  const std::string r2 = idle.ReadToEnd(milliseconds(20000));
  EXPECT_EQ(r2.rfind("HTTP/1.1 408 ", 0), 0u) << r2;
  const AccessLogEntry e = Entry(0);
  EXPECT_EQ(e.status, 408);
  EXPECT_EQ(e.event, "header_timeout");
  EXPECT_EQ(e.method, "");
  EXPECT_EQ(e.route, "");
  EXPECT_EQ(e.bytes_sent, r.size());
  EXPECT_GE(e.duration_us, 500000);
}

TEST_F(ApiServerTest, AConnectionOverTheCapIsAnswered503AtOnce) {
  ApiServerOptions o;
  o.connections_max = 3;
  o.header_timeout_ms = 120000;
  Start(o);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(held.back()->ok());
  }
  ASSERT_TRUE(WaitFor([&] { return server_->connections() == 3; }));
  RawConnection fourth(port());
  ASSERT_TRUE(fourth.ok());
  const std::string r = fourth.ReadToEnd(milliseconds(20000));
  EXPECT_EQ(r.rfind("HTTP/1.1 503 ", 0), 0u) << r;
  EXPECT_NE(r.find("Retry-After: 1\r\n"), std::string::npos) << r;
  EXPECT_EQ(nlohmann::json::parse(Body(r))["error"], "unavailable");
  const AccessLogEntry e = Entry(0);
  EXPECT_EQ(e.status, 503);
  EXPECT_EQ(e.event, "connections_max");
  EXPECT_EQ(e.bytes_sent, r.size());
  // The held connections give up: room again.
  held.clear();
  ASSERT_TRUE(WaitFor([&] { return server_->connections() == 0; }));
  httplib::Client c("127.0.0.1", port());
  auto h = c.Get("/health");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
}

TEST_F(ApiServerTest, AHeadOverItsLimitIsAnswered431) {
  ApiServerOptions o;
  o.head_bytes_max = 2048;
  Start(o);
  RawConnection c(port());
  ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nX-Big: " + std::string(3000, 'a')));
  const std::string r = c.ReadToEnd(milliseconds(20000));
  EXPECT_EQ(r.rfind("HTTP/1.1 431 ", 0), 0u) << r;
  EXPECT_EQ(nlohmann::json::parse(Body(r))["error"], "headers_too_large");
  // 2048 bytes of head are fine.
  RawConnection ok(port());
  const std::string head = "GET /health HTTP/1.1\r\nX-Big: ";
  ASSERT_TRUE(ok.Send(head + std::string(2048 - head.size() - 4, 'a') + "\r\n\r\n"));
  const std::string r2 = ok.ReadToEnd(milliseconds(20000));
  EXPECT_EQ(r2.rfind("HTTP/1.1 200 ", 0), 0u) << r2;
}

TEST_F(ApiServerTest, ARequestBodyOverTheLimitIsAnswered413WithoutBeingRead) {
  Start(ApiServerOptions{});
  // 1 MB declared, 1000 bytes sent: the answer does not wait for the rest.
  RawConnection big(port());
  ASSERT_TRUE(big.Send("GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n" +
                       std::string(1000, 'x')));
  const std::string r = big.ReadToEnd(milliseconds(20000));
  EXPECT_EQ(r.rfind("HTTP/1.1 413 ", 0), 0u) << r;
  EXPECT_EQ(nlohmann::json::parse(Body(r))["error"], "payload_too_large");
  struct Case {
    std::string headers;
    size_t body_bytes;
    int status;
  };
  const Case cases[] = {
      {"Content-Length: 4096\r\n", 4096, 200},  // the limit itself
      {"Content-Length: 4097\r\n", 4097, 413},
      {"Transfer-Encoding: chunked\r\n", 0, 413},  // no declared length
      {"Content-Length: 12abc\r\n", 0, 413},
  };
  for (const Case& k : cases) {
    RawConnection c(port());
    ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nHost: a\r\n" + k.headers + "\r\n" +
                       std::string(k.body_bytes, 'x')));
    const std::string out = c.ReadToEnd(milliseconds(20000));
    EXPECT_EQ(out.rfind("HTTP/1.1 " + std::to_string(k.status) + " ", 0), 0u) << k.headers << out;
  }
}

TEST_F(ApiServerTest, TheAccessLogNamesRouteTemplatesAndNoMemberIds) {
  Start(ApiServerOptions{});
  const std::string requests[] = {
      "GET /v1/contracts/C-ACME/members/M04/explanation HTTP/1.1\r\nAuthorization: Bearer " +
          kAcme + "\r\n\r\n",
      "GET /v1/contracts/C-ACME/members?after=M01&limit=2 HTTP/1.1\r\nAuthorization: Bearer " +
          kAcme + "\r\n\r\n",
      "GET /v1/contracts/C-ACME/members/M05/explanation HTTP/1.1\r\n\r\n",
      "HEAD /v1/M06 HTTP/1.1\r\nAuthorization: Bearer " + kAcme + "\r\n\r\n",
  };
  std::vector<std::string> responses;
  for (const std::string& req : requests) {
    RawConnection c(port());
    ASSERT_TRUE(c.Send(req));
    responses.push_back(c.ReadToEnd(milliseconds(20000)));
    ASSERT_TRUE(WaitFor([&] { return Log().size() == responses.size(); }));
  }
  const std::vector<AccessLogEntry> log = Log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].route, "/v1/contracts/{contract_id}/members/{member_id}/explanation");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].caller, "Acme ACO");
  EXPECT_EQ(log[0].event, "");
  EXPECT_EQ(log[1].route, "/v1/contracts/{contract_id}/members");
  EXPECT_EQ(log[1].status, 200);
  EXPECT_EQ(log[2].route, "/v1/contracts/{contract_id}/members/{member_id}/explanation");
  EXPECT_EQ(log[2].status, 401);
  EXPECT_EQ(log[2].caller, "");
  EXPECT_EQ(log[3].method, "HEAD");
  EXPECT_EQ(log[3].route, "");
  EXPECT_EQ(log[3].status, 404);
  for (size_t i = 0; i < log.size(); ++i) {
    // The whole response as the client read it, one request per connection.
    EXPECT_EQ(log[i].bytes_sent, responses[i].size()) << i;
    EXPECT_NE(responses[i].find("Connection: close\r\n"), std::string::npos) << i;
    EXPECT_GE(log[i].duration_us, 0);
    for (const std::string& field : {log[i].method, log[i].route, log[i].caller, log[i].event}) {
      for (const char* member : {"M01", "M04", "M05", "M06"}) {
        EXPECT_EQ(field.find(member), std::string::npos) << i << ": " << field;
      }
    }
  }
}

}  // namespace
}  // namespace vbp::api
