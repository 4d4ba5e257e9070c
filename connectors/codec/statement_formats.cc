#include "connectors/codec/statement_formats.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/csv.h"
#include "domain/decimal.h"
#include "rules/core/parameters.h"

namespace vbp::codec {
namespace {

using nlohmann::ordered_json;

enum class Kind { kCount, kMoney, kRate };
// The VBPR payment stream a figure belongs to (CodeSystem payment-stream).
enum class Stream { kNone, kSharedSavings, kCareFee };

struct Figure {
  const char* field;  // statement field; "data_quality." fields sit in that block
  Kind kind;
  Stream stream;
  const char* vbpr_code;  // VBPR CodeSystem vbp-performance-metric, "" when none fits
  const char* display;
};

// Every figure of a statement, in statement order: the one list both formats follow.
constexpr Figure kFigures[] = {
    {"assigned_members", Kind::kCount, Stream::kNone, "", "Assigned members"},
    {"person_years", Kind::kRate, Stream::kNone, "", "Person-years"},
    {"benchmark_total", Kind::kMoney, Stream::kSharedSavings, "med-cost-target",
     "Benchmark (expenditure target)"},
    {"expenditure_total", Kind::kMoney, Stream::kSharedSavings, "med-cost",
     "Expenditure of assigned members"},
    {"gross_savings", Kind::kMoney, Stream::kSharedSavings, "", "Gross savings (loss if negative)"},
    {"savings_rate", Kind::kRate, Stream::kSharedSavings, "", "Savings rate"},
    {"msr", Kind::kRate, Stream::kSharedSavings, "", "Minimum savings rate"},
    {"mlr", Kind::kRate, Stream::kSharedSavings, "", "Minimum loss rate"},
    {"quality_score", Kind::kRate, Stream::kSharedSavings, "", "Quality score"},
    {"final_sharing_rate", Kind::kRate, Stream::kSharedSavings, "", "Final sharing rate"},
    {"shared_savings", Kind::kMoney, Stream::kSharedSavings, "", "Shared savings"},
    {"shared_losses", Kind::kMoney, Stream::kSharedSavings, "shared-saving-deficit",
     "Shared losses"},
    {"pmpm_total", Kind::kMoney, Stream::kCareFee, "ccf", "Care fees (PMPM)"},
    {"net_payment", Kind::kMoney, Stream::kNone, "", "Net payment"},
    {"data_quality.rejected_claim_records", Kind::kCount, Stream::kNone, "",
     "Rejected claim records"},
    {"data_quality.rejected_paid_total", Kind::kMoney, Stream::kNone, "",
     "Paid amount on rejected claim records"},
    {"data_quality.superseded_claim_records", Kind::kCount, Stream::kNone, "",
     "Superseded claim records"},
    {"data_quality.claims_of_unknown_members", Kind::kCount, Stream::kNone, "",
     "Claims of unknown members"},
    {"data_quality.claims_of_unknown_members_paid_total", Kind::kMoney, Stream::kNone, "",
     "Paid amount on claims of unknown members"},
    {"data_quality.unknown_rendering_npis", Kind::kCount, Stream::kNone, "",
     "Rendering NPIs not on the roster"},
    {"data_quality.members_with_overlapping_coverage", Kind::kCount, Stream::kNone, "",
     "Members with overlapping coverage spans"},
    {"data_quality.overlapping_coverage_months", Kind::kCount, Stream::kNone, "",
     "Member-months under two or more coverage spans"},
};

constexpr const char* kIdentityColumns[] = {"contract_id",    "performance_year", "revision",
                                            "as_of",          "rule_set",         "rules_hash",
                                            "parameters_hash"};
constexpr const char* kTrailingColumns[] = {"code_warnings", "outcome", "quality_source",
                                            "paid_through"};

constexpr const char* kVbpr = "http://hl7.org/fhir/us/davinci-vbpr";
constexpr const char* kFigureSystem = "urn:vbp:fhir:statement-figure";

std::string_view Leaf(std::string_view field) {
  size_t dot = field.rfind('.');
  return dot == std::string_view::npos ? field : field.substr(dot + 1);
}

Status Bad(const std::string& what) {
  return Status::Invalid("statement: " + what + " (expected a vbp.statement/1 object)");
}

Result<ordered_json> ParseStatement(const std::string& text) {
  ordered_json j = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Bad("not a JSON object");
  auto schema = j.find("schema");
  if (schema == j.end() || *schema != "vbp.statement/1")
    return Bad("schema is not vbp.statement/1");
  for (const char* f : {"contract_id", "as_of", "rule_set"}) {
    if (!j.contains(f) || !j[f].is_string()) return Bad(std::string(f) + " missing");
  }
  if (!j.contains("performance_year") || !j["performance_year"].is_number_integer()) {
    return Bad("performance_year missing");
  }
  return j;
}

const ordered_json* Find(const ordered_json& s, std::string_view field) {
  const ordered_json* at = &s;
  while (true) {
    size_t dot = field.find('.');
    auto it = at->find(std::string(field.substr(0, dot)));
    if (it == at->end()) return nullptr;
    at = &*it;
    if (dot == std::string_view::npos) return at;
    field.remove_prefix(dot + 1);
  }
}

bool IsDecimalText(const std::string& t) { return ParseExactDecimal(t).ok(); }

// The figure's exact text: an integer for counts, the statement's decimal string otherwise.
Result<std::string> FigureText(const ordered_json& s, const Figure& f) {
  const ordered_json* v = Find(s, f.field);
  if (v == nullptr) return Bad(std::string(f.field) + " missing");
  if (f.kind == Kind::kCount) {
    if (!v->is_number_integer()) return Bad(std::string(f.field) + " is not an integer");
    return std::to_string(v->get<int64_t>());
  }
  if (!v->is_string() || !IsDecimalText(v->get<std::string>())) {
    return Bad(std::string(f.field) + " is not a decimal string");
  }
  return v->get<std::string>();
}

std::string StringOr(const ordered_json& s, std::string_view field, std::string fallback) {
  const ordered_json* v = Find(s, field);
  if (v == nullptr || !v->is_string()) return fallback;
  return v->get<std::string>();
}

int64_t CodeWarnings(const ordered_json& s) {
  const ordered_json* w = Find(s, "data_quality.code_warnings");
  int64_t total = 0;
  if (w == nullptr || !w->is_object()) return 0;
  for (const auto& [k, v] : w->items()) {
    if (v.is_number_integer()) total += v.get<int64_t>();
  }
  return total;
}

// The date through which paid claims count: the earlier of the run-out cutoff and the as-of
// date (rules/core/paid_cutoff.h), the VBPR "paid through date".
std::string PaidThrough(const ordered_json& s) {
  std::string as_of = s["as_of"].get<std::string>();
  std::string cutoff = StringOr(s, "detail.runout_cutoff", as_of);
  return std::min(as_of, cutoff);  // ISO dates order as text
}

std::vector<std::string> Row(const ordered_json& s, std::vector<std::string> figures) {
  std::vector<std::string> row;
  row.push_back(s["contract_id"].get<std::string>());
  row.push_back(std::to_string(s["performance_year"].get<int>()));
  row.push_back(s.contains("revision") && s["revision"].is_number_integer()
                    ? std::to_string(s["revision"].get<int64_t>())
                    : std::string());
  row.push_back(s["as_of"].get<std::string>());
  row.push_back(s["rule_set"].get<std::string>());
  row.push_back(StringOr(s, "rules_hash", ""));
  row.push_back(StringOr(s, "parameters_hash", ""));
  for (auto& f : figures) row.push_back(std::move(f));
  row.push_back(std::to_string(CodeWarnings(s)));
  row.push_back(StringOr(s, "detail.outcome", ""));
  row.push_back(StringOr(s, "detail.quality_source", ""));
  row.push_back(PaidThrough(s));
  return row;
}

Result<std::vector<std::string>> Figures(const ordered_json& s) {
  std::vector<std::string> out;
  for (const Figure& f : kFigures) {
    VBP_ASSIGN_OR_RETURN(std::string text, FigureText(s, f));
    out.push_back(std::move(text));
  }
  return out;
}

// --- FHIR -------------------------------------------------------------------------------------

// A JSON number written with exactly this decimal text. nlohmann holds numbers as binary
// floating point, so the text travels as a tagged string and is unquoted after dump().
constexpr std::string_view kRawTag = "\x01raw:";

ordered_json RawNumber(const std::string& decimal_text) {
  return ordered_json(std::string(kRawTag) + decimal_text);
}

std::string DumpWithRawNumbers(const ordered_json& j) {
  const std::string dumped = j.dump();
  static const std::string kQuotedTag = "\"\\u0001raw:";
  std::string out;
  out.reserve(dumped.size());
  size_t pos = 0;
  while (true) {
    size_t at = dumped.find(kQuotedTag, pos);
    if (at == std::string::npos) break;
    size_t end = dumped.find('"', at + kQuotedTag.size());
    out.append(dumped, pos, at - pos);
    out.append(dumped, at + kQuotedTag.size(), end - at - kQuotedTag.size());
    pos = end + 1;
  }
  out.append(dumped, pos, std::string::npos);
  return out;
}

// A name-based UUID (RFC 9562 version 8, from SHA-256 of the name): equal names, equal ids.
std::string NameUuid(const std::string& name) {
  std::string h = rules::Sha256Hex(name).substr(0, 32);
  h[12] = '8';
  const char* variant = "89ab";
  h[16] = variant[std::stoi(std::string(1, h[16]), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

// A rate as a FHIR decimal: the exact text when it is a finite decimal; a fraction ("1/3",
// quality tallies) rounded half-to-even to 10 places.
std::string DecimalOfRate(const std::string& text) {
  if (IsDecimalText(text)) return text;
  size_t slash = text.find('/');
  if (slash == std::string::npos) return text;
  auto num = ParseExactDecimal(text.substr(0, slash));
  auto den = ParseExactDecimal(text.substr(slash + 1));
  if (!num.ok() || !den.ok() || *den == 0) return text;
  return FormatHalfEven(*num / *den, 10);
}

ordered_json Coding(const std::string& system, const std::string& code,
                    const std::string& display) {
  ordered_json c;
  c["system"] = system;
  c["code"] = code;
  if (!display.empty()) c["display"] = display;
  return c;
}

ordered_json PaymentStream(Stream stream, bool two_sided) {
  ordered_json type;
  if (stream == Stream::kCareFee) {
    type["coding"] = ordered_json::array({Coding(std::string(kVbpr) + "/CodeSystem/payment-stream",
                                                 "ccf", "Care coordination fee")});
  } else {
    type["coding"] =
        ordered_json::array({two_sided ? Coding(std::string(kVbpr) + "/CodeSystem/payment-stream",
                                                "ssl", "Shared savings loss percent")
                                       : Coding(std::string(kVbpr) + "/CodeSystem/payment-stream",
                                                "ssq", "Shared savings gated on quality")});
  }
  ordered_json inner;
  inner["url"] = "type";
  inner["valueCodeableConcept"] = type;
  // ordered_json::array({x}), never {x}: a braced list of one JSON value is that value under
  // clang and an array under gcc (nlohmann/json's single-element initializer-list trap).
  ordered_json ext;
  ext["url"] = std::string(kVbpr) + "/StructureDefinition/payment-stream";
  ext["extension"] = ordered_json::array({inner});
  return ext;
}

struct ReportContext {
  std::string contract_id;
  int year = 0;
  std::string as_of;
  std::string paid_through;
  bool two_sided = false;
};

ordered_json Period(int year) {
  return {{"start", std::to_string(year) + "-01-01"}, {"end", std::to_string(year) + "-12-31"}};
}

ordered_json FigureGroup(const Figure& f, const std::string& text, const ReportContext& c) {
  ordered_json g;
  std::string id(Leaf(f.field));
  std::replace(id.begin(), id.end(), '_', '-');
  g["id"] = id;
  if (f.stream != Stream::kNone) {
    ordered_json service;
    service["url"] = std::string(kVbpr) + "/StructureDefinition/service-period";
    service["valuePeriod"] = Period(c.year);
    ordered_json paid;
    paid["url"] = std::string(kVbpr) + "/StructureDefinition/paid-through-date";
    paid["valueDate"] = c.paid_through;
    g["extension"] = {PaymentStream(f.stream, c.two_sided), service, paid};
  }
  ordered_json codings = ordered_json::array();
  if (*f.vbpr_code) {
    codings.push_back(
        Coding(std::string(kVbpr) + "/CodeSystem/vbp-performance-metric", f.vbpr_code, ""));
  }
  codings.push_back(Coding(kFigureSystem, std::string(Leaf(f.field)), f.display));
  g["code"] = {{"coding", codings}, {"text", f.display}};
  if (f.kind == Kind::kMoney) {
    ordered_json alt;
    alt["url"] = std::string(kVbpr) + "/StructureDefinition/alternate-measurescore";
    alt["valueMoney"] = {{"value", RawNumber(text)}, {"currency", "USD"}};
    g["measureScore"] = {{"extension", ordered_json::array({alt})}};
  } else {
    g["measureScore"] = {{"value", RawNumber(text)}};
  }
  return g;
}

ordered_json Subject(const ReportContext& c) {
  return {{"identifier", {{"system", "urn:vbp:contract"}, {"value", c.contract_id}}},
          {"display", "Contract " + c.contract_id}};
}

ordered_json Population(const char* code, int64_t count) {
  ordered_json p;
  p["code"] = {
      {"coding", ordered_json::array({Coding(
                     "http://terminology.hl7.org/CodeSystem/measure-population", code, "")})}};
  p["count"] = count;
  return p;
}

int64_t IntOr(const ordered_json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// One VBP Quality MeasureReport for a measure of detail.quality.measures.
ordered_json QualityReport(const ordered_json& m, const ReportContext& c, const std::string& id) {
  ordered_json r;
  r["resourceType"] = "MeasureReport";
  r["id"] = id;
  r["meta"] = {
      {"profile", {std::string(kVbpr) + "/StructureDefinition/vbp-quality-measurereport"}}};
  ordered_json scoring;
  scoring["url"] =
      "http://hl7.org/fhir/us/davinci-deqm/StructureDefinition/extension-measureScoring";
  scoring["valueCodeableConcept"] = {
      {"coding", ordered_json::array({Coding(
                     "http://terminology.hl7.org/CodeSystem/measure-scoring", "proportion", "")})}};
  ordered_json ext = ordered_json::array({scoring});
  if (m.contains("points") && m["points"].is_string()) {
    ordered_json score;
    score["url"] = std::string(kVbpr) + "/StructureDefinition/score";
    score["valueDecimal"] = RawNumber(DecimalOfRate(m["points"].get<std::string>()));
    ext.push_back(score);
  }
  r["extension"] = ext;
  r["status"] = "complete";
  r["type"] = "summary";
  const std::string measure_id = m.value("measure_id", std::string());
  r["measure"] = "urn:vbp:measure:" + measure_id;
  r["subject"] = Subject(c);
  r["date"] = c.as_of;
  r["period"] = Period(c.year);
  const ordered_json tally = m.contains("tally") ? m["tally"] : ordered_json::object();
  ordered_json g;
  g["code"] = {
      {"coding", ordered_json::array({Coding(kFigureSystem, "quality-measure:" + measure_id, "")})},
      {"text", measure_id}};
  g["population"] = {Population("denominator", IntOr(tally, "denominator")),
                     Population("denominator-exclusion", IntOr(tally, "exclusions")),
                     Population("numerator", IntOr(tally, "numerator"))};
  if (tally.contains("rate") && tally["rate"].is_string()) {
    g["measureScore"] = {{"value", RawNumber(DecimalOfRate(tally["rate"].get<std::string>()))}};
  }
  r["group"] = ordered_json::array({g});
  return r;
}

ordered_json StringExtension(const char* name, const std::string& value) {
  return {{"url", std::string("urn:vbp:fhir:") + name}, {"valueString", value}};
}

Result<std::string> BundleOf(const ordered_json& s) {
  VBP_ASSIGN_OR_RETURN(std::vector<std::string> figures, Figures(s));
  ReportContext c;
  c.contract_id = s["contract_id"].get<std::string>();
  c.year = s["performance_year"].get<int>();
  c.as_of = s["as_of"].get<std::string>();
  c.paid_through = PaidThrough(s);
  const std::string loss_rate = StringOr(s, "detail.loss_rate", "0");
  auto lr = ParseExactDecimal(loss_rate);
  c.two_sided = lr.ok() && *lr > 0;
  const std::string revision = s.contains("revision") ? s["revision"].dump() : "1";
  const std::string key = c.contract_id + "\n" + std::to_string(c.year) + "\n" + revision;

  ordered_json entries = ordered_json::array();
  ordered_json evaluated = ordered_json::array();
  const ordered_json* measures = Find(s, "detail.quality.measures");
  std::vector<ordered_json> quality;
  if (measures != nullptr && measures->is_array()) {
    for (const ordered_json& m : *measures) {
      const std::string id = NameUuid(key + "\nquality\n" + m.value("measure_id", std::string()));
      quality.push_back(QualityReport(m, c, id));
      evaluated.push_back({{"reference", "urn:uuid:" + id}});
    }
  }
  ordered_json r;
  const std::string report_id = NameUuid(key + "\nreport");
  r["resourceType"] = "MeasureReport";
  r["id"] = report_id;
  r["meta"] = {
      {"profile", {std::string(kVbpr) + "/StructureDefinition/vbp-performance-measurereport"}}};
  ordered_json category;
  category["url"] = "http://hl7.org/fhir/StructureDefinition/measurereport-category";
  category["valueCodeableConcept"] = {
      {"coding",
       ordered_json::array({Coding("http://hl7.org/fhir/CodeSystem/measurereport-category", "vbp",
                                   "Value-Based Performance")})}};
  r["extension"] = {category, StringExtension("rule-set", s["rule_set"].get<std::string>()),
                    StringExtension("rules-hash", StringOr(s, "rules_hash", "")),
                    StringExtension("parameters-hash", StringOr(s, "parameters_hash", ""))};
  r["identifier"] = {{{"system", "urn:vbp:statement"},
                      {"value", c.contract_id + "/" + std::to_string(c.year) + "/" + revision}}};
  r["status"] = "complete";
  r["type"] = "summary";
  r["measure"] = "urn:vbp:rule-set:" + s["rule_set"].get<std::string>();
  r["subject"] = Subject(c);
  r["date"] = c.as_of;
  r["period"] = Period(c.year);
  ordered_json groups = ordered_json::array();
  for (size_t i = 0; i < std::size(kFigures); ++i) {
    groups.push_back(FigureGroup(kFigures[i], figures[i], c));
  }
  r["group"] = groups;
  if (!evaluated.empty()) r["evaluatedResource"] = evaluated;

  entries.push_back({{"fullUrl", "urn:uuid:" + report_id}, {"resource", r}});
  for (auto& q : quality) {
    const std::string id = q["id"].get<std::string>();
    entries.push_back({{"fullUrl", "urn:uuid:" + id}, {"resource", std::move(q)}});
  }
  ordered_json b;
  b["resourceType"] = "Bundle";
  b["id"] = NameUuid(key + "\nbundle");
  b["identifier"] = {{"system", "urn:vbp:statement"},
                     {"value", c.contract_id + "/" + std::to_string(c.year) + "/" + revision}};
  b["type"] = "collection";
  b["entry"] = entries;
  return DumpWithRawNumbers(b);
}

std::string Text(const ordered_json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

}  // namespace

Result<StatementFormat> ParseStatementFormat(std::string_view name) {
  if (name == "json") return StatementFormat::kJson;
  if (name == "csv") return StatementFormat::kCsv;
  if (name == "fhir") return StatementFormat::kFhir;
  return Status::Invalid("--format " + std::string(name) + ": expected json, csv or fhir");
}

std::vector<std::string> StatementCsvColumns() {
  std::vector<std::string> cols(std::begin(kIdentityColumns), std::end(kIdentityColumns));
  for (const Figure& f : kFigures) cols.emplace_back(Leaf(f.field));
  cols.insert(cols.end(), std::begin(kTrailingColumns), std::end(kTrailingColumns));
  return cols;
}

Result<std::string> StatementsCsv(const std::vector<std::string>& statements) {
  std::string out;
  AppendCsvRecord(StatementCsvColumns(), &out);
  for (const std::string& text : statements) {
    VBP_ASSIGN_OR_RETURN(ordered_json s, ParseStatement(text));
    VBP_ASSIGN_OR_RETURN(std::vector<std::string> figures, Figures(s));
    AppendCsvRecord(Row(s, std::move(figures)), &out);
  }
  return out;
}

Result<std::string> StatementsFhirNdjson(const std::vector<std::string>& statements) {
  std::string out;
  for (const std::string& text : statements) {
    VBP_ASSIGN_OR_RETURN(ordered_json s, ParseStatement(text));
    VBP_ASSIGN_OR_RETURN(std::string bundle, BundleOf(s));
    out += bundle;
    out += '\n';
  }
  return out;
}

std::vector<std::string> RosterCsv::Columns() {
  return {"contract_id", "performance_year", "member_id",       "step",
          "unit",        "decided_by",       "eligible_months", "expenditure_total",
          "risk_score",  "pmpm_total",       "care_gaps"};
}

Status RosterCsv::Add(std::string_view member_line) {
  ordered_json m = ordered_json::parse(member_line, nullptr, /*allow_exceptions=*/false);
  if (!m.is_object() || !m.contains("member_id") || !m.contains("contract_id")) {
    return Status::Invalid("member detail line is not a member object");
  }
  if (m["contract_id"].is_null()) return Status::Ok();
  // A member is evaluated once per parameter group; its line counts toward its contract only
  // in the pass that evaluated that contract (the others carry another contract's rates).
  if (m.contains("contracts_evaluated") && m["contracts_evaluated"].is_array()) {
    const auto& evaluated = m["contracts_evaluated"];
    if (std::find(evaluated.begin(), evaluated.end(), m["contract_id"]) == evaluated.end()) {
      return Status::Ok();
    }
  }
  std::string gaps;
  if (m.contains("care_gaps") && m["care_gaps"].is_array()) {
    for (const auto& g : m["care_gaps"]) {
      if (!gaps.empty()) gaps += ';';
      gaps += Text(g, "measure");
    }
  }
  rows_.push_back({Text(m, "contract_id"), Text(m, "performance_year"), Text(m, "member_id"),
                   Text(m, "step"), Text(m, "unit"), Text(m, "decided_by"),
                   Text(m, "eligible_months"), Text(m, "expenditure_total"), Text(m, "risk_score"),
                   Text(m, "pmpm_total"), gaps});
  return Status::Ok();
}

std::string RosterCsv::Finish() {
  std::sort(rows_.begin(), rows_.end(), [](const auto& a, const auto& b) {
    if (a[0] != b[0]) return a[0] < b[0];
    if (a[1] != b[1]) return a[1] < b[1];
    return a[2] < b[2];
  });
  std::string out;
  AppendCsvRecord(Columns(), &out);
  for (const auto& r : rows_) AppendCsvRecord(r, &out);
  rows_.clear();
  return out;
}

}  // namespace vbp::codec
