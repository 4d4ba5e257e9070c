#pragma once
// The provider API's request handling, independent of the HTTP library: a request (method,
// raw target, Authorization header) in, a response (status, JSON body, headers) out. The
// HTTP adapter (api_server.h) only moves bytes; every rule below is here and tested here.
//
// Order of checks, so that an unauthenticated caller learns nothing:
//   0. request body: a declared body over kRequestBodyBytesMax bytes, or one without a
//      Content-Length (chunked) -> 413 (every route is a GET: a body is never read)
//   1. method: anything but GET/HEAD -> 405 (Allow: GET, HEAD)
//   2. route: unknown path -> 404
//   3. authentication (every route but /health): no or non-Bearer Authorization -> 401,
//      unknown token -> 401 (both with WWW-Authenticate: Bearer ...)
//   4. request syntax: bad percent-encoding, control characters or over-long path
//      parameters, a revision that is not a positive integer, a year outside 1900..2200,
//      an unknown or repeated query parameter, a bad limit -> 400
//   5. the contract: unknown, or not one of the caller's -> 404, the same answer in both
//      cases (so that contract ids cannot be listed by probing); a year or revision the
//      caller may not see is answered exactly as one that does not exist
// Error bodies are {"error": code, "detail": sentence}. No response names a server path:
// claim sources are given as file name and line (or topic/partition@offset).
//
// Scoping (a provider token names TINs; an admin token sees everything):
//   - a contract is the caller's when its current record lists one of the caller's TINs;
//     a statement year is visible when it is the record's year and the contract is the
//     caller's, or when the latest revision of that year lists one of the caller's TINs
//     (detail.tins) — a TIN that left a contract keeps its past years, not the new ones;
//   - listings (/v1/contracts) contain only visible contracts and years;
//   - rosters and explanations need the contract to be the caller's now;
//   - an explanation of a member attributed to the contract is complete (all the member's
//     lines and claims: the contract answers for the member's whole expenditure, as an
//     ACO receives its assigned members' claims); of a member NOT attributed to it, the
//     caller sees the member's status and eligibility, the deciding step, its own
//     contract's tallies and rank, and only the lines and claims billed under the
//     contract's TINs — never the winning unit's identity or amounts, other providers'
//     lines, or the member's expenditure; and when the member is attributed to another
//     contract, not its enrollment months either (`eligible_months` and `months` are null:
//     they are that contract's member's details). A member with neither attribution nor any line
//     under the contract's TINs answers 404, exactly like an unknown member id, so that
//     probing member ids reveals nothing.
//
// Threading: Handle() may run on many threads at once; SetSnapshot() swaps the snapshot
// atomically (requests in flight finish on the one they started with).

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/api/snapshot.h"
#include "connectors/api/tokens.h"

namespace vbp::api {

struct ApiRequest {
  std::string method;                        // "GET", "POST", ...
  std::string target;                        // raw request target: path and query, encoded
  std::optional<std::string> authorization;  // the Authorization header, when sent
  // The body's length as declared by Content-Length (0 without one); nullopt when it is not
  // declared by a valid Content-Length (Transfer-Encoding, or a malformed length).
  std::optional<uint64_t> body_bytes = 0;
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON
  std::vector<std::pair<std::string, std::string>> headers;
  // For the access log, never sent: the route template matched (nullptr when none) and the
  // name of the authenticated token ("" when the request was not authenticated).
  const char* route = nullptr;
  std::string caller;
};

struct RouteSpec {
  const char* path;  // OpenAPI path template: "/v1/contracts/{contract_id}/members"
  const char* summary;
};
// Every route the service answers (all GET), in documentation order.
const std::vector<RouteSpec>& ApiRoutes();

inline constexpr size_t kPathParamBytesMax = 256;
inline constexpr uint64_t kRequestBodyBytesMax = 4096;
inline constexpr int kRosterPageMax = 10000;
inline constexpr int kRosterPageDefault = 1000;

class ApiService {
 public:
  explicit ApiService(TokenTable tokens);

  // Replaces the snapshot served (the first call makes the service ready).
  void SetSnapshot(std::shared_ptr<const Snapshot> snapshot);
  // Records the outcome of the latest refresh attempt, shown by /health.
  void SetRefreshError(std::string error);

  ApiResponse Handle(const ApiRequest& request) const;

 private:
  // Handle's answer; sets *route once the target matched and *caller once authenticated.
  ApiResponse Respond(const ApiRequest& request, const RouteSpec** route,
                      const Caller** caller) const;
  std::shared_ptr<const Snapshot> Current() const;
  // The latest refresh attempt's error ("" when it succeeded), for /health.
  std::string RefreshError() const;

  TokenTable tokens_;
  mutable std::mutex mu_;
  // shared_ptr: a refresh replaces the snapshot while requests still read the old one.
  std::shared_ptr<const Snapshot> snapshot_;
  std::string refresh_error_;
  int64_t generation_ = 0;
};

}  // namespace vbp::api
