#include "connectors/api/api_server.h"

#include <httplib.h>

#include <thread>

namespace vbp::api {

struct ApiServer::Rep {
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

Result<std::unique_ptr<ApiServer>> ApiServer::Start(const ApiService* service,
                                                    const ApiServerOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->server.set_read_timeout(options.read_timeout_s, 0);
  rep->server.set_write_timeout(options.write_timeout_s, 0);
  rep->server.set_payload_max_length(options.request_body_bytes_max);
  // Every method and path is answered here, before httplib's own routing.
  rep->server.set_pre_routing_handler(
      [service](const httplib::Request& req, httplib::Response& res) {
        ApiRequest r;
        r.method = req.method;
        r.target = req.target;
        if (req.has_header("Authorization"))
          r.authorization = req.get_header_value("Authorization");
        ApiResponse out = service->Handle(r);
        res.status = out.status;
        for (const auto& [k, v] : out.headers) res.set_header(k, v);
        res.set_header("Cache-Control", "no-store");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_content(out.body, "application/json");
        return httplib::Server::HandlerResponse::Handled;
      });
  if (options.port == 0) {
    rep->port = rep->server.bind_to_any_port(options.host.c_str());
  } else {
    rep->port = rep->server.bind_to_port(options.host.c_str(), options.port) ? options.port : -1;
  }
  if (rep->port <= 0) {
    return Status::Unavailable("cannot listen on " + options.host + ":" +
                               std::to_string(options.port) +
                               " (in use?); pick another with --port");
  }
  Rep* raw = rep.get();
  rep->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(rep)));
}

ApiServer::ApiServer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

ApiServer::~ApiServer() { Stop(); }

int ApiServer::port() const { return rep_->port; }

void ApiServer::Stop() {
  if (!rep_ || !rep_->thread.joinable()) return;
  rep_->server.stop();
  rep_->thread.join();
}

}  // namespace vbp::api
