#pragma once
// The service's HTTP face for operators: GET /health (liveness; JSON: ok/caught_up/last error;
// 503 when the engine stopped on an error), GET /ready (readiness; 503 until caught up) and
// GET /metrics (Prometheus text). Read-only; binds
// 127.0.0.1 unless told otherwise. Runs on its own thread.

#include <functional>
#include <memory>
#include <string>

#include "domain/status.h"

namespace vbp::stream {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; version=0.0.4";
  std::string body;
};

// The process-level families every Prometheus exporter carries (process_resident_memory_bytes,
// process_cpu_seconds_total, process_open_fds, process_start_time_seconds, read from
// /proc/self) and vbp_build_info{version="..."} 1. Figures never depend on them.
std::string ProcessMetricsText(const std::string& version);

class MetricsServer {
 public:
  using Handler = std::function<HttpResponse()>;
  // port 0 picks a free port (see port()).
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& host, int port,
                                                      Handler health, Handler ready,
                                                      Handler metrics);
  ~MetricsServer();
  int port() const;
  void Stop();

 private:
  struct Rep;
  explicit MetricsServer(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vbp::stream
