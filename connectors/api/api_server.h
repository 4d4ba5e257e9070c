#pragma once
// The provider API over HTTP. cpp-httplib parses every request and writes every response
// (ApiService::Handle answers each method and path); the connections are this adapter's:
//
//   - one event-loop thread accepts connections and reads request heads without blocking, so
//     a slow or idle client costs a file descriptor, never a thread;
//   - a request goes to a worker (a fixed pool) only once its whole head has arrived; the
//     worker renders the response into memory and never touches the socket;
//   - the event loop writes the response without blocking, half-closes the connection (one
//     request per connection: `Connection: close`) and then discards what the client still
//     sends for at most linger_ms (so that a body never read cannot reset the connection
//     before the response is read).
//
// Limits, each answered at once with an Error body and `Connection: close`:
//   - header_timeout_ms: the request line and headers must have arrived within this time
//     of the connection being accepted, however they trickle in (408 request_timeout);
//   - head_bytes_max: request line and headers (431 headers_too_large);
//   - connections_max: connections open at once, in any phase; one more is answered 503
//     (unavailable, Retry-After: 1) and closed as soon as it is accepted;
//   - write_timeout_ms: the client must take the whole response within this time of it being
//     ready, else the connection is closed;
//   - request bodies are never read; ApiService refuses a declared body over its limit (413).
//
// Binds 127.0.0.1 unless told otherwise (put TLS in front of it: a reverse proxy terminates
// HTTPS; tokens must never travel in clear text beyond the host).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "connectors/api/api_service.h"
#include "domain/status.h"

namespace vbp::api {

// One line of the access log: one per response written or refused connection. It carries no
// personal health information: the route TEMPLATE (never the path, whose parameters may be
// member ids, nor the query), the method, status, size, time and the token's name.
struct AccessLogEntry {
  std::string method;       // "" when no request was read (refusals)
  std::string route;        // OpenAPI path template; "" when no route matched or none was read
  int status = 0;           // as sent (or as it would have been, for "write_timeout")
  uint64_t bytes_sent = 0;  // status line, headers and body taken by the kernel
  // From the complete request head (for refusals: from the accept) to the last byte taken.
  int64_t duration_us = 0;
  std::string caller;  // the token's name when the request was authenticated
  // "" for a response written whole; "header_timeout", "headers_too_large",
  // "connections_max" (refusals); "write_timeout", "client_gone" (a response not taken
  // whole); "exception" (the handler threw: answered 500).
  std::string event;
};

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port (see ApiServer::port())
  int worker_threads = 4;
  size_t connections_max = 256;
  int64_t header_timeout_ms = 10000;
  size_t head_bytes_max = 16384;
  int64_t write_timeout_ms = 30000;
  int64_t linger_ms = 2000;
  // Called on the event-loop thread, one call at a time; must not block for long.
  std::function<void(const AccessLogEntry&)> access_log;
};

class ApiServer {
 public:
  // `service` must outlive the server. Raises the soft limit of open files when
  // connections_max needs more; fails when the hard limit is too low.
  static Result<std::unique_ptr<ApiServer>> Start(const ApiService* service,
                                                  const ApiServerOptions& options);
  ~ApiServer();
  int port() const;
  // Connections open now, in any phase (for tests and operators).
  size_t connections() const;
  // Stops accepting, closes connections still sending their head, finishes the requests in
  // flight (for up to 5 s), joins. Idempotent.
  void Stop();

 private:
  struct Rep;
  explicit ApiServer(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vbp::api
