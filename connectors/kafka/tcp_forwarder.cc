#include "connectors/kafka/tcp_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>
#include <vector>

namespace vbp::kafka {
namespace {

constexpr size_t kBufferBytesMax = 1 << 20;  // per direction, per connection
constexpr size_t kReadChunkBytes = 64 * 1024;

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

sockaddr_in Loopback(int port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons(static_cast<uint16_t>(port));
  return sin;
}

// One forwarded connection: client <-> broker, one buffer per direction.
struct Pipe {
  int fd[2];           // 0: client side, 1: broker side
  std::string out[2];  // bytes waiting to be written to fd[i]
  bool read_eof[2] = {false, false};
  bool shut_wr[2] = {false, false};
  bool failed = false;

  bool Done() const {
    return failed || (read_eof[0] && read_eof[1] && out[0].empty() && out[1].empty());
  }
};

}  // namespace

Result<std::unique_ptr<TcpForwarder>> TcpForwarder::Start(int listen_port, int target_port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Io(Errno("socket"));
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in sin = Loopback(listen_port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0) {
    Status st =
        Status::Unavailable(Errno(("bind 127.0.0.1:" + std::to_string(listen_port)).c_str()));
    ::close(fd);
    return st;
  }
  if (::listen(fd, 64) != 0) {
    Status st = Status::Io(Errno("listen"));
    ::close(fd);
    return st;
  }
  socklen_t len = sizeof(sin);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  SetNonBlocking(fd);
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    Status st = Status::Io(Errno("pipe"));
    ::close(fd);
    return st;
  }
  std::unique_ptr<TcpForwarder> f(
      new TcpForwarder(fd, ntohs(sin.sin_port), target_port, wake[0], wake[1]));
  f->thread_ = std::thread([raw = f.get()] { raw->Run(); });
  return f;
}

TcpForwarder::TcpForwarder(int listen_fd, int port, int target_port, int wake_read_fd,
                           int wake_write_fd)
    : listen_fd_(listen_fd),
      port_(port),
      target_port_(target_port),
      wake_read_fd_(wake_read_fd),
      wake_write_fd_(wake_write_fd) {}

TcpForwarder::~TcpForwarder() { Stop(); }

void TcpForwarder::Stop() {
  if (!thread_.joinable()) return;
  const char b = 'x';
  [[maybe_unused]] ssize_t w = ::write(wake_write_fd_, &b, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_read_fd_);
  ::close(wake_write_fd_);
}

void TcpForwarder::Run() {
  std::list<Pipe> pipes;
  std::vector<pollfd> fds;
  std::vector<std::pair<Pipe*, int>> owners;  // fds[i] -> (pipe, side), from index 2
  char chunk[kReadChunkBytes];
  while (true) {
    fds.clear();
    owners.clear();
    fds.push_back({wake_read_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (Pipe& p : pipes) {
      for (int side = 0; side < 2; ++side) {
        short events = 0;
        // Read from this side while the other side's outgoing buffer has room.
        if (!p.read_eof[side] && p.out[1 - side].size() < kBufferBytesMax) events |= POLLIN;
        if (!p.out[side].empty()) events |= POLLOUT;
        fds.push_back({p.fd[side], events, 0});
        owners.emplace_back(&p, side);
      }
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) break;  // Stop()
    if (fds[1].revents & POLLIN) {
      const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client >= 0) {
        const int broker = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in target = Loopback(target_port_);
        if (broker < 0 ||
            ::connect(broker, reinterpret_cast<sockaddr*>(&target), sizeof(target)) != 0) {
          if (broker >= 0) ::close(broker);
          ::close(client);
        } else {
          const int on = 1;
          ::setsockopt(broker, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
          SetNonBlocking(broker);
          Pipe p;
          p.fd[0] = client;
          p.fd[1] = broker;
          pipes.push_back(std::move(p));
        }
      }
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      Pipe& p = *owners[i - 2].first;
      const int side = owners[i - 2].second;
      const short rev = fds[i].revents;
      if (p.failed || rev == 0) continue;
      if (rev & (POLLIN | POLLHUP | POLLERR)) {
        if (!p.read_eof[side]) {
          const ssize_t n = ::read(p.fd[side], chunk, sizeof(chunk));
          if (n > 0) {
            p.out[1 - side].append(chunk, static_cast<size_t>(n));
          } else if (n == 0) {
            p.read_eof[side] = true;
          } else if (errno != EAGAIN && errno != EINTR) {
            p.failed = true;
          }
        } else if (rev & POLLERR) {
          p.failed = true;
        }
      }
      // Peer fully gone and nothing left to send it: stop polling this pair (no busy loop).
      if ((rev & POLLHUP) && p.read_eof[side] && p.out[side].empty()) p.failed = true;
      if ((rev & POLLOUT) && !p.out[side].empty()) {
        const ssize_t n = ::send(p.fd[side], p.out[side].data(), p.out[side].size(), MSG_NOSIGNAL);
        if (n > 0) {
          p.out[side].erase(0, static_cast<size_t>(n));
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          p.failed = true;
        }
      }
    }
    // Propagate half-closes, drop finished connections.
    for (auto it = pipes.begin(); it != pipes.end();) {
      for (int side = 0; side < 2; ++side) {
        if (it->read_eof[1 - side] && it->out[side].empty() && !it->shut_wr[side]) {
          ::shutdown(it->fd[side], SHUT_WR);
          it->shut_wr[side] = true;
        }
      }
      if (it->Done()) {
        ::close(it->fd[0]);
        ::close(it->fd[1]);
        it = pipes.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (Pipe& p : pipes) {
    ::close(p.fd[0]);
    ::close(p.fd[1]);
  }
}

}  // namespace vbp::kafka
