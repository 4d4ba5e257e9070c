#include "connectors/stream/metrics_server.h"

#include <httplib.h>

#include <thread>

namespace vbp::stream {

struct MetricsServer::Rep {
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host, int port,
                                                            Handler health, Handler metrics) {
  auto rep = std::make_unique<Rep>();
  auto serve = [](Handler h) {
    return [h = std::move(h)](const httplib::Request&, httplib::Response& res) {
      HttpResponse r = h();
      res.status = r.status;
      res.set_content(r.body, r.content_type.c_str());
    };
  };
  rep->server.Get("/health", serve(std::move(health)));
  rep->server.Get("/metrics", serve(std::move(metrics)));
  if (port == 0) {
    rep->port = rep->server.bind_to_any_port(host.c_str());
  } else {
    rep->port = rep->server.bind_to_port(host.c_str(), port) ? port : -1;
  }
  if (rep->port <= 0) {
    return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port) +
                               " (in use?); pick another with --http-port");
  }
  Rep* raw = rep.get();
  rep->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(rep)));
}

MetricsServer::MetricsServer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

MetricsServer::~MetricsServer() { Stop(); }

int MetricsServer::port() const { return rep_->port; }

void MetricsServer::Stop() {
  if (!rep_ || !rep_->thread.joinable()) return;
  rep_->server.stop();
  rep_->thread.join();
}

}  // namespace vbp::stream
