// ExplanationOfBenefit -> the body of a SPEC §2 claim (README.md "Claims").
#include <algorithm>

#include "connectors/ingest/fhir/fhir_mapping.h"
#include "connectors/ingest/fhir/fhir_vocabulary.h"
#include "domain/decimal.h"

namespace vbp::fhir {
namespace v = vocab;
using OJson = nlohmann::ordered_json;

std::string DatePart(std::string_view d) {
  if (d.size() < 10 || d[4] != '-' || d[7] != '-') return {};
  return std::string(d.substr(0, 10));
}

Result<std::string> ExactMoney(const Json* value) {
  const auto text = DecimalText(value);
  if (!text) return Status::Invalid("no decimal value");
  if (text->find_first_of("eE") != std::string::npos) {
    return Status::Invalid("exponent notation '" + *text + "' is not accepted for money");
  }
  auto money = Money::Parse(*text);
  if (!money.ok()) return Status::Invalid("'" + *text + "': " + money.status().message());
  return money->ToString();
}

namespace {

std::string Path(std::string_view base, size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

const Json* Array(const Json& obj, std::string_view key) {
  const Json* a = Field(obj, key);
  return a && a->is_array() ? a : nullptr;
}

// Claim type, or out of scope / error. BB's eob-type is the most specific, then claim-type.
void MapClaimType(const Json& eob, MappedEob& out) {
  const Json* type = Field(eob, "type");
  const std::string bb = CodeIn(type, v::kBbEobTypeSystem);
  std::string hl7 = CodeIn(type, v::kClaimTypeSystem);
  if (hl7.empty()) hl7 = CodeIn(type, v::kClaimTypeSystemStu3);
  if (bb == "CARRIER" || bb == "DME") {
    out.body["claim_type"] = "professional";
  } else if (bb == "INPATIENT" || bb == "OUTPATIENT" || bb == "SNF" || bb == "HHA" ||
             bb == "HOSPICE") {
    out.body["claim_type"] = "institutional";
  } else if (bb == "PDE" || hl7 == "pharmacy") {
    out.out_of_scope = "pharmacy claim (Part D event)";
  } else if (hl7 == "professional" || hl7 == "institutional") {
    out.body["claim_type"] = hl7;
  } else if (hl7 == "oral" || hl7 == "vision") {
    out.out_of_scope = hl7 + " claim";
  } else {
    out.error = MapError{"type",
                         "no claim type: expected eob-type CARRIER/DME/INPATIENT/"
                         "OUTPATIENT/SNF/HHA/HOSPICE/PDE or claim-type professional/"
                         "institutional/pharmacy"};
  }
}

// An NPI: system us-npi, or type NPI (v2-0203) / npi (C4BB identifier type).
std::string NpiOf(const Json& obj) {
  std::string npi = IdentifierValue(obj, v::kNpiSystem, v::kNpiIdType);
  return npi.empty() ? IdentifierValue(obj, {}, v::kNpiIdTypeC4bb) : npi;
}

// A TIN: system IRS TIN or type TAX, or Blue Button's tax_num used as a system.
std::string TinOf(const Json& obj) {
  std::string tin = IdentifierValue(obj, v::kTinSystem, v::kTaxIdType);
  return tin.empty() ? IdentifierValue(obj, v::kTaxNumUrl) : tin;
}

// The NPI (and TIN) of a care-team provider reference: its identifier, or a contained resource.
std::string NpiOfReference(const Json& eob, const Json* ref, std::string* tin) {
  if (!ref) return {};
  std::string npi = NpiOf(*ref);
  if (tin && tin->empty()) *tin = TinOf(*ref);
  const std::string id = ReferenceId(ref);
  if (!npi.empty() || id.empty() || id[0] != '#') return npi;
  if (const Json* contained = Array(eob, "contained")) {
    for (const Json& c : *contained) {
      if ("#" + Str(c, "id") != id) continue;
      if (tin && tin->empty()) *tin = TinOf(c);
      return NpiOf(c);
    }
  }
  return {};
}

std::string StripHyphens(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

struct CareTeamMember {
  int64_t sequence = 0;
  bool performing = false;
  bool primary = false;
  CareTeamProvider p;
};

std::vector<CareTeamMember> ReadCareTeam(const Json& eob) {
  std::vector<CareTeamMember> team;
  const Json* ct = Array(eob, "careTeam");
  if (!ct) return team;
  for (const Json& m : *ct) {
    CareTeamMember t;
    if (const Json* s = Field(m, "sequence"); s && s->is_number_integer()) t.sequence = *s;
    const Json* role = Field(m, "role");
    t.performing = HasCode(role, {}, v::kRolePerforming) || HasCode(role, {}, v::kRoleRendering);
    t.primary = HasCode(role, {}, v::kRolePrimary);
    t.p.npi = NpiOfReference(eob, Field(m, "provider"), &t.p.tin);
    if (t.p.tin.empty()) t.p.tin = ExtensionText(Extension(m, v::kTaxNumUrl));
    t.p.tin = StripHyphens(t.p.tin);
    t.p.specialty = CodeIn(Field(m, "qualification"), v::kSpecialtySystem);
    if (t.p.specialty.empty()) t.p.specialty = FirstCode(Field(m, "qualification"));
    team.push_back(std::move(t));
  }
  return team;
}

// The sequence of the care-team member item[0] links to (R4 careTeamSequence, STU3
// careTeamLinkId), or 0.
int64_t FirstItemCareTeamLink(const Json& eob) {
  const Json* items = Array(eob, "item");
  if (!items || items->empty()) return 0;
  for (const char* k : {"careTeamSequence", "careTeamLinkId"}) {
    const Json* l = Field((*items)[0], k);
    if (l && l->is_array() && !l->empty() && (*l)[0].is_number_integer()) return (*l)[0];
  }
  return 0;
}

// rendering_npi and billing_tin (README.md "Providers on claims").
void MapProviders(const Json& eob, MappedEob& out) {
  const std::vector<CareTeamMember> team = ReadCareTeam(eob);
  const CareTeamMember* rendering = nullptr;
  const int64_t link = FirstItemCareTeamLink(eob);
  for (const auto& t : team) {
    if (t.p.npi.empty()) continue;
    out.providers.push_back(t.p);
    if (t.performing && link != 0 && t.sequence == link) rendering = &t;
  }
  for (const auto* want : {"performing", "primary", "any"}) {
    for (const auto& t : team) {
      if (rendering || t.p.npi.empty()) continue;
      const std::string_view w = want;
      if ((w == "performing" && t.performing) || (w == "primary" && t.primary) || w == "any") {
        rendering = &t;
        if (w != "performing")
          ++out.assumptions
                ["rendering_npi from a care-team member not "
                 "marked performing/rendering"];
      }
    }
  }
  std::string provider_tin;
  const std::string provider_npi = NpiOfReference(eob, Field(eob, "provider"), &provider_tin);
  std::string npi = rendering ? rendering->p.npi : provider_npi;
  if (!rendering && !npi.empty()) ++out.assumptions["rendering_npi from EOB.provider"];
  std::string tin = StripHyphens(provider_tin);
  if (tin.empty() && rendering) tin = rendering->p.tin;
  if (tin.empty()) {
    if (const Json* items = Array(eob, "item"); items && !items->empty()) {
      tin = StripHyphens(ExtensionText(Extension((*items)[0], v::kTaxNumUrl)));
    }
  }
  if (tin.empty()) tin = StripHyphens(ExtensionText(Extension(eob, v::kTaxNumUrl)));
  if (npi.empty()) {
    out.error = MapError{"careTeam",
                         "no rendering provider NPI: no careTeam member or EOB.provider "
                         "with an identifier of system " +
                             std::string(v::kNpiSystem)};
    return;
  }
  if (tin.empty()) {
    out.error = MapError{"provider.identifier",
                         "no billing TIN: no EOB.provider identifier of type "
                         "TAX and no tax_num extension"};
    return;
  }
  out.body["billing_tin"] = tin;
  out.body["rendering_npi"] = npi;
}

// The paid date: payment.date, else BB's NCH weekly process date, else the claim's end.
std::string PaidDate(const Json& eob, const std::string& through, Assumptions& a) {
  if (const Json* p = Field(eob, "payment")) {
    if (std::string d = DatePart(Str(*p, "date")); !d.empty()) return d;
  }
  if (std::string d = DatePart(ExtensionText(Extension(eob, v::kBbWeeklyProcessDate)));
      !d.empty()) {
    ++a["paid_date from the NCH weekly process date (nch_wkly_proc_dt)"];
    return d;
  }
  ++a["paid_date from billablePeriod.end (no payment.date)"];
  return through;
}

template <typename Fn>
void BySequence(const Json* arr, Fn fn) {
  if (!arr) return;
  std::vector<std::pair<int64_t, size_t>> order;
  for (size_t i = 0; i < arr->size(); ++i) {
    const Json* s = Field((*arr)[i], "sequence");
    order.push_back({s && s->is_number_integer() ? s->get<int64_t>() : 0, i});
  }
  std::sort(order.begin(), order.end());
  for (const auto& [seq, i] : order) fn((*arr)[i]);
}

void MapDiagnoses(const Json& eob, MappedEob& out) {
  OJson dx = OJson::array();
  std::string principal;
  BySequence(Array(eob, "diagnosis"), [&](const Json& d) {
    const Json* cc = Field(d, "diagnosisCodeableConcept");
    std::string code = CodeIn(cc, v::kIcd10CmSystem);
    if (code.empty()) code = FirstCode(cc);
    if (code.empty()) return;
    bool is_principal = false;
    if (const Json* types = Array(d, "type")) {
      for (const Json& t : *types) is_principal |= HasCode(&t, {}, v::kDiagnosisPrincipal);
    }
    if (is_principal && principal.empty()) {
      principal = code;
    } else {
      dx.push_back(code);
    }
  });
  if (!principal.empty()) dx.insert(dx.begin(), principal);
  out.body["diagnoses"] = std::move(dx);
}

// supportingInfo[category = code].code's first code, or its timingPeriod when `period`.
const Json* SupportingInfo(const Json& eob, std::string_view category) {
  const Json* infos = Array(eob, "supportingInfo");
  if (!infos) return nullptr;
  for (const Json& s : *infos) {
    if (HasCode(Field(s, "category"), {}, category)) return &s;
  }
  return nullptr;
}

void MapInstitutional(const Json& eob, MappedEob& out) {
  std::string tin_unused;
  std::string facility = NpiOfReference(eob, Field(eob, "facility"), nullptr);
  if (facility.empty()) facility = NpiOfReference(eob, Field(eob, "provider"), &tin_unused);
  if (!facility.empty()) out.body["facility_npi"] = facility;
  if (const Json* s = SupportingInfo(eob, v::kInfoBillType)) {
    out.body["bill_type"] = FirstCode(Field(*s, "code"));
  }
  const Json* adm = SupportingInfo(eob, v::kInfoAdmissionPeriod);
  const Json* period = adm ? Field(*adm, "timingPeriod") : Field(eob, "hospitalization");
  if (period) {
    if (auto d = DatePart(Str(*period, "start")); !d.empty()) out.body["admission_date"] = d;
    if (auto d = DatePart(Str(*period, "end")); !d.empty()) out.body["discharge_date"] = d;
  }
  if (const Json* s = SupportingInfo(eob, v::kInfoDischargeStatus)) {
    out.body["discharge_status"] = FirstCode(Field(*s, "code"));
  }
  if (const Json* s = SupportingInfo(eob, v::kInfoDrg))
    out.body["drg"] = FirstCode(Field(*s, "code"));
  OJson procs = OJson::array();
  BySequence(Array(eob, "procedure"), [&](const Json& p) {
    std::string code = FirstCode(Field(p, "procedureCodeableConcept"));
    if (!code.empty()) procs.push_back(code);
  });
  if (!procs.empty()) out.body["procedures"] = std::move(procs);
}

// The amount of the first adjudication whose category has one of `codes`, in that order.
const Json* Adjudication(const Json& item, std::initializer_list<std::string_view> codes) {
  const Json* adj = Array(item, "adjudication");
  if (!adj) return nullptr;
  for (std::string_view code : codes) {
    for (const Json& a : *adj) {
      if (HasCode(Field(a, "category"), {}, code) && Field(a, "amount")) return &a;
    }
  }
  return nullptr;
}

// One money field of a line; "" with an error set when the amount is unusable.
std::string LineMoney(const Json* adj, const std::string& path, MappedEob& out) {
  const Json* amount = Field(*adj, "amount");
  const std::string currency =
      Str(*amount, "currency").empty() ? Str(*amount, "code") : Str(*amount, "currency");
  if (!currency.empty() && currency != "USD") {
    out.error = MapError{path + ".amount.currency", "currency '" + currency + "', expected USD"};
    return {};
  }
  auto m = ExactMoney(Field(*amount, "value"));
  if (!m.ok()) {
    out.error = MapError{path + ".amount.value", m.status().message()};
    return {};
  }
  return *m;
}

bool MapLine(const Json& item, size_t i, MappedEob& out, OJson& line) {
  const std::string path = Path("item", i);
  const Json* seq = Field(item, "sequence");
  if (!seq || !seq->is_number_integer() || seq->get<int64_t>() < 1) {
    out.error = MapError{path + ".sequence", "missing or not a positive integer"};
    return false;
  }
  line["line"] = seq->get<int64_t>();
  const Json* service = Field(item, "productOrService");
  if (!service) service = Field(item, "service");  // STU3
  if (std::string h = FirstCode(service); !h.empty()) line["hcpcs"] = h;
  OJson mods = OJson::array();
  if (const Json* m = Array(item, "modifier")) {
    for (const Json& c : *m) {
      if (std::string code = FirstCode(&c); !code.empty()) mods.push_back(code);
    }
  }
  line["modifiers"] = std::move(mods);
  const Json* qty = Field(item, "quantity");
  if (auto u = DecimalText(qty ? Field(*qty, "value") : nullptr)) {
    line["units"] = *u;
  } else {
    line["units"] = "1";
    ++out.assumptions["units 1 (no item.quantity)"];
  }
  std::string sd = DatePart(Str(item, "servicedDate"));
  if (sd.empty()) {
    if (const Json* p = Field(item, "servicedPeriod")) sd = DatePart(Str(*p, "start"));
  }
  if (sd.empty()) {
    sd = out.body.value("from_date", "");
    ++out.assumptions["service_date from billablePeriod.start (no item.serviced[x])"];
  }
  line["service_date"] = sd;
  if (std::string pos = FirstCode(Field(item, "locationCodeableConcept")); !pos.empty()) {
    line["pos"] = pos;
  }
  const Json* paid = Adjudication(
      item, {v::kBbLinePaid, v::kBbRevCenterPaid, v::kCatPaidToProvider, v::kCatBenefit});
  const Json* allowed = Adjudication(item, {v::kBbLineAllowed, v::kCatEligible});
  std::string paid_text = "0.00", allowed_text;
  if (paid) {
    paid_text = LineMoney(paid, path + ".adjudication(paid)", out);
    if (out.error) return false;
  } else {
    ++out.assumptions["paid 0.00 (line without a payment adjudication)"];
  }
  if (allowed) {
    allowed_text = LineMoney(allowed, path + ".adjudication(eligible)", out);
    if (out.error) return false;
  } else {
    allowed_text = paid_text;
    ++out.assumptions["allowed = paid (line without an eligible/allowed adjudication)"];
  }
  line["allowed"] = allowed_text;
  line["paid"] = paid_text;
  if (std::string rev = FirstCode(Field(item, "revenue")); !rev.empty()) line["revenue_code"] = rev;
  return true;
}

void MapLines(const Json& eob, MappedEob& out) {
  const Json* items = Array(eob, "item");
  if (!items || items->empty()) {
    if (!out.cancelled) out.error = MapError{"item", "no items (a claim needs at least one line)"};
    out.body["lines"] = OJson::array();
    return;
  }
  OJson lines = OJson::array();
  for (size_t i = 0; i < items->size(); ++i) {
    OJson line;
    if (!MapLine((*items)[i], i, out, line)) return;
    lines.push_back(std::move(line));
  }
  out.body["lines"] = std::move(lines);
}

// SPEC pays by line. A header payment.amount that differs from the lines' paid sum (Blue
// Button institutional claims pay at the header) is counted, not allocated to lines.
void CheckHeaderPayment(const Json& eob, MappedEob& out) {
  const Json* payment = Field(eob, "payment");
  const Json* amount = payment ? Field(*payment, "amount") : nullptr;
  if (!amount) return;
  auto header = ExactMoney(Field(*amount, "value"));
  if (!header.ok()) return;
  Money lines;
  for (const auto& line : out.body["lines"])
    lines += *Money::Parse(line["paid"].get<std::string>());
  if (lines != *Money::Parse(*header)) {
    ++out.assumptions["payment.amount differs from the lines' paid sum (the lines are used)"];
  }
}

void MapIdentity(const Json& eob, MappedEob& out) {
  out.resource_id = Str(eob, "id");
  out.claim_identifier = IdentifierValue(eob, v::kClmIdSystem, v::kUniqueClaimIdType);
  const std::string status = Str(eob, "status");
  out.cancelled = status == v::kStatusCancelled || status == v::kStatusEnteredInError;
  out.created = Str(eob, "created");
  if (const Json* meta = Field(eob, "meta")) out.last_updated = Str(*meta, "lastUpdated");
  if (const Json* p = Field(eob, "patient")) {
    out.patient_id = ReferenceId(p);
    out.patient_mbi = IdentifierValue(*p, v::kMbiSystem, v::kMbiIdType);
  }
  if (const Json* rel = Array(eob, "related")) {
    for (const Json& r : *rel) {
      const Json* rs = Field(r, "relationship");
      const bool by = HasCode(rs, {}, v::kRelationshipReplacedBy);
      if (!by && !HasCode(rs, {}, v::kRelationshipPrior) &&
          !HasCode(rs, {}, v::kRelationshipReplaces)) {
        continue;
      }
      const Json* claim = Field(r, "claim");
      std::string target = ReferenceId(claim);
      if (target.empty() && claim) {
        if (const Json* id = Field(*claim, "identifier")) target = Str(*id, "value");
      }
      if (!target.empty()) out.related.push_back({target, by});
    }
  }
}

// Keeps what later steps need from the body and its compact text; frees the DOM.
void Compact(MappedEob& out) {
  if (!out.body.is_object()) return;
  out.rendering_npi = out.body.value("rendering_npi", "");
  out.billing_tin = out.body.value("billing_tin", "");
  if (const auto it = out.body.find("lines"); it != out.body.end()) {
    out.lines = static_cast<int64_t>(it->size());
    for (const auto& line : *it) out.paid += *Money::Parse(line["paid"].get<std::string>());
  }
  out.body_text = out.body.dump();
  out.body = nullptr;
}

void MapEobBody(const Json& eob, MappedEob& out);

}  // namespace

MappedEob MapEob(const Json& eob) {
  MappedEob out;
  MapEobBody(eob, out);
  Compact(out);
  return out;
}

namespace {

void MapEobBody(const Json& eob, MappedEob& out) {
  MapIdentity(eob, out);
  if (out.resource_id.empty()) {
    out.error = MapError{"id", "no resource id"};
    return;
  }
  if (out.patient_id.empty() && out.patient_mbi.empty()) {
    out.error = MapError{"patient", "no patient reference"};
    return;
  }
  out.body = OJson::object();
  MappedEob type;  // the claim type decides out of scope before any other field matters
  type.body = OJson::object();
  MapClaimType(eob, type);
  if (!type.out_of_scope.empty()) {
    out.out_of_scope = type.out_of_scope;
    return;
  }
  if (type.error) {
    out.error = type.error;
    return;
  }
  // A provider error is kept until the lines are read, so the report can say what paid
  // amounts the rejected EOB carried (SPEC §6: a rejected paid claim changes expenditure).
  MapProviders(eob, out);
  std::optional<MapError> provider_error = std::move(out.error);
  out.error.reset();
  out.body["claim_type"] = type.body["claim_type"];
  const Json* bp = Field(eob, "billablePeriod");
  const std::string from = bp ? DatePart(Str(*bp, "start")) : "";
  std::string through = bp ? DatePart(Str(*bp, "end")) : "";
  if (from.empty()) {
    out.error = MapError{"billablePeriod.start", "missing or not a date"};
    return;
  }
  if (through.empty()) {
    through = from;
    ++out.assumptions["through_date = from_date (no billablePeriod.end)"];
  }
  out.body["from_date"] = from;
  out.body["through_date"] = through;
  out.body["paid_date"] = PaidDate(eob, through, out.assumptions);
  MapDiagnoses(eob, out);
  if (out.body["claim_type"] == "institutional") MapInstitutional(eob, out);
  MapLines(eob, out);
  if (!out.error) CheckHeaderPayment(eob, out);
  if (provider_error && !out.error) out.error = std::move(provider_error);
}

}  // namespace

}  // namespace vbp::fhir
