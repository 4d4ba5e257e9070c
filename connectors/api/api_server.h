#pragma once
// The provider API over HTTP (cpp-httplib): every request, whatever its method, goes to
// ApiService::Handle; this adapter only moves bytes. Binds 127.0.0.1 unless told otherwise
// (put TLS in front of it: a reverse proxy terminates HTTPS; tokens must never travel in
// clear text beyond the host). Runs on its own threads.

#include <memory>
#include <string>

#include "connectors/api/api_service.h"
#include "domain/status.h"

namespace vbp::api {

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port (see ApiServer::port())
  int read_timeout_s = 10;
  int write_timeout_s = 30;
  size_t request_body_bytes_max = 4096;  // every route is a GET; bodies are not read
};

class ApiServer {
 public:
  // `service` must outlive the server.
  static Result<std::unique_ptr<ApiServer>> Start(const ApiService* service,
                                                  const ApiServerOptions& options);
  ~ApiServer();
  int port() const;
  // Stops accepting, finishes requests in flight, joins. Idempotent.
  void Stop();

 private:
  struct Rep;
  explicit ApiServer(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vbp::api
