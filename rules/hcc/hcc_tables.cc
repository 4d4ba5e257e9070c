#include "rules/hcc/hcc_tables.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "rules/data/tsv.h"

namespace vbp::rules::hcc {

const char* ModelVersionName(ModelVersion m) {
  switch (m) {
    case ModelVersion::kV24:
      return "CMS-HCC-V24";
    case ModelVersion::kV28:
      return "CMS-HCC-V28";
  }
  return "?";
}

const char* SegmentName(Segment s) {
  switch (s) {
    case Segment::kCNA:
      return "CNA";
    case Segment::kCND:
      return "CND";
    case Segment::kCFA:
      return "CFA";
    case Segment::kCFD:
      return "CFD";
    case Segment::kCPA:
      return "CPA";
    case Segment::kCPD:
      return "CPD";
    case Segment::kINS:
      return "INS";
    case Segment::kNE:
      return "NE";
  }
  return "?";
}

const char* SegmentDescription(Segment s) {
  switch (s) {
    case Segment::kCNA:
      return "community, non-dual, aged";
    case Segment::kCND:
      return "community, non-dual, disabled";
    case Segment::kCFA:
      return "community, full-benefit dual, aged";
    case Segment::kCFD:
      return "community, full-benefit dual, disabled";
    case Segment::kCPA:
      return "community, partial-benefit dual, aged";
    case Segment::kCPD:
      return "community, partial-benefit dual, disabled";
    case Segment::kINS:
      return "long-term institutional";
    case Segment::kNE:
      return "new enrollee";
  }
  return "?";
}

namespace {

using data::TsvTable;

// Column indexes resolved once per table.
struct Cols {
  const TsvTable* t;
  std::vector<size_t> idx;
};

Result<Cols> Columns(const TsvTable& t, std::initializer_list<std::string_view> names) {
  Cols c{&t, {}};
  for (std::string_view n : names) {
    auto i = t.Column(n);
    if (!i.ok()) return i.status();
    c.idx.push_back(*i);
  }
  return c;
}

Result<TsvTable> LoadTable(const std::vector<data::EmbeddedFile>& files, std::string_view name) {
  auto text = data::FindEmbedded(files, name);
  if (!text.ok()) return text.status();
  return TsvTable::Parse(*text, name);
}

Result<ModelVersion> ParseModel(const TsvTable& t, size_t row, size_t col) {
  std::string_view s = t.Cell(row, col);
  if (s == "V24") return ModelVersion::kV24;
  if (s == "V28") return ModelVersion::kV28;
  return Status::Invalid(t.Where(row) + ": unknown model '" + std::string(s) + "'");
}

Result<Segment> ParseSegment(const TsvTable& t, size_t row, size_t col) {
  std::string_view s = t.Cell(row, col);
  for (int i = 0; i < kSegmentCount; ++i) {
    if (s == SegmentName(static_cast<Segment>(i))) return static_cast<Segment>(i);
  }
  return Status::Invalid(t.Where(row) + ": unknown segment '" + std::string(s) + "'");
}

Result<int> SmallInt(const TsvTable& t, size_t row, size_t col, int lo, int hi) {
  auto v = t.Int(row, col);
  if (!v.ok()) return v.status();
  if (*v < lo || *v > hi) {
    return Status::Invalid(t.Where(row) + ": " + std::to_string(*v) + " outside [" +
                           std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int>(*v);
}

#define VBP_HCC_ASSIGN(lhs, expr)             \
  auto lhs##_r = (expr);                      \
  if (!lhs##_r.ok()) return lhs##_r.status(); \
  auto lhs = std::move(lhs##_r).value()

// Adds a (name, pair) row to the interaction list of a segment, merging rows of one name.
Status AddInteraction(std::vector<Interaction>& list, const TsvTable& t, size_t row,
                      std::string name, std::string description, std::pair<int, int> pair,
                      Rational coefficient) {
  for (Interaction& i : list) {
    if (i.name != name) continue;
    if (i.coefficient != coefficient) {
      return Status::Invalid(t.Where(row) + ": interaction " + name +
                             " has two coefficients in one segment");
    }
    i.pairs.push_back(pair);
    return Status::Ok();
  }
  list.push_back(Interaction{std::move(name), std::move(description), {pair}, coefficient});
  return Status::Ok();
}

}  // namespace

Result<HccTables> HccTables::Load(const std::vector<data::EmbeddedFile>& files) {
  HccTables out;
  constexpr int kYearMin = 2000;
  constexpr int kYearMax = 2100;
  constexpr int kHccMax = 999;

  // ICD-10-CM -> HCC.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/icd10_to_hcc.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"model", "icd10", "hcc", "first_year", "last_year"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(hcc, SmallInt(t, r, c.idx[2], 1, kHccMax));
      VBP_HCC_ASSIGN(first, SmallInt(t, r, c.idx[3], kYearMin, kYearMax));
      VBP_HCC_ASSIGN(last, SmallInt(t, r, c.idx[4], first, kYearMax));
      std::string_view code = t.Cell(r, c.idx[1]);
      if (code.size() < 3 || code.size() > 7) {
        return Status::Invalid(t.Where(r) + ": ICD-10-CM code '" + std::string(code) + "'");
      }
      PerModel& m = out.M(model);
      m.mapping.push_back(MapRow{std::string(code), hcc, first, last});
      m.first_year = m.first_year == 0 ? first : std::min(m.first_year, first);
      m.last_year = std::max(m.last_year, last);
    }
    for (PerModel& m : out.models_) {
      std::sort(m.mapping.begin(), m.mapping.end(), [](const MapRow& a, const MapRow& b) {
        return std::tie(a.icd10, a.hcc, a.first_year) < std::tie(b.icd10, b.hcc, b.first_year);
      });
    }
  }

  // Eligible CPT/HCPCS.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/eligible_cpt_hcpcs.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"code", "first_year", "last_year"}));
    std::set<int> years;
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(first, SmallInt(t, r, c.idx[1], kYearMin, kYearMax));
      VBP_HCC_ASSIGN(last, SmallInt(t, r, c.idx[2], first, kYearMax));
      out.cpt_.push_back(CptRow{std::string(t.Cell(r, c.idx[0])), first, last});
      for (int y = first; y <= last; ++y) years.insert(y);
    }
    std::sort(out.cpt_.begin(), out.cpt_.end(), [](const CptRow& a, const CptRow& b) {
      return std::tie(a.code, a.first_year) < std::tie(b.code, b.first_year);
    });
    out.cpt_years_.assign(years.begin(), years.end());
  }

  // Demographic factors.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/demographic_factors.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"model", "segment", "sex", "age_group", "ne_medicaid",
                                  "ne_origdis", "coefficient"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(segment, ParseSegment(t, r, c.idx[1]));
      std::string_view sex_s = t.Cell(r, c.idx[2]);
      if (sex_s != "F" && sex_s != "M") return Status::Invalid(t.Where(r) + ": sex");
      const Sex sex = sex_s == "F" ? Sex::kFemale : Sex::kMale;
      const bool ne = segment == Segment::kNE;
      std::string_view med = t.Cell(r, c.idx[4]);
      std::string_view od = t.Cell(r, c.idx[5]);
      if (ne ? !((med == "Y" || med == "N") && (od == "Y" || od == "N"))
             : !(med == "-" && od == "-")) {
        return Status::Invalid(t.Where(r) + ": new-enrollee flags do not fit the segment");
      }
      VBP_HCC_ASSIGN(coef, t.Decimal(r, c.idx[6]));
      auto key =
          std::make_tuple(segment, sex, std::string(t.Cell(r, c.idx[3])), med == "Y", od == "Y");
      if (!out.M(model).demographic.emplace(key, coef).second) {
        return Status::Invalid(t.Where(r) + ": duplicate demographic row");
      }
    }
  }

  // Disease factors.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/disease_factors.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"model", "segment", "hcc", "coefficient", "description"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(segment, ParseSegment(t, r, c.idx[1]));
      VBP_HCC_ASSIGN(hcc, SmallInt(t, r, c.idx[2], 1, kHccMax));
      VBP_HCC_ASSIGN(coef, t.Decimal(r, c.idx[3]));
      std::string label(t.Cell(r, c.idx[4]));
      PerModel& m = out.M(model);
      if (!m.disease.emplace(std::make_pair(segment, hcc), DiseaseFactor{coef, label}).second) {
        return Status::Invalid(t.Where(r) + ": duplicate disease factor");
      }
      m.labels.emplace(hcc, label);
    }
  }

  // Hierarchy.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/hierarchy.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"model", "hcc", "excludes"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(hcc, SmallInt(t, r, c.idx[1], 1, kHccMax));
      VBP_HCC_ASSIGN(excl, SmallInt(t, r, c.idx[2], 1, kHccMax));
      PerModel& m = out.M(model);
      if (!m.labels.count(hcc) || !m.labels.count(excl)) {
        return Status::Invalid(t.Where(r) + ": hierarchy names an HCC without a coefficient");
      }
      m.excludes[hcc].push_back(excl);
    }
    for (PerModel& m : out.models_) {
      for (auto& [h, v] : m.excludes) std::sort(v.begin(), v.end());
    }
  }

  // Disease interactions.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/disease_interactions.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"model", "segment", "name", "hcc_1", "hcc_2", "coefficient",
                                  "description"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(segment, ParseSegment(t, r, c.idx[1]));
      VBP_HCC_ASSIGN(h1, SmallInt(t, r, c.idx[3], 1, kHccMax));
      VBP_HCC_ASSIGN(h2, SmallInt(t, r, c.idx[4], 1, kHccMax));
      VBP_HCC_ASSIGN(coef, t.Decimal(r, c.idx[5]));
      VBP_RETURN_IF_ERROR(AddInteraction(out.M(model).interactions[static_cast<size_t>(segment)], t,
                                         r, std::string(t.Cell(r, c.idx[2])),
                                         std::string(t.Cell(r, c.idx[6])), {h1, h2}, coef));
    }
  }

  // Disabled interactions.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/disabled_interactions.tsv"));
    VBP_HCC_ASSIGN(c,
                   Columns(t, {"model", "segment", "name", "hcc", "coefficient", "description"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(segment, ParseSegment(t, r, c.idx[1]));
      VBP_HCC_ASSIGN(h, SmallInt(t, r, c.idx[3], 1, kHccMax));
      VBP_HCC_ASSIGN(coef, t.Decimal(r, c.idx[4]));
      VBP_RETURN_IF_ERROR(AddInteraction(
          out.M(model).disabled_interactions[static_cast<size_t>(segment)], t, r,
          std::string(t.Cell(r, c.idx[2])), std::string(t.Cell(r, c.idx[5])), {h, h}, coef));
    }
  }

  // Originally-disabled terms (hand-maintained from CMS's coefficient files, see the table).
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/originally_disabled.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"model", "segment", "sex", "coefficient"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(segment, ParseSegment(t, r, c.idx[1]));
      std::string_view sex_s = t.Cell(r, c.idx[2]);
      if (sex_s != "F" && sex_s != "M") return Status::Invalid(t.Where(r) + ": sex");
      VBP_HCC_ASSIGN(coef, t.Decimal(r, c.idx[3]));
      const Sex sex = sex_s == "F" ? Sex::kFemale : Sex::kMale;
      if (!out.M(model).originally_disabled.emplace(std::make_pair(segment, sex), coef).second) {
        return Status::Invalid(t.Where(r) + ": duplicate originally-disabled term");
      }
    }
  }

  // Payment HCC counts.
  {
    VBP_HCC_ASSIGN(t, LoadTable(files, "hcc/payment_hcc_counts.tsv"));
    VBP_HCC_ASSIGN(c, Columns(t, {"model", "segment", "count", "coefficient"}));
    for (size_t r = 0; r < t.rows(); ++r) {
      VBP_HCC_ASSIGN(model, ParseModel(t, r, c.idx[0]));
      VBP_HCC_ASSIGN(segment, ParseSegment(t, r, c.idx[1]));
      VBP_HCC_ASSIGN(n, SmallInt(t, r, c.idx[2], 1, 10));
      VBP_HCC_ASSIGN(coef, t.Decimal(r, c.idx[3]));
      if (!out.M(model).counts.emplace(std::make_pair(segment, n), coef).second) {
        return Status::Invalid(t.Where(r) + ": duplicate count factor");
      }
    }
  }

  // Every mapped HCC must be a payment HCC of its model.
  for (ModelVersion mv : kModelVersions) {
    const PerModel& m = out.M(mv);
    for (const MapRow& row : m.mapping) {
      if (!m.labels.count(row.hcc)) {
        return Status::Invalid("hcc/icd10_to_hcc.tsv: " + row.icd10 + " maps to " +
                               ModelVersionName(mv) + " HCC " + std::to_string(row.hcc) +
                               ", which has no coefficient");
      }
    }
  }
  return out;
}

#undef VBP_HCC_ASSIGN

const HccTables& HccTables::Shipped() {
  static const HccTables tables = [] {
    auto t = Load(data::EmbeddedDataFiles());
    if (!t.ok()) {
      std::fprintf(stderr, "shipped CMS-HCC tables are invalid: %s\n",
                   t.status().ToString().c_str());
      std::abort();
    }
    return std::move(t).value();
  }();
  return tables;
}

void HccTables::HccsOf(ModelVersion model, int payment_year, std::string_view icd10,
                       std::vector<int>* out) const {
  const auto& rows = M(model).mapping;
  auto it = std::lower_bound(rows.begin(), rows.end(), icd10,
                             [](const MapRow& r, std::string_view code) { return r.icd10 < code; });
  for (; it != rows.end() && it->icd10 == icd10; ++it) {
    if (it->first_year <= payment_year && payment_year <= it->last_year &&
        (out->empty() || out->back() != it->hcc)) {
      out->push_back(it->hcc);
    }
  }
}

std::pair<int, int> HccTables::MappingYears(ModelVersion model) const {
  return {M(model).first_year, M(model).last_year};
}

bool HccTables::HasMappingYear(ModelVersion model, int payment_year) const {
  return M(model).first_year != 0 && M(model).first_year <= payment_year &&
         payment_year <= M(model).last_year;
}

bool HccTables::IsEligibleCode(int list_year, std::string_view hcpcs) const {
  auto it = std::lower_bound(cpt_.begin(), cpt_.end(), hcpcs,
                             [](const CptRow& r, std::string_view code) { return r.code < code; });
  for (; it != cpt_.end() && it->code == hcpcs; ++it) {
    if (it->first_year <= list_year && list_year <= it->last_year) return true;
  }
  return false;
}

std::optional<int> HccTables::CptListYearAtMost(int year) const {
  std::optional<int> best;
  for (int y : cpt_years_) {
    if (y <= year) best = y;
  }
  return best;
}

const Rational* HccTables::Demographic(ModelVersion model, Segment segment, Sex sex,
                                       std::string_view age_group, bool ne_medicaid,
                                       bool ne_originally_disabled) const {
  const bool ne = segment == Segment::kNE;
  auto key = std::make_tuple(segment, sex, std::string(age_group), ne && ne_medicaid,
                             ne && ne_originally_disabled);
  const auto& d = M(model).demographic;
  auto it = d.find(key);
  return it == d.end() ? nullptr : &it->second;
}

const DiseaseFactor* HccTables::Disease(ModelVersion model, Segment segment, int hcc) const {
  const auto& d = M(model).disease;
  auto it = d.find({segment, hcc});
  return it == d.end() ? nullptr : &it->second;
}

std::string_view HccTables::Label(ModelVersion model, int hcc) const {
  const auto& l = M(model).labels;
  auto it = l.find(hcc);
  return it == l.end() ? std::string_view() : std::string_view(it->second);
}

bool HccTables::IsPaymentHcc(ModelVersion model, int hcc) const {
  return M(model).labels.count(hcc) > 0;
}

const std::vector<int>& HccTables::Excludes(ModelVersion model, int hcc) const {
  static const std::vector<int> kNone;
  const auto& e = M(model).excludes;
  auto it = e.find(hcc);
  return it == e.end() ? kNone : it->second;
}

const std::vector<Interaction>& HccTables::DiseaseInteractions(ModelVersion model,
                                                               Segment segment) const {
  return M(model).interactions[static_cast<size_t>(segment)];
}

const std::vector<Interaction>& HccTables::DisabledInteractions(ModelVersion model,
                                                                Segment segment) const {
  return M(model).disabled_interactions[static_cast<size_t>(segment)];
}

const Rational* HccTables::OriginallyDisabled(ModelVersion model, Segment segment, Sex sex) const {
  const auto& m = M(model).originally_disabled;
  auto it = m.find(std::make_pair(segment, sex));
  return it == m.end() ? nullptr : &it->second;
}

const Rational* HccTables::CountFactor(ModelVersion model, Segment segment, int bucket) const {
  const auto& c = M(model).counts;
  auto it = c.find({segment, bucket});
  return it == c.end() ? nullptr : &it->second;
}

}  // namespace vbp::rules::hcc
