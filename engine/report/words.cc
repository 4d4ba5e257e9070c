#include "engine/report/words.h"

namespace vbp::audit {

const std::vector<std::string>& StatementFigureNames() {
  static const std::vector<std::string> kNames = {"assigned_members",
                                                  "person_years",
                                                  "benchmark_total",
                                                  "expenditure_total",
                                                  "gross_savings",
                                                  "savings_rate",
                                                  "msr",
                                                  "mlr",
                                                  "quality_score",
                                                  "final_sharing_rate",
                                                  "shared_savings",
                                                  "shared_losses",
                                                  "pmpm_total",
                                                  "net_payment"};
  return kNames;
}

const std::vector<rules::UnitTally>& StepTally(const rules::MemberOutcome& m) {
  return m.step == rules::AttributionStep::kSpecialist ? m.step2 : m.step1;
}

std::string StepWords(rules::AttributionStep s) {
  switch (s) {
    case rules::AttributionStep::kVoluntary:
      return "step 0 (voluntary alignment)";
    case rules::AttributionStep::kPrimaryCare:
      return "step 1 (primary care by pcp/npp providers)";
    case rules::AttributionStep::kSpecialist:
      return "step 2 (primary care by specialists; no step-1 service anywhere)";
    case rules::AttributionStep::kNone:
      return "no step";
  }
  return "?";
}

std::string WhyText(const rules::MemberOutcome& m) {
  using rules::Unattributed;
  switch (m.unattributed) {
    case Unattributed::kNo: {
      if (m.step == rules::AttributionStep::kVoluntary) {
        return "attributed to " + m.contract->str() + " at step 0: " + m.decided_by;
      }
      const auto& v = StepTally(m);
      std::string s = "attributed to " + m.contract->str() + " at " + StepWords(m.step) + ": " +
                      m.winner->ToString() + " has allowed " + v.front().allowed.ToString();
      if (v.size() > 1) {
        s += " against " + v[1].allowed.ToString() + " at " + v[1].unit.ToString();
      }
      return s + " (" + m.decided_by + ")";
    }
    case Unattributed::kUnknownMember:
      return "not attributed: claims but no member record (never attributed)";
    case Unattributed::kExcludedProgram:
      return "not attributed: excluded program (" + m.exclusion + ")";
    case Unattributed::kNoEligibleMonths:
      return "not attributed: no month of the performance year in an eligible program";
    case Unattributed::kNoQualifyingService:
      return "not attributed: no primary-care service counted at step 1 or 2 (see each line's "
             "attribution note)";
    case Unattributed::kWonByOtherUnit:
      return "not attributed: " + m.winner->ToString() + " (outside every contract) won at " +
             StepWords(m.step) + " with allowed " + StepTally(m).front().allowed.ToString() + " (" +
             m.decided_by + ")";
  }
  return "?";
}

}  // namespace vbp::audit
