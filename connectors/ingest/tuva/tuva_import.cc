#include "connectors/ingest/tuva/tuva_import.h"

#include <algorithm>
#include <map>
#include <set>

#include "connectors/ingest/medicare/medicare_codes.h"
#include "domain/date.h"
#include "domain/decimal.h"
#include "rules/core/embedded_rule_sets.h"

namespace vbp::tuva {
namespace {

using ojson = nlohmann::ordered_json;
using medicare::SmallCode;
namespace json = generate::json;

constexpr size_t kExamplesPerReason = 5;
constexpr int kDiagnosisColumns = 25;
constexpr int kProcedureColumns = 25;
constexpr int kModifierColumns = 5;
// Coverage with no end date is open: it runs to the last day a Date can hold.
constexpr const char* kOpenEnd = "2199-12-31";
// Provider records carry a fixed effective date: NPPES enumeration dates are not in the file.
constexpr const char* kProviderEffective = "2000-01-01";

// --- Counters ------------------------------------------------------------------------------

struct Report {
  std::map<std::string, int64_t> fallbacks;
  std::map<std::string, int64_t> amounts;
  std::map<std::string, int64_t> notes;  // other normalisations
  struct Skipped {
    int64_t count = 0;
    ojson examples = ojson::array();
  };
  std::map<std::string, Skipped> skipped;  // "file: reason"
  int64_t skipped_total = 0;

  void Skip(const std::string& file, const std::string& reason, int64_t line,
            const std::string& key) {
    auto& s = skipped[file + ": " + reason];
    ++s.count;
    ++skipped_total;
    if (s.examples.size() < kExamplesPerReason) {
      s.examples.push_back({{"line", line}, {"key", key}});
    }
  }
};

// --- Field normalisation -------------------------------------------------------------------

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool AllAlnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "YYYY-MM-DD", optionally followed by a time ("2018-01-01 00:00:00", "...T...").
std::optional<Date> ParseDay(std::string_view s) {
  if (s.size() > 10 && (s[10] == ' ' || s[10] == 'T')) s = s.substr(0, 10);
  auto d = Date::Parse(s);
  if (!d.ok()) return std::nullopt;
  return *d;
}

// Left-pads a digit code to `width` ("300" -> "0300"); nullopt unless 1..width digits.
std::optional<std::string> PadDigits(std::string_view s, size_t width) {
  if (!AllDigits(s) || s.size() > width) return std::nullopt;
  return std::string(width - s.size(), '0') + std::string(s);
}

std::optional<std::string> Npi(std::string_view s) {
  if (s.size() == 10 && AllDigits(s)) return std::string(s);
  return std::nullopt;
}

// ICD-10-CM: letter, digit, alnum, up to 4 more alnum; dots removed, upper case.
std::optional<std::string> Icd10(std::string_view s) {
  std::string code;
  for (char c : s) {
    if (c != '.') code.push_back(c);
  }
  code = Upper(code);
  if (code.size() < 3 || code.size() > 7 || !AllAlnum(code)) return std::nullopt;
  if (!(code[0] >= 'A' && code[0] <= 'Z') || !(code[1] >= '0' && code[1] <= '9'))
    return std::nullopt;
  return code;
}

// An amount: an exact decimal with at most 6 decimals.
std::optional<Money> Amount(std::string_view s) {
  auto m = Money::Parse(s);
  if (!m.ok()) return std::nullopt;
  return *m;
}

std::string DateText(Date d) { return d.ToString(); }

// --- Records -------------------------------------------------------------------------------

struct LineOut {
  int32_t line = 0;
  std::string hcpcs;
  std::vector<std::string> modifiers;
  std::string units;  // canonical exact decimal
  Date service;
  std::string pos;
  Money allowed;
  Money paid;
  std::string revenue;
};

struct ClaimOut {
  std::string claim_id;
  std::string member_id;
  std::string billing_tin;
  std::string rendering_npi;
  ClaimType type = ClaimType::kProfessional;
  Date from, through, paid;
  std::vector<std::string> diagnoses;
  std::vector<LineOut> lines;
  std::string facility_npi, bill_type, discharge_status, drg;
  std::optional<Date> admission, discharge;
  std::vector<std::string> procedures;
};

void EncodeClaim(std::string& out, const ClaimOut& c) {
  const bool inst = c.type == ClaimType::kInstitutional;
  out += "{\"schema\":\"vbp.claim/1\",\"claim_id\":";
  json::AppendString(out, c.claim_id);
  out += ",\"version\":1,\"frequency\":\"original\",\"member_id\":";
  json::AppendString(out, c.member_id);
  out += ",\"billing_tin\":";
  json::AppendString(out, c.billing_tin);
  out += ",\"rendering_npi\":";
  json::AppendString(out, c.rendering_npi);
  out += ",\"claim_type\":";
  json::AppendString(out, ClaimTypeName(c.type));
  out += ",\"from_date\":";
  json::AppendString(out, DateText(c.from));
  out += ",\"through_date\":";
  json::AppendString(out, DateText(c.through));
  out += ",\"paid_date\":";
  json::AppendString(out, DateText(c.paid));
  out += ",\"diagnoses\":[";
  for (size_t i = 0; i < c.diagnoses.size(); ++i) {
    if (i) out += ",";
    json::AppendString(out, c.diagnoses[i]);
  }
  out += "]";
  if (inst) {
    if (!c.facility_npi.empty()) {
      out += ",\"facility_npi\":";
      json::AppendString(out, c.facility_npi);
    }
    if (!c.bill_type.empty()) {
      out += ",\"bill_type\":";
      json::AppendString(out, c.bill_type);
    }
    if (c.admission) {
      out += ",\"admission_date\":";
      json::AppendString(out, DateText(*c.admission));
    }
    if (c.discharge) {
      out += ",\"discharge_date\":";
      json::AppendString(out, DateText(*c.discharge));
    }
    if (!c.discharge_status.empty()) {
      out += ",\"discharge_status\":";
      json::AppendString(out, c.discharge_status);
    }
    if (!c.drg.empty()) {
      out += ",\"drg\":";
      json::AppendString(out, c.drg);
    }
    if (!c.procedures.empty()) {
      out += ",\"procedures\":[";
      for (size_t i = 0; i < c.procedures.size(); ++i) {
        if (i) out += ",";
        json::AppendString(out, c.procedures[i]);
      }
      out += "]";
    }
  }
  out += ",\"lines\":[";
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const LineOut& l = c.lines[i];
    out += i ? ",{\"line\":" : "{\"line\":";
    json::AppendInt(out, l.line);
    if (!l.hcpcs.empty()) {
      out += ",\"hcpcs\":";
      json::AppendString(out, l.hcpcs);
    }
    out += ",\"modifiers\":[";
    for (size_t k = 0; k < l.modifiers.size(); ++k) {
      if (k) out += ",";
      json::AppendString(out, l.modifiers[k]);
    }
    out += "],\"units\":";
    if (l.units.find('.') == std::string::npos) {
      out += l.units;  // an integer: a JSON integer
    } else {
      json::AppendString(out, l.units);
    }
    out += ",\"service_date\":";
    json::AppendString(out, DateText(l.service));
    if (!inst && !l.pos.empty()) {
      out += ",\"pos\":";
      json::AppendString(out, l.pos);
    }
    out += ",\"allowed\":";
    json::AppendString(out, l.allowed.ToString());
    out += ",\"paid\":";
    json::AppendString(out, l.paid.ToString());
    if (inst && !l.revenue.empty()) {
      out += ",\"revenue_code\":";
      json::AppendString(out, l.revenue);
    }
    out += "}";
  }
  out += "]}";
}

struct ProviderIn {
  std::string npi;
  std::string entity_type;
  std::string taxonomy;
  std::string specialty;
  std::optional<Date> deactivation;
  int64_t line = 0;
};

// Column handles of a table; a missing optional column reads as empty.
struct Cols {
  const CsvTable& t;
  std::string_view operator()(const CsvTable::Row& r, std::string_view name) const {
    return t.Get(r, t.Column(name));
  }
};

Status RequireColumns(const CsvTable& t, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (!t.Column(n)) {
      return Status::Invalid(t.name() + ": missing column '" + n +
                             "' (columns are matched by "
                             "header name)");
    }
  }
  return Status::Ok();
}

}  // namespace

// --- Public mapping helpers ----------------------------------------------------------------

ProviderClass ProviderClassOf(std::string_view taxonomy, std::string_view entity_type) {
  if (entity_type == "2") return ProviderClass::kOther;  // organisations
  const std::string t = Upper(taxonomy);
  auto starts = [&](std::string_view p) { return t.rfind(p, 0) == 0; };
  // Primary care (MSSP primary care specialties): family medicine, general practice,
  // internal medicine (general and geriatric), pediatrics.
  if (starts("207Q") || starts("208D") || t == "207R00000X" || t == "207RG0300X" ||
      starts("2080")) {
    return ProviderClass::kPcp;
  }
  // Nurse practitioners, physician assistants, clinical nurse specialists.
  if (starts("363L") || starts("363A") || starts("364S")) return ProviderClass::kNpp;
  // Other allopathic and osteopathic physicians (taxonomy group 20).
  if (t.size() == 10 && starts("20")) return ProviderClass::kSpecialist;
  return ProviderClass::kOther;
}

// --- The import steps ----------------------------------------------------------------------

namespace {

// Input names as the report's skip reasons spell them.
constexpr const char* kClaimsFile = "medical_claim";
constexpr const char* kEligFile = "eligibility";
constexpr const char* kProvFile = "provider";

// Refuses a call that cannot run: a sink or a required column missing, no contract TINs.
Status CheckInputs(const CsvTable& mc, const CsvTable& el, const CsvTable& pr,
                   const TuvaImportOptions& options, const TuvaImportSinks& sinks) {
  if (!sinks.members || !sinks.providers || !sinks.claims || !sinks.contracts) {
    return Status::Invalid("every output sink must be given");
  }
  VBP_RETURN_IF_ERROR(
      RequireColumns(mc, {"claim_id", "claim_line_number", "claim_type", "person_id"}));
  VBP_RETURN_IF_ERROR(RequireColumns(el, {"person_id", "birth_date", "enrollment_start_date"}));
  VBP_RETURN_IF_ERROR(RequireColumns(pr, {"npi"}));
  if (options.contract_tins < 1) return Status::Invalid("contract_tins must be >= 1");
  return Status::Ok();
}

// Reports every CSV syntax error of the three tables as a skipped row.
void SkipCsvErrors(const CsvTable& mc, const CsvTable& el, const CsvTable& pr, Report& rep) {
  for (const auto* t : {&mc, &el, &pr}) {
    const std::string file = t == &mc ? kClaimsFile : t == &el ? kEligFile : kProvFile;
    for (const auto& [line, why] : t->errors()) rep.Skip(file, "CSV syntax: " + why, line, "");
  }
}

// --- Providers ---

// The provider table by NPI, and the NPIs in file order.
struct ProviderTable {
  std::map<std::string, ProviderIn> by_npi;
  std::vector<std::string> order;
};

// Reads the provider table: one entry per valid NPI, the first row kept.
ProviderTable ReadProviders(const CsvTable& pr, Report& rep) {
  Cols P{pr};
  ProviderTable out;
  for (const auto& row : pr.rows()) {
    const auto npi = Npi(P(row, "npi"));
    if (!npi) {
      rep.Skip(kProvFile, "npi is not 10 digits", row.line, std::string(P(row, "npi")));
      continue;
    }
    if (out.by_npi.count(*npi)) {
      rep.Skip(kProvFile, "npi repeated (first row kept)", row.line, *npi);
      continue;
    }
    ProviderIn p;
    p.npi = *npi;
    p.entity_type = std::string(P(row, "entity_type_code"));
    p.taxonomy = std::string(P(row, "primary_taxonomy_code"));
    p.specialty = std::string(P(row, "primary_specialty_description"));
    if (p.specialty.empty()) {
      p.specialty = p.taxonomy.empty() ? "unknown" : p.taxonomy;
      ++rep.notes[p.taxonomy.empty() ? "providers.specialty_unknown"
                                     : "providers.specialty_from_taxonomy_code"];
    }
    const std::string_view deact = P(row, "deactivation_date");
    if (!deact.empty()) {
      p.deactivation = ParseDay(deact);
      if (!p.deactivation) ++rep.notes["providers.deactivation_date_unreadable_ignored"];
    }
    p.line = row.line;
    out.order.push_back(*npi);
    out.by_npi.emplace(*npi, std::move(p));
  }
  return out;
}

// Provider class of an NPI; kOther when the provider table does not list it.
ProviderClass ClassOf(const ProviderTable& providers, const std::string& npi) {
  auto it = providers.by_npi.find(npi);
  if (it == providers.by_npi.end()) return ProviderClass::kOther;
  return ProviderClassOf(it->second.taxonomy, it->second.entity_type);
}

// --- Claims ---

// medical_claim rows grouped by claim_id, and the ids in order of first appearance.
struct ClaimGroups {
  std::map<std::string, std::vector<const CsvTable::Row*>> rows;
  std::vector<std::string> order;
};

// Groups the medical_claim rows by claim_id; a row without one is skipped.
ClaimGroups GroupClaimLines(const CsvTable& mc, Report& rep) {
  Cols C{mc};
  ClaimGroups out;
  for (const auto& row : mc.rows()) {
    const std::string id(C(row, "claim_id"));
    if (id.empty()) {
      rep.Skip(kClaimsFile, "claim_id empty", row.line, "");
      continue;
    }
    auto [it, inserted] = out.rows.try_emplace(id);
    if (inserted) out.order.push_back(id);
    it->second.push_back(&row);
  }
  return out;
}

// One claim's rows while the claim is mapped.
struct ClaimSource {
  Cols C;
  std::string id;
  // File order until SortByLineNumber; the header columns read after it see line order.
  std::vector<const CsvTable::Row*> rows;
  int64_t first_line = 0;  // file line of the claim's first row, for skip examples

  // The first non-empty value of a column over the rows, in their current order.
  std::string_view FirstNonempty(std::string_view col) const {
    for (const auto* r : rows) {
      const auto v = C(*r, col);
      if (!v.empty()) return v;
    }
    return {};
  }
};

// What the claims say about billing: per rendering NPI its TINs, surrogate TINs' sources, and
// rendering NPIs the provider table lacks.
struct BillingTally {
  std::map<std::string, std::map<std::string, int64_t>> tins_of_rendering;  // npi -> tin -> lines
  std::map<std::string, std::string> surrogate_source;  // surrogate TIN -> the NPI it came from
  std::set<std::string> unknown_npis;
};

// Claim type from the first row; nullopt (claim skipped) unless professional or institutional.
std::optional<ClaimType> MapClaimType(const ClaimSource& src, Report& rep) {
  const std::string type = Lower(src.C(*src.rows.front(), "claim_type"));
  ClaimType out;
  if (type == "professional") {
    out = ClaimType::kProfessional;
  } else if (type == "institutional") {
    out = ClaimType::kInstitutional;
  } else {
    rep.Skip(kClaimsFile, "claim_type is neither professional nor institutional (claim skipped)",
             src.first_line, src.id);
    return std::nullopt;
  }
  for (const auto* r : src.rows) {
    if (Lower(src.C(*r, "claim_type")) != type) {
      ++rep.notes["claims.claim_type_differs_between_lines_first_kept"];
      break;
    }
  }
  return out;
}

// Member of the claim: person_id, else member_id; false (claim skipped) when neither is given.
bool MapMemberId(const ClaimSource& src, Report& rep, ClaimOut& c) {
  c.member_id = std::string(src.FirstNonempty("person_id"));
  if (c.member_id.empty()) {
    c.member_id = std::string(src.FirstNonempty("member_id"));
    if (!c.member_id.empty()) ++rep.fallbacks["claims.member_id_from_member_id_column"];
  }
  if (c.member_id.empty()) {
    rep.Skip(kClaimsFile, "no person_id or member_id (claim skipped)", src.first_line, src.id);
    return false;
  }
  return true;
}

// Orders the claim's rows by claim_line_number; unreadable numbers last, ties in file order.
void SortByLineNumber(ClaimSource& src) {
  const Cols& C = src.C;
  std::stable_sort(src.rows.begin(), src.rows.end(),
                   [&](const CsvTable::Row* a, const CsvTable::Row* b) {
                     const auto la = SmallCode(C(*a, "claim_line_number")).value_or(1 << 30);
                     const auto lb = SmallCode(C(*b, "claim_line_number")).value_or(1 << 30);
                     return la < lb;
                   });
}

// A line's valid modifiers, in column order; invalid ones are dropped and counted.
std::vector<std::string> MapModifiers(const Cols& C, const CsvTable::Row& r, Report& rep) {
  std::vector<std::string> out;
  for (int k = 1; k <= kModifierColumns; ++k) {
    const std::string m = Upper(C(r, "hcpcs_modifier_" + std::to_string(k)));
    if (m.empty()) continue;
    if (m.size() == 2 && AllAlnum(m)) {
      out.push_back(m);
    } else {
      ++rep.notes["lines.modifier_invalid_dropped"];
    }
  }
  return out;
}

// A line's units as a canonical exact decimal; 1 when missing or invalid.
std::string MapUnits(std::string_view units, Report& rep) {
  if (units.empty()) {
    ++rep.fallbacks["lines.units_missing_set_to_1"];
    return "1";
  }
  auto u = ParseExactDecimal(units);
  if (!u.ok() || *u < 0) {
    ++rep.fallbacks["lines.units_invalid_set_to_1"];
    return "1";
  }
  auto text = ExactDecimalString(*u);
  return text.ok() ? *text : "1";
}

// Place of service (professional) or revenue code (institutional) of a line.
void MapPlaceOrRevenue(const Cols& C, const CsvTable::Row& r, ClaimType type, Report& rep,
                       LineOut& l) {
  if (type == ClaimType::kProfessional) {
    if (auto pos = PadDigits(C(r, "place_of_service_code"), 2)) {
      l.pos = *pos;
    } else {
      l.pos = "99";
      ++rep.fallbacks["lines.place_of_service_missing_set_to_99"];
    }
  } else {
    const std::string_view rev = C(r, "revenue_center_code");
    if (auto code = PadDigits(rev, 4)) {
      l.revenue = *code;
      if (rev.size() < 4) ++rep.notes["lines.revenue_code_left_padded"];
    } else if (!rev.empty()) {
      ++rep.notes["lines.revenue_code_invalid_dropped"];
    }
  }
}

// A line's paid and allowed amounts. Amounts: never zeroed without a count.
void MapAmounts(const Cols& C, const CsvTable::Row& r, Report& rep, LineOut& l) {
  std::optional<Money> paid, allowed;
  const std::string_view paid_text = C(r, "paid_amount");
  const std::string_view allowed_text = C(r, "allowed_amount");
  if (!paid_text.empty()) {
    paid = Amount(paid_text);
    if (!paid) ++rep.amounts["lines.paid_amount_unreadable"];
  }
  if (!allowed_text.empty()) {
    allowed = Amount(allowed_text);
    if (!allowed) ++rep.amounts["lines.allowed_amount_unreadable"];
  }
  const bool paid_given = paid.has_value();
  if (!paid) {
    ++rep.amounts["lines.paid_missing_set_to_0"];
    paid = Money::Zero();
  }
  if (!allowed) {
    if (paid_given) {
      allowed = *paid;
      ++rep.amounts["lines.allowed_missing_set_to_paid"];
    } else {
      allowed = Money::Zero();
      ++rep.amounts["lines.allowed_missing_set_to_0"];
    }
  }
  if (paid->IsNegative() || allowed->IsNegative()) ++rep.amounts["lines.negative_amount_kept"];
  if (*paid > *allowed) ++rep.amounts["lines.paid_exceeds_allowed_kept"];
  l.paid = *paid;
  l.allowed = *allowed;
}

// One row as a claim line; nullopt (line skipped) when its number is bad or repeated, it has no
// service date, or a professional line lacks a valid HCPCS code.
std::optional<LineOut> MapLine(const ClaimSource& src, const CsvTable::Row& r, ClaimType type,
                               std::optional<Date> from, std::set<int32_t>& numbers, Report& rep) {
  const Cols& C = src.C;
  LineOut l;
  const auto number = SmallCode(C(r, "claim_line_number"));
  if (!number || *number < 1) {
    rep.Skip(kClaimsFile, "claim_line_number is not a positive integer (line skipped)", r.line,
             src.id);
    return std::nullopt;
  }
  if (!numbers.insert(*number).second) {
    rep.Skip(kClaimsFile, "claim_line_number repeated within the claim (line skipped)", r.line,
             src.id);
    return std::nullopt;
  }
  l.line = *number;
  // Service date: the line's start date, else the claim's.
  if (auto d = ParseDay(C(r, "claim_line_start_date"))) {
    l.service = *d;
  } else if (from) {
    l.service = *from;
    ++rep.fallbacks["lines.service_date_from_claim_start_date"];
  } else {
    rep.Skip(kClaimsFile, "no claim_line_start_date or claim_start_date (line skipped)", r.line,
             src.id);
    return std::nullopt;
  }
  // HCPCS and modifiers.
  const std::string hcpcs = Upper(C(r, "hcpcs_code"));
  if (hcpcs.size() == 5 && AllAlnum(hcpcs)) {
    l.hcpcs = hcpcs;
  } else if (!hcpcs.empty()) {
    ++rep.notes["lines.hcpcs_invalid_dropped"];
  }
  if (type == ClaimType::kProfessional && l.hcpcs.empty()) {
    rep.Skip(kClaimsFile, "professional line without a valid hcpcs_code (line skipped)", r.line,
             src.id);
    return std::nullopt;
  }
  l.modifiers = MapModifiers(C, r, rep);
  l.units = MapUnits(C(r, "service_unit_quantity"), rep);
  MapPlaceOrRevenue(C, r, type, rep, l);
  MapAmounts(C, r, rep, l);
  return l;
}

// Claim from/through dates (from the lines when absent) and paid date.
void MapClaimDates(const ClaimSource& src, std::optional<Date> from, std::optional<Date> through,
                   Report& rep, ClaimOut& c) {
  if (!from) {
    from = c.lines.front().service;
    for (const auto& l : c.lines) from = std::min(*from, l.service);
    ++rep.fallbacks["claims.from_date_from_line_dates"];
  }
  if (!through) {
    through = *from;
    for (const auto& l : c.lines) through = std::max(*through, l.service);
    ++rep.fallbacks["claims.through_date_from_line_dates"];
  }
  if (*through < *from) {
    through = *from;
    ++rep.fallbacks["claims.through_date_before_from_date_set_to_from"];
  }
  c.from = *from;
  c.through = *through;
  // Paid date: absent in the Tuva synthetic data; the claim's end date stands for it.
  if (auto paid_day = ParseDay(src.FirstNonempty("paid_date"))) {
    c.paid = *paid_day;
  } else {
    c.paid = c.through;
    ++rep.fallbacks["claims.paid_date_missing_set_to_claim_end_date"];
  }
}

// Diagnoses: claim-level columns, in order, over every line, without repeats.
void MapDiagnoses(const ClaimSource& src, Report& rep, ClaimOut& c) {
  for (const auto* r : src.rows) {
    for (int k = 1; k <= kDiagnosisColumns; ++k) {
      const std::string_view raw = src.C(*r, "diagnosis_code_" + std::to_string(k));
      if (raw.empty()) continue;
      const auto dx = Icd10(raw);
      if (!dx) {
        ++rep.notes["claims.diagnosis_invalid_dropped"];
        continue;
      }
      if (std::find(c.diagnoses.begin(), c.diagnoses.end(), *dx) == c.diagnoses.end()) {
        c.diagnoses.push_back(*dx);
      }
    }
  }
  if (c.diagnoses.empty()) ++rep.notes["claims.without_diagnoses"];
}

// The claim's NPI columns (the first non-empty value of each, if it is a valid NPI).
struct ClaimNpis {
  std::optional<std::string> rendering, billing, facility;
};

// Rendering NPI: the column, else the billing NPI, else the facility NPI; false (claim skipped)
// when none is valid.
bool MapRenderingNpi(const ClaimSource& src, const ClaimNpis& npis, Report& rep, ClaimOut& c) {
  if (npis.rendering) {
    c.rendering_npi = *npis.rendering;
  } else if (npis.billing) {
    c.rendering_npi = *npis.billing;
    ++rep.fallbacks["claims.rendering_npi_from_billing_npi"];
  } else if (npis.facility) {
    c.rendering_npi = *npis.facility;
    ++rep.fallbacks["claims.rendering_npi_from_facility_npi"];
  } else {
    rep.Skip(kClaimsFile, "no rendering, billing or facility NPI (claim skipped)", src.first_line,
             src.id);
    return false;
  }
  return true;
}

// Billing TIN: the column, else a surrogate from billing NPI, facility NPI (institutional),
// rendering NPI - in that order. Counted per line; tallied per rendering NPI.
void MapBillingTin(const ClaimSource& src, const ClaimNpis& npis, Report& rep,
                   BillingTally& billing, ClaimOut& c) {
  std::string tin_digits;
  for (char ch : src.FirstNonempty("billing_tin")) {
    if (ch != '-') tin_digits.push_back(ch);
  }
  const auto n_lines = static_cast<int64_t>(c.lines.size());
  std::string surrogate_npi;  // the NPI a surrogate TIN comes from
  if (tin_digits.size() == 9 && AllDigits(tin_digits)) {
    c.billing_tin = tin_digits;
    rep.fallbacks["lines.billing_tin_from_billing_tin"] += n_lines;
  } else if (npis.billing) {
    surrogate_npi = *npis.billing;
    rep.fallbacks["lines.billing_tin_surrogate_from_billing_npi"] += n_lines;
  } else if (c.type == ClaimType::kInstitutional && npis.facility) {
    surrogate_npi = *npis.facility;
    rep.fallbacks["lines.billing_tin_surrogate_from_facility_npi"] += n_lines;
  } else {
    surrogate_npi = c.rendering_npi;
    rep.fallbacks["lines.billing_tin_surrogate_from_rendering_npi"] += n_lines;
  }
  if (!surrogate_npi.empty()) c.billing_tin = SurrogateTin(surrogate_npi);
  billing.tins_of_rendering[c.rendering_npi][c.billing_tin] += n_lines;
  if (!surrogate_npi.empty()) {
    // Two NPIs that differ only in the leading digit would share a surrogate TIN.
    auto [it, inserted] = billing.surrogate_source.emplace(c.billing_tin, surrogate_npi);
    if (!inserted && it->second != surrogate_npi)
      ++rep.notes["claims.surrogate_tin_shared_by_two_npis"];
  }
}

// Institutional header: facility NPI, bill type, DRG, discharge status, stay dates, procedures.
void MapInstitutionalHeader(const ClaimSource& src, const ClaimNpis& npis, Report& rep,
                            ClaimOut& c) {
  if (npis.facility) c.facility_npi = *npis.facility;
  const std::string_view tob = src.FirstNonempty("bill_type_code");
  if (AllDigits(tob) && (tob.size() == 3 || tob.size() == 4)) {
    c.bill_type = std::string(tob);
  } else if (!tob.empty()) {
    ++rep.notes["claims.bill_type_invalid_dropped"];
  }
  if (auto drg = PadDigits(src.FirstNonempty("drg_code"), 3)) c.drg = *drg;
  const std::string_view ds = src.FirstNonempty("discharge_disposition_code");
  if (ds.size() == 1 && AllDigits(ds)) {
    c.discharge_status = "0" + std::string(ds);
  } else if (ds.size() == 2 && AllAlnum(ds)) {
    c.discharge_status = std::string(ds);
  }
  c.admission = ParseDay(src.FirstNonempty("admission_date"));
  c.discharge = ParseDay(src.FirstNonempty("discharge_date"));
  for (int k = 1; k <= kProcedureColumns; ++k) {
    const std::string p = Upper(src.FirstNonempty("procedure_code_" + std::to_string(k)));
    if (p.empty()) continue;
    if (p.size() == 7 && AllAlnum(p)) {
      c.procedures.push_back(p);
    } else {
      ++rep.notes["claims.procedure_invalid_dropped"];
    }
  }
}

// Maps one claim's rows to a claim; nullopt when the claim is skipped (reported).
std::optional<ClaimOut> MapClaim(ClaimSource& src, const ProviderTable& providers, Report& rep,
                                 BillingTally& billing) {
  ClaimOut c;
  c.claim_id = src.id;
  const auto type = MapClaimType(src, rep);
  if (!type) return std::nullopt;
  c.type = *type;
  if (!MapMemberId(src, rep, c)) return std::nullopt;
  // Dates (read in file order, before the rows are sorted).
  const std::optional<Date> from = ParseDay(src.FirstNonempty("claim_start_date"));
  const std::optional<Date> through = ParseDay(src.FirstNonempty("claim_end_date"));
  // Lines.
  SortByLineNumber(src);
  std::set<int32_t> numbers;
  for (const auto* r : src.rows) {
    if (auto l = MapLine(src, *r, c.type, from, numbers, rep)) c.lines.push_back(std::move(*l));
  }
  if (c.lines.empty()) {
    rep.Skip(kClaimsFile, "no usable line (claim skipped)", src.first_line, src.id);
    return std::nullopt;
  }
  MapClaimDates(src, from, through, rep, c);
  MapDiagnoses(src, rep, c);
  // Providers.
  const ClaimNpis npis{Npi(src.FirstNonempty("rendering_npi")),
                       Npi(src.FirstNonempty("billing_npi")),
                       Npi(src.FirstNonempty("facility_npi"))};
  if (!MapRenderingNpi(src, npis, rep, c)) return std::nullopt;
  MapBillingTin(src, npis, rep, billing, c);
  if (!providers.by_npi.count(c.rendering_npi)) billing.unknown_npis.insert(c.rendering_npi);
  if (c.type == ClaimType::kInstitutional) MapInstitutionalHeader(src, npis, rep, c);
  return c;
}

// The mapped claims, what they say about billing, and the lines read.
struct ClaimSet {
  std::vector<ClaimOut> claims;
  BillingTally billing;
  int64_t lines_read = 0;
};

// Maps every claim in order of first appearance; skipped claims and lines are reported.
ClaimSet MapClaims(const CsvTable& mc, const ClaimGroups& groups, const ProviderTable& providers,
                   Report& rep) {
  ClaimSet out;
  for (const std::string& id : groups.order) {
    const auto& rows = groups.rows.at(id);
    ClaimSource src{Cols{mc}, id, rows, rows.front()->line};
    out.lines_read += static_cast<int64_t>(src.rows.size());
    if (auto c = MapClaim(src, providers, rep, out.billing)) out.claims.push_back(std::move(*c));
  }
  return out;
}

// --- Members ---

struct MemberOut {
  std::string id;
  Date birth;
  std::string sex;
  std::vector<std::tuple<Date, Date, std::string, EnrollmentType>> coverage;
  std::string orec;
  std::optional<bool> medicaid;
};

// Members by id, and the ids in order of first appearance.
struct MemberTable {
  std::map<std::string, MemberOut> by_id;
  std::vector<std::string> order;
};

// A member from a person's first eligibility row; nullopt (row skipped) without a birth date.
std::optional<MemberOut> NewMember(const Cols& E, const CsvTable::Row& row, const std::string& id,
                                   Report& rep) {
  const auto birth = ParseDay(E(row, "birth_date"));
  if (!birth) {
    rep.Skip(kEligFile, "birth_date missing or not a date (row skipped)", row.line, id);
    return std::nullopt;
  }
  MemberOut m;
  m.id = id;
  m.birth = *birth;
  const std::string g = Lower(E(row, "gender"));
  m.sex = g == "male" || g == "m" ? "M" : g == "female" || g == "f" ? "F" : "U";
  if (m.sex == "U") ++rep.notes["members.sex_unknown"];
  return m;
}

// Program: Medicare fee-for-service unless the payer or plan names Medicare Advantage.
std::string ProgramOf(const Cols& E, const CsvTable::Row& row, Report& rep) {
  const std::string payer_type = Lower(E(row, "payer_type"));
  const std::string payer = Lower(E(row, "payer"));
  const std::string plan = Lower(E(row, "plan"));
  std::string program;
  auto mentions = [](const std::string& s, const char* w) {
    return s.find(w) != std::string::npos;
  };
  if (mentions(payer_type, "advantage") || mentions(plan, "advantage") ||
      mentions(payer, "advantage")) {
    program = "medicare_advantage";
  } else if (payer_type == "medicare" || (payer_type.empty() && payer == "medicare")) {
    program = "medicare_ffs";
  } else {
    program = payer_type.empty() ? "unknown" : payer_type;
    std::replace(program.begin(), program.end(), ' ', '_');
    ++rep.notes["coverage.non_medicare_program_kept_as_" + program];
  }
  return program;
}

// Dual status: dual_status_code, or a true medicaid_indicator. Updates the member's medicaid
// flag and returns whether this span is dual.
bool MapDualStatus(const Cols& E, const CsvTable::Row& row, MemberOut& m) {
  const std::string mi = Lower(E(row, "medicaid_indicator"));
  const bool mi_true = mi == "1" || mi == "y" || mi == "yes" || mi == "true";
  const bool mi_false = mi == "0" || mi == "n" || mi == "no" || mi == "false";
  const std::string_view dsc = E(row, "dual_status_code");
  const bool dual = IsDualStatus(dsc) || mi_true;
  if (dual) {
    m.medicaid = true;
  } else if ((mi_false || SmallCode(dsc)) && !m.medicaid) {
    m.medicaid = false;
  }
  return dual;
}

// Adds one eligibility row's coverage span to its member; a bad span is skipped.
void AddCoverageSpan(const Cols& E, const CsvTable::Row& row, Report& rep, MemberOut& m) {
  const std::string& id = m.id;
  const auto start = ParseDay(E(row, "enrollment_start_date"));
  if (!start) {
    rep.Skip(kEligFile, "enrollment_start_date missing or not a date (span skipped)", row.line, id);
    return;
  }
  Date end = Date::Parse(kOpenEnd).value();
  if (auto e = ParseDay(E(row, "enrollment_end_date"))) {
    end = *e;
  } else {
    ++rep.fallbacks["coverage.open_ended_through_2199_12_31"];
  }
  if (auto death = ParseDay(E(row, "death_date")); death && *death < end) {
    end = *death;
    ++rep.notes["coverage.through_cut_at_death_date"];
  }
  if (end < *start) {
    rep.Skip(kEligFile, "enrollment ends before it starts (span skipped)", row.line, id);
    return;
  }
  const std::string program = ProgramOf(E, row, rep);
  const bool dual = MapDualStatus(E, row, m);
  const std::string_view orec = E(row, "original_reason_entitlement_code");
  if (m.orec.empty() && !orec.empty()) {
    const auto o = SmallCode(orec);
    m.orec = o ? std::to_string(*o) : std::string(orec);
  }
  const int age = medicare::AgeOn(m.birth, *start);
  const std::string_view msc = E(row, "medicare_status_code");
  if (!SmallCode(msc)) ++rep.fallbacks["coverage.enrollment_type_without_medicare_status_code"];
  m.coverage.emplace_back(*start, end, program, EnrollmentTypeOf(msc, dual, orec, age));
}

// Reads members and their coverage from the eligibility spans.
MemberTable ReadMembers(const CsvTable& el, Report& rep) {
  Cols E{el};
  MemberTable out;
  for (const auto& row : el.rows()) {
    const std::string id(E(row, "person_id"));
    if (id.empty()) {
      rep.Skip(kEligFile, "person_id empty", row.line, "");
      continue;
    }
    auto it = out.by_id.find(id);
    if (it == out.by_id.end()) {
      auto m = NewMember(E, row, id, rep);
      if (!m) continue;
      out.order.push_back(id);
      it = out.by_id.emplace(id, std::move(*m)).first;
    }
    AddCoverageSpan(E, row, rep, it->second);
  }
  return out;
}

// --- Writing members, providers and claims ---

// One member record as an NDJSON line.
void EncodeMember(std::string& line, const MemberOut& m) {
  line = "{\"schema\":\"vbp.member/1\",\"member_id\":";
  json::AppendString(line, m.id);
  line += ",\"birth_date\":";
  json::AppendString(line, DateText(m.birth));
  line += ",\"sex\":";
  json::AppendString(line, m.sex);
  line += ",\"coverage\":[";
  for (size_t i = 0; i < m.coverage.size(); ++i) {
    const auto& [from, through, program, type] = m.coverage[i];
    line += i ? ",{\"from\":" : "{\"from\":";
    json::AppendString(line, DateText(from));
    line += ",\"through\":";
    json::AppendString(line, DateText(through));
    line += ",\"program\":";
    json::AppendString(line, program);
    line += ",\"enrollment_type\":";
    json::AppendString(line, EnrollmentTypeName(type));
    line += "}";
  }
  line += "]";
  if (!m.orec.empty()) {
    line += ",\"orec\":";
    json::AppendString(line, m.orec);
  }
  if (m.medicaid) line += *m.medicaid ? ",\"medicaid\":true" : ",\"medicaid\":false";
  line += "}";
}

// Writes the member records in order of first appearance; returns how many were written.
Result<int64_t> WriteMembers(const MemberTable& members, generate::LineSink& sink) {
  std::string line;
  int64_t written = 0;
  for (const std::string& id : members.order) {
    EncodeMember(line, members.by_id.at(id));
    VBP_RETURN_IF_ERROR(sink.Append(line));
    ++written;
  }
  return written;
}

// A provider's TIN: the one the NPI bills under most (by lines), else a surrogate of its own.
std::string ProviderTin(const std::string& npi, const BillingTally& billing, Report& rep) {
  std::string tin = SurrogateTin(npi);
  if (auto it = billing.tins_of_rendering.find(npi); it != billing.tins_of_rendering.end()) {
    int64_t best = -1;
    for (const auto& [t, n] : it->second) {  // ordered by TIN: ties keep the smallest
      if (n > best) {
        best = n;
        tin = t;
      }
    }
    if (it->second.size() > 1)
      ++rep.notes["providers.npi_bills_under_several_tins_most_lines_kept"];
  } else {
    ++rep.fallbacks["providers.tin_surrogate_from_own_npi_no_claims"];
  }
  return tin;
}

// The provider records written, and how many of each class.
struct ProvidersWritten {
  int64_t count = 0;
  std::map<std::string, int64_t> by_class;
};

// Writes the provider records in file order.
Result<ProvidersWritten> WriteProviders(const ProviderTable& providers, const BillingTally& billing,
                                        Report& rep, generate::LineSink& sink) {
  ProvidersWritten out;
  std::string line;
  for (const std::string& npi : providers.order) {
    const ProviderIn& p = providers.by_npi.at(npi);
    const std::string tin = ProviderTin(npi, billing, rep);
    const ProviderClass cls = ProviderClassOf(p.taxonomy, p.entity_type);
    ++out.by_class[ProviderClassName(cls)];
    std::string effective = kProviderEffective;
    if (p.deactivation && p.deactivation->ToString() < effective) {
      effective = p.deactivation->ToString();
      ++rep.notes["providers.effective_moved_to_deactivation_date"];
    }
    line = "{\"schema\":\"vbp.provider/1\",\"npi\":";
    json::AppendString(line, npi);
    line += ",\"tin\":";
    json::AppendString(line, tin);
    line += ",\"specialty\":";
    json::AppendString(line, p.specialty);
    line += ",\"provider_class\":";
    json::AppendString(line, ProviderClassName(cls));
    line += ",\"effective\":";
    json::AppendString(line, effective);
    if (p.deactivation) {
      line += ",\"termination\":";
      json::AppendString(line, p.deactivation->ToString());
      ++rep.notes["providers.termination_from_deactivation_date"];
    }
    line += "}";
    VBP_RETURN_IF_ERROR(sink.Append(line));
    ++out.count;
  }
  return out;
}

// Figures of the claims written, for the report and the contract year.
struct ClaimStats {
  int64_t claim_lines = 0;
  std::map<std::string, int64_t> by_type;
  std::set<std::string> members_without_eligibility;
  std::map<int, int64_t> lines_by_year;
};

// Writes the claim records in order of first appearance.
Result<ClaimStats> WriteClaims(const std::vector<ClaimOut>& claims, const MemberTable& members,
                               generate::LineSink& sink) {
  ClaimStats out;
  std::string line;
  for (const ClaimOut& c : claims) {
    line.clear();
    EncodeClaim(line, c);
    VBP_RETURN_IF_ERROR(sink.Append(line));
    out.claim_lines += static_cast<int64_t>(c.lines.size());
    ++out.by_type[ClaimTypeName(c.type)];
    if (!members.by_id.count(c.member_id)) out.members_without_eligibility.insert(c.member_id);
    for (const auto& l : c.lines) ++out.lines_by_year[l.service.year()];
  }
  return out;
}

// --- The contract: performance year and the busiest primary-care units. ---

// The contract's performance year and the rule that chose it.
struct YearChoice {
  int year = 0;
  std::string rule;
};

// The given year, else the calendar year with the most claim lines (ties: the later year).
YearChoice ChooseYear(const TuvaImportOptions& options,
                      const std::map<int, int64_t>& lines_by_year) {
  YearChoice out;
  if (options.year) {
    out.year = *options.year;
    out.rule = "given (--year)";
  } else {
    int64_t best = -1;
    for (const auto& [y, n] : lines_by_year) {
      if (n >= best) {  // ties: the later year
        best = n;
        out.year = y;
      }
    }
    out.rule = "the calendar year with the most claim lines by service date";
  }
  return out;
}

// Each member's plurality unit over primary-care lines by pcp/npp in the year (SPEC §3.3
// step 1: largest allowed, then most recent service, then smallest TIN); units ranked by
// the members they win, then their primary-care allowed amount, then TIN.
struct UnitTally {
  int64_t lines = 0;
  Money allowed;
  std::set<std::string> members;
  int64_t members_won = 0;
};
struct MemberUnit {
  Money allowed;
  Date last;
};

// Tallies primary-care lines by billing TIN in the year and gives each member to its unit.
std::map<std::string, UnitTally> TallyPrimaryCareUnits(const std::vector<ClaimOut>& claims,
                                                       const ProviderTable& providers,
                                                       const rules::Parameters& params, int year) {
  std::map<std::string, UnitTally> units;
  std::map<std::string, std::map<std::string, MemberUnit>> member_units;  // member -> tin -> sums
  for (const ClaimOut& c : claims) {
    if (c.type != ClaimType::kProfessional) continue;
    const ProviderClass cls = ClassOf(providers, c.rendering_npi);
    if (cls != ProviderClass::kPcp && cls != ProviderClass::kNpp) continue;
    for (const auto& l : c.lines) {
      if (l.service.year() != year || !params.primary_care_codes.count(l.hcpcs)) continue;
      if (params.ExcludedAtPos(l.hcpcs, l.pos)) continue;
      auto& u = units[c.billing_tin];
      ++u.lines;
      u.allowed += l.allowed;
      u.members.insert(c.member_id);
      auto& mu = member_units[c.member_id][c.billing_tin];
      mu.allowed += l.allowed;
      mu.last = std::max(mu.last, l.service);
    }
  }
  for (const auto& [member, by_tin] : member_units) {
    const std::string* best = nullptr;
    const MemberUnit* best_sum = nullptr;
    for (const auto& [tin, sum] : by_tin) {  // TIN order: ties keep the smallest
      if (!best || sum.allowed > best_sum->allowed ||
          (sum.allowed == best_sum->allowed && sum.last > best_sum->last)) {
        best = &tin;
        best_sum = &sum;
      }
    }
    ++units[*best].members_won;
  }
  return units;
}

// Units that win a member, ranked by members won, then primary-care allowed, then TIN.
std::vector<std::pair<std::string, const UnitTally*>> RankUnits(
    const std::map<std::string, UnitTally>& units) {
  std::vector<std::pair<std::string, const UnitTally*>> ranked;
  for (const auto& [tin, u] : units) {
    if (u.members_won > 0) ranked.push_back({tin, &u});
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second->members_won != b.second->members_won) {
      return a.second->members_won > b.second->members_won;
    }
    if (!(a.second->allowed == b.second->allowed)) return a.second->allowed > b.second->allowed;
    return a.first < b.first;
  });
  return ranked;
}

// The contract as chosen and written, for the report and the summary.
struct ContractOut {
  std::string contract_id;
  YearChoice year;
  std::string rule_set_id;
  std::vector<std::string> tins;  // sorted
  ojson candidates = ojson::array();
  std::vector<std::string> warnings;
  int64_t written = 0;
};

// Takes the top `contract_tins` ranked units into the contract; the first ten are candidates.
void ChooseContractTins(const std::vector<std::pair<std::string, const UnitTally*>>& ranked,
                        int contract_tins, ContractOut& contract) {
  for (size_t i = 0; i < ranked.size(); ++i) {
    const auto& [tin, u] = ranked[i];
    if (i < static_cast<size_t>(contract_tins)) contract.tins.push_back(tin);
    if (i < 10) {
      contract.candidates.push_back({{"tin", tin},
                                     {"members_won", u->members_won},
                                     {"members_served", static_cast<int64_t>(u->members.size())},
                                     {"primary_care_lines", u->lines},
                                     {"primary_care_allowed", u->allowed.ToString()},
                                     {"in_contract", i < static_cast<size_t>(contract_tins)}});
    }
  }
  std::sort(contract.tins.begin(), contract.tins.end());
}

// The contract record as an NDJSON line.
std::string EncodeContract(const ContractOut& contract) {
  std::string line = "{\"schema\":\"vbp.contract/1\",\"contract_id\":";
  json::AppendString(line, contract.contract_id);
  line += ",\"performance_year\":" + std::to_string(contract.year.year) + ",\"tins\":[";
  for (size_t i = 0; i < contract.tins.size(); ++i) {
    if (i) line += ",";
    json::AppendString(line, contract.tins[i]);
  }
  line += "],\"rule_set\":";
  json::AppendString(line, contract.rule_set_id);
  // MSSP's MSR table starts at 5,000 members; this tiny population gets a fixed 2%.
  line += ",\"parameters\":{\"msr\":\"0.02\"}}";
  return line;
}

// Chooses the contract (performance year, busiest primary-care units) and writes it; with no
// qualifying unit no contract is written and the skip is reported.
Result<ContractOut> WriteContract(const std::vector<ClaimOut>& claims,
                                  const ProviderTable& providers,
                                  const std::map<int, int64_t>& lines_by_year,
                                  const TuvaImportOptions& options, Report& rep,
                                  generate::LineSink& sink) {
  ContractOut contract;
  contract.year = ChooseYear(options, lines_by_year);
  const int year = contract.year.year;
  const rules::RuleSet& rule_set = rules::ReferenceRuleSet();
  auto params = rules::ParseParameters(rule_set.default_parameters(), rule_set.id());
  if (!params.ok()) return params.status();
  contract.rule_set_id = rule_set.id();
  const auto units = TallyPrimaryCareUnits(claims, providers, *params, year);
  ChooseContractTins(RankUnits(units), options.contract_tins, contract);
  contract.contract_id = "TUVA-" + std::to_string(year);
  if (contract.tins.empty()) {
    rep.Skip("contract",
             "no primary-care service by a pcp/npp in the performance year: no contract written", 0,
             contract.contract_id);
    return contract;
  }
  VBP_RETURN_IF_ERROR(sink.Append(EncodeContract(contract)));
  contract.written = 1;
  if (auto w = rule_set.YearWarning(contract.contract_id, year)) contract.warnings.push_back(*w);
  return contract;
}

// --- Report ---

// The report's "claims" section: what was read and what the written claims cover.
ojson ClaimsSection(const ClaimGroups& groups, const ClaimSet& claims, const ClaimStats& stats) {
  ojson lines_year;
  for (const auto& [y, n] : stats.lines_by_year) lines_year[std::to_string(y)] = n;
  return {{"claim_ids_read", static_cast<int64_t>(groups.order.size())},
          {"lines_read", claims.lines_read},
          {"by_type", stats.by_type},
          {"lines_by_service_year", lines_year},
          {"members_without_eligibility",
           static_cast<int64_t>(stats.members_without_eligibility.size())},
          {"rendering_npis_not_in_provider_file",
           static_cast<int64_t>(claims.billing.unknown_npis.size())}};
}

// The report's "contract" section: the contract and how it was chosen.
ojson ContractSection(const ContractOut& contract, int contract_tins) {
  return {{"contract_id", contract.contract_id},
          {"performance_year", contract.year.year},
          {"year_rule", contract.year.rule},
          {"tins_rule", "the " + std::to_string(contract_tins) +
                            " billing TINs that win the most members' plurality of "
                            "primary-care allowed amounts (pcp/npp rendered, in the "
                            "performance year), then the largest such amount"},
          {"rule_set", contract.rule_set_id},
          {"candidates", contract.candidates},
          {"warnings", contract.warnings}};
}

// IMPORT_REPORT.json from the summary's counts, the sections and the report's counters.
ojson BuildReport(const CsvTable& mc, const CsvTable& el, const CsvTable& pr,
                  const TuvaImportSummary& s, ojson claims_section,
                  const std::map<std::string, int64_t>& class_counts, ojson contract_section,
                  const Report& rep) {
  ojson r;
  r["schema"] = "vbp.import_report/1";
  r["source"] = "tuva";
  auto input = [](const CsvTable& t) {
    return ojson{{"path", t.name()},
                 {"rows", static_cast<int64_t>(t.rows().size())},
                 {"csv_errors", static_cast<int64_t>(t.errors().size())},
                 {"blank_lines", t.blank_lines()},
                 {"stray_quotes_kept", t.stray_quotes()}};
  };
  r["inputs"] = {{"medical_claim", input(mc)}, {"eligibility", input(el)}, {"provider", input(pr)}};
  r["written"] = {{"members", s.members},
                  {"providers", s.providers},
                  {"claims", s.claims},
                  {"claim_lines", s.claim_lines},
                  {"contracts", s.contracts}};
  r["claims"] = std::move(claims_section);
  r["providers"] = {{"by_class", class_counts}};
  r["fallbacks"] = rep.fallbacks;
  r["amounts"] = rep.amounts;
  r["normalisations"] = rep.notes;
  ojson skipped = ojson::object();
  for (const auto& [reason, sk] : rep.skipped) {
    skipped[reason] = {{"count", sk.count}, {"examples", sk.examples}};
  }
  r["skipped"] = skipped;
  r["rows_skipped_total"] = rep.skipped_total;
  r["contract"] = std::move(contract_section);
  return r;
}

}  // namespace

// --- The import ----------------------------------------------------------------------------

Result<TuvaImportSummary> ImportTuva(const CsvTable& mc, const CsvTable& el, const CsvTable& pr,
                                     const TuvaImportOptions& options,
                                     const TuvaImportSinks& sinks) {
  VBP_RETURN_IF_ERROR(CheckInputs(mc, el, pr, options, sinks));
  Report rep;
  SkipCsvErrors(mc, el, pr, rep);
  // Providers are read first: claims need the classes for the contract choice.
  const ProviderTable providers = ReadProviders(pr, rep);
  const ClaimGroups groups = GroupClaimLines(mc, rep);
  const ClaimSet claims = MapClaims(mc, groups, providers, rep);
  const MemberTable members = ReadMembers(el, rep);

  VBP_ASSIGN_OR_RETURN(const int64_t members_written, WriteMembers(members, *sinks.members));
  VBP_ASSIGN_OR_RETURN(const ProvidersWritten providers_written,
                       WriteProviders(providers, claims.billing, rep, *sinks.providers));
  VBP_ASSIGN_OR_RETURN(const ClaimStats stats, WriteClaims(claims.claims, members, *sinks.claims));
  VBP_ASSIGN_OR_RETURN(
      ContractOut contract,
      WriteContract(claims.claims, providers, stats.lines_by_year, options, rep, *sinks.contracts));

  TuvaImportSummary s;
  s.members = members_written;
  s.providers = providers_written.count;
  s.claims = static_cast<int64_t>(claims.claims.size());
  s.claim_lines = stats.claim_lines;
  s.contracts = contract.written;
  s.rows_skipped = rep.skipped_total;
  s.report =
      BuildReport(mc, el, pr, s, ClaimsSection(groups, claims, stats), providers_written.by_class,
                  ContractSection(contract, options.contract_tins), rep);
  s.warnings = std::move(contract.warnings);
  return s;
}

}  // namespace vbp::tuva
