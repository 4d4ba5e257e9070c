#include "rules/quality/scoring.h"

#include <set>

namespace vbp::rules::quality {

using nlohmann::json;

MeasureScoring DecileScoring(std::vector<Rational> thresholds, bool lower_is_better,
                             Rational weight) {
  MeasureScoring s;
  s.weight = std::move(weight);
  s.lower_is_better = lower_is_better;
  for (size_t i = 0; i < thresholds.size(); ++i) {
    s.steps.push_back(BenchmarkStep{std::move(thresholds[i]), Rational(static_cast<int>(i + 1))});
  }
  return s;
}

Status ValidateScoringParams(const ScoringParams& p) {
  if (p.max_points <= 0) return Status::Invalid("quality scoring max_points must be > 0");
  if (p.min_denominator < 0) return Status::Invalid("quality scoring min_denominator must be >= 0");
  if (p.q_when_none_scored && (*p.q_when_none_scored < 0 || *p.q_when_none_scored > 1)) {
    return Status::Invalid("quality scoring q_when_none_scored must be in [0, 1]");
  }
  for (const auto& [id, m] : p.measures) {
    if (m.weight < 0) return Status::Invalid("quality measure " + id + ": weight must be >= 0");
    for (const BenchmarkStep& s : m.steps) {
      if (s.points < 0 || s.points > p.max_points) {
        return Status::Invalid("quality measure " + id + ": points must be in [0, max_points]");
      }
      if (s.threshold < 0 || s.threshold > 1) {
        return Status::Invalid("quality measure " + id + ": thresholds are rates in [0, 1]");
      }
    }
  }
  return Status::Ok();
}

QualityScore ScoreContract(const std::map<std::string, MeasureTally>& tallies,
                           const ScoringParams& params) {
  QualityScore out;
  std::set<std::string> ids;
  for (const auto& [id, t] : tallies) ids.insert(id);
  for (const auto& [id, m] : params.measures) ids.insert(id);
  Rational weighted;
  for (const std::string& id : ids) {
    MeasureScore s;
    s.measure_id = id;
    auto t = tallies.find(id);
    if (t != tallies.end()) s.tally = t->second;
    s.rate = s.tally.Rate();
    auto cfg = params.measures.find(id);
    if (cfg == params.measures.end()) {
      s.reason = "no scoring parameters for the measure: reported, not scored";
    } else if (s.tally.Eligible() < params.min_denominator) {
      s.reason = "eligible count " + std::to_string(s.tally.Eligible()) + " is below the minimum " +
                 std::to_string(params.min_denominator) + ": not scored";
    } else if (!s.rate) {
      s.reason = "no eligible members: not scored";
    } else {
      const MeasureScoring& m = cfg->second;
      s.scored = true;
      s.weight = m.weight;
      const BenchmarkStep* best = nullptr;
      for (const BenchmarkStep& step : m.steps) {
        const bool reached =
            m.lower_is_better ? *s.rate <= step.threshold : *s.rate >= step.threshold;
        if (reached && (!best || step.points > best->points)) best = &step;
      }
      const std::string rate_text = FormatHalfEven(*s.rate, 6);
      if (best) {
        s.points = best->points;
        s.reason = "rate " + rate_text + (m.lower_is_better ? " <= " : " >= ") +
                   FormatHalfEven(best->threshold, 6) + ": " + FormatHalfEven(best->points, 2) +
                   " points";
      } else {
        s.reason = "rate " + rate_text + " reaches no benchmark step: 0 points";
      }
      ++out.scored_measures;
      out.scored_weight += m.weight;
      weighted += m.weight * s.points / params.max_points;
    }
    out.measures.push_back(std::move(s));
  }
  if (out.scored_measures > 0 && out.scored_weight > 0) {
    out.q = weighted / out.scored_weight;
  } else {
    out.q = params.q_when_none_scored;
  }
  return out;
}

namespace {

Result<Rational> DecimalOf(const json& v, const std::string& where) {
  if (v.is_string()) {
    auto d = ParseExactDecimal(v.get<std::string>());
    if (!d.ok()) return Status::Invalid(where + ": " + d.status().message());
    return d;
  }
  if (v.is_number_integer()) return Rational(BigInt(v.get<int64_t>()));
  return Status::Invalid(where + ": write decimals as strings (e.g. \"0.5\")");
}

Result<ScoringParams> ParseScoringImpl(const json& j, const std::string& origin) {
  if (!j.is_object()) return Status::Invalid(origin + ": quality scoring must be an object");
  ScoringParams p;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const std::string where = origin + " quality scoring '" + k + "'";
    if (k == "min_denominator") {
      if (!it->is_number_integer()) return Status::Invalid(where + ": expected an integer");
      p.min_denominator = it->get<int64_t>();
    } else if (k == "max_points") {
      auto d = DecimalOf(*it, where);
      if (!d.ok()) return d.status();
      p.max_points = *d;
    } else if (k == "q_when_none_scored") {
      if (!it->is_null()) {
        auto d = DecimalOf(*it, where);
        if (!d.ok()) return d.status();
        p.q_when_none_scored = *d;
      }
    } else if (k == "measures") {
      if (!it->is_object()) return Status::Invalid(where + ": expected an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        const std::string mw = where + "." + m.key();
        if (!m->is_object()) return Status::Invalid(mw + ": expected an object");
        MeasureScoring s;
        for (auto f = m->begin(); f != m->end(); ++f) {
          if (f.key() == "weight") {
            auto d = DecimalOf(*f, mw + ".weight");
            if (!d.ok()) return d.status();
            s.weight = *d;
          } else if (f.key() == "lower_is_better") {
            if (!f->is_boolean()) return Status::Invalid(mw + ".lower_is_better: expected a bool");
            s.lower_is_better = f->get<bool>();
          } else if (f.key() == "steps") {
            if (!f->is_array()) return Status::Invalid(mw + ".steps: expected an array");
            for (size_t i = 0; i < f->size(); ++i) {
              const json& step = (*f)[i];
              const std::string sw = mw + ".steps[" + std::to_string(i) + "]";
              if (!step.is_array() || step.size() != 2) {
                return Status::Invalid(sw + ": expected [threshold, points]");
              }
              auto t = DecimalOf(step[0], sw);
              if (!t.ok()) return t.status();
              auto pts = DecimalOf(step[1], sw);
              if (!pts.ok()) return pts.status();
              s.steps.push_back(BenchmarkStep{*t, *pts});
            }
          } else {
            return Status::Invalid(mw + ": unknown key '" + f.key() + "'");
          }
        }
        p.measures[m.key()] = std::move(s);
      }
    } else {
      return Status::Invalid(where + ": unknown key");
    }
  }
  VBP_RETURN_IF_ERROR(ValidateScoringParams(p));
  return p;
}

}  // namespace

Result<ScoringParams> ParseScoringParams(const nlohmann::json& j, const std::string& origin) {
  try {
    return ParseScoringImpl(j, origin);
  } catch (const json::exception& e) {
    return Status::Invalid(origin + " quality scoring: " + e.what());
  }
}

}  // namespace vbp::rules::quality
