#pragma once
// Internal to connectors/kafka: a loopback TCP forwarder. The librdkafka 2.0.2 mock brokers can
// only bind ephemeral ports, so `vbp broker --port P` listens on 127.0.0.1:P and forwards each
// connection, byte for byte, to broker 1. Kafka clients bootstrap through it, then connect to
// the brokers' advertised loopback addresses directly.

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "domain/status.h"

namespace vbp::kafka {

class TcpForwarder {
 public:
  // Listens on 127.0.0.1:listen_port (0: ephemeral) and forwards to 127.0.0.1:target_port.
  static Result<std::unique_ptr<TcpForwarder>> Start(int listen_port, int target_port);

  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;
  ~TcpForwarder();  // Stop()

  int port() const { return port_; }
  // Closes the listener and every forwarded connection, joins the thread. Idempotent.
  void Stop();

 private:
  TcpForwarder(int listen_fd, int port, int target_port, int wake_read_fd, int wake_write_fd);
  void Run();

  int listen_fd_;
  int port_;
  int target_port_;
  int wake_read_fd_;
  int wake_write_fd_;
  std::thread thread_;
};

}  // namespace vbp::kafka
