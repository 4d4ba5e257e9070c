// `vbp import fhir`: reading, member assembly, claim versions, providers, report.
#include "connectors/ingest/fhir/fhir_import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "connectors/codec/record_decoder.h"
#include "connectors/ingest/fhir/fhir_mapping.h"
#include "connectors/ingest/fhir/fhir_vocabulary.h"
#include "connectors/ingest/generate/catalog.h"
#include "connectors/ingest/medicare/medicare_codes.h"
#include "domain/date.h"
#include "domain/decimal.h"

namespace vbp::fhir {
namespace v = vocab;
using OJson = nlohmann::ordered_json;

namespace {

// Where a resource was read: an NDJSON line (1-based) or a Bundle entry (0-based, as in
// Bundle.entry[i]).
struct Pos {
  std::string source;
  int64_t index = 0;
  bool bundle_entry = false;
};

struct Counts {
  int64_t read = 0, mapped = 0, rejected = 0, out_of_scope = 0;
};

template <typename M>
struct Read {
  Pos pos;
  M m;
};

// Everything gathered from the resource files, then the report's running state.
struct State {
  std::vector<Read<MappedPatient>> patients;
  std::vector<Read<MappedCoverage>> coverages;
  std::vector<Read<MappedEob>> eobs;
  // source -> resource type -> counts (std::map: report order is name order).
  std::map<std::string, std::map<std::string, Counts>> counts;
  std::map<std::string, std::string> formats;
  std::map<std::string, int64_t> blank_lines;
  Assumptions assumptions;
  std::map<std::string, int64_t> out_of_scope_reasons;
  std::map<std::string, int64_t> reject_reasons;
  const FhirImportSinks* sinks = nullptr;
  codec::RecordDecoder decoder;
  FhirImportSummary summary;
};

Counts& CountsOf(State& st, const Pos& pos, const std::string& type) {
  return st.counts[pos.source][type];
}

void Merge(Assumptions& into, const Assumptions& from) {
  for (const auto& [k, n] : from) into[k] += n;
}

Status WriteReject(State& st, const Pos& pos, const std::string& resource, const std::string& field,
                   const std::string& reason) {
  OJson r;
  r["source"] = pos.source;
  r[pos.bundle_entry ? "entry" : "line"] = pos.index;
  r["resource"] = resource;
  r["field"] = field;
  r["reason"] = reason;
  ++st.summary.rejected;
  // Reasons are grouped by field and the reason's first clause (amounts vary).
  ++st.reject_reasons[field.substr(0, field.find('[')) + ": " + reason.substr(0, reason.find(':'))];
  return st.sinks->rejects->Append(generate::JsonLine(r));
}

// --- Reading ---------------------------------------------------------------------------------

Status Reject(State& st, const Pos& pos, const std::string& type, const std::string& id,
              const MapError& e) {
  ++CountsOf(st, pos, type).rejected;
  return WriteReject(st, pos, type + "/" + id, e.field, e.reason);
}

// One resource of any type: mapped and kept, out of scope, or rejected.
Status TakeResource(State& st, const Pos& pos, const Json& r) {
  const std::string type = Str(r, "resourceType");
  if (type.empty()) {
    ++CountsOf(st, pos, "(none)").read;
    return Reject(st, pos, "(none)", "?", {"resourceType", "missing: not a FHIR resource"});
  }
  Counts& c = CountsOf(st, pos, type);
  ++c.read;
  if (type == v::kEob) {
    MappedEob m = MapEob(r);
    if (!m.out_of_scope.empty()) {
      ++c.out_of_scope;
      ++st.out_of_scope_reasons[type + ": " + m.out_of_scope];
      return Status::Ok();
    }
    st.eobs.push_back({pos, std::move(m)});  // counted as mapped or rejected when written
  } else if (type == v::kPatient) {
    st.patients.push_back({pos, MapPatient(r)});
  } else if (type == v::kCoverage) {
    MappedCoverage m = MapCoverage(r);
    if (!m.out_of_scope.empty()) {
      ++c.out_of_scope;
      ++st.out_of_scope_reasons[type + ": " + m.out_of_scope];
      // Part D still tells the beneficiary's dual status (BB puts dual_XX there).
      if (m.dual) st.coverages.push_back({pos, std::move(m)});
      return Status::Ok();
    }
    st.coverages.push_back({pos, std::move(m)});
  } else {
    ++c.out_of_scope;
    ++st.out_of_scope_reasons[type + ": resource type not used"];
  }
  return Status::Ok();
}

Status ReadNdjson(State& st, const FhirSource& src) {
  st.formats[src.name] = "ndjson";
  int64_t line_no = 0;
  size_t start = 0;
  while (start < src.text.size()) {
    size_t end = src.text.find('\n', start);
    if (end == std::string::npos) end = src.text.size();
    std::string_view line(src.text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      ++st.blank_lines[src.name];
      continue;
    }
    const Pos pos{src.name, line_no, false};
    auto json = ParseJsonPreservingNumbers(line);
    if (!json.ok()) {
      ++CountsOf(st, pos, "(unparsed)").read;
      VBP_RETURN_IF_ERROR(Reject(st, pos, "(unparsed)", "?", {"", json.status().message()}));
      continue;
    }
    VBP_RETURN_IF_ERROR(TakeResource(st, pos, *json));
  }
  return Status::Ok();
}

Status ReadJsonFile(State& st, const FhirSource& src) {
  const Pos whole{src.name, 1, false};
  auto json = ParseJsonPreservingNumbers(src.text);
  if (!json.ok()) {
    st.formats[src.name] = "json";
    ++CountsOf(st, whole, "(unparsed)").read;
    return Reject(st, whole, "(unparsed)", "?", {"", json.status().message()});
  }
  if (Str(*json, "resourceType") != "Bundle") {
    st.formats[src.name] = "resource";
    return TakeResource(st, whole, *json);
  }
  st.formats[src.name] = "bundle (" + Str(*json, "type") + ")";
  const Json* entries = Field(*json, "entry");
  if (!entries || !entries->is_array()) return Status::Ok();
  for (size_t i = 0; i < entries->size(); ++i) {
    const Pos pos{src.name, static_cast<int64_t>(i), true};
    const Json* r = Field((*entries)[i], "resource");
    if (!r) {
      ++CountsOf(st, pos, "(none)").read;
      VBP_RETURN_IF_ERROR(Reject(st, pos, "(none)", "?", {"resource", "bundle entry without one"}));
      continue;
    }
    VBP_RETURN_IF_ERROR(TakeResource(st, pos, *r));
  }
  return Status::Ok();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A record the decoder refuses is the importer's mapping at fault for this resource: the
// resource goes to rejects with the SPEC field the decoder named.
Status CheckRecord(State& st, const std::string& text, RecordKind kind, const Pos& pos,
                   std::optional<MapError>* error) {
  SourcePos sp{pos.source, -1, pos.index};
  codec::DecodeResult d = st.decoder.Decode(text, sp, kind);
  if (d.reject) {
    *error = MapError{"(SPEC " + std::string(RecordKindName(kind)) + "." + d.reject->field + ")",
                      d.reject->reason};
  }
  return Status::Ok();
}

}  // namespace

namespace {

// --- Members ---------------------------------------------------------------------------------

constexpr std::string_view kOpenEnd = "2199-12-31";  // as the Tuva importer writes open spans

struct MemberBuild {
  const Read<MappedPatient>* patient = nullptr;
  std::vector<const MappedCoverage*> coverages;
  bool rejected = false;
};

int AgeAt(const std::string& birth, const std::string& day) {
  auto b = Date::Parse(birth);
  auto d = Date::Parse(day);
  if (!b.ok() || !d.ok()) return 65;
  const int by = std::stoi(birth.substr(0, 4)), dy = std::stoi(day.substr(0, 4));
  const bool before_birthday = day.substr(5) < birth.substr(5);
  return dy - by - (before_birthday ? 1 : 0);
}

// The member's coverage spans, sorted, duplicates (Part A and Part B of one period) merged.
OJson Spans(State& st, const MemberBuild& mb) {
  std::optional<bool> any_dual;
  for (const auto* c : mb.coverages) {
    if (c->dual) any_dual = any_dual.value_or(false) || *c->dual;
  }
  std::set<std::tuple<std::string, std::string, std::string, std::string>> spans;
  const std::string& birth = mb.patient->m.birth_date;
  for (const auto* c : mb.coverages) {
    if (!c->out_of_scope.empty()) continue;  // Part D: dual status only
    std::string from = c->from, through = c->through;
    if (from.empty()) {
      from = birth;
      ++st.assumptions["coverage from = birth date (Coverage without period.start)"];
    }
    if (through.empty()) {
      through = kOpenEnd;
      ++st.assumptions["coverage through = 2199-12-31 (Coverage without period.end)"];
    }
    const bool dual = c->dual.value_or(any_dual.value_or(false));
    const EnrollmentType type =
        medicare::EnrollmentTypeOf(c->ms_cd, dual, c->orec, AgeAt(birth, from));
    if (c->ms_cd.empty()) ++st.assumptions["enrollment type from OREC and age (no ms_cd)"];
    spans.insert({from, through, c->program, EnrollmentTypeName(type)});
  }
  OJson out = OJson::array();
  for (const auto& [from, through, program, type] : spans) {
    out.push_back(
        {{"from", from}, {"through", through}, {"program", program}, {"enrollment_type", type}});
  }
  return out;
}

std::string MemberRecord(State& st, const MemberBuild& mb) {
  const MappedPatient& p = mb.patient->m;
  OJson r;
  r["schema"] = "vbp.member/1";
  r["member_id"] = p.member_id;
  for (const auto& [k, val] : p.fields.items()) r[k] = val;
  r["coverage"] = Spans(st, mb);
  if (p.aligned_npi) r["aligned_npi"] = *p.aligned_npi;
  if (!p.risk_scores.empty()) r["risk_scores"] = p.risk_scores;
  std::string orec;
  std::optional<bool> medicaid = p.medicaid;
  for (const auto* c : mb.coverages) {
    if (orec.empty()) orec = c->orec;
    if (!p.medicaid && c->dual) medicaid = medicaid.value_or(false) || *c->dual;
  }
  if (!orec.empty()) r["orec"] = orec;
  if (medicaid) r["medicaid"] = *medicaid;
  return r.dump();
}

// Patients in input order (the first of a repeated resource id is kept), Coverage attached by
// beneficiary reference. Returns Patient.id -> member_id.
Result<std::map<std::string, std::string>> WriteMembers(State& st) {
  std::map<std::string, MemberBuild> by_id;
  std::vector<std::string> order;
  for (const auto& rp : st.patients) {
    const std::string& id = rp.m.resource_id;
    if (rp.m.error) {
      VBP_RETURN_IF_ERROR(Reject(st, rp.pos, "Patient", id, *rp.m.error));
      continue;
    }
    auto [it, fresh] = by_id.try_emplace(id);
    if (!fresh) {
      VBP_RETURN_IF_ERROR(Reject(st, rp.pos, "Patient", id,
                                 {"id", "repeated Patient resource id (the first is kept)"}));
      continue;
    }
    it->second.patient = &rp;
    order.push_back(id);
    Merge(st.assumptions, rp.m.assumptions);
  }
  for (const auto& rc : st.coverages) {
    auto it = by_id.find(rc.m.patient_id);
    const bool part_d = !rc.m.out_of_scope.empty();  // already counted
    if (rc.m.error) {
      VBP_RETURN_IF_ERROR(Reject(st, rc.pos, "Coverage", rc.m.resource_id, *rc.m.error));
    } else if (it == by_id.end()) {
      if (part_d) continue;
      VBP_RETURN_IF_ERROR(
          Reject(st, rc.pos, "Coverage", rc.m.resource_id,
                 {"beneficiary",
                  "Patient/" + rc.m.patient_id + " is not among the Patient resources mapped"}));
    } else {
      it->second.coverages.push_back(&rc.m);
      if (!part_d) ++CountsOf(st, rc.pos, "Coverage").mapped;
    }
  }
  std::map<std::string, std::string> member_of;
  for (const std::string& id : order) {
    const MemberBuild& mb = by_id[id];
    const std::string text = MemberRecord(st, mb);
    std::optional<MapError> err;
    VBP_RETURN_IF_ERROR(CheckRecord(st, text, RecordKind::kMember, mb.patient->pos, &err));
    if (err) {
      VBP_RETURN_IF_ERROR(Reject(st, mb.patient->pos, "Patient", id, *err));
      continue;
    }
    ++CountsOf(st, mb.patient->pos, "Patient").mapped;
    VBP_RETURN_IF_ERROR(st.sinks->members->Append(text));
    ++st.summary.members;
    member_of[id] = mb.patient->m.member_id;
  }
  return member_of;
}

}  // namespace

namespace {

// --- Claims and versions ---------------------------------------------------------------------

struct UnionFind {
  std::vector<size_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Unite(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

struct Versioning {
  std::vector<std::string> claim_id;  // per EOB
  std::vector<int64_t> version;       // per EOB
  int64_t claims = 0;                 // distinct claim ids
};

// EOB indices by resource id and by claim identifier (first occurrence).
struct EobIndex {
  std::map<std::string, std::vector<size_t>> by_resource, by_identifier;
  explicit EobIndex(const std::vector<Read<MappedEob>>& eobs) {
    for (size_t i = 0; i < eobs.size(); ++i) {
      by_resource[eobs[i].m.resource_id].push_back(i);
      if (!eobs[i].m.claim_identifier.empty())
        by_identifier[eobs[i].m.claim_identifier].push_back(i);
    }
  }
  const std::vector<size_t>* Target(const std::string& t) const {
    if (auto it = by_resource.find(t); it != by_resource.end()) return &it->second;
    if (auto it = by_identifier.find(t); it != by_identifier.end()) return &it->second;
    return nullptr;
  }
};

// Depth of each EOB in its replacement chain: 0 for an original, 1 + the depth of what it
// replaces. Bounded relaxation: a cycle in `related` cannot loop.
std::vector<int64_t> ChainDepths(const std::vector<Read<MappedEob>>& eobs, const EobIndex& idx) {
  std::vector<std::pair<size_t, size_t>> edges;  // (prior, later)
  for (size_t i = 0; i < eobs.size(); ++i) {
    for (const RelatedRef& r : eobs[i].m.related) {
      const auto* targets = idx.Target(r.target);
      if (!targets) continue;
      for (size_t t : *targets) {
        if (t == i || eobs[t].m.resource_id == eobs[i].m.resource_id) continue;
        edges.push_back(r.replaced_by ? std::make_pair(i, t) : std::make_pair(t, i));
      }
    }
  }
  std::vector<int64_t> depth(eobs.size(), 0);
  for (size_t round = 0; round < eobs.size(); ++round) {
    bool changed = false;
    for (const auto& [a, b] : edges) {
      if (depth[b] < depth[a] + 1 && depth[a] + 1 <= static_cast<int64_t>(eobs.size())) {
        depth[b] = depth[a] + 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return depth;
}

// README.md "Versions": EOBs linked by a shared claim identifier or by `related` are one
// claim; its versions are its distinct resources ordered by chain depth, then `created`, then
// meta.lastUpdated, then resource id. claim_id = the claim identifier of version 1 (else its
// resource id).
Versioning AssignVersions(const std::vector<Read<MappedEob>>& eobs) {
  const EobIndex idx(eobs);
  UnionFind uf(eobs.size());
  for (const auto* m : {&idx.by_resource, &idx.by_identifier}) {
    for (const auto& [key, list] : *m) {
      for (size_t i : list) uf.Unite(list.front(), i);
    }
  }
  for (size_t i = 0; i < eobs.size(); ++i) {
    for (const RelatedRef& r : eobs[i].m.related) {
      if (const auto* t = idx.Target(r.target)) uf.Unite(i, t->front());
    }
  }
  const std::vector<int64_t> depth = ChainDepths(eobs, idx);
  std::map<size_t, std::vector<size_t>> groups;  // root -> first occurrence of each resource
  for (size_t i = 0; i < eobs.size(); ++i) {
    if (idx.by_resource.at(eobs[i].m.resource_id).front() == i) groups[uf.Find(i)].push_back(i);
  }
  Versioning out;
  out.claim_id.resize(eobs.size());
  out.version.assign(eobs.size(), 0);
  for (auto& [root, members] : groups) {
    auto key = [&](size_t i) {
      const MappedEob& m = eobs[i].m;
      return std::tie(depth[i], m.created, m.last_updated, m.resource_id);
    };
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
    const MappedEob& first = eobs[members.front()].m;
    const std::string id =
        first.claim_identifier.empty() ? first.resource_id : first.claim_identifier;
    for (size_t k = 0; k < members.size(); ++k) {
      for (size_t i : idx.by_resource.at(eobs[members[k]].m.resource_id)) {
        out.claim_id[i] = id;
        out.version[i] = static_cast<int64_t>(k) + 1;
      }
    }
    ++out.claims;
  }
  return out;
}

}  // namespace

namespace {

struct ClaimTotals {
  int64_t lines = 0;
  std::map<std::string, int64_t> by_frequency;
  Money paid;           // over written non-void versions
  Money paid_rejected;  // over the lines read from rejected EOBs
  int64_t lines_rejected = 0;
  std::set<std::string> claim_ids;
  int64_t unknown_patients = 0;
};

// Rendering NPI -> billing TIN -> claims, and NPI -> specialty, for derived providers.
struct ProviderEvidence {
  std::map<std::string, std::map<std::string, int64_t>> tins;
  std::map<std::string, std::string> specialty;
  std::map<std::string, std::string> own_tin;  // tax_num on the care-team member
};

std::string ClaimRecord(const MappedEob& m, const std::string& claim_id, int64_t version,
                        const std::string& member_id, bool minimal_void) {
  OJson r;
  r["schema"] = "vbp.claim/1";
  r["claim_id"] = claim_id;
  r["version"] = version;
  r["frequency"] = m.cancelled ? "void" : version == 1 ? "original" : "replacement";
  r["member_id"] = member_id;
  std::string text = r.dump();
  if (minimal_void || m.body_text.size() <= 2) return text;
  text.back() = ',';  // {"schema":...,"member_id":"x"} + {"billing_tin":...} spliced
  text.append(m.body_text, 1);
  return text;
}

void NoteProviders(const MappedEob& m, ProviderEvidence& ev) {
  if (!m.rendering_npi.empty() && !m.billing_tin.empty()) ++ev.tins[m.rendering_npi][m.billing_tin];
  for (const CareTeamProvider& p : m.providers) {
    if (!p.specialty.empty()) ev.specialty.try_emplace(p.npi, p.specialty);
    if (!p.tin.empty()) ev.own_tin.try_emplace(p.npi, p.tin);
    ev.tins.try_emplace(p.npi);
  }
}

// Paid over the lines read (of a written or, `rejected`, a rejected EOB).
void AddPaid(const MappedEob& m, ClaimTotals& t, bool rejected) {
  (rejected ? t.paid_rejected : t.paid) += m.paid;
  if (rejected) t.lines_rejected += m.lines;
}

// One EOB: its claim record written, or the EOB rejected.
Status WriteClaim(State& st, const Read<MappedEob>& e, const std::string& claim_id, int64_t version,
                  const std::map<std::string, std::string>& member_of, ClaimTotals& t,
                  ProviderEvidence& ev) {
  const MappedEob& m = e.m;
  const bool minimal_void = m.cancelled && m.error.has_value();
  if (m.error && !minimal_void) {
    if (!m.cancelled) AddPaid(m, t, /*rejected=*/true);
    return Reject(st, e.pos, "ExplanationOfBenefit", m.resource_id, *m.error);
  }
  std::string member_id;
  if (auto it = member_of.find(m.patient_id); it != member_of.end()) {
    member_id = it->second;
  } else {
    member_id = m.patient_mbi.empty() ? m.patient_id : m.patient_mbi;
    ++t.unknown_patients;
  }
  const std::string text = ClaimRecord(m, claim_id, version, member_id, minimal_void);
  std::optional<MapError> err;
  VBP_RETURN_IF_ERROR(CheckRecord(st, text, RecordKind::kClaim, e.pos, &err));
  if (err) return Reject(st, e.pos, "ExplanationOfBenefit", m.resource_id, *err);
  VBP_RETURN_IF_ERROR(st.sinks->claims->Append(text));
  ++CountsOf(st, e.pos, "ExplanationOfBenefit").mapped;
  ++st.summary.claims;
  if (minimal_void)
    ++st.assumptions["void written without claim detail (cancelled EOB not mappable)"];
  Merge(st.assumptions, m.assumptions);
  ++t.by_frequency[m.cancelled ? "void" : version == 1 ? "original" : "replacement"];
  t.claim_ids.insert(claim_id);
  if (m.cancelled) {
    ++st.summary.voids;
    return Status::Ok();
  }
  t.lines += m.lines;
  AddPaid(m, t, /*rejected=*/false);
  NoteProviders(m, ev);
  return Status::Ok();
}

Result<ProviderEvidence> WriteClaims(State& st, const std::map<std::string, std::string>& member_of,
                                     OJson& report) {
  const Versioning ver = AssignVersions(st.eobs);
  ClaimTotals t;
  ProviderEvidence ev;
  for (size_t i = 0; i < st.eobs.size(); ++i) {
    VBP_RETURN_IF_ERROR(
        WriteClaim(st, st.eobs[i], ver.claim_id[i], ver.version[i], member_of, t, ev));
  }
  st.summary.claim_lines = t.lines;
  report["claim_ids_written"] = static_cast<int64_t>(t.claim_ids.size());
  report["claim_ids_among_eobs"] = ver.claims;
  report["versions_written"] = t.by_frequency;
  report["lines_written"] = t.lines;
  report["paid_total_written"] = t.paid.ToString();
  report["paid_total_note"] =
      "over written non-void versions (every version, not only the effective one)";
  report["rejected_eob_lines_read"] = t.lines_rejected;
  report["rejected_eob_paid_read"] = t.paid_rejected.ToString();
  report["claims_of_patients_not_read"] = t.unknown_patients;
  return ev;
}

}  // namespace

namespace {

// --- Providers, contracts --------------------------------------------------------------------

constexpr std::string_view kProviderEffective = "1900-01-01";  // no enumeration date in FHIR

// SPEC NDJSON copied line by line after decoding (roster, contracts); a bad line is rejected.
Status CopySpecFile(State& st, const FhirSource& src, RecordKind kind, generate::LineSink* sink,
                    std::set<std::string>* npis, int64_t* written) {
  int64_t line_no = 0;
  std::istringstream in(src.text);
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    codec::DecodeResult d = st.decoder.Decode(line, {src.name, -1, line_no}, kind);
    if (d.reject) {
      VBP_RETURN_IF_ERROR(WriteReject(st, {src.name, line_no, false}, RecordKindName(kind),
                                      d.reject->field, d.reject->reason));
      continue;
    }
    if (npis) npis->insert(std::get<Provider>(*d.record).npi.str());
    VBP_RETURN_IF_ERROR(sink->Append(line));
    ++*written;
  }
  return Status::Ok();
}

// One provider per NPI seen on the written claims' care teams (README.md "Providers").
Status WriteDerivedProviders(State& st, const ProviderEvidence& ev, OJson& report) {
  std::map<std::string, int64_t> by_class;
  int64_t no_tin = 0, unknown_specialty = 0;
  for (const auto& [npi, tins] : ev.tins) {
    std::string tin;
    int64_t best = 0;
    for (const auto& [t, n] : tins) {  // most claims, ties: smallest TIN (map order)
      if (n > best) tin = t, best = n;
    }
    if (tin.empty()) {
      if (auto it = ev.own_tin.find(npi); it != ev.own_tin.end()) tin = it->second;
    }
    if (tin.empty()) {
      ++no_tin;
      continue;
    }
    const auto spec_it = ev.specialty.find(npi);
    const std::string specialty = spec_it == ev.specialty.end() ? "unknown" : spec_it->second;
    if (spec_it == ev.specialty.end()) ++unknown_specialty;
    const ProviderClass pc = medicare::ProviderClassOfSpecialty(specialty);
    OJson r{{"schema", "vbp.provider/1"},
            {"npi", npi},
            {"tin", tin},
            {"specialty", specialty},
            {"provider_class", ProviderClassName(pc)},
            {"effective", kProviderEffective}};
    const std::string text = r.dump();
    if (st.decoder.Decode(text, {"providers", -1, 0}, RecordKind::kProvider).reject) {
      ++no_tin;  // an NPI or TIN of the wrong shape: the claims carrying it were rejected too
      continue;
    }
    VBP_RETURN_IF_ERROR(st.sinks->providers->Append(text));
    ++st.summary.providers;
    ++by_class[ProviderClassName(pc)];
  }
  report["source"] = "EOB care teams";
  report["by_class"] = by_class;
  report["care_team_npis_without_tin_skipped"] = no_tin;
  report["specialty_missing_class_other"] = unknown_specialty;
  return Status::Ok();
}

Status WriteProviders(State& st, const FhirImportInputs& in, const ProviderEvidence& ev,
                      OJson& report) {
  if (!in.roster) return WriteDerivedProviders(st, ev, report);
  std::set<std::string> roster_npis;
  VBP_RETURN_IF_ERROR(CopySpecFile(st, *in.roster, RecordKind::kProvider, st.sinks->providers,
                                   &roster_npis, &st.summary.providers));
  int64_t missing = 0;
  for (const auto& [npi, tins] : ev.tins) missing += roster_npis.count(npi) ? 0 : 1;
  report["source"] = "roster " + in.roster->name;
  report["care_team_npis_not_in_roster"] = missing;
  return Status::Ok();
}

}  // namespace

namespace {

// --- Report ----------------------------------------------------------------------------------

OJson CountsJson(const Counts& c) {
  return {{"read", c.read},
          {"mapped", c.mapped},
          {"rejected", c.rejected},
          {"out_of_scope", c.out_of_scope}};
}

OJson InputsReport(const State& st, std::map<std::string, Counts>& totals) {
  OJson inputs = OJson::array();
  for (const auto& [source, types] : st.counts) {
    OJson by_type = OJson::object();
    for (const auto& [type, c] : types) {
      by_type[type] = CountsJson(c);
      Counts& t = totals[type];
      t.read += c.read, t.mapped += c.mapped, t.rejected += c.rejected;
      t.out_of_scope += c.out_of_scope;
    }
    const auto fmt = st.formats.find(source);
    const auto blank = st.blank_lines.find(source);
    inputs.push_back({{"source", source},
                      {"format", fmt == st.formats.end() ? "" : fmt->second},
                      {"blank_lines", blank == st.blank_lines.end() ? 0 : blank->second},
                      {"by_type", by_type}});
  }
  return inputs;
}

// The standing mapping rules (README.md), so a report read alone says what was assumed.
OJson Rules() {
  return OJson::array(
      {"claim_id: EOB identifier of type uc (C4BB) or system clm_id (Blue Button), else the "
       "resource id; EOBs linked by a shared claim id or by related (prior/replaces/replacedby) "
       "are one claim",
       "version: the claim's distinct EOB resources ordered by replacement-chain depth, then "
       "created, then meta.lastUpdated, then resource id; cancelled / entered-in-error is a void",
       "paid: line adjudication line_nch_pmt_amt / rev_cntr_pmt_amt_amt (Blue Button), else "
       "paidtoprovider, else benefit; allowed: line_alowd_chrg_amt, else eligible",
       "rendering_npi: care-team member performing/rendering linked from item[0], else the first "
       "performing/rendering, primary or any care-team NPI, else EOB.provider's NPI",
       "billing_tin: EOB.provider identifier of type TAX, else tax_num on the rendering care-team "
       "member, item[0] or the EOB",
       "member_id: Patient MBI identifier, else Patient.id; enrollment type from ms_cd, dual "
       "codes, OREC and age as vbp import tuva does",
       "Part D coverage, pharmacy/oral/vision EOBs and other resource types are out of scope "
       "(counted)"});
}

}  // namespace

Result<FhirImportSummary> ImportFhir(const FhirImportInputs& in, const FhirImportSinks& sinks) {
  if (!sinks.members || !sinks.providers || !sinks.claims || !sinks.rejects ||
      (in.contracts && !sinks.contracts)) {
    return Status::Invalid("every output sink must be given");
  }
  State st;
  st.sinks = &sinks;
  for (const FhirSource& listed : in.resources) {
    FhirSource loaded;
    if (listed.on_disk) {
      VBP_ASSIGN_OR_RETURN(loaded, LoadFile(listed.name));
    }
    const FhirSource& src = listed.on_disk ? loaded : listed;
    VBP_RETURN_IF_ERROR(EndsWith(src.name, ".ndjson") ? ReadNdjson(st, src)
                                                      : ReadJsonFile(st, src));
  }
  OJson claims_report, providers_report;
  VBP_ASSIGN_OR_RETURN(auto member_of, WriteMembers(st));
  VBP_ASSIGN_OR_RETURN(auto evidence, WriteClaims(st, member_of, claims_report));
  VBP_RETURN_IF_ERROR(WriteProviders(st, in, evidence, providers_report));
  if (in.contracts) {
    VBP_RETURN_IF_ERROR(CopySpecFile(st, *in.contracts, RecordKind::kContract, sinks.contracts,
                                     nullptr, &st.summary.contracts));
  }
  std::map<std::string, Counts> totals;
  OJson& rep = st.summary.report;
  rep["inputs"] = InputsReport(st, totals);
  rep["totals"] = OJson::object();
  for (const auto& [type, c] : totals) rep["totals"][type] = CountsJson(c);
  for (const auto& [reason, n] : st.out_of_scope_reasons) st.summary.out_of_scope += n;
  rep["written"] = {{"members", st.summary.members}, {"providers", st.summary.providers},
                    {"claims", st.summary.claims},   {"claim_lines", st.summary.claim_lines},
                    {"voids", st.summary.voids},     {"contracts", st.summary.contracts},
                    {"rejects", st.summary.rejected}};
  rep["claims"] = claims_report;
  rep["providers"] = providers_report;
  rep["out_of_scope"] = st.out_of_scope_reasons;
  rep["rejects_by_reason"] = st.reject_reasons;
  rep["assumptions"] = st.assumptions;
  rep["rules"] = Rules();
  return std::move(st.summary);
}

Result<FhirSource> LoadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io("cannot open " + path);
  std::ostringstream buf;
  buf << f.rdbuf();
  if (f.bad()) return Status::Io("read of " + path + " failed");
  return FhirSource{path, buf.str()};
}

Result<std::vector<FhirSource>> ListFhirDir(const std::string& dir,
                                            const std::vector<std::string>& exclude) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (!it->is_regular_file() || !(EndsWith(name, ".ndjson") || EndsWith(name, ".json"))) continue;
    bool excluded = false;
    for (const auto& x : exclude) {
      std::error_code same_ec;  // a path that cannot be compared is simply not excluded
      excluded |= fs::equivalent(p, x, same_ec);
    }
    if (!excluded) paths.push_back(p);
  }
  if (ec) return Status::Io("cannot list " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  std::vector<FhirSource> out;
  for (const auto& p : paths) out.push_back({p.string(), "", true});
  return out;
}

}  // namespace vbp::fhir
