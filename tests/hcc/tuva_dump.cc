// Test driver: computes CMS-HCC scores and quality measures for the 10 persons of the Tuva
// synthetic claims (../shared/data/tuva-synthetic-claims) and prints them as JSON, so that
// tests/hcc/tuva_crosscheck.py can compare them with its independent computation from the raw
// CSVs. Test code: it reads files; the rules it calls do not.
//
// Usage: vbp_tuva_dump [<shared-data-dir>]   (default: VBP_SOURCE_DIR/../shared/data)
//
// Tuva → domain mapping (tuva_crosscheck.py implements the same mapping on its own):
// - member: person_id, birth_date, gender; one coverage span per eligibility row (program
//   medicare_ffs; medicare_status_code 10/11 → aged_dual when the row's dual_status_code is
//   01-06 or 08, else aged_nondual; 20/21 → disabled; 31 → esrd); orec = the
//   original_reason_entitlement_code of the row ending last. dual_status_code "2.0" means 02.
// - HCC profile overrides from the reference eligibility row (the row covering Feb 1 of the
//   payment year, else the latest ending before it, else the earliest starting after it):
//   dual status 02/04/08 → full, 01/03/05/06 → partial, else non; institutional when
//   long_term_institutional_flag is 1.
// - claim: rows grouped by claim_id; diagnoses = diagnosis_code_1..25 of the claim (non-empty,
//   first occurrence order); one line per row (service date = claim_line_start_date, else the
//   claim_start_date); institutional: bill_type_code, first non-empty admission/discharge
//   date, discharge_disposition_code, facility_npi, drg_code, procedure_code_1..25.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "rules/hcc/risk_score.h"
#include "rules/quality/evaluate.h"
#include "rules/quality/scoring.h"
#include "tests/hcc/claim_fixtures.h"

namespace {

using nlohmann::json;
using vbp::Date;
using vbp::Rational;
namespace hcc = vbp::rules::hcc;
namespace quality = vbp::rules::quality;

using Row = std::map<std::string, std::string>;

// RFC-4180 reader (quoted fields, doubled quotes, newlines inside quotes, optional BOM).
std::vector<Row> ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot open " << path << "\n";
    std::exit(2);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> rec;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rec.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rec.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(rec));
      rec.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !rec.empty()) {
    rec.push_back(std::move(field));
    records.push_back(std::move(rec));
  }
  std::vector<Row> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() == 1 && records[r][0].empty()) continue;
    Row row;
    for (size_t k = 0; k < records[0].size(); ++k) {
      row[records[0][k]] = k < records[r].size() ? records[r][k] : "";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string DualCode(std::string s) {
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  if (s.size() == 1) s = "0" + s;
  return s;
}

Date ParseDate(const std::string& s) { return Date::Parse(s).value(); }

struct Person {
  vbp::Member member;
  std::vector<Row> eligibility;
  vbp::testing::ClaimSet claims;
};

const Row* ReferenceRow(const std::vector<Row>& rows, Date on) {
  const Row* covering = nullptr;
  const Row* before = nullptr;
  const Row* after = nullptr;
  for (const Row& r : rows) {
    Date from = ParseDate(r.at("enrollment_start_date"));
    Date through = ParseDate(r.at("enrollment_end_date"));
    if (from <= on && on <= through) {
      if (!covering || from > ParseDate(covering->at("enrollment_start_date"))) covering = &r;
    } else if (through < on) {
      if (!before || through > ParseDate(before->at("enrollment_end_date"))) before = &r;
    } else if (!after || from < ParseDate(after->at("enrollment_start_date"))) {
      after = &r;
    }
  }
  return covering ? covering : before ? before : after;
}

std::string Text(const Rational& r) {
  return boost::multiprecision::numerator(r).str() + "/" +
         boost::multiprecision::denominator(r).str();
}

json HccJson(const hcc::RiskScoreResult& r) {
  json j;
  j["scored"] = r.scored;
  if (!r.scored) {
    j["reason"] = r.not_scored_reason;
    return j;
  }
  j["age"] = r.profile.age;
  j["new_enrollee"] = r.profile.new_enrollee;
  j["score"] = Text(r.score);
  j["score_exact"] = Text(r.score_exact);
  j["diagnoses"] = json::array();
  for (const auto& d : r.diagnoses) j["diagnoses"].push_back(d.code);
  for (const auto& m : r.models) {
    json mj;
    mj["segment"] = hcc::SegmentName(m.segment);
    mj["raw"] = Text(m.raw);
    mj["kept"] = json::array();
    mj["dropped"] = json::array();
    for (const auto& h : m.hccs) (h.kept ? mj["kept"] : mj["dropped"]).push_back(h.hcc);
    mj["factors"] = json::object();
    for (const auto& f : m.factors) mj["factors"][f.name] = Text(f.coefficient);
    j["models"][hcc::ModelVersionName(m.model)] = mj;
  }
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::cerr << "usage: vbp_tuva_dump [<shared-data-dir>]\n";
    return 2;
  }
  const std::string shared = argc == 2 ? argv[1] : VBP_SOURCE_DIR "/../shared/data";
  const std::string base = shared + "/tuva-synthetic-claims/";
  std::map<std::string, Person> persons;
  for (const Row& r : ReadCsv(base + "eligibility.csv")) {
    Person& p = persons[r.at("person_id")];
    p.eligibility.push_back(r);
  }
  for (auto& [id, p] : persons) {
    vbp::Member& m = p.member;
    m.member_id = vbp::MemberId(id);
    const Row& first = p.eligibility.front();
    m.birth_date = ParseDate(first.at("birth_date"));
    m.sex = first.at("gender") == "female" ? vbp::Sex::kFemale
            : first.at("gender") == "male" ? vbp::Sex::kMale
                                           : vbp::Sex::kUnknown;
    const Row* last = nullptr;
    for (const Row& r : p.eligibility) {
      vbp::Coverage c;
      c.from = ParseDate(r.at("enrollment_start_date"));
      c.through = ParseDate(r.at("enrollment_end_date"));
      c.program = "medicare_ffs";
      const std::string status = r.at("medicare_status_code");
      const std::string dual = DualCode(r.at("dual_status_code"));
      const bool is_dual = dual == "01" || dual == "02" || dual == "03" || dual == "04" ||
                           dual == "05" || dual == "06" || dual == "08";
      if (status == "20" || status == "21") {
        c.enrollment_type = vbp::EnrollmentType::kDisabled;
      } else if (status == "31") {
        c.enrollment_type = vbp::EnrollmentType::kEsrd;
      } else {
        c.enrollment_type =
            is_dual ? vbp::EnrollmentType::kAgedDual : vbp::EnrollmentType::kAgedNondual;
      }
      m.coverage.push_back(c);
      if (!last || c.through > ParseDate(last->at("enrollment_end_date"))) last = &r;
    }
    m.orec = last->at("original_reason_entitlement_code");
  }

  // Claims.
  std::map<std::string, std::vector<Row>> claim_rows;
  for (Row& r : ReadCsv(base + "medical_claim.csv")) claim_rows[r.at("claim_id")].push_back(r);
  for (auto& [claim_id, rows] : claim_rows) {
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      return std::stoi(a.at("claim_line_number")) < std::stoi(b.at("claim_line_number"));
    });
    const Row& h = rows.front();
    vbp::Claim c;
    c.claim_id = vbp::ClaimId(claim_id);
    c.member_id = vbp::MemberId(h.at("person_id"));
    c.claim_type = h.at("claim_type") == "institutional" ? vbp::ClaimType::kInstitutional
                                                         : vbp::ClaimType::kProfessional;
    c.from_date = ParseDate(h.at("claim_start_date"));
    c.through_date = ParseDate(h.at("claim_end_date"));
    for (int i = 1; i <= 25; ++i) {
      const std::string& d = h.at("diagnosis_code_" + std::to_string(i));
      if (!d.empty() && std::find(c.diagnoses.begin(), c.diagnoses.end(), d) == c.diagnoses.end()) {
        c.diagnoses.push_back(d);
      }
    }
    for (const Row& r : rows) {
      vbp::ClaimLine l;
      l.line = std::stoi(r.at("claim_line_number"));
      l.hcpcs = r.at("hcpcs_code");
      const std::string& ls = r.at("claim_line_start_date");
      l.service_date = ParseDate(ls.empty() ? r.at("claim_start_date") : ls);
      c.lines.push_back(l);
      if (!c.admission_date && !r.at("admission_date").empty()) {
        c.admission_date = ParseDate(r.at("admission_date"));
      }
      if (!c.discharge_date && !r.at("discharge_date").empty()) {
        c.discharge_date = ParseDate(r.at("discharge_date"));
      }
    }
    if (c.claim_type == vbp::ClaimType::kInstitutional) {
      c.bill_type = h.at("bill_type_code");
      c.discharge_status = h.at("discharge_disposition_code");
      c.facility_npi = h.at("facility_npi");
      c.drg = h.at("drg_code");
      for (int i = 1; i <= 25; ++i) {
        const std::string& px = h.at("procedure_code_" + std::to_string(i));
        if (!px.empty()) c.procedures.push_back(px);
      }
    }
    persons[h.at("person_id")].claims.Add(c);
  }

  json out;
  // --- HCC configurations -------------------------------------------------------------------
  struct Config {
    const char* name;
    int payment_year;
    hcc::RiskModelParams params;
  };
  std::vector<Config> configs;
  {
    hcc::RiskModelParams a;  // V24 only, no normalization, diagnoses of 2017
    a.weight_v24 = 1;
    a.weight_v28 = 0;
    a.collection_period = vbp::DateRange{Date::FromYmd(2017, 1, 1), Date::FromYmd(2017, 12, 31)};
    configs.push_back({"py2019_v24_dx2017", 2019, a});
    hcc::RiskModelParams b = hcc::DefaultRiskModelParams(2024, nullptr);  // 67/33 blend
    b.collection_period = a.collection_period;
    configs.push_back({"py2024_blend_dx2017", 2024, b});
    hcc::RiskModelParams c;  // V24, prospective default: diagnoses of 2018
    c.weight_v24 = 1;
    c.weight_v28 = 0;
    configs.push_back({"py2019_v24_prospective", 2019, c});
  }
  for (const Config& cfg : configs) {
    for (auto& [id, p] : persons) {
      hcc::RiskProfileOverrides o;
      const Row* ref = ReferenceRow(p.eligibility, Date::FromYmd(cfg.payment_year, 2, 1));
      const std::string dual = DualCode(ref->at("dual_status_code"));
      o.dual = (dual == "02" || dual == "04" || dual == "08") ? hcc::DualStatus::kFull
               : (dual == "01" || dual == "03" || dual == "05" || dual == "06")
                   ? hcc::DualStatus::kPartial
                   : hcc::DualStatus::kNon;
      o.institutional = ref->at("long_term_institutional_flag") == "1";
      auto r =
          hcc::ComputeRiskScore(p.member, p.claims.views(), vbp::rules::PaidCutoff::Unbounded(),
                                cfg.payment_year, cfg.params, hcc::HccTables::Shipped(), o);
      if (!r.ok()) {
        std::cerr << id << ": " << r.status().ToString() << "\n";
        return 1;
      }
      out["hcc"][cfg.name][id] = HccJson(*r);
    }
  }

  // --- Quality measures, PY2017 and PY2018 ---------------------------------------------------
  const auto& set = quality::MeasureSet::Shipped();
  quality::ScoringParams scoring;
  scoring.min_denominator = 1;
  auto deciles = [](bool lower) {
    std::vector<Rational> t;
    for (int i = 1; i <= 10; ++i) t.push_back(lower ? Rational(11 - i, 10) : Rational(i, 10));
    return t;
  };
  for (const auto& m : set.measures()) {
    scoring.measures[m.id] = quality::DecileScoring(deciles(m.inverse), m.inverse);
  }
  for (int py : {2017, 2018}) {
    std::map<std::string, quality::MeasureTally> contract;
    json pj;
    for (auto& [id, p] : persons) {
      auto r = quality::EvaluateMeasures(p.member, p.claims.views(),
                                         vbp::rules::PaidCutoff::Unbounded(), py, set);
      quality::ApplyTallies(r, +1, &contract);
      for (const auto& o : r.measures) {
        pj["members"][id][o.measure_id] = {{"status", quality::MeasureStatusName(o.status)},
                                           {"denominator", o.tally.denominator},
                                           {"exclusions", o.tally.exclusions},
                                           {"numerator", o.tally.numerator},
                                           {"gap", o.gap}};
      }
    }
    auto q = quality::ScoreContract(contract, scoring);
    for (const auto& s : q.measures) {
      pj["contract"][s.measure_id] = {{"denominator", s.tally.denominator},
                                      {"exclusions", s.tally.exclusions},
                                      {"numerator", s.tally.numerator},
                                      {"points", Text(s.points)},
                                      {"scored", s.scored}};
    }
    pj["q"] = q.q ? json(Text(*q.q)) : json(nullptr);
    out["quality"][std::to_string(py)] = pj;
  }
  std::cout << out.dump(1) << "\n";
  return 0;
}
