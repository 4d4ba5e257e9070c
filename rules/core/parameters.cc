#include "rules/core/parameters.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "domain/hex.h"
#include "rules/hcc/risk_score_json.h"

namespace vbp::rules {
namespace {

using nlohmann::json;

Status ParamError(const std::string& origin, const std::string& name, const std::string& why) {
  return Status::Invalid(origin + " parameter '" + name + "': " + why);
}

// A decimal written as a JSON string ("0.039") or an integer (2). Non-integer JSON numbers are
// refused: their binary value is not the decimal the author wrote.
Result<Rational> DecimalValue(const json& v) {
  if (v.is_string()) return ParseExactDecimal(v.get<std::string>());
  if (v.is_number_integer()) return Rational(BigInt(v.get<int64_t>()));
  if (v.is_number_unsigned()) return Rational(BigInt(v.get<uint64_t>()));
  if (v.is_number_float()) {
    return Status::Invalid("write decimals as strings (e.g. \"0.039\"), not JSON numbers");
  }
  return Status::Invalid("expected a decimal string, got " + std::string(v.type_name()));
}

Result<Rational> DecimalIn(const json& v, const Rational& lo, const std::optional<Rational>& hi) {
  auto d = DecimalValue(v);
  if (!d.ok()) return d;
  if (*d < lo) return Status::Invalid("must be >= " + FormatHalfEven(lo, 6));
  if (hi && *d > *hi) return Status::Invalid("must be <= " + FormatHalfEven(*hi, 6));
  return d;
}

Result<Money> MoneyValue(const json& v) {
  auto d = DecimalValue(v);
  if (!d.ok()) return d.status();
  if (*d < 0) return Status::Invalid("must be >= 0");
  // "-0" and "-0.00" are refused as money, as in claims (issue 16 item 4): a signed zero is
  // not an amount anyone writes on purpose. (A JSON number -0 reads as the integer 0.)
  if (v.is_string() && !v.get_ref<const std::string&>().empty() &&
      v.get_ref<const std::string&>().front() == '-') {
    return Status::Invalid("signed zero amount \"" + v.get<std::string>() +
                           "\" (write 0, without a sign)");
  }
  return Money::FromExact(*d);
}

Result<std::vector<std::string>> StringList(const json& v, bool allow_empty) {
  if (!v.is_array()) return Status::Invalid("expected an array of strings");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string() || e.get<std::string>().empty()) {
      return Status::Invalid("expected non-empty strings, got " + e.dump());
    }
    out.push_back(e.get<std::string>());
  }
  if (!allow_empty && out.empty()) return Status::Invalid("must not be empty");
  return out;
}

bool IsHcpcs(const std::string& s) {
  if (s.size() != 5) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

Result<int64_t> IntIn(const json& v, int64_t lo, int64_t hi) {
  if (!v.is_number_integer()) return Status::Invalid("expected an integer");
  int64_t i = v.get<int64_t>();
  if (i < lo || i > hi) {
    return Status::Invalid("must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return i;
}

Result<Date> DateValue(const json& v) {
  if (!v.is_string()) return Status::Invalid("expected a date string YYYY-MM-DD");
  return Date::Parse(v.get<std::string>());
}

template <typename T, typename F>
Result<PerEnrollmentType<T>> PerType(const json& v, F parse_one) {
  PerEnrollmentType<T> out{};
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!ParseEnrollmentType(it.key())) {
        return Status::Invalid("unknown enrollment type '" + it.key() +
                               "' (esrd, disabled, aged_dual, aged_nondual)");
      }
    }
    for (int t = 0; t < kEnrollmentTypeCount; ++t) {
      const char* name = EnrollmentTypeName(static_cast<EnrollmentType>(t));
      if (!v.contains(name))
        return Status::Invalid(std::string("missing enrollment type '") + name + "'");
      auto r = parse_one(v.at(name));
      if (!r.ok()) return Status::Invalid(std::string(name) + ": " + r.status().message());
      out[static_cast<size_t>(t)] = *r;
    }
    return out;
  }
  auto r = parse_one(v);  // one value stands for all types
  if (!r.ok()) return r.status();
  out.fill(*r);
  return out;
}

Result<RateSchedule> Schedule(const json& v) {
  RateSchedule s;
  if (!v.is_array()) {
    auto r = DecimalIn(v, 0, Rational(1));
    if (!r.ok()) return Status::Invalid("a fixed rate or a band array: " + r.status().message());
    s.fixed = *r;
    return s;
  }
  if (v.empty()) return Status::Invalid("band table must not be empty");
  for (size_t i = 0; i < v.size(); ++i) {
    const json& b = v[i];
    std::string where = "band " + std::to_string(i) + ": ";
    if (!b.is_object()) return Status::Invalid(where + "expected {lo, hi, r_lo, r_hi}");
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (it.key() != "lo" && it.key() != "hi" && it.key() != "r_lo" && it.key() != "r_hi") {
        return Status::Invalid(where + "unknown key '" + it.key() + "'");
      }
    }
    RateBand band;
    if (!b.contains("lo")) return Status::Invalid(where + "missing lo");
    auto lo = IntIn(b.at("lo"), 0, 1'000'000'000);
    if (!lo.ok()) return Status::Invalid(where + "lo " + lo.status().message());
    band.lo = *lo;
    if (b.contains("hi") && !b.at("hi").is_null()) {
      auto hi = IntIn(b.at("hi"), band.lo, 1'000'000'000);
      if (!hi.ok()) return Status::Invalid(where + "hi " + hi.status().message());
      band.hi = *hi;
    }
    if (!b.contains("r_lo")) return Status::Invalid(where + "missing r_lo");
    auto rlo = DecimalIn(b.at("r_lo"), 0, Rational(1));
    if (!rlo.ok()) return Status::Invalid(where + "r_lo " + rlo.status().message());
    band.r_lo = *rlo;
    if (band.hi) {
      if (!b.contains("r_hi")) return Status::Invalid(where + "missing r_hi");
      auto rhi = DecimalIn(b.at("r_hi"), 0, Rational(1));
      if (!rhi.ok()) return Status::Invalid(where + "r_hi " + rhi.status().message());
      band.r_hi = *rhi;
    } else {
      if (i + 1 != v.size()) return Status::Invalid(where + "only the last band may omit hi");
      if (b.contains("r_hi") && !b.at("r_hi").is_null()) {
        return Status::Invalid(where + "an open band is flat at r_lo; remove r_hi");
      }
      band.r_hi = band.r_lo;
    }
    if (!s.bands.empty()) {
      const RateBand& prev = s.bands.back();
      if (band.lo < *prev.hi) {
        return Status::Invalid(where + "overlaps the band before (lo < previous hi)");
      }
    }
    s.bands.push_back(band);
  }
  return s;
}

using Setter = std::function<Status(const json&, Parameters&)>;

struct ParamDef {
  std::string name;
  Setter set;
};

#define VBP_ASSIGN_OR_RETURN_STATUS(lhs, expr) \
  do {                                         \
    auto _r = (expr);                          \
    if (!_r.ok()) return _r.status();          \
    lhs = std::move(*_r);                      \
  } while (0)

const std::vector<ParamDef>& Defs() {
  static const std::vector<ParamDef> defs = {
      {"eligible_programs",
       [](const json& v, Parameters& p) {
         std::vector<std::string> l;
         VBP_ASSIGN_OR_RETURN_STATUS(l, StringList(v, false));
         p.eligible_programs = {l.begin(), l.end()};
         return Status::Ok();
       }},
      {"excluded_programs",
       [](const json& v, Parameters& p) {
         std::vector<std::string> l;
         VBP_ASSIGN_OR_RETURN_STATUS(l, StringList(v, true));
         p.excluded_programs = {l.begin(), l.end()};
         return Status::Ok();
       }},
      {"primary_care_codes",
       [](const json& v, Parameters& p) {
         std::vector<std::string> l;
         VBP_ASSIGN_OR_RETURN_STATUS(l, StringList(v, false));
         for (const auto& c : l) {
           if (!IsHcpcs(c)) return Status::Invalid("'" + c + "' is not a 5-character HCPCS code");
         }
         p.primary_care_codes = {l.begin(), l.end()};
         return Status::Ok();
       }},
      {"exclude_in_pos",
       [](const json& v, Parameters& p) {
         if (!v.is_array()) return Status::Invalid("expected an array of {pos, codes}");
         p.exclude_in_pos.clear();
         for (const auto& e : v) {
           if (!e.is_object() || !e.contains("pos") || !e.contains("codes") || e.size() != 2) {
             return Status::Invalid(
                 "each entry must be exactly {\"pos\": [...], \"codes\": [...]}");
           }
           PosExclusion x;
           std::vector<std::string> l;
           VBP_ASSIGN_OR_RETURN_STATUS(l, StringList(e.at("pos"), false));
           x.pos = {l.begin(), l.end()};
           VBP_ASSIGN_OR_RETURN_STATUS(l, StringList(e.at("codes"), false));
           x.codes = {l.begin(), l.end()};
           p.exclude_in_pos.push_back(std::move(x));
         }
         return Status::Ok();
       }},
      {"assignment_window",
       [](const json& v, Parameters& p) {
         AssignmentWindow w;
         if (v.is_string() && v.get<std::string>() == "performance_year") {
           w.kind = AssignmentWindow::Kind::kPerformanceYear;
         } else if (v.is_object() && v.contains("from") && v.contains("through") && v.size() == 2) {
           w.kind = AssignmentWindow::Kind::kDates;
           VBP_ASSIGN_OR_RETURN_STATUS(w.from, DateValue(v.at("from")));
           VBP_ASSIGN_OR_RETURN_STATUS(w.through, DateValue(v.at("through")));
           if (w.through < w.from) return Status::Invalid("through is before from");
         } else if (v.is_object() && v.contains("start_offset_months") && v.contains("months") &&
                    v.size() == 2) {
           w.kind = AssignmentWindow::Kind::kOffset;
           int64_t off = 0, months = 0;
           VBP_ASSIGN_OR_RETURN_STATUS(off, IntIn(v.at("start_offset_months"), -60, 11));
           VBP_ASSIGN_OR_RETURN_STATUS(months, IntIn(v.at("months"), 1, 60));
           w.start_offset_months = static_cast<int>(off);
           w.months = static_cast<int>(months);
         } else {
           return Status::Invalid(
               "expected \"performance_year\", {\"from\", \"through\"} or "
               "{\"start_offset_months\", \"months\"}");
         }
         p.assignment_window = w;
         return Status::Ok();
       }},
      {"runout_months",
       [](const json& v, Parameters& p) {
         int64_t m = 0;
         VBP_ASSIGN_OR_RETURN_STATUS(m, IntIn(v, 0, 36));
         p.runout_months = static_cast<int>(m);
         return Status::Ok();
       }},
      {"runout_cutoff",
       [](const json& v, Parameters& p) {
         if (v.is_null()) {
           p.runout_cutoff.reset();
           return Status::Ok();
         }
         Date d;
         VBP_ASSIGN_OR_RETURN_STATUS(d, DateValue(v));
         p.runout_cutoff = d;
         return Status::Ok();
       }},
      {"truncation_threshold",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.truncation_threshold, PerType<Money>(v, MoneyValue));
         return Status::Ok();
       }},
      {"pmpm_tiers",
       [](const json& v, Parameters& p) {
         if (!v.is_array() || v.empty()) {
           return Status::Invalid("expected a non-empty array of {min_risk_score, pmpm}");
         }
         p.pmpm_tiers.clear();
         for (const auto& e : v) {
           if (!e.is_object() || !e.contains("min_risk_score") || !e.contains("pmpm") ||
               e.size() != 2) {
             return Status::Invalid("each tier must be exactly {\"min_risk_score\", \"pmpm\"}");
           }
           PmpmTier t;
           VBP_ASSIGN_OR_RETURN_STATUS(t.min_risk_score, DecimalIn(e.at("min_risk_score"), 0, {}));
           VBP_ASSIGN_OR_RETURN_STATUS(t.pmpm, MoneyValue(e.at("pmpm")));
           if (!p.pmpm_tiers.empty() && t.min_risk_score <= p.pmpm_tiers.back().min_risk_score) {
             return Status::Invalid("tiers must be in increasing min_risk_score");
           }
           p.pmpm_tiers.push_back(t);
         }
         if (p.pmpm_tiers.front().min_risk_score != 0) {
           return Status::Invalid("the first tier must start at min_risk_score 0");
         }
         return Status::Ok();
       }},
      {"pmpm_unscored",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.pmpm_unscored, MoneyValue(v));
         return Status::Ok();
       }},
      {"risk_score_source",
       [](const json& v, Parameters& p) {
         if (v == "record") {
           p.risk_score_source = RiskScoreSource::kRecord;
         } else if (v == "record_else_hcc") {
           p.risk_score_source = RiskScoreSource::kRecordElseHcc;
         } else {
           return Status::Invalid("expected \"record\" or \"record_else_hcc\"");
         }
         return Status::Ok();
       }},
      {"hcc_model",
       [](const json& v, Parameters& p) {
         if (!v.is_null() && !v.is_object()) return Status::Invalid("expected null or an object");
         p.hcc_model = v;
         return Status::Ok();
       }},
      {"quality_source",
       [](const json& v, Parameters& p) {
         if (v == "parameter") {
           p.quality_source = QualitySource::kParameter;
         } else if (v == "measures") {
           p.quality_source = QualitySource::kMeasures;
         } else {
           return Status::Invalid("expected \"parameter\" or \"measures\"");
         }
         return Status::Ok();
       }},
      {"completion_factor",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.completion_factor, DecimalIn(v, 0, Rational(10)));
         if (p.completion_factor == 0) return Status::Invalid("must be > 0");
         return Status::Ok();
       }},
      {"benchmark_pbpy",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.benchmark_pbpy, PerType<Money>(v, MoneyValue));
         return Status::Ok();
       }},
      {"baseline_risk",
       [](const json& v, Parameters& p) {
         auto positive = [](const json& e) -> Result<Rational> {
           auto d = DecimalIn(e, 0, {});
           if (d.ok() && *d == 0) return Status::Invalid("must be > 0");
           return d;
         };
         VBP_ASSIGN_OR_RETURN_STATUS(p.baseline_risk, PerType<Rational>(v, positive));
         return Status::Ok();
       }},
      {"risk_cap",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.risk_cap, DecimalIn(v, 0, {}));
         return Status::Ok();
       }},
      {"risk_model",
       [](const json& v, Parameters& p) {
         if (v == "one_sided") {
           p.risk_model = RiskModel::kOneSided;
         } else if (v == "two_sided") {
           p.risk_model = RiskModel::kTwoSided;
         } else {
           return Status::Invalid("expected \"one_sided\" or \"two_sided\"");
         }
         return Status::Ok();
       }},
      {"msr",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.msr, Schedule(v));
         return Status::Ok();
       }},
      {"mlr",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.mlr, Schedule(v));
         return Status::Ok();
       }},
      {"quality_score",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.quality_score, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"quality_mode",
       [](const json& v, Parameters& p) {
         if (v == "multiplier") {
           p.quality_mode = QualityMode::kMultiplier;
         } else if (v == "gate") {
           p.quality_mode = QualityMode::kGate;
         } else {
           return Status::Invalid("expected \"multiplier\" or \"gate\"");
         }
         return Status::Ok();
       }},
      {"quality_threshold",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.quality_threshold, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"max_sharing_rate",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.max_sharing_rate, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"savings_cap",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.savings_cap, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"payment_reduction",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.payment_reduction, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"loss_rate",
       [](const json& v, Parameters& p) {
         if (v.is_null()) {
           p.loss_rate.reset();
           return Status::Ok();
         }
         Rational r;
         VBP_ASSIGN_OR_RETURN_STATUS(r, DecimalIn(v, 0, Rational(1)));
         p.loss_rate = r;
         return Status::Ok();
       }},
      {"min_loss_rate",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.min_loss_rate, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"max_loss_rate",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.max_loss_rate, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"loss_cap",
       [](const json& v, Parameters& p) {
         VBP_ASSIGN_OR_RETURN_STATUS(p.loss_cap, DecimalIn(v, 0, Rational(1)));
         return Status::Ok();
       }},
      {"quality_scoring",
       [](const json& v, Parameters& p) {
         if (!v.is_null() && !v.is_object()) return Status::Invalid("expected null or an object");
         if (v.is_object()) {
           auto sp = quality::ParseScoringParams(v, "quality_scoring");
           if (!sp.ok()) return sp.status();
         }
         p.quality_scoring = v;
         return Status::Ok();
       }},
  };
  return defs;
}

const ParamDef* FindDef(const std::string& name) {
  for (const auto& d : Defs()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::string KnownNames() {
  std::string s;
  for (const auto& d : Defs()) s += (s.empty() ? "" : ", ") + d.name;
  return s;
}

}  // namespace

Rational RateSchedule::Evaluate(int64_t n) const {
  if (fixed) return *fixed;
  VBP_CHECK(!bands.empty());
  if (n < bands.front().lo) return bands.front().r_lo;
  for (size_t i = 0; i < bands.size(); ++i) {
    const RateBand& b = bands[i];
    if (!b.hi) {
      if (n >= b.lo) return b.r_lo;
      continue;
    }
    if (n >= b.lo && n <= *b.hi) {
      if (*b.hi == b.lo) return b.r_lo;
      return b.r_lo + (b.r_hi - b.r_lo) * Rational(BigInt(n - b.lo), BigInt(*b.hi - b.lo));
    }
    bool next_starts_later = i + 1 < bands.size() && n < bands[i + 1].lo;
    if (n > *b.hi && (i + 1 == bands.size() || next_starts_later)) return b.r_hi;
  }
  return bands.back().r_hi;
}

DateRange AssignmentWindow::Resolve(int performance_year) const {
  switch (kind) {
    case Kind::kPerformanceYear:
      return {Date::FirstOfYear(performance_year), Date::LastOfYear(performance_year)};
    case Kind::kDates:
      return {from, through};
    case Kind::kOffset: {
      Date start = Date::FirstOfYear(performance_year).AddMonths(start_offset_months);
      return {start, start.AddMonths(months).AddDays(-1)};
    }
  }
  return {};
}

Date Parameters::RunoutCutoff(int performance_year) const {
  if (runout_cutoff) return *runout_cutoff;
  Date m = Date::FirstOfMonth(performance_year, 12).AddMonths(runout_months);
  return Date::LastOfMonth(m.year(), m.month());
}

bool Parameters::IsPrimaryCareCode(std::string_view hcpcs) const {
  return primary_care_codes.find(hcpcs) != primary_care_codes.end();
}

bool Parameters::ExcludedAtPos(std::string_view hcpcs, std::string_view pos) const {
  for (const auto& x : exclude_in_pos) {
    if (x.pos.find(pos) != x.pos.end() && x.codes.find(hcpcs) != x.codes.end()) return true;
  }
  return false;
}

const std::vector<std::string>& MemberLevelParameterNames() {
  static const std::vector<std::string> names = {
      "eligible_programs", "excluded_programs", "primary_care_codes", "exclude_in_pos",
      "assignment_window", "runout_months",     "runout_cutoff",      "truncation_threshold",
      "pmpm_tiers",        "pmpm_unscored",     "risk_score_source",  "hcc_model",
      "quality_source"};
  return names;
}

Status Parameters::ResolveForYear(int performance_year, const std::string& origin) {
  hcc_params.reset();
  scoring_params.reset();
  if (risk_score_source == RiskScoreSource::kRecordElseHcc) {
    if (hcc_model.is_null()) {
      std::vector<std::string> notes;
      hcc_params = hcc::DefaultRiskModelParams(performance_year, &notes);
    } else {
      auto r =
          hcc::ParseRiskModelParams(hcc_model, performance_year, origin + " parameter 'hcc_model'");
      if (!r.ok()) return ParamError(origin, "hcc_model", r.status().message());
      hcc_params = std::move(r).value();
    }
  }
  if (quality_source == QualitySource::kMeasures) {
    if (quality_scoring.is_null()) {
      return ParamError(origin, "quality_scoring",
                        "required when quality_source is \"measures\" (benchmarks per measure)");
    }
    auto sp = quality::ParseScoringParams(quality_scoring, origin + " parameter 'quality_scoring'");
    if (!sp.ok()) return ParamError(origin, "quality_scoring", sp.status().message());
    scoring_params = std::move(sp).value();
  }
  return Status::Ok();
}

Money Parameters::PmpmFor(const std::optional<Rational>& risk_score) const {
  if (!risk_score) return pmpm_unscored;
  Money fee = pmpm_tiers.front().pmpm;
  for (const auto& t : pmpm_tiers) {
    if (*risk_score >= t.min_risk_score) fee = t.pmpm;
  }
  return fee;
}

const std::vector<std::string>& ParameterNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& d : Defs()) n.push_back(d.name);
    return n;
  }();
  return names;
}

Result<Parameters> ParseParameters(const json& params, const std::string& origin) {
  if (!params.is_object()) return Status::Invalid(origin + " parameters must be a JSON object");
  for (auto it = params.begin(); it != params.end(); ++it) {
    if (!FindDef(it.key())) {
      return ParamError(origin, it.key(), "unknown parameter (known: " + KnownNames() + ")");
    }
  }
  Parameters p;
  for (const auto& d : Defs()) {
    if (!params.contains(d.name)) return ParamError(origin, d.name, "missing");
    Status st = d.set(params.at(d.name), p);
    if (!st.ok()) return ParamError(origin, d.name, st.message());
  }
  if (p.min_loss_rate > p.max_loss_rate) {
    return ParamError(origin, "min_loss_rate", "is greater than max_loss_rate");
  }
  return p;
}

std::string CanonicalJson(const json& j) { return j.dump(); }

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return HexLower(md, len);
}

Result<RuleSet> RuleSet::FromJson(const json& doc, const std::string& origin) {
  if (!doc.is_object()) return Status::Invalid(origin + ": a rule set must be a JSON object");
  if (const auto s = doc.find("schema"); s == doc.end() || *s != "vbp.rule_set/1") {
    return Status::Invalid(origin + ": field 'schema' must be \"vbp.rule_set/1\"");
  }
  for (const char* f : {"name", "version"}) {
    if (!doc.contains(f) || !doc.at(f).is_string() || doc.at(f).get<std::string>().empty()) {
      return Status::Invalid(origin + ": field '" + f + "' must be a non-empty string");
    }
  }
  if (!doc.contains("parameters")) return Status::Invalid(origin + ": missing 'parameters'");
  RuleSet rs;
  rs.name_ = doc.at("name").get<std::string>();
  rs.version_ = doc.at("version").get<std::string>();
  if (rs.name_.find('@') != std::string::npos || rs.version_.find('@') != std::string::npos) {
    return Status::Invalid(origin + ": name and version must not contain '@'");
  }
  auto parsed = ParseParameters(doc.at("parameters"), "rule set " + rs.id());
  if (!parsed.ok()) return Status::Invalid(origin + ": " + parsed.status().message());
  json hashed = doc;
  if (doc.contains("performance_year")) {
    auto year = IntIn(doc.at("performance_year"), 1900, 2999);
    if (!year.ok()) {
      return Status::Invalid(origin + ": field 'performance_year' " + year.status().message());
    }
    rs.performance_year_ = static_cast<int>(*year);
    hashed.erase("performance_year");  // advisory: annotating a set keeps its statements' hash
  }
  rs.doc_ = doc;
  rs.hash_ = "sha256:" + Sha256Hex(CanonicalJson(hashed));
  return rs;
}

std::optional<std::string> RuleSet::YearWarning(std::string_view contract_id,
                                                int contract_performance_year) const {
  if (!performance_year_ || *performance_year_ == contract_performance_year) return std::nullopt;
  return "contract " + std::string(contract_id) + " (performance year " +
         std::to_string(contract_performance_year) + ") uses rule set " + id() +
         ", which is documented for performance year " + std::to_string(*performance_year_) +
         ": check that its parameters (code lists, MSR table, benchmarks) fit " +
         std::to_string(contract_performance_year);
}

Result<RuleSet> RuleSet::FromText(std::string_view text, const std::string& origin) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Invalid(origin + ": not valid JSON");
  return FromJson(doc, origin);
}

Result<json> RuleSet::Merge(const json& overrides, const std::string& origin) const {
  json merged = default_parameters();
  if (overrides.is_null()) return merged;
  if (!overrides.is_object()) return Status::Invalid(origin + " parameters must be a JSON object");
  for (auto it = overrides.begin(); it != overrides.end(); ++it) {
    if (!FindDef(it.key())) {
      return ParamError(origin, it.key(), "unknown parameter (known: " + KnownNames() + ")");
    }
    merged[it.key()] = it.value();
  }
  return merged;
}

Result<Parameters> RuleSet::Resolve(const json& overrides, const std::string& origin) const {
  auto merged = Merge(overrides, origin);
  if (!merged.ok()) return merged.status();
  auto p = ParseParameters(*merged, origin);
  if (p.ok())
    p->quality_score_from_contract = overrides.is_object() && overrides.contains("quality_score");
  return p;
}

}  // namespace vbp::rules
