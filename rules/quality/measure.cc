#include "rules/quality/measure.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "rules/data/tsv.h"

namespace vbp::rules::quality {

using nlohmann::json;

const char* CodeSystemName(CodeSystem s) {
  switch (s) {
    case CodeSystem::kIcd10Cm:
      return "ICD10CM";
    case CodeSystem::kIcd10Pcs:
      return "ICD10PCS";
    case CodeSystem::kHcpcs:
      return "HCPCS";
    case CodeSystem::kBillType:
      return "BILL_TYPE";
    case CodeSystem::kRevenue:
      return "REVENUE";
    case CodeSystem::kDischargeStatus:
      return "DISCHARGE_STATUS";
  }
  return "?";
}

bool ValueSet::Contains(CodeSystem s, std::string_view code) const {
  const auto& set = Codes(s);
  return set.find(code) != set.end();
}

Date RelativeDate::Resolve(int performance_year) const {
  Date base = anchor == Anchor::kPyStart ? Date::FirstOfYear(performance_year)
                                         : Date::LastOfYear(performance_year);
  return base.AddMonths(months).AddDays(days);
}

DateRange Window::Resolve(int performance_year) const {
  // Open bounds: far outside any claim date (Date covers 1900..2199 when parsed).
  DateRange r{Date::FromYmd(1900, 1, 1), Date::FromYmd(2199, 12, 31)};
  if (start) r.first = start->Resolve(performance_year);
  if (end) r.last = end->Resolve(performance_year);
  return r;
}

namespace {

// Errors name the document and the JSON path ("bcs.json: numerator.any_of[0].window: ...").
struct Ctx {
  std::string origin;
  std::string path;
  Ctx At(const std::string& key) const {
    return Ctx{origin, path.empty() ? key : path + "." + key};
  }
  Ctx Index(size_t i) const { return Ctx{origin, path + "[" + std::to_string(i) + "]"}; }
  Status Error(const std::string& why) const {
    return Status::Invalid(origin + ": " + (path.empty() ? "" : path + ": ") + why);
  }
};

Status OnlyKeys(const json& j, const Ctx& c, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) return c.Error("expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "note") continue;  // free-text documentation, ignored
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) return c.Error("unknown key '" + it.key() + "'");
  }
  return Status::Ok();
}

Result<std::string> Str(const json& j, const Ctx& c) {
  if (!j.is_string()) return c.Error("expected a string");
  return j.get<std::string>();
}

Result<int> Int(const json& j, const Ctx& c, int lo, int hi) {
  if (!j.is_number_integer()) return c.Error("expected an integer");
  int64_t v = j.get<int64_t>();
  if (v < lo || v > hi) {
    return c.Error(std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "]");
  }
  return static_cast<int>(v);
}

Result<bool> Bool(const json& j, const Ctx& c) {
  if (!j.is_boolean()) return c.Error("expected true or false");
  return j.get<bool>();
}

Result<std::vector<std::string>> Strings(const json& j, const Ctx& c) {
  if (!j.is_array()) return c.Error("expected an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) {
    auto s = Str(j[i], c.Index(i));
    if (!s.ok()) return s.status();
    out.push_back(*s);
  }
  return out;
}

Result<RelativeDate> ParseRelativeDate(const json& j, const Ctx& c) {
  VBP_RETURN_IF_ERROR(OnlyKeys(j, c, {"anchor", "months", "days"}));
  RelativeDate d;
  if (!j.contains("anchor")) return c.Error("missing 'anchor'");
  auto a = Str(j["anchor"], c.At("anchor"));
  if (!a.ok()) return a.status();
  if (*a == "py_start") {
    d.anchor = RelativeDate::Anchor::kPyStart;
  } else if (*a == "py_end") {
    d.anchor = RelativeDate::Anchor::kPyEnd;
  } else {
    return c.At("anchor").Error("expected py_start or py_end");
  }
  constexpr int kMonthsMax = 1200;
  constexpr int kDaysMax = 36600;
  if (j.contains("months")) {
    auto m = Int(j["months"], c.At("months"), -kMonthsMax, kMonthsMax);
    if (!m.ok()) return m.status();
    d.months = *m;
  }
  if (j.contains("days")) {
    auto n = Int(j["days"], c.At("days"), -kDaysMax, kDaysMax);
    if (!n.ok()) return n.status();
    d.days = *n;
  }
  return d;
}

Result<Window> ParseWindow(const json& j, const Ctx& c) {
  VBP_RETURN_IF_ERROR(OnlyKeys(j, c, {"start", "end"}));
  Window w;
  if (j.contains("start")) {
    auto s = ParseRelativeDate(j["start"], c.At("start"));
    if (!s.ok()) return s.status();
    w.start = *s;
  }
  if (j.contains("end")) {
    auto e = ParseRelativeDate(j["end"], c.At("end"));
    if (!e.ok()) return e.status();
    w.end = *e;
  }
  return w;
}

Result<Criterion> ParseCriterion(const json& j, const Ctx& c) {
  VBP_RETURN_IF_ERROR(OnlyKeys(j, c, {"value_sets", "window", "principal_only", "min_claims"}));
  Criterion k;
  if (!j.contains("value_sets") || !j.contains("window")) {
    return c.Error("a criterion needs 'value_sets' and 'window'");
  }
  auto vs = Strings(j["value_sets"], c.At("value_sets"));
  if (!vs.ok()) return vs.status();
  if (vs->empty()) return c.At("value_sets").Error("empty");
  k.value_sets = *vs;
  auto w = ParseWindow(j["window"], c.At("window"));
  if (!w.ok()) return w.status();
  k.window = *w;
  if (j.contains("principal_only")) {
    auto b = Bool(j["principal_only"], c.At("principal_only"));
    if (!b.ok()) return b.status();
    k.principal_only = *b;
  }
  if (j.contains("min_claims")) {
    auto n = Int(j["min_claims"], c.At("min_claims"), 1, 100);
    if (!n.ok()) return n.status();
    k.min_claims = *n;
  }
  return k;
}

Result<std::vector<Criterion>> ParseCriteria(const json& j, const Ctx& c) {
  if (!j.is_array()) return c.Error("expected an array of criteria");
  std::vector<Criterion> out;
  for (size_t i = 0; i < j.size(); ++i) {
    auto k = ParseCriterion(j[i], c.Index(i));
    if (!k.ok()) return k.status();
    out.push_back(*k);
  }
  return out;
}

Result<LastResult> ParseLastResult(const json& j, const Ctx& c) {
  VBP_RETURN_IF_ERROR(OnlyKeys(j, c, {"window", "components", "same_day_prefer", "no_result"}));
  LastResult r;
  if (!j.contains("window") || !j.contains("components") || !j.contains("same_day_prefer") ||
      !j.contains("no_result")) {
    return c.Error("needs window, components, same_day_prefer and no_result");
  }
  auto w = ParseWindow(j["window"], c.At("window"));
  if (!w.ok()) return w.status();
  r.window = *w;
  const json& comps = j["components"];
  if (!comps.is_array() || comps.empty()) return c.At("components").Error("expected components");
  for (size_t i = 0; i < comps.size(); ++i) {
    Ctx cc = c.At("components").Index(i);
    VBP_RETURN_IF_ERROR(OnlyKeys(comps[i], cc, {"name", "met", "not_met"}));
    ResultComponent rc;
    auto name = Str(comps[i].value("name", json()), cc.At("name"));
    if (!name.ok()) return name.status();
    rc.name = *name;
    for (const char* key : {"met", "not_met"}) {
      auto codes = Strings(comps[i].value(key, json::array()), cc.At(key));
      if (!codes.ok()) return codes.status();
      for (const std::string& code : *codes) {
        if (!rc.codes.emplace(code, std::string_view(key) == "met").second) {
          return cc.Error("code " + code + " listed twice");
        }
      }
    }
    if (rc.codes.empty()) return cc.Error("no codes");
    r.components.push_back(std::move(rc));
  }
  for (const char* key : {"same_day_prefer", "no_result"}) {
    auto v = Str(j[key], c.At(key));
    if (!v.ok()) return v.status();
    if (*v != "met" && *v != "not_met") return c.At(key).Error("expected met or not_met");
    (std::string_view(key) == "no_result" ? r.no_result_met : r.same_day_prefer_met) = *v == "met";
  }
  return r;
}

Result<ReadmissionSpec> ParseReadmission(const json& j, const Ctx& c) {
  VBP_RETURN_IF_ERROR(OnlyKeys(j, c,
                               {"bill_type_prefixes", "index_discharge", "readmission_days",
                                "transfer_max_days", "exclude_discharge_status", "planned"}));
  ReadmissionSpec r;
  for (const char* key : {"bill_type_prefixes", "index_discharge", "readmission_days",
                          "transfer_max_days", "exclude_discharge_status", "planned"}) {
    if (!j.contains(key)) return c.Error(std::string("missing '") + key + "'");
  }
  auto prefixes = Strings(j["bill_type_prefixes"], c.At("bill_type_prefixes"));
  if (!prefixes.ok()) return prefixes.status();
  r.bill_type_prefixes = *prefixes;
  auto w = ParseWindow(j["index_discharge"], c.At("index_discharge"));
  if (!w.ok()) return w.status();
  r.index_discharge = *w;
  auto days = Int(j["readmission_days"], c.At("readmission_days"), 1, 365);
  if (!days.ok()) return days.status();
  r.readmission_days = *days;
  auto transfer = Int(j["transfer_max_days"], c.At("transfer_max_days"), 0, 7);
  if (!transfer.ok()) return transfer.status();
  r.transfer_max_days = *transfer;
  auto status = Strings(j["exclude_discharge_status"], c.At("exclude_discharge_status"));
  if (!status.ok()) return status.status();
  r.exclude_discharge_status = *status;
  const json& p = j["planned"];
  Ctx pc = c.At("planned");
  VBP_RETURN_IF_ERROR(
      OnlyKeys(p, pc, {"drgs", "principal_diagnosis_value_sets", "procedure_value_sets"}));
  auto drgs = Strings(p.value("drgs", json::array()), pc.At("drgs"));
  if (!drgs.ok()) return drgs.status();
  r.planned_drgs.insert(drgs->begin(), drgs->end());
  auto dx = Strings(p.value("principal_diagnosis_value_sets", json::array()),
                    pc.At("principal_diagnosis_value_sets"));
  if (!dx.ok()) return dx.status();
  r.planned_principal_diagnosis_sets = *dx;
  auto px = Strings(p.value("procedure_value_sets", json::array()), pc.At("procedure_value_sets"));
  if (!px.ok()) return px.status();
  r.planned_procedure_sets = *px;
  return r;
}

Result<EnrollmentRule> ParseEnrollment(const json& e, const Ctx& ec) {
  VBP_RETURN_IF_ERROR(OnlyKeys(e, ec,
                               {"window", "max_gap_days", "max_gaps_per_year", "no_gaps_through",
                                "enrolled_at_window_end"}));
  if (!e.contains("window")) return ec.Error("missing 'window'");
  EnrollmentRule rule;
  auto w = ParseWindow(e["window"], ec.At("window"));
  if (!w.ok()) return w.status();
  if (!w->start || !w->end) return ec.At("window").Error("needs start and end");
  rule.window = *w;
  auto gap = Int(e.value("max_gap_days", json(45)), ec.At("max_gap_days"), 0, 366);
  if (!gap.ok()) return gap.status();
  rule.max_gap_days = *gap;
  auto gaps = Int(e.value("max_gaps_per_year", json(1)), ec.At("max_gaps_per_year"), 0, 12);
  if (!gaps.ok()) return gaps.status();
  rule.max_gaps_per_year = *gaps;
  if (e.contains("no_gaps_through")) {
    auto d = ParseRelativeDate(e["no_gaps_through"], ec.At("no_gaps_through"));
    if (!d.ok()) return d.status();
    rule.no_gaps_through = *d;
  }
  auto at_end =
      Bool(e.value("enrolled_at_window_end", json(true)), ec.At("enrolled_at_window_end"));
  if (!at_end.ok()) return at_end.status();
  rule.enrolled_at_window_end = *at_end;
  return rule;
}

Status ParseDenominator(const json& j, const Ctx& c, Measure& m) {
  VBP_RETURN_IF_ERROR(OnlyKeys(j, c, {"age", "sex", "enrollment", "all_of"}));
  if (j.contains("age")) {
    const json& a = j["age"];
    Ctx ac = c.At("age");
    VBP_RETURN_IF_ERROR(OnlyKeys(a, ac, {"min", "max", "as_of"}));
    auto lo = Int(a.value("min", json(0)), ac.At("min"), 0, 150);
    if (!lo.ok()) return lo.status();
    auto hi = Int(a.value("max", json(150)), ac.At("max"), *lo, 150);
    if (!hi.ok()) return hi.status();
    m.age_min = *lo;
    m.age_max = *hi;
    if (a.contains("as_of")) {
      auto d = ParseRelativeDate(a["as_of"], ac.At("as_of"));
      if (!d.ok()) return d.status();
      m.age_as_of = *d;
    }
  }
  if (j.contains("sex")) {
    auto s = Str(j["sex"], c.At("sex"));
    if (!s.ok()) return s.status();
    if (*s == "female") {
      m.sex = Sex::kFemale;
    } else if (*s == "male") {
      m.sex = Sex::kMale;
    } else if (*s != "any") {
      return c.At("sex").Error("expected female, male or any");
    }
  }
  if (j.contains("enrollment")) {
    auto rule = ParseEnrollment(j["enrollment"], c.At("enrollment"));
    if (!rule.ok()) return rule.status();
    m.enrollment = std::move(rule).value();
  }
  if (j.contains("all_of")) {
    auto k = ParseCriteria(j["all_of"], c.At("all_of"));
    if (!k.ok()) return k.status();
    m.denominator_all_of = *k;
  }
  return Status::Ok();
}

// Names of every value set a measure refers to.
std::vector<std::string> ReferencedValueSets(const Measure& m) {
  std::vector<std::string> out;
  auto add = [&](const std::vector<Criterion>& ks) {
    for (const Criterion& k : ks) out.insert(out.end(), k.value_sets.begin(), k.value_sets.end());
  };
  add(m.denominator_all_of);
  for (const Exclusion& e : m.exclusions) add(e.all_of);
  add(m.numerator_any_of);
  if (m.readmission) {
    const auto& r = *m.readmission;
    out.insert(out.end(), r.planned_principal_diagnosis_sets.begin(),
               r.planned_principal_diagnosis_sets.end());
    out.insert(out.end(), r.planned_procedure_sets.begin(), r.planned_procedure_sets.end());
  }
  return out;
}

Result<json> ParseJsonText(std::string_view text, std::string_view origin) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return Status::Invalid(std::string(origin) + ": not valid JSON: " + e.what());
  }
}

Result<CodeSystem> ParseCodeSystem(std::string_view s, const Ctx& c) {
  for (size_t i = 0; i < kCodeSystemCount; ++i) {
    const auto system = static_cast<CodeSystem>(i);
    if (s == CodeSystemName(system)) return system;
  }
  return c.Error("unknown code system '" + std::string(s) + "'");
}

void AddCode(ValueSet& v, CodeSystem s, std::string code) {
  v.codes[static_cast<size_t>(s)].insert(std::move(code));
}

constexpr std::string_view kProjectValueSets = "project_value_sets.json";

Status LoadProjectValueSets(std::string_view text,
                            std::map<std::string, ValueSet, std::less<>>& sets) {
  auto doc = ParseJsonText(text, kProjectValueSets);
  if (!doc.ok()) return doc.status();
  Ctx c{std::string(kProjectValueSets), ""};
  VBP_RETURN_IF_ERROR(OnlyKeys(*doc, c, {"schema", "value_sets"}));
  if (const auto s = doc->find("schema"); s == doc->end() || *s != "vbp.value_sets/1") {
    return c.Error("schema must be vbp.value_sets/1");
  }
  const json& list = (*doc)["value_sets"];
  if (!list.is_array()) return c.At("value_sets").Error("expected an array");
  for (size_t i = 0; i < list.size(); ++i) {
    Ctx vc = c.At("value_sets").Index(i);
    VBP_RETURN_IF_ERROR(OnlyKeys(list[i], vc, {"name", "source", "codes"}));
    auto name = Str(list[i].value("name", json()), vc.At("name"));
    if (!name.ok()) return name.status();
    auto source = Str(list[i].value("source", json()), vc.At("source"));
    if (!source.ok()) return source.status();
    if (sets.count(*name)) return vc.Error("value set '" + *name + "' already defined");
    ValueSet v;
    v.name = *name;
    v.source = *source;
    const json& codes = list[i].value("codes", json::object());
    if (!codes.is_object() || codes.empty()) return vc.At("codes").Error("expected codes");
    for (auto it = codes.begin(); it != codes.end(); ++it) {
      auto system = ParseCodeSystem(it.key(), vc.At("codes"));
      if (!system.ok()) return system.status();
      auto list_codes = Strings(it.value(), vc.At("codes").At(it.key()));
      if (!list_codes.ok()) return list_codes.status();
      for (std::string& code : *list_codes) AddCode(v, *system, std::move(code));
    }
    sets.emplace(v.name, std::move(v));
  }
  return Status::Ok();
}

Result<Measure> ParseMeasureImpl(std::string_view json_text, std::string_view origin) {
  auto doc = ParseJsonText(json_text, origin);
  if (!doc.ok()) return doc.status();
  const json& j = *doc;
  Ctx c{std::string(origin), ""};
  VBP_RETURN_IF_ERROR(OnlyKeys(j, c,
                               {"schema", "id", "name", "version", "reference", "kind", "inverse",
                                "denominator", "exclusions", "numerator", "readmission"}));
  if (const auto s = j.find("schema"); s == j.end() || *s != "vbp.measure/1") {
    return c.Error("schema must be vbp.measure/1");
  }
  Measure m;
  for (auto [key, field] :
       {std::pair{"id", &m.id}, std::pair{"name", &m.name}, std::pair{"version", &m.version},
        std::pair{"reference", &m.reference}}) {
    auto s = Str(j.value(key, json()), c.At(key));
    if (!s.ok()) return s.status();
    *field = *s;
  }
  auto kind = Str(j.value("kind", json()), c.At("kind"));
  if (!kind.ok()) return kind.status();
  if (*kind == "member") {
    m.kind = MeasureKind::kMember;
  } else if (*kind == "readmission") {
    m.kind = MeasureKind::kReadmission;
  } else {
    return c.At("kind").Error("expected member or readmission");
  }
  auto inverse = Bool(j.value("inverse", json()), c.At("inverse"));
  if (!inverse.ok()) return inverse.status();
  m.inverse = *inverse;
  if (j.contains("denominator")) {
    VBP_RETURN_IF_ERROR(ParseDenominator(j["denominator"], c.At("denominator"), m));
  }
  if (j.contains("exclusions")) {
    const json& ex = j["exclusions"];
    if (!ex.is_array()) return c.At("exclusions").Error("expected an array");
    for (size_t i = 0; i < ex.size(); ++i) {
      Ctx ec = c.At("exclusions").Index(i);
      VBP_RETURN_IF_ERROR(OnlyKeys(ex[i], ec, {"name", "min_age", "all_of"}));
      Exclusion e;
      auto name = Str(ex[i].value("name", json()), ec.At("name"));
      if (!name.ok()) return name.status();
      e.name = *name;
      if (ex[i].contains("min_age")) {
        auto a = Int(ex[i]["min_age"], ec.At("min_age"), 0, 150);
        if (!a.ok()) return a.status();
        e.min_age = *a;
      }
      auto k = ParseCriteria(ex[i].value("all_of", json()), ec.At("all_of"));
      if (!k.ok()) return k.status();
      if (k->empty()) return ec.At("all_of").Error("empty");
      e.all_of = *k;
      m.exclusions.push_back(std::move(e));
    }
  }
  if (m.kind == MeasureKind::kMember) {
    if (j.contains("readmission")) return c.Error("'readmission' needs kind readmission");
    if (!j.contains("numerator")) return c.Error("missing 'numerator'");
    const json& n = j["numerator"];
    Ctx nc = c.At("numerator");
    VBP_RETURN_IF_ERROR(OnlyKeys(n, nc, {"any_of", "last_result"}));
    if (n.contains("any_of") == n.contains("last_result")) {
      return nc.Error("exactly one of any_of and last_result");
    }
    if (n.contains("any_of")) {
      auto k = ParseCriteria(n["any_of"], nc.At("any_of"));
      if (!k.ok()) return k.status();
      if (k->empty()) return nc.At("any_of").Error("empty");
      m.numerator_any_of = *k;
    } else {
      auto lr = ParseLastResult(n["last_result"], nc.At("last_result"));
      if (!lr.ok()) return lr.status();
      m.last_result = *lr;
    }
  } else {
    if (j.contains("numerator")) return c.Error("a readmission measure has no 'numerator'");
    if (!j.contains("readmission")) return c.Error("missing 'readmission'");
    auto r = ParseReadmission(j["readmission"], c.At("readmission"));
    if (!r.ok()) return r.status();
    m.readmission = *r;
  }
  return m;
}

}  // namespace

// nlohmann::json accessors throw on a type mismatch; a malformed document is an error value.
Result<Measure> ParseMeasure(std::string_view json_text, std::string_view origin) {
  try {
    return ParseMeasureImpl(json_text, origin);
  } catch (const json::exception& e) {
    return Status::Invalid(std::string(origin) + ": " + e.what());
  }
}

Result<MeasureSet> MeasureSet::Load(const std::vector<data::EmbeddedFile>& measure_files,
                                    const std::vector<data::EmbeddedFile>& data_files) {
  MeasureSet set;
  // Value sets derived from the Tuva seeds.
  auto text = data::FindEmbedded(data_files, "quality/value_sets.tsv");
  if (!text.ok()) return text.status();
  auto t = data::TsvTable::Parse(*text, "quality/value_sets.tsv");
  if (!t.ok()) return t.status();
  size_t cols[4];
  const char* names[4] = {"value_set", "code_system", "code", "origin"};
  for (int i = 0; i < 4; ++i) {
    auto col = t->Column(names[i]);
    if (!col.ok()) return col.status();
    cols[i] = *col;
  }
  for (size_t r = 0; r < t->rows(); ++r) {
    std::string name(t->Cell(r, cols[0]));
    auto system = ParseCodeSystem(t->Cell(r, cols[1]), Ctx{t->Where(r), ""});
    if (!system.ok()) return system.status();
    ValueSet& v = set.value_sets_[name];
    if (v.name.empty()) {
      v.name = name;
      v.source = "rules/data/quality/value_sets.tsv (Tuva quality_measures__value_sets.csv)";
    }
    AddCode(v, *system, std::string(t->Cell(r, cols[2])));
  }
  // Hand-maintained value sets and the measures.
  bool have_project = false;
  for (const data::EmbeddedFile& f : measure_files) {
    if (f.name == kProjectValueSets) {
      Status st;
      try {
        st = LoadProjectValueSets(f.text, set.value_sets_);
      } catch (const json::exception& e) {
        st = Status::Invalid(std::string(kProjectValueSets) + ": " + e.what());
      }
      VBP_RETURN_IF_ERROR(st);
      have_project = true;
    }
  }
  if (!have_project) return Status::NotFound("measure files lack project_value_sets.json");
  for (const data::EmbeddedFile& f : measure_files) {
    if (f.name == kProjectValueSets) continue;
    auto m = ParseMeasure(f.text, f.name);
    if (!m.ok()) return m.status();
    for (const std::string& vs : ReferencedValueSets(*m)) {
      if (!set.value_sets_.count(vs)) {
        return Status::Invalid(std::string(f.name) + ": unknown value set '" + vs + "'");
      }
    }
    if (set.Find(m->id)) return Status::Invalid(std::string(f.name) + ": duplicate id " + m->id);
    set.measures_.push_back(std::move(m).value());
    std::sort(set.measures_.begin(), set.measures_.end(),
              [](const Measure& a, const Measure& b) { return a.id < b.id; });
  }
  return set;
}

const MeasureSet& MeasureSet::Shipped() {
  static const MeasureSet set = [] {
    auto s = Load(data::EmbeddedMeasureFiles(), data::EmbeddedDataFiles());
    if (!s.ok()) {
      std::fprintf(stderr, "shipped quality measures are invalid: %s\n",
                   s.status().ToString().c_str());
      std::abort();
    }
    return std::move(s).value();
  }();
  return set;
}

const Measure* MeasureSet::Find(std::string_view id) const {
  for (const Measure& m : measures_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const ValueSet* MeasureSet::FindValueSet(std::string_view name) const {
  auto it = value_sets_.find(name);
  return it == value_sets_.end() ? nullptr : &it->second;
}

Result<MeasureSet> MeasureSet::Select(const std::vector<std::string>& ids) const {
  MeasureSet out;
  out.value_sets_ = value_sets_;
  for (const std::string& id : ids) {
    const Measure* m = Find(id);
    if (!m) return Status::NotFound("no quality measure '" + id + "'");
    if (!out.Find(id)) out.measures_.push_back(*m);
  }
  std::sort(out.measures_.begin(), out.measures_.end(),
            [](const Measure& a, const Measure& b) { return a.id < b.id; });
  return out;
}

}  // namespace vbp::rules::quality
