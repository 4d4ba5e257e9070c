#pragma once
// The CMS-HCC V24/V28 tables (rules/data/hcc/*.tsv, derived from the Tuva seeds; provenance
// in rules/data/README.md), parsed once into immutable lookups. Loading validates every row;
// the shipped tables are compiled in, so a table that fails to load is a build defect.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/decimal.h"
#include "domain/records.h"
#include "domain/status.h"
#include "rules/data/embedded_files.h"

namespace vbp::rules::hcc {

enum class ModelVersion : uint8_t { kV24 = 0, kV28 = 1 };
inline constexpr int kModelVersionCount = 2;
inline constexpr std::array<ModelVersion, kModelVersionCount> kModelVersions = {ModelVersion::kV24,
                                                                                ModelVersion::kV28};
// "CMS-HCC-V24", "CMS-HCC-V28"
const char* ModelVersionName(ModelVersion m);

// CMS-HCC segments: the six community segments and the long-term institutional segment of
// continuing enrollees, and the new-enrollee (NE) demographic table.
enum class Segment : uint8_t { kCNA, kCND, kCFA, kCFD, kCPA, kCPD, kINS, kNE };
inline constexpr int kSegmentCount = 8;
// "CNA", "CND", ..., "INS", "NE"
const char* SegmentName(Segment s);
// "community, non-dual, aged", ...
const char* SegmentDescription(Segment s);

// A disease interaction (e.g. V24 "Diabetes_CHF"): applies once when any listed pair of HCCs
// is present after hierarchies. Disabled interactions have pairs (hcc, hcc) of one HCC.
struct Interaction {
  std::string name;
  std::string description;
  std::vector<std::pair<int, int>> pairs;
  Rational coefficient;
};

struct DiseaseFactor {
  Rational coefficient;
  std::string description;
};

class HccTables {
 public:
  // Parses the tables named "hcc/*.tsv" in `files`.
  static Result<HccTables> Load(const std::vector<data::EmbeddedFile>& files);
  // The tables compiled into this binary; aborts with a message if they do not load (a build
  // defect; tests load them).
  static const HccTables& Shipped();

  // --- Diagnosis mapping -------------------------------------------------------------------
  // Appends to `out` the HCCs that `icd10` (upper case, no dot) maps to in `model` for
  // `payment_year`, ascending. Nothing when it maps to none.
  void HccsOf(ModelVersion model, int payment_year, std::string_view icd10,
              std::vector<int>* out) const;
  // Payment years with a mapping for the model, [first, last].
  std::pair<int, int> MappingYears(ModelVersion model) const;
  bool HasMappingYear(ModelVersion model, int payment_year) const;

  // --- Risk-adjustment eligible CPT/HCPCS (claim filtering) --------------------------------
  bool IsEligibleCode(int list_year, std::string_view hcpcs) const;
  // The latest list year <= `year`, or nullopt when the table starts later.
  std::optional<int> CptListYearAtMost(int year) const;

  // --- Coefficients ----------------------------------------------------------------------
  // Demographic coefficient; `ne_medicaid`/`ne_originally_disabled` only matter for kNE.
  // nullptr when the table has no such row.
  const Rational* Demographic(ModelVersion model, Segment segment, Sex sex,
                              std::string_view age_group, bool ne_medicaid,
                              bool ne_originally_disabled) const;
  // nullptr when the HCC has no coefficient in the segment (coefficient 0).
  const DiseaseFactor* Disease(ModelVersion model, Segment segment, int hcc) const;
  // The HCC's label ("Diabetes with Chronic Complications"); empty when unknown.
  std::string_view Label(ModelVersion model, int hcc) const;
  // True when `hcc` is a payment HCC of the model (it has a coefficient in some segment).
  bool IsPaymentHcc(ModelVersion model, int hcc) const;
  // HCCs that `hcc` excludes (hierarchy), ascending; empty when none.
  const std::vector<int>& Excludes(ModelVersion model, int hcc) const;
  const std::vector<Interaction>& DiseaseInteractions(ModelVersion model, Segment segment) const;
  const std::vector<Interaction>& DisabledInteractions(ModelVersion model, Segment segment) const;
  // The originally-disabled term of an aged community segment (OREC 1, now 65 or older);
  // nullptr where CMS has none (disabled, institutional and new-enrollee segments).
  const Rational* OriginallyDisabled(ModelVersion model, Segment segment, Sex sex) const;
  // Payment-HCC-count coefficient for a bucket 1..10 (10 = "10 or more"); nullptr when none.
  const Rational* CountFactor(ModelVersion model, Segment segment, int bucket) const;

 private:
  struct MapRow {
    std::string icd10;
    int hcc = 0;
    int first_year = 0;
    int last_year = 0;
  };
  struct CptRow {
    std::string code;
    int first_year = 0;
    int last_year = 0;
  };
  struct PerModel {
    std::vector<MapRow> mapping;  // sorted by (icd10, hcc, first_year)
    int first_year = 0;
    int last_year = 0;
    // key: segment, sex, age_group, ne_medicaid, ne_origdis
    std::map<std::tuple<Segment, Sex, std::string, bool, bool>, Rational> demographic;
    std::map<std::pair<Segment, int>, DiseaseFactor> disease;
    std::map<int, std::string> labels;
    std::map<int, std::vector<int>> excludes;
    std::array<std::vector<Interaction>, kSegmentCount> interactions;
    std::array<std::vector<Interaction>, kSegmentCount> disabled_interactions;
    std::map<std::pair<Segment, int>, Rational> counts;
    std::map<std::pair<Segment, Sex>, Rational> originally_disabled;
  };
  const PerModel& M(ModelVersion m) const { return models_[static_cast<size_t>(m)]; }
  PerModel& M(ModelVersion m) { return models_[static_cast<size_t>(m)]; }

  std::array<PerModel, kModelVersionCount> models_;
  std::vector<CptRow> cpt_;     // sorted by (code, first_year)
  std::vector<int> cpt_years_;  // distinct list years, ascending
};

}  // namespace vbp::rules::hcc
