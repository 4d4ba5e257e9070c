#include "connectors/api/api_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/core/statement_json.h"
#include "rules/hcc/risk_score_json.h"
#include "rules/quality/quality_json.h"

namespace vbp::api {

using nlohmann::ordered_json;

const std::vector<RouteSpec>& ApiRoutes() {
  static const std::vector<RouteSpec> routes = {
      {"/health", "Liveness and snapshot state (no token needed)"},
      {"/v1/contracts", "The contracts the caller may see"},
      {"/v1/contracts/{contract_id}/statements", "The latest statement of each visible year"},
      {"/v1/contracts/{contract_id}/revisions", "Every statement revision (optionally one year)"},
      {"/v1/contracts/{contract_id}/revisions/{revision}", "One statement revision, as published"},
      {"/v1/contracts/{contract_id}/members", "The attributed-member roster"},
      {"/v1/contracts/{contract_id}/members/{member_id}/explanation",
       "Why a member is (not) attributed, and the claim lines counted"},
  };
  return routes;
}

namespace {

ApiResponse Json(int status, const ordered_json& body) {
  ApiResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return r;
}

ApiResponse Error(int status, const char* code, const std::string& detail) {
  ordered_json j;
  j["error"] = code;
  j["detail"] = detail;
  return Json(status, j);
}

// --- request parsing ------------------------------------------------------------------

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes; false on a bad escape. `plus_is_space` for query strings.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

// A path parameter: non-empty, bounded, no control characters, valid UTF-8 is not required
// (ids are compared as bytes) but NUL and other controls are refused.
bool IdOk(const std::string& s) {
  if (s.empty() || s.size() > kPathParamBytesMax) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::optional<int64_t> PositiveInt(const std::string& s, int64_t max) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  // 19 digits may exceed int64: compare as text against max.
  const std::string m = std::to_string(max);
  if (s.size() > m.size() || (s.size() == m.size() && s > m)) return std::nullopt;
  int64_t v = std::stoll(s);
  if (v < 1) return std::nullopt;
  return v;
}

struct Parsed {
  const RouteSpec* route = nullptr;
  // A syntax error in the parameters, answered only after authentication.
  std::optional<ApiResponse> syntax_error;
  std::map<std::string, std::string> params;  // path parameters, decoded
  std::map<std::string, std::string> query;   // decoded
};

// The segments of a path or route template after its leading '/', split at every '/'.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;
  while (true) {
    size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

// Whether the path's `segments` match route `r`; its parameters are decoded into `params`
// and a parameter's syntax error is kept in `bad` (the last one found).
bool MatchRoute(const RouteSpec& r, const std::vector<std::string_view>& segments,
                std::map<std::string, std::string>* params, std::optional<ApiResponse>* bad) {
  const std::vector<std::string_view> tmpl = Segments(r.path);
  if (tmpl.size() != segments.size()) return false;
  bool match = true;
  for (size_t i = 0; i < tmpl.size() && match; ++i) {
    if (!tmpl[i].empty() && tmpl[i].front() == '{') {
      std::string name(tmpl[i].substr(1, tmpl[i].size() - 2));
      std::string value;
      if (!PercentDecode(segments[i], false, &value)) {
        *bad = Error(400, "bad_request", "path parameter " + name + ": invalid percent-encoding");
      } else if (!IdOk(value)) {
        *bad = Error(400, "bad_request",
                     "path parameter " + name + ": must be 1.." +
                         std::to_string(kPathParamBytesMax) + " bytes without control characters");
      }
      (*params)[name] = std::move(value);
    } else if (tmpl[i] != segments[i]) {
      match = false;
    }
  }
  return match;
}

// Decodes the query string into `out->query`; the first syntax error (bad percent-encoding,
// a repeated parameter) is kept in `out->syntax_error` unless one is already there.
void ParseQuery(std::string_view query, Parsed* out) {
  size_t p = 0;
  while (p < query.size()) {
    size_t amp = query.find('&', p);
    std::string_view pair = query.substr(p, amp == std::string_view::npos ? amp : amp - p);
    p = amp == std::string_view::npos ? query.size() : amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), true, &key) ||
        (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value))) {
      if (!out->syntax_error) {
        out->syntax_error = Error(400, "bad_request", "query string: invalid percent-encoding");
      }
      continue;
    }
    if (out->query.count(key) && !out->syntax_error) {
      out->syntax_error = Error(400, "bad_request", "query parameter '" + key + "' is given twice");
    }
    out->query[key] = value;
  }
}

// Matches the route (an error response when none matches) and decodes its parameters (a
// syntax error is kept in `out->syntax_error`).
std::optional<ApiResponse> Parse(const std::string& target, Parsed* out) {
  const size_t q = target.find('?');
  const std::string_view path = std::string_view(target).substr(0, q);
  const std::string_view query =
      q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
  if (path.empty() || path[0] != '/') {
    return Error(400, "bad_request", "the request target must be an absolute path");
  }
  const std::vector<std::string_view> segments = Segments(path);
  for (const RouteSpec& r : ApiRoutes()) {
    std::map<std::string, std::string> params;
    std::optional<ApiResponse> bad;
    if (!MatchRoute(r, segments, &params, &bad)) continue;
    if (bad) out->syntax_error = std::move(bad);
    out->route = &r;
    out->params = std::move(params);
    break;
  }
  if (!out->route) {
    return Error(404, "not_found",
                 "no such endpoint: " + std::string(path) +
                     " (see the OpenAPI document, schemas/openapi.yaml)");
  }
  ParseQuery(query, out);
  return std::nullopt;
}

// --- scoping --------------------------------------------------------------------------

struct Scope {
  bool exists = false;
  bool current = false;  // the contract is the caller's now (record TINs)
  std::set<int> years;   // statement years the caller may see
  bool visible() const { return current || !years.empty(); }
};

bool AnyTin(const Caller& caller, const std::vector<std::string>& tins) {
  return std::any_of(tins.begin(), tins.end(),
                     [&](const std::string& t) { return caller.HasTin(t); });
}

Scope ScopeOf(const Caller& caller, const Snapshot& s, const ContractId& id) {
  Scope scope;
  auto rec = s.contracts.find(id);
  auto revs = s.revisions.find(id);
  scope.exists = rec != s.contracts.end() || revs != s.revisions.end();
  if (!scope.exists) return scope;
  if (rec != s.contracts.end()) {
    scope.current =
        caller.admin || std::any_of(rec->second.tins.begin(), rec->second.tins.end(),
                                    [&](const Tin& t) { return caller.HasTin(t.str()); });
    if (scope.current) scope.years.insert(rec->second.performance_year);
  }
  if (revs != s.revisions.end()) {
    for (const auto& [year, list] : revs->second) {
      if (list.empty()) continue;
      if (caller.admin || AnyTin(caller, list.back().tins)) scope.years.insert(year);
    }
  }
  return scope;
}

ordered_json ParseStored(const std::string& text) { return ordered_json::parse(text); }

std::optional<ApiResponse> CheckQuery(const Parsed& p, std::initializer_list<const char*> allowed) {
  for (const auto& entry : p.query) {
    const std::string& k = entry.first;  // not a structured binding: clang 14 cannot capture one
    bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; });
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error(400, "bad_request",
                   "unknown query parameter '" + k + "'" +
                       (list.empty() ? std::string(" (this endpoint takes none)")
                                     : " (this endpoint takes: " + list + ")"));
    }
  }
  return std::nullopt;
}

std::optional<ApiResponse> YearParam(const Parsed& p, std::optional<int>* year) {
  auto f = p.query.find("year");
  if (f == p.query.end()) return std::nullopt;
  const std::string& v = f->second;
  bool digits =
      v.size() == 4 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  int y = digits ? std::stoi(v) : 0;
  if (!digits || y < 1900 || y > 2200) {
    return Error(400, "bad_request", "year: '" + v + "' is not a year 1900..2200");
  }
  *year = y;
  return std::nullopt;
}

// --- bodies ---------------------------------------------------------------------------

ordered_json MonthsJson(const PerEnrollmentType<int32_t>& months) {
  ordered_json j;
  for (int t = 0; t < kEnrollmentTypeCount; ++t) {
    j[EnrollmentTypeName(static_cast<EnrollmentType>(t))] = months[static_cast<size_t>(t)];
  }
  return j;
}

ordered_json StepJson(rules::AttributionStep s) {
  return s == rules::AttributionStep::kNone ? ordered_json(nullptr)
                                            : ordered_json(static_cast<int>(s));
}

ordered_json TallyJson(const rules::UnitTally& t) {
  ordered_json u;
  u["unit"] = t.unit.ToString();
  u["allowed"] = t.allowed.ToString();
  u["lines"] = t.lines;
  u["last_service"] = t.last_service.ToString();
  return u;
}

ordered_json LineJson(const rules::LineDecision& d) {
  ordered_json l;
  l["claim_id"] = d.claim_id;
  l["version"] = d.version;
  l["line"] = d.line;
  l["service_date"] = d.service_date.ToString();
  l["paid_date"] = d.paid_date.ToString();
  l["hcpcs"] = d.hcpcs;
  l["pos"] = d.pos;
  l["rendering_npi"] = d.rendering_npi;
  l["unit"] = d.unit.ToString();
  l["allowed"] = d.allowed.ToString();
  l["paid"] = d.paid.ToString();
  ordered_json a;
  a["counted_at_step"] = StepJson(d.counted_at);
  a["provider_class"] = d.counted_at == rules::AttributionStep::kNone && d.attribution_note.size()
                            ? ordered_json(nullptr)
                            : ordered_json(ProviderClassName(d.provider_class));
  a["note"] = d.attribution_note.empty() ? ordered_json(nullptr) : ordered_json(d.attribution_note);
  l["attribution"] = a;
  ordered_json e;
  e["counted"] = d.expenditure;
  e["enrollment_type"] = d.expenditure_type ? ordered_json(EnrollmentTypeName(*d.expenditure_type))
                                            : ordered_json(nullptr);
  e["note"] = d.expenditure_note.empty() ? ordered_json(nullptr) : ordered_json(d.expenditure_note);
  l["expenditure"] = e;
  return l;
}

// Where a claim version was read, without the server's directories: "claims.ndjson:12" for a
// file, "topic/partition@offset" for a message.
std::string SourceText(const SourcePos& p) {
  if (p.partition >= 0) return p.ToString();
  const size_t slash = p.source.find_last_of('/');
  const std::string file = slash == std::string::npos ? p.source : p.source.substr(slash + 1);
  return file + ":" + std::to_string(p.position);
}

ordered_json ClaimJson(const ClaimHistory& h) {
  ordered_json c;
  c["claim_id"] = h.claim_id;
  c["billing_tin"] = h.billing_tin;
  c["effective_version"] = h.Effective().version;
  c["effective_frequency"] = FrequencyName(h.Effective().frequency);
  ordered_json versions = ordered_json::array();
  for (const auto& v : h.versions) {
    ordered_json x;
    x["version"] = v.version;
    x["frequency"] = FrequencyName(v.frequency);
    x["paid_date"] = v.paid_date ? ordered_json(v.paid_date->ToString()) : ordered_json(nullptr);
    x["paid"] = v.paid.ToString();
    x["lines"] = v.lines;
    x["decision"] = VersionDecisionName(v.decision);
    x["source"] = SourceText(v.source);
    versions.push_back(std::move(x));
  }
  c["versions"] = std::move(versions);
  return c;
}

std::string StatusName(const rules::MemberOutcome& o, const ContractId& c) {
  if (o.contract) return *o.contract == c ? "attributed" : "attributed_to_other_contract";
  return rules::UnattributedName(o.unattributed);
}

// This contract's own tallies and rank at each step (shown in every view).
ordered_json ContractTalliesJson(const rules::MemberOutcome& o, const rules::Unit& own) {
  ordered_json mine = ordered_json::array();
  for (int step : {1, 2}) {
    const auto& list = step == 1 ? o.step1 : o.step2;
    for (size_t r = 0; r < list.size(); ++r) {
      if (!(list[r].unit == own)) continue;
      ordered_json t = TallyJson(list[r]);
      t["step"] = step;
      t["rank"] = r + 1;
      t["units_compared"] = list.size();
      mine.push_back(std::move(t));
    }
  }
  return mine;
}

// The full view's extra fields, appended to `j`: every unit's tallies, the member's
// expenditure and risk score, and (own members only) the risk and quality trails.
void AddFullView(const MemberExplanation& e, bool ours, ordered_json* out) {
  const rules::MemberOutcome& o = e.outcome;
  ordered_json& j = *out;
  ordered_json s1 = ordered_json::array(), s2 = ordered_json::array();
  for (const auto& t : o.step1) s1.push_back(TallyJson(t));
  for (const auto& t : o.step2) s2.push_back(TallyJson(t));
  j["step1_allowed_by_unit"] = std::move(s1);
  j["step2_allowed_by_unit"] = std::move(s2);
  ordered_json exp;
  ordered_json by_type;
  for (int t = 0; t < kEnrollmentTypeCount; ++t) {
    by_type[EnrollmentTypeName(static_cast<EnrollmentType>(t))] =
        o.expenditure[static_cast<size_t>(t)].ToString();
  }
  exp["paid_by_type"] = std::move(by_type);
  exp["paid"] = o.ExpenditureTotal().ToString();
  exp["truncated"] = FormatHalfEven(o.TruncatedTotal(), 6);
  j["expenditure"] = std::move(exp);
  j["risk_score"] =
      o.risk_score ? ordered_json(FormatHalfEven(*o.risk_score, 6)) : ordered_json(nullptr);
  j["pmpm_total"] = ours ? o.pmpm_total.ToString() : std::string("0.00");
  // Why a computed risk score is what it is, and the quality measure results with the claim
  // lines that decided them (the same as `vbp explain --member`), for the contract's own
  // members only.
  if (ours && e.trace.risk_score) {
    j["risk_score_trail"] = rules::hcc::RiskScoreToJson(*e.trace.risk_score);
  }
  if (ours && e.trace.measures) {
    j["quality_measures"] = rules::quality::MemberMeasuresToJson(*e.trace.measures);
  }
}

ordered_json Explanation(const MemberExplanation& e, const BookContract& c, bool full) {
  const rules::MemberOutcome& o = e.outcome;
  const rules::Unit own{true, c.id.str()};
  const bool ours = o.contract && *o.contract == c.id;
  ordered_json j;
  j["member_id"] = o.member_id.str();
  j["contract_id"] = c.id.str();
  j["performance_year"] = c.year;
  j["as_of"] = c.as_of.ToString();
  j["runout_cutoff"] = c.resolved->params.RunoutCutoff(c.year).ToString();
  j["view"] = full ? "full" : "contract_lines";
  j["attributed"] = ours;
  j["status"] = StatusName(o, c.id);
  j["step"] = o.winner ? StepJson(o.step) : ordered_json(nullptr);
  if (full) {
    j["unit"] = o.winner ? ordered_json(o.winner->ToString()) : ordered_json(nullptr);
    j["decided_by"] = o.decided_by;
  } else {
    j["unit"] = o.winner ? ordered_json("another unit") : ordered_json(nullptr);
  }
  j["exclusion"] = o.exclusion.empty() ? ordered_json(nullptr) : ordered_json(o.exclusion);
  j["member_record"] = e.has_record;
  // Another contract's member: its enrollment is that contract's business.
  const bool other_contracts = !full && o.contract.has_value();
  j["eligible_months"] = other_contracts ? ordered_json(nullptr) : ordered_json(o.eligible_months);
  j["months"] = other_contracts ? ordered_json(nullptr) : MonthsJson(o.months);
  j["contract_tallies"] = ContractTalliesJson(o, own);
  if (full) AddFullView(e, ours, &j);
  ordered_json lines = ordered_json::array();
  for (const auto& d : e.trace.lines) {
    if (full || d.unit == own) lines.push_back(LineJson(d));
  }
  j["lines"] = std::move(lines);
  ordered_json claims = ordered_json::array();
  const std::vector<Tin>& tins = c.tins;
  for (const ClaimHistory* h : e.claims) {
    const bool own_claim = std::find(tins.begin(), tins.end(), Tin(h->billing_tin)) != tins.end();
    if (full || own_claim) claims.push_back(ClaimJson(*h));
  }
  j["claims"] = std::move(claims);
  if (!full) {
    j["withheld"] =
        other_contracts
            ? "the member is attributed to another contract: only lines and claims billed under "
              "this contract's TINs are shown; other units, their amounts, the member's "
              "expenditure and enrollment months are not"
            : "the member is not attributed to this contract: only lines and claims billed under "
              "its TINs are shown; other units, their amounts and the member's expenditure are "
              "not";
  }
  return j;
}

// --- request handling steps -------------------------------------------------------------

// Steps 0 and 1: a body the service will not read (413), a method other than GET/HEAD (405).
std::optional<ApiResponse> RefuseBodyOrMethod(const ApiRequest& req) {
  if (!req.body_bytes || *req.body_bytes > kRequestBodyBytesMax) {
    return Error(413, "payload_too_large",
                 "a request body is at most " + std::to_string(kRequestBodyBytesMax) +
                     " bytes with a Content-Length (every endpoint is a GET: send none)");
  }
  if (req.method != "GET" && req.method != "HEAD") {
    ApiResponse r = Error(405, "method_not_allowed",
                          "the provider API is read-only: " + req.method + " is not allowed");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  return std::nullopt;
}

// A 401 with its Bearer challenge.
ApiResponse Unauthorized(const char* detail, const char* challenge) {
  ApiResponse r = Error(401, "unauthorized", detail);
  r.headers.emplace_back("WWW-Authenticate", challenge);
  return r;
}

// Step 3: the caller named by the Authorization header's bearer token, or the 401 refusing it.
// TokenTable::Authenticate compares digests in constant time.
std::optional<ApiResponse> AuthenticateBearer(const TokenTable& tokens,
                                              const std::optional<std::string>& authorization,
                                              const Caller** caller) {
  if (!authorization) {
    return Unauthorized("missing bearer token (send Authorization: Bearer <token>)",
                        "Bearer realm=\"vbp\"");
  }
  std::string_view h = *authorization;
  std::string scheme(h.substr(0, std::min<size_t>(7, h.size())));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  if (scheme != "bearer ") {
    return Unauthorized("the Authorization header must use the Bearer scheme",
                        "Bearer realm=\"vbp\", error=\"invalid_request\"");
  }
  std::string_view token = h.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  *caller = tokens.Authenticate(token);
  if (!*caller)
    return Unauthorized("unknown token", "Bearer realm=\"vbp\", error=\"invalid_token\"");
  return std::nullopt;
}

// /health: whether a snapshot is served and the latest refresh succeeded.
ApiResponse Health(const Snapshot* snap, const std::string& refresh_error) {
  ordered_json j;
  j["status"] = snap ? "ok" : "loading";
  j["source"] = snap ? ordered_json(snap->source) : ordered_json(nullptr);
  j["last_refresh_ok"] = refresh_error.empty();
  return Json(snap ? 200 : 503, j);
}

// The latest revision of `year` in a contract's revisions (nullopt when it has none).
std::optional<int64_t> LatestRevision(const Snapshot& s, const ContractId& id, int year) {
  std::optional<int64_t> latest;
  auto revs = s.revisions.find(id);
  if (revs != s.revisions.end()) {
    auto f = revs->second.find(year);
    if (f != revs->second.end() && !f->second.empty()) latest = f->second.back().revision;
  }
  return latest;
}

// One entry of /v1/contracts: the record's details only when the contract is the caller's now.
ordered_json ContractEntry(const Snapshot& s, const ContractId& id, const Scope& scope) {
  ordered_json c;
  c["contract_id"] = id.str();
  auto rec = s.contracts.find(id);
  const BookContract* bc = s.book->FindContract(id);
  if (rec != s.contracts.end() && scope.current) {
    c["performance_year"] = rec->second.performance_year;
    c["rule_set"] = rec->second.rule_set;
    ordered_json tins = ordered_json::array();
    for (const Tin& t : rec->second.tins) tins.push_back(t.str());
    c["tins"] = std::move(tins);
    c["roster_available"] = bc != nullptr;
  } else {
    c["performance_year"] = nullptr;
    c["rule_set"] = nullptr;
    c["tins"] = ordered_json::array();
    c["roster_available"] = false;
  }
  ordered_json years = ordered_json::array();
  for (int y : scope.years) {
    ordered_json x;
    x["performance_year"] = y;
    const std::optional<int64_t> latest = LatestRevision(s, id, y);
    x["latest_revision"] = latest ? ordered_json(*latest) : ordered_json(nullptr);
    years.push_back(std::move(x));
  }
  c["statement_years"] = std::move(years);
  return c;
}

// /v1/contracts: every contract (with a record or revisions) the caller may see.
ApiResponse ContractList(const Caller& caller, const Snapshot& s) {
  std::set<ContractId> ids;
  for (const auto& [id, c] : s.contracts) ids.insert(id);
  for (const auto& [id, y] : s.revisions) ids.insert(id);
  ordered_json list = ordered_json::array();
  for (const ContractId& id : ids) {
    Scope scope = ScopeOf(caller, s, id);
    if (!scope.visible()) continue;
    list.push_back(ContractEntry(s, id, scope));
  }
  ordered_json j;
  j["caller"] = caller.name;
  j["source"] = s.source;
  j["contracts"] = std::move(list);
  return Json(200, j);
}

// The parameters of a route under /v1/contracts/{contract_id}, checked.
struct ContractParams {
  std::optional<int64_t> revision;
  std::optional<int> year;
  int limit = kRosterPageDefault;
};

// Step 4 for the contract routes: the revision, the query parameters the route takes, the
// year, the roster page (400 on any error, in this order).
std::optional<ApiResponse> CheckContractParams(const Parsed& p, const std::string& route,
                                               ContractParams* out) {
  if (p.params.count("revision")) {
    out->revision = PositiveInt(p.params.at("revision"), INT64_MAX);
    if (!out->revision) {
      return Error(400, "bad_request",
                   "revision: '" + p.params.at("revision") + "' is not a positive integer");
    }
  }
  if (route == "/v1/contracts/{contract_id}/revisions" ||
      route == "/v1/contracts/{contract_id}/revisions/{revision}") {
    if (auto bad = CheckQuery(p, {"year"})) return *bad;
    if (auto bad = YearParam(p, &out->year)) return *bad;
  } else if (route == "/v1/contracts/{contract_id}/members") {
    if (auto bad = CheckQuery(p, {"limit", "after"})) return *bad;
  } else {
    if (auto bad = CheckQuery(p, {})) return *bad;
  }
  if (p.query.count("limit")) {
    auto l = PositiveInt(p.query.at("limit"), kRosterPageMax);
    if (!l) {
      return Error(400, "bad_request",
                   "limit: '" + p.query.at("limit") + "' is not an integer 1.." +
                       std::to_string(kRosterPageMax));
    }
    out->limit = static_cast<int>(*l);
  }
  if (p.query.count("after") && !IdOk(p.query.at("after"))) {
    return Error(
        400, "bad_request",
        "after: must be a member_id (1.." + std::to_string(kPathParamBytesMax) + " bytes)");
  }
  return std::nullopt;
}

// /v1/contracts/{contract_id}/statements: the latest revision of each visible year.
ApiResponse Statements(const Snapshot& s, const ContractId& id, const Scope& scope) {
  auto revs = s.revisions.find(id);
  ordered_json list = ordered_json::array();
  if (revs != s.revisions.end()) {
    for (const auto& [y, rl] : revs->second) {
      if (scope.years.count(y) && !rl.empty()) list.push_back(ParseStored(rl.back().json));
    }
  }
  ordered_json j;
  j["contract_id"] = id.str();
  j["statements"] = std::move(list);
  return Json(200, j);
}

// /v1/contracts/{contract_id}/revisions: a summary of every revision of the visible years.
ApiResponse Revisions(const Snapshot& s, const ContractId& id, const Scope& scope,
                      std::optional<int> year) {
  auto revs = s.revisions.find(id);
  // A year the caller may not see lists no revisions, as a year without any.
  ordered_json list = ordered_json::array();
  if (revs != s.revisions.end()) {
    for (const auto& [y, rl] : revs->second) {
      if (!scope.years.count(y) || (year && y != *year)) continue;
      for (const StoredRevision& r : rl) {
        ordered_json full = ParseStored(r.json);
        ordered_json x;
        x["performance_year"] = y;
        x["revision"] = r.revision;
        x["as_of"] = r.as_of.ToString();
        x["assigned_members"] = full.value("assigned_members", ordered_json(nullptr));
        x["net_payment"] = full.value("net_payment", ordered_json(nullptr));
        x["hash"] = full.value("hash", ordered_json(nullptr));
        x["previous_revision"] =
            full.contains("revision_info")
                ? full["revision_info"].value("previous_revision", ordered_json(nullptr))
                : ordered_json(nullptr);
        list.push_back(std::move(x));
      }
    }
  }
  ordered_json j;
  j["contract_id"] = id.str();
  j["revisions"] = std::move(list);
  return Json(200, j);
}

// /v1/contracts/{contract_id}/revisions/{revision}: one revision as published.
ApiResponse OneRevision(const Snapshot& s, const ContractId& id, const Scope& scope,
                        std::optional<int> year, int64_t revision) {
  auto revs = s.revisions.find(id);
  // A revision of a year the caller may not see is answered as one that does not exist.
  std::vector<std::pair<int, const StoredRevision*>> found;
  if (revs != s.revisions.end()) {
    for (const auto& [y, rl] : revs->second) {
      if ((year && y != *year) || !scope.years.count(y)) continue;
      for (const StoredRevision& r : rl) {
        if (r.revision == revision) found.emplace_back(y, &r);
      }
    }
  }
  if (found.empty()) {
    return Error(404, "not_found",
                 "no revision " + std::to_string(revision) + " of contract " + id.str() +
                     (year ? " for " + std::to_string(*year) : std::string()));
  }
  if (found.size() > 1) {
    std::string years;
    for (const auto& [y, r] : found) years += (years.empty() ? "" : ", ") + std::to_string(y);
    return Error(
        400, "bad_request",
        "revision " + std::to_string(revision) + " exists for years " + years + ": add ?year=");
  }
  return Json(200, ParseStored(found.front().second->json));
}

// /v1/contracts/{contract_id}/members: one page of the roster, after the member `after`.
ApiResponse Roster(const Snapshot& s, const BookContract& bc, const ContractId& id,
                   const std::string& after, int limit) {
  auto it = bc.roster.begin();
  if (!after.empty()) {
    it = std::upper_bound(
        bc.roster.begin(), bc.roster.end(), after,
        [](const std::string& a, const RosterEntry& e) { return a < e.member_id.str(); });
  }
  ordered_json members = ordered_json::array();
  for (int n = 0; it != bc.roster.end() && n < limit; ++it, ++n) {
    ordered_json m;
    m["member_id"] = it->member_id.str();
    m["step"] = StepJson(it->step);
    m["unit"] = rules::Unit{true, id.str()}.ToString();
    m["decided_by"] = it->decided_by;
    m["eligible_months"] = it->eligible_months;
    m["months"] = MonthsJson(it->months);
    m["expenditure"] = it->expenditure.ToString();
    m["expenditure_truncated"] = FormatHalfEven(it->expenditure_truncated, 6);
    m["risk_score"] =
        it->risk_score ? ordered_json(FormatHalfEven(*it->risk_score, 6)) : ordered_json(nullptr);
    m["pmpm_total"] = it->pmpm_total.ToString();
    members.push_back(std::move(m));
  }
  const std::optional<int64_t> latest = LatestRevision(s, id, bc.year);
  ordered_json j;
  j["contract_id"] = id.str();
  j["performance_year"] = bc.year;
  j["as_of"] = bc.as_of.ToString();
  j["statement_revision"] = latest ? ordered_json(*latest) : ordered_json(nullptr);
  j["assigned_members"] = bc.roster.size();
  j["members"] = std::move(members);
  j["next_after"] = it != bc.roster.end() && it != bc.roster.begin()
                        ? ordered_json(std::prev(it)->member_id.str())
                        : ordered_json(nullptr);
  return Json(200, j);
}

// /v1/contracts/{contract_id}/members/{member_id}/explanation: 404 unless the member is
// attributed to the contract or has a line or claim under its TINs (or the caller is admin).
ApiResponse MemberExplanationResponse(const Snapshot& s, const BookContract& bc,
                                      const ContractId& id, const Caller& caller,
                                      const MemberId& member) {
  const MemberExplanation e = s.book->Explain(bc, member);
  const bool ours = e.outcome.contract && *e.outcome.contract == id;
  bool related = ours;
  const rules::Unit own{true, id.str()};
  for (const auto& d : e.trace.lines) related = related || d.unit == own;
  for (const ClaimHistory* h : e.claims) {
    related =
        related || std::find(bc.tins.begin(), bc.tins.end(), Tin(h->billing_tin)) != bc.tins.end();
  }
  if (!e.known || (!caller.admin && !related)) {
    return Error(
        404, "not_found",
        "member " + member.str() + " has no attribution to and no claim line with " + id.str());
  }
  return Json(200, Explanation(e, bc, caller.admin || ours));
}

// Rosters and explanations: the contract must be the caller's now, and usable here.
ApiResponse MemberRoute(const std::string& route, const Parsed& p, const ContractParams& params,
                        const Caller& caller, const Snapshot& s, const ContractId& id,
                        const Scope& scope) {
  if (!scope.current) {
    // The caller sees past statements of this contract (so its existence is no news), but
    // not its current members.
    return Error(404, "not_found",
                 "contract " + id.str() +
                     " no longer lists one of your TINs: its members are not yours to see");
  }
  const BookContract* bc = s.book->FindContract(id);
  if (!bc) {
    return Error(500, "internal",
                 "contract " + id.str() +
                     " cannot be evaluated by this server (its rule set "
                     "or parameters are not usable here; see the server's log)");
  }
  if (route == "/v1/contracts/{contract_id}/members") {
    const std::string after = p.query.count("after") ? p.query.at("after") : std::string();
    return Roster(s, *bc, id, after, params.limit);
  }
  // /v1/contracts/{contract_id}/members/{member_id}/explanation
  return MemberExplanationResponse(s, *bc, id, caller, MemberId(p.params.at("member_id")));
}

// Every route that names a contract: its parameters (400), the caller's scope (404), then
// the route's answer.
ApiResponse ContractRoute(const std::string& route, const Parsed& p, const Caller& caller,
                          const Snapshot& s) {
  const ContractId id(p.params.at("contract_id"));
  ContractParams params;
  if (auto bad = CheckContractParams(p, route, &params)) return *bad;
  const Scope scope = ScopeOf(caller, s, id);
  // A contract the caller may not see is answered exactly as one that does not exist.
  if (!scope.visible()) return Error(404, "not_found", "no contract " + id.str());
  if (route == "/v1/contracts/{contract_id}/statements") return Statements(s, id, scope);
  if (route == "/v1/contracts/{contract_id}/revisions") {
    return Revisions(s, id, scope, params.year);
  }
  if (route == "/v1/contracts/{contract_id}/revisions/{revision}") {
    return OneRevision(s, id, scope, params.year, *params.revision);
  }
  return MemberRoute(route, p, params, caller, s, id, scope);
}

}  // namespace

ApiService::ApiService(TokenTable tokens) : tokens_(std::move(tokens)) {}

void ApiService::SetSnapshot(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = std::move(snapshot);
  ++generation_;
}

void ApiService::SetRefreshError(std::string error) {
  std::lock_guard<std::mutex> lock(mu_);
  refresh_error_ = std::move(error);
}

std::shared_ptr<const Snapshot> ApiService::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

ApiResponse ApiService::Handle(const ApiRequest& req) const {
  const RouteSpec* route = nullptr;
  const Caller* caller = nullptr;
  ApiResponse r = Respond(req, &route, &caller);
  r.route = route ? route->path : nullptr;
  r.caller = caller ? caller->name : std::string();
  return r;
}

std::string ApiService::RefreshError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refresh_error_;
}

ApiResponse ApiService::Respond(const ApiRequest& req, const RouteSpec** matched,
                                const Caller** authenticated) const {
  if (auto refused = RefuseBodyOrMethod(req)) return *refused;
  Parsed p;
  if (auto not_routed = Parse(req.target, &p)) return *not_routed;
  *matched = p.route;
  const std::string route = p.route->path;
  std::shared_ptr<const Snapshot> snap = Current();

  // /health answers without a token: liveness and snapshot state only.
  if (route == "/health") {
    if (p.syntax_error) return *p.syntax_error;
    if (auto bad = CheckQuery(p, {})) return *bad;
    return Health(snap.get(), RefreshError());
  }

  // Every other route needs a token: parameter errors only after authentication.
  const Caller* caller = nullptr;
  if (auto refused = AuthenticateBearer(tokens_, req.authorization, &caller)) return *refused;
  *authenticated = caller;
  if (p.syntax_error) return *p.syntax_error;
  if (!snap) return Error(503, "unavailable", "the snapshot is still loading; retry shortly");
  if (route == "/v1/contracts") {
    if (auto bad = CheckQuery(p, {})) return *bad;
    return ContractList(*caller, *snap);
  }
  // Every other route names a contract.
  return ContractRoute(route, p, *caller, *snap);
}

}  // namespace vbp::api
