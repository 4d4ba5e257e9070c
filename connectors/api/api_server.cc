#include "connectors/api/api_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace vbp::api {
namespace {

using Clock = std::chrono::steady_clock;

// Descriptors the process needs besides the connections (listener, wake-up, logs, files).
constexpr size_t kSpareFiles = 64;
// After accept fails for want of descriptors, the listener rests this long.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
// Stop() lets requests in flight finish for this long.
constexpr auto kStopGrace = std::chrono::seconds(5);
// Connections accepted per turn of the loop, so that a flood of connects cannot starve the
// connections already open.
constexpr int kAcceptsPerTurn = 64;

// What the pre-routing handler learned about the request being answered on this worker
// thread, for the access log (set around each call of ProcessRequest).
struct RequestFacts {
  std::string method;
  std::string route;
  std::string caller;
  bool exception = false;  // the handler threw (answered 500)
};
thread_local RequestFacts* t_facts = nullptr;

// A request head already read, given to httplib as its input; the response is collected in
// memory. There is no socket behind it.
class BufferedExchange final : public httplib::Stream {
 public:
  BufferedExchange(const std::string& in, std::string remote_ip, int remote_port)
      : in_(in), remote_ip_(std::move(remote_ip)), remote_port_(remote_port) {}

  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  using httplib::Stream::write;
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = -1;
  }
  // httplib only compares it with FD_SETSIZE (its select() limit, which this stream, having
  // no socket, does not meet).
  socket_t socket() const override { return INVALID_SOCKET; }

  std::string TakeOutput() { return std::move(out_); }

 private:
  const std::string& in_;
  size_t pos_ = 0;
  std::string out_;
  std::string remote_ip_;
  int remote_port_;
};

// httplib's request parser and response writer, reached through its protected
// process_request: one request per exchange, answered with `Connection: close`.
class RequestProcessor final : public httplib::Server {
 public:
  void Process(httplib::Stream& exchange) {
    bool connection_closed = false;
    process_request(exchange, /*close_connection=*/true, connection_closed, nullptr);
  }
};

// An error answered by the adapter itself (the connection never reached httplib); `detail`
// is a fixed sentence (no quotes to escape).
std::string CannedResponse(int status, const char* reason, const char* code,
                           const std::string& detail) {
  const std::string body =
      std::string("{\"error\":\"") + code + "\",\"detail\":\"" + detail + "\"}";
  std::string r =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
  if (status == 503) r += "Retry-After: 1\r\n";
  r += "Connection: close\r\n\r\n";
  return r + body;
}

// The status code of a response's status line ("HTTP/1.1 200 OK"), 0 when there is none.
int StatusOf(const std::string& response) {
  const size_t sp = response.find(' ');
  if (sp == std::string::npos || response.size() < sp + 4) return 0;
  int status = 0;
  const char* begin = response.data() + sp + 1;
  auto [end, ec] = std::from_chars(begin, begin + 3, status);
  return ec == std::errc() && end == begin + 3 ? status : 0;
}

// The body length the request declares: 0 without Content-Length, nullopt when the length
// is not a plain number or a Transfer-Encoding makes it unknown.
std::optional<uint64_t> DeclaredBodyBytes(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return std::nullopt;
  if (!req.has_header("Content-Length")) return 0;
  if (req.get_header_value_count("Content-Length") != 1) return std::nullopt;
  const std::string v = req.get_header_value("Content-Length");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

}  // namespace

struct ApiServer::Rep {
  enum class Phase {
    kHead,       // reading the request head (event loop)
    kWorking,    // a worker renders the response
    kWriting,    // the event loop writes the response
    kLingering,  // written and half-closed: discarding what the client still sends
  };
  struct Connection {
    int fd = -1;
    Phase phase = Phase::kHead;
    std::string in;
    std::string out;
    size_t out_pos = 0;
    Clock::time_point accepted;
    Clock::time_point head_complete;
    Clock::time_point deadline;  // of the current phase (none while kWorking)
    std::string remote_ip;
    int remote_port = -1;
    RequestFacts facts;
    std::string event;  // a refusal, for the access log
  };
  struct Job {
    uint64_t id;
    std::string head;
    std::string remote_ip;
    int remote_port;
  };
  struct Done {
    uint64_t id;
    std::string out;
    RequestFacts facts;
  };

  const ApiService* service = nullptr;
  ApiServerOptions options;
  RequestProcessor processor;
  int listen_fd = -1;
  int wake_fd = -1;
  int port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> open_connections{0};
  std::thread loop;
  std::vector<std::thread> workers;

  // Between the event loop and the workers.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Job> jobs;
  std::vector<Done> done;
  bool workers_stop = false;

  // Event-loop thread only.
  std::map<uint64_t, Connection> connections;
  uint64_t next_id = 1;
  Clock::time_point accept_resume{};

  void Wake() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof one);
  }

  void Work() {
    while (true) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !jobs.empty() || workers_stop; });
        if (workers_stop) return;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      Done d{job.id, {}, {}};
      BufferedExchange exchange(job.head, job.remote_ip, job.remote_port);
      t_facts = &d.facts;
      try {
        processor.Process(exchange);
        d.out = exchange.TakeOutput();
      } catch (const std::exception&) {
        d.out = CannedResponse(500, "Internal Server Error", "internal",
                               "the server could not answer this request; see its log");
      }
      t_facts = nullptr;
      {
        std::lock_guard<std::mutex> lock(mu);
        done.push_back(std::move(d));
      }
      Wake();
    }
  }

  void Log(const Connection& c, Clock::time_point now) {
    if (!options.access_log) return;
    AccessLogEntry e;
    e.method = c.facts.method;
    e.route = c.facts.route;
    e.status = StatusOf(c.out);
    e.bytes_sent = c.out_pos;
    const Clock::time_point from =
        c.event.empty() || c.event == "write_timeout" || c.event == "client_gone" ? c.head_complete
                                                                                  : c.accepted;
    e.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(now - from).count();
    e.caller = c.facts.caller;
    e.event = c.event.empty() && c.facts.exception ? "exception" : c.event;
    options.access_log(e);
  }

  void Close(uint64_t id) {
    auto it = connections.find(id);
    if (it == connections.end()) return;
    ::close(it->second.fd);
    connections.erase(it);
    open_connections.store(connections.size());
  }

  // Sends what the kernel takes now; then half-closes and lingers, or closes on an error.
  void Write(uint64_t id, Connection& c, Clock::time_point now) {
    while (c.out_pos < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos,
                               MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      } else {
        if (c.event.empty()) c.event = "client_gone";
        Log(c, now);
        Close(id);
        return;
      }
    }
    Log(c, now);
    ::shutdown(c.fd, SHUT_WR);
    c.phase = Phase::kLingering;
    c.deadline = now + std::chrono::milliseconds(options.linger_ms);
    c.in.clear();
    c.in.shrink_to_fit();
    c.out.clear();
    c.out.shrink_to_fit();
  }

  void Refuse(uint64_t id, Connection& c, Clock::time_point now, int status, const char* reason,
              const char* code, const char* event, const std::string& detail) {
    c.out = CannedResponse(status, reason, code, detail);
    c.out_pos = 0;
    c.event = event;
    c.phase = Phase::kWriting;
    c.deadline = now + std::chrono::milliseconds(options.write_timeout_ms);
    Write(id, c, now);
  }

  // The end of the request head: "\r\n\r\n" (or "\n\n", which httplib then refuses with 400
  // rather than letting the client wait for the header timeout).
  static bool HeadComplete(const std::string& in, size_t searched) {
    const size_t from = searched > 3 ? searched - 3 : 0;
    return in.find("\r\n\r\n", from) != std::string::npos ||
           in.find("\n\n", from) != std::string::npos;
  }

  void ReadHead(uint64_t id, Connection& c, Clock::time_point now) {
    char buf[4096];
    while (true) {
      const size_t room = options.head_bytes_max + 1 - c.in.size();
      const ssize_t n = ::recv(c.fd, buf, std::min(sizeof buf, room), MSG_DONTWAIT);
      if (n > 0) {
        const size_t searched = c.in.size();
        c.in.append(buf, static_cast<size_t>(n));
        if (HeadComplete(c.in, searched)) {
          c.phase = Phase::kWorking;
          c.head_complete = now;
          {
            std::lock_guard<std::mutex> lock(mu);
            jobs.push_back(Job{id, std::move(c.in), c.remote_ip, c.remote_port});
          }
          c.in.clear();
          cv.notify_one();
          return;
        }
        if (c.in.size() > options.head_bytes_max) {
          Refuse(id, c, now, 431, "Request Header Fields Too Large", "headers_too_large",
                 "headers_too_large",
                 "the request line and headers exceed " + std::to_string(options.head_bytes_max) +
                     " bytes");
          return;
        }
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      } else {  // the client closed (or failed) before sending a whole request: nothing to log
        Close(id);
        return;
      }
    }
  }

  void Linger(uint64_t id, Connection& c) {
    char buf[4096];
    // A bounded amount per turn, so that a fast sender cannot hold the loop.
    for (int reads = 0; reads < 16; ++reads) {
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      Close(id);  // end of stream or error: done
      return;
    }
  }

  void Accept(Clock::time_point now) {
    for (int i = 0; i < kAcceptsPerTurn; ++i) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          accept_resume = now + kAcceptPause;
        }
        return;  // EAGAIN: nothing more to accept
      }
      Connection c;
      c.fd = fd;
      c.accepted = now;
      char ip[INET6_ADDRSTRLEN] = "";
      if (addr.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
        ::inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
        c.remote_port = ntohs(a->sin_port);
      } else if (addr.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
        ::inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
        c.remote_port = ntohs(a->sin6_port);
      }
      c.remote_ip = ip;
      if (connections.size() >= options.connections_max) {
        // Full: answered at once, without reading (a best effort: a client whose request is
        // already here may see a reset instead).
        c.out = CannedResponse(503, "Service Unavailable", "unavailable",
                               "too many connections are open; retry shortly");
        const ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        c.out_pos = n > 0 ? static_cast<size_t>(n) : 0;
        c.event = "connections_max";
        ::shutdown(fd, SHUT_WR);
        ::close(fd);
        Log(c, now);
        continue;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      c.deadline = now + std::chrono::milliseconds(options.header_timeout_ms);
      connections.emplace(next_id++, std::move(c));
      open_connections.store(connections.size());
    }
  }

  // Finished responses from the workers start being written.
  void CollectDone(Clock::time_point now) {
    std::vector<Done> finished;
    {
      std::lock_guard<std::mutex> lock(mu);
      finished.swap(done);
    }
    for (Done& d : finished) {
      auto it = connections.find(d.id);
      if (it == connections.end()) continue;
      Connection& c = it->second;
      if (d.out.empty()) {  // httplib read no request line (cannot happen after a whole head)
        Close(d.id);
        continue;
      }
      c.out = std::move(d.out);
      c.out_pos = 0;
      c.facts = std::move(d.facts);
      c.phase = Phase::kWriting;
      c.deadline = now + std::chrono::milliseconds(options.write_timeout_ms);
      Write(d.id, c, now);
    }
  }

  void ExpireDeadlines(Clock::time_point now) {
    std::vector<uint64_t> expired;
    for (const auto& [id, c] : connections) {
      if (c.phase != Phase::kWorking && c.deadline <= now) expired.push_back(id);
    }
    for (uint64_t id : expired) {
      Connection& c = connections.at(id);
      switch (c.phase) {
        case Phase::kHead:
          Refuse(id, c, now, 408, "Request Timeout", "request_timeout", "header_timeout",
                 "the request line and headers did not arrive within " +
                     std::to_string(options.header_timeout_ms) + " ms");
          break;
        case Phase::kWriting:
          if (c.event.empty()) c.event = "write_timeout";
          Log(c, now);
          Close(id);
          break;
        case Phase::kLingering:
          Close(id);
          break;
        case Phase::kWorking:
          break;
      }
    }
  }

  void Loop() {
    std::vector<pollfd> fds;
    std::vector<uint64_t> ids;
    bool draining = false;
    Clock::time_point drain_deadline{};
    while (true) {
      Clock::time_point now = Clock::now();
      if (stopping.load() && !draining) {
        draining = true;
        drain_deadline = now + kStopGrace;
        ::close(listen_fd);
        listen_fd = -1;
        std::vector<uint64_t> heads;
        for (const auto& [id, c] : connections) {
          if (c.phase == Phase::kHead) heads.push_back(id);
        }
        for (uint64_t id : heads) Close(id);
      }
      CollectDone(now);
      ExpireDeadlines(now);
      if (draining) {
        const bool in_flight =
            std::any_of(connections.begin(), connections.end(), [](const auto& kv) {
              return kv.second.phase == Phase::kWorking || kv.second.phase == Phase::kWriting;
            });
        if (!in_flight || now >= drain_deadline) break;
      }

      fds.clear();
      ids.clear();
      fds.push_back({wake_fd, POLLIN, 0});
      ids.push_back(0);
      Clock::time_point wake_at = now + std::chrono::seconds(1);
      if (listen_fd >= 0) {
        if (now >= accept_resume) {
          fds.push_back({listen_fd, POLLIN, 0});
          ids.push_back(0);
        } else {
          wake_at = std::min(wake_at, accept_resume);
        }
      }
      for (const auto& [id, c] : connections) {
        if (c.phase == Phase::kWorking) continue;
        fds.push_back({c.fd, static_cast<short>(c.phase == Phase::kWriting ? POLLOUT : POLLIN), 0});
        ids.push_back(id);
        wake_at = std::min(wake_at, c.deadline);
      }
      if (draining) wake_at = std::min(wake_at, drain_deadline);
      const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(wake_at - now).count();
      const int ready =
          ::poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(0, wait_ms)));
      if (ready < 0) continue;  // EINTR
      now = Clock::now();
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == wake_fd) {
          uint64_t counter = 0;
          [[maybe_unused]] ssize_t n = ::read(wake_fd, &counter, sizeof counter);
          continue;
        }
        if (fds[i].fd == listen_fd && ids[i] == 0) {
          Accept(now);
          continue;
        }
        auto it = connections.find(ids[i]);
        if (it == connections.end()) continue;
        Connection& c = it->second;
        switch (c.phase) {
          case Phase::kHead:
            ReadHead(ids[i], c, now);
            break;
          case Phase::kWriting:
            Write(ids[i], c, now);
            break;
          case Phase::kLingering:
            Linger(ids[i], c);
            break;
          case Phase::kWorking:
            break;
        }
      }
    }
    std::vector<uint64_t> all;
    for (const auto& [id, c] : connections) all.push_back(id);
    for (uint64_t id : all) Close(id);
    if (listen_fd >= 0) {
      ::close(listen_fd);
      listen_fd = -1;
    }
  }
};

Result<std::unique_ptr<ApiServer>> ApiServer::Start(const ApiService* service,
                                                    const ApiServerOptions& options) {
  if (options.worker_threads < 1 || options.connections_max < 1 || options.header_timeout_ms < 1 ||
      options.write_timeout_ms < 1 || options.linger_ms < 0 || options.head_bytes_max < 1024) {
    return Status::Invalid(
        "API server options: worker_threads, connections_max and the timeouts must be "
        "positive, head_bytes_max at least 1024");
  }
  // Every connection is a descriptor: make sure connections_max of them can be open.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    const rlim_t needed = options.connections_max + kSpareFiles;
    if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < needed) {
      if (files.rlim_max != RLIM_INFINITY && files.rlim_max < needed) {
        return Status::Invalid("--connections-max " + std::to_string(options.connections_max) +
                               " needs " + std::to_string(needed) +
                               " open files but the hard limit is " +
                               std::to_string(files.rlim_max) +
                               " (ulimit -Hn); lower --connections-max or raise the limit");
      }
      files.rlim_cur = needed;
      ::setrlimit(RLIMIT_NOFILE, &files);
    }
  }

  auto rep = std::make_unique<Rep>();
  rep->service = service;
  rep->options = options;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(options.port);
  const Status cannot_listen =
      Status::Unavailable("cannot listen on " + options.host + ":" + port_text +
                          " (in use?); pick another with --port");
  if (::getaddrinfo(options.host.c_str(), port_text.c_str(), &hints, &found) != 0) {
    return cannot_listen;
  }
  for (addrinfo* a = found; a != nullptr && rep->listen_fd < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      rep->listen_fd = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (rep->listen_fd < 0) return cannot_listen;
  SetNonBlocking(rep->listen_fd);
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(rep->listen_fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  rep->port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
  rep->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (rep->wake_fd < 0) {
    ::close(rep->listen_fd);
    return Status::Unavailable(std::string("eventfd: ") + std::strerror(errno));
  }

  // Every method and path is answered here, before httplib's own routing (which would read
  // a body: this never does).
  rep->processor.set_pre_routing_handler(
      [service](const httplib::Request& req, httplib::Response& res) {
        ApiRequest r;
        r.method = req.method;
        r.target = req.target;
        if (req.has_header("Authorization")) {
          r.authorization = req.get_header_value("Authorization");
        }
        r.body_bytes = DeclaredBodyBytes(req);
        ApiResponse out = service->Handle(r);
        res.status = out.status;
        for (const auto& [k, v] : out.headers) res.set_header(k, v);
        res.set_header("Cache-Control", "no-store");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_content(out.body, "application/json");
        if (t_facts) {
          t_facts->method = req.method;
          t_facts->route = out.route ? out.route : "";
          t_facts->caller = out.caller;
        }
        return httplib::Server::HandlerResponse::Handled;
      });

  // An exception out of the handler: a plain 500, without httplib's EXCEPTION_WHAT header
  // (its message could carry anything).
  rep->processor.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                          std::exception_ptr) {
    res.status = 500;
    res.headers.clear();
    res.set_header("Cache-Control", "no-store");
    res.set_content(R"({"error":"internal","detail":"the server could not answer this request"})",
                    "application/json");
    if (t_facts) t_facts->exception = true;
  });

  Rep* raw = rep.get();
  for (int i = 0; i < options.worker_threads; ++i) {
    rep->workers.emplace_back([raw] { raw->Work(); });
  }
  rep->loop = std::thread([raw] { raw->Loop(); });
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(rep)));
}

ApiServer::ApiServer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

ApiServer::~ApiServer() { Stop(); }

int ApiServer::port() const { return rep_->port; }

size_t ApiServer::connections() const { return rep_->open_connections.load(); }

void ApiServer::Stop() {
  if (!rep_ || !rep_->loop.joinable()) return;
  rep_->stopping.store(true);
  rep_->Wake();
  rep_->loop.join();
  {
    std::lock_guard<std::mutex> lock(rep_->mu);
    rep_->workers_stop = true;
    rep_->jobs.clear();
  }
  rep_->cv.notify_all();
  for (std::thread& w : rep_->workers) w.join();
  ::close(rep_->wake_fd);
  rep_->wake_fd = -1;
}

}  // namespace vbp::api
