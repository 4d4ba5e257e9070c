// libFuzzer target: the provider API's request handling (connectors/api/api_service.h) over
// the hand-checked data of tests/api (issue 16 item 6). The input is up to four lines:
//   method, request target (path and query, as sent), Authorization selector, body length.
// The selector picks a provider token ("acme"), the admin token ("admin") or sends the line
// as the raw header; the body length is digits, or anything else for "not declared".
// Beyond ASan/UBSan, every response must hold the service's promises: a status it documents,
// a JSON body, an {"error", "detail"} body on every error, and no server path in any body.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/api/api_service.h"
#include "connectors/api/snapshot.h"
#include "connectors/api/tokens.h"
#include "engine/core/rule_registry.h"

namespace {

const std::string kAcme = "acme-0123456789abcdef0123456789abcdef";
const std::string kAdmin = "admin-0123456789abcdef0123456789abcde";

vbp::api::ApiService* Service() {
  static vbp::api::ApiService* service = [] {
    auto tokens = vbp::api::TokenTable::Parse(
        R"({")" + vbp::api::TokenKey(kAcme) +
            R"(": {"name": "Acme ACO", "tins": ["111111111"]}, ")" + vbp::api::TokenKey(kAdmin) +
            R"(": {"name": "operations", "admin": true}})",
        "fuzz tokens");
    if (!tokens.ok()) std::abort();
    auto* s = new vbp::api::ApiService(std::move(tokens).value());
    static const vbp::RuleRegistry registry = vbp::RuleRegistry::Shipped();
    vbp::api::SnapshotOptions o;
    o.threads = 1;
    auto snap =
        vbp::api::LoadDataSnapshot(std::string(VBP_SOURCE_DIR) + "/tests/api/data", &registry, o);
    if (!snap.ok()) {
      std::fprintf(stderr, "%s\n", snap.status().ToString().c_str());
      std::abort();
    }
    s->SetSnapshot(std::shared_ptr<const vbp::api::Snapshot>(std::move(snap).value()));
    return s;
  }();
  return service;
}

std::vector<std::string> Lines(std::string_view in) {
  std::vector<std::string> out;
  while (out.size() < 4) {
    const size_t nl = in.find('\n');
    out.emplace_back(in.substr(0, nl));
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  out.resize(4);
  return out;
}

void Check(bool ok, const char* what, const vbp::api::ApiResponse& r) {
  if (ok) return;
  std::fprintf(stderr, "api_fuzz: %s (status %d): %s\n", what, r.status, r.body.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> f =
      Lines(std::string_view(reinterpret_cast<const char*>(data), size));
  vbp::api::ApiRequest req;
  req.method = f[0].empty() ? "GET" : f[0];
  req.target = f[1];
  if (f[2] == "acme") {
    req.authorization = "Bearer " + kAcme;
  } else if (f[2] == "admin") {
    req.authorization = "Bearer " + kAdmin;
  } else if (!f[2].empty()) {
    req.authorization = f[2];
  }
  if (f[3].empty()) {
    req.body_bytes = 0;
  } else if (f[3].size() <= 18 && f[3].find_first_not_of("0123456789") == std::string::npos) {
    req.body_bytes = std::stoull(f[3]);
  } else {
    req.body_bytes = std::nullopt;
  }
  const vbp::api::ApiResponse r = Service()->Handle(req);
  static const std::set<int> kDocumented = {200, 400, 401, 404, 405, 413, 503};
  Check(kDocumented.count(r.status) == 1, "undocumented status", r);
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  Check(!body.is_discarded(), "the body is not JSON", r);
  if (r.status != 200) {
    Check(body.is_object() && body.contains("error") && body.contains("detail"),
          "an error without error and detail", r);
  }
  // The server's own paths never appear; a request that carries the text itself may see it
  // echoed (a 405 names the method it refuses).
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Check(r.body.find(VBP_SOURCE_DIR) == std::string::npos ||
            input.find(VBP_SOURCE_DIR) != std::string_view::npos,
        "a server path in the body", r);
  return 0;
}
