#include "connectors/ingest/generate/generator.h"

#include <algorithm>
#include <map>

#include "connectors/ingest/generate/calibration.h"
#include "connectors/ingest/generate/claim_model.h"
#include "connectors/ingest/generate/expected_outcome.h"
#include "connectors/ingest/generate/ids.h"
#include "connectors/ingest/generate/malformed.h"
#include "connectors/ingest/generate/member_model.h"
#include "connectors/ingest/generate/world.h"
#include "rules/core/embedded_rule_sets.h"

namespace vbp::generate {
namespace {

constexpr uint64_t kClaimIdSaltStream = 0xF0F0'0004;
constexpr uint64_t kMalformedStream = 0xF0F0'0005;
constexpr int64_t kProgressEveryMembers = 5000;

// --- Record encoders (SPEC §2), written by hand in a fixed key order. --------------------

void EncodeProvider(std::string& out, const World& w, const ProviderPlan& p,
                    const RosterRecord& r) {
  out += "{\"schema\":\"vbp.provider/1\",\"npi\":";
  json::AppendString(out, p.npi);
  out += ",\"tin\":";
  json::AppendString(out, w.groups[static_cast<size_t>(r.group)].tin);
  out += ",\"specialty\":";
  json::AppendString(out, InfoOf(p.spec).cms_code);
  out += ",\"provider_class\":";
  json::AppendString(out, ProviderClassName(p.cls));
  out += ",\"effective\":";
  json::AppendDay(out, r.effective);
  if (r.termination != kOpenEnded) {
    out += ",\"termination\":";
    json::AppendDay(out, r.termination);
  }
  out += "}";
}

void EncodeMember(std::string& out, const World& w, const MemberPlan& m) {
  out += "{\"schema\":\"vbp.member/1\",\"member_id\":";
  json::AppendString(out, m.member_id);
  out += ",\"birth_date\":";
  json::AppendDay(out, m.birth);
  out += ",\"sex\":\"";
  out.push_back(m.sex);
  out += "\",\"coverage\":[";
  for (size_t i = 0; i < m.coverage.size(); ++i) {
    const CoverageSpan& c = m.coverage[i];
    out += i ? ",{\"from\":" : "{\"from\":";
    json::AppendDay(out, c.from);
    out += ",\"through\":";
    json::AppendDay(out, c.through);
    out += ",\"program\":";
    json::AppendString(out, ProgramName(c.program));
    out += ",\"enrollment_type\":";
    json::AppendString(out, EnrollmentTypeName(c.type));
    out += "}";
  }
  out += "]";
  if (m.aligned_provider >= 0) {
    out += ",\"aligned_npi\":";
    json::AppendString(out, w.providers[static_cast<size_t>(m.aligned_provider)].npi);
  }
  if (m.risk_e4[0] >= 0 || m.risk_e4[1] >= 0) {
    out += ",\"risk_scores\":{";
    bool first = true;
    for (int yi = 0; yi < 2; ++yi) {
      if (m.risk_e4[static_cast<size_t>(yi)] < 0) continue;
      if (!first) out += ",";
      first = false;
      out += "\"" + std::to_string(w.options.year - 1 + yi) + "\":\"";
      out += FormatScaled(BigInt(m.risk_e4[static_cast<size_t>(yi)]), 4);
      out += "\"";
    }
    out += "}";
  }
  out += ",\"orec\":";
  json::AppendString(out, m.orec);
  if (m.medicaid >= 0) out += m.medicaid ? ",\"medicaid\":true" : ",\"medicaid\":false";
  out += "}";
}

void EncodeClaim(std::string& out, const World& w, const MemberPlan& m, const ClaimRec& c,
                 const VersionRec& v) {
  out += "{\"schema\":\"vbp.claim/1\",\"claim_id\":";
  json::AppendString(out, c.claim_id);
  out += ",\"version\":";
  json::AppendInt(out, v.version);
  out += ",\"frequency\":";
  json::AppendString(out, FrequencyName(v.frequency));
  out += ",\"member_id\":";
  json::AppendString(out, m.member_id);
  out += ",\"billing_tin\":";
  json::AppendString(out, w.groups[static_cast<size_t>(c.billing_group)].tin);
  out += ",\"rendering_npi\":";
  json::AppendString(out, w.providers[static_cast<size_t>(c.rendering)].npi);
  out += ",\"claim_type\":";
  json::AppendString(out, ClaimTypeName(c.type));
  out += ",\"from_date\":";
  json::AppendDay(out, c.from);
  out += ",\"through_date\":";
  json::AppendDay(out, c.through);
  out += ",\"paid_date\":";
  json::AppendDay(out, v.paid_day);
  out += ",\"diagnoses\":[";
  for (size_t i = 0; i < v.diagnoses.size(); ++i) {
    if (i) out += ",";
    json::AppendString(out, v.diagnoses[i]);
  }
  out += "]";
  const bool inst = c.type == ClaimType::kInstitutional;
  if (inst) {
    out += ",\"facility_npi\":";
    json::AppendString(out, w.providers[static_cast<size_t>(c.facility)].npi);
    out += ",\"bill_type\":";
    json::AppendString(out, c.bill_type);
    if (c.admission >= 0) {
      out += ",\"admission_date\":";
      json::AppendDay(out, c.admission);
    }
    if (c.discharge >= 0) {
      out += ",\"discharge_date\":";
      json::AppendDay(out, c.discharge);
    }
    if (*c.discharge_status) {
      out += ",\"discharge_status\":";
      json::AppendString(out, c.discharge_status);
    }
    if (*c.drg) {
      out += ",\"drg\":";
      json::AppendString(out, c.drg);
    }
    if (c.procedure) {
      out += ",\"procedures\":[";
      json::AppendString(out, c.procedure);
      out += "]";
    }
  }
  out += ",\"lines\":[";
  for (size_t i = 0; i < v.lines.size(); ++i) {
    const LineRec& l = v.lines[i];
    out += i ? ",{\"line\":" : "{\"line\":";
    json::AppendInt(out, l.line);
    if (*l.hcpcs) {
      out += ",\"hcpcs\":";
      json::AppendString(out, l.hcpcs);
    }
    out += ",\"modifiers\":[";
    if (l.modifiers[0]) json::AppendString(out, l.modifiers[0]);
    if (l.modifiers[1]) {
      out += ",";
      json::AppendString(out, l.modifiers[1]);
    }
    out += "],\"units\":";
    json::AppendInt(out, l.units);
    out += ",\"service_date\":";
    json::AppendDay(out, l.service_day);
    if (*l.pos) {
      out += ",\"pos\":";
      json::AppendString(out, l.pos);
    }
    out += ",\"allowed\":";
    json::AppendCents(out, l.allowed);
    out += ",\"paid\":";
    json::AppendCents(out, l.paid);
    if (inst && *l.revenue) {
      out += ",\"revenue_code\":";
      json::AppendString(out, l.revenue);
    }
    out += "}";
  }
  out += "]}";
}

// --- Counters for the manifest. -----------------------------------------------------------

struct Counts {
  int64_t members = 0;
  std::array<int64_t, kEnrollmentTypeCount> py_member_months{};
  std::array<int64_t, kEnrollmentTypeCount> members_by_first_py_type{};
  int64_t medicare_advantage_members = 0;  // any MA month in the window
  int64_t excluded_in_py = 0;              // any MA month in the PY
  int64_t no_py_eligibility = 0;
  int64_t aligned = 0;
  int64_t scored_py = 0;
  int64_t unscored_py_eligible = 0;
  int64_t deaths = 0;
  int64_t esrd_dialysis = 0;
  int64_t coverage_gaps = 0;
  int64_t medicaid_true = 0;

  int64_t claim_ids = 0;
  int64_t claim_records = 0;
  int64_t claim_lines = 0;
  std::array<int64_t, 3> by_frequency{};
  int64_t professional = 0;
  int64_t institutional = 0;
  int64_t duplicates = 0;
  int64_t out_of_order = 0;
  int64_t paid_after_runout = 0;   // records paid after the run-out cutoff
  int64_t late_py_claims = 0;      // PY claims whose first version is paid after the cutoff
  int64_t unknown_npi_claims = 0;  // claim ids rendered by an NPI without a provider record
  int64_t effective_py_lines = 0;  // lines of effective versions with a PY service date
  int64_t effective_prior_lines = 0;

  std::array<int64_t, kEnrollmentTypeCount> py_paid_cents{};  // assignable members
  std::array<int64_t, kEnrollmentTypeCount> py_months{};
  int64_t attributed = 0;
  std::array<int64_t, 3> attributed_by_step{};
  int64_t won_by_other_units = 0;
  ClinicalCounts clinical;
};

}  // namespace

Result<GenerateSummary> Generate(const GenerateOptions& options, const GenerateSinks& sinks,
                                 const ProgressFn& progress) {
  if (options.members < 1 || options.members > kMembersMax) {
    return Status::Invalid("--members must be in [1, " + std::to_string(kMembersMax) + "], got " +
                           std::to_string(options.members));
  }
  // Contracts take performance years 2000-2100 (schemas/contract.schema.json); birth dates
  // then stay within the 1900-2199 dates a record may carry.
  if (options.year < 2000 || options.year > 2100) {
    return Status::Invalid("--year must be in [2000, 2100], got " + std::to_string(options.year));
  }
  if (options.malformed_per_mille < 0 || options.malformed_per_mille > 1000) {
    return Status::Invalid("--malformed-per-mille must be in [0, 1000], got " +
                           std::to_string(options.malformed_per_mille));
  }
  if (!sinks.members || !sinks.providers || !sinks.contracts || !sinks.claims) {
    return Status::Invalid("every output sink must be given");
  }

  const rules::RuleSet& rule_set = rules::ReferenceRuleSet();
  auto defaults = rules::ParseParameters(rule_set.default_parameters(), rule_set.id());
  if (!defaults.ok()) return defaults.status();
  const ExpectationRules expect_rules = ExpectationRules::From(*defaults, options.year);

  const World world =
      BuildWorld({options.members, options.seed, options.year, options.quality_measures});
  const std::vector<ContractTerms> terms = DesignTerms(world);
  std::vector<ContractTally> tallies(world.contracts.size());
  Counts n;
  const uint32_t malformed_ppm = static_cast<uint32_t>(options.malformed_per_mille) * 1000;
  Corrupter corrupter;
  std::string line;

  // --- Providers. ---
  {
    Rng rng(options.seed, kMalformedStream);
    for (const ProviderPlan& p : world.providers) {
      if (!p.rostered) continue;
      for (const RosterRecord& r : p.roster) {
        line.clear();
        EncodeProvider(line, world, p, r);
        if (rng.Chance(malformed_ppm)) {
          // Before the good record: if an engine accepted it, the upsert that follows wins.
          VBP_RETURN_IF_ERROR(corrupter.Write(*sinks.providers, "providers.ndjson",
                                              RecordKind::kProvider, p.npi, line));
        }
        VBP_RETURN_IF_ERROR(sinks.providers->Append(line));
      }
    }
  }

  // --- Members and their claims, one member at a time. ---
  ClaimModelOptions claim_options;
  claim_options.runout_cutoff = expect_rules.runout_cutoff;
  claim_options.id_salt = Mix(options.seed, kClaimIdSaltStream);
  for (int64_t i = 0; i < options.members; ++i) {
    const uint64_t index = static_cast<uint64_t>(i);
    const MemberPlan m = PlanMember(world, index);
    MemberClaims mc = GenerateClaims(world, m, claim_options);
    Rng rng(options.seed, kMalformedStream + 1 + index);

    line.clear();
    EncodeMember(line, world, m);
    if (rng.Chance(malformed_ppm)) {
      VBP_RETURN_IF_ERROR(corrupter.Write(*sinks.members, "members.ndjson", RecordKind::kMember,
                                          m.member_id, line));
    }
    VBP_RETURN_IF_ERROR(sinks.members->Append(line));

    for (const Delivery& d : mc.deliveries) {
      const ClaimRec& c = mc.claims[d.claim];
      const VersionRec& v = c.versions[d.version_index];
      line.clear();
      EncodeClaim(line, world, m, c, v);
      VBP_RETURN_IF_ERROR(sinks.claims->Append(line));
      ++n.claim_records;
      n.claim_lines += static_cast<int64_t>(v.lines.size());
      ++n.by_frequency[static_cast<size_t>(v.frequency)];
      if (d.duplicate) ++n.duplicates;
      if (d.out_of_order) ++n.out_of_order;
      if (v.paid_day > expect_rules.runout_cutoff) ++n.paid_after_runout;
      // Records of the clinical events are never corrupted (and take no draw), so the
      // malformed records of a seed are those it had before the events existed.
      if (!d.clinical && rng.Chance(malformed_ppm)) {
        // After the good record: a corrupted copy of the same version is rejected either as
        // malformed or as a conflicting redelivery; it never changes the effective claim.
        VBP_RETURN_IF_ERROR(
            corrupter.Write(*sinks.claims, "claims.ndjson", RecordKind::kClaim, c.claim_id, line));
      }
    }

    // Expected outcome and counters.
    const MemberExpectation e = ExpectMember(expect_rules, world, m, mc.claims);
    ++n.members;
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) n.py_member_months[t] += e.months[t];
    for (int k = 12; k < kWindowMonths; ++k) {
      if (m.months[static_cast<size_t>(k)].program == Program::kFfs) {
        ++n.members_by_first_py_type[static_cast<size_t>(m.months[static_cast<size_t>(k)].type)];
        break;
      }
    }
    bool any_ma = false, gap = false;
    for (int k = 0; k < kWindowMonths; ++k) {
      const Program pr = m.months[static_cast<size_t>(k)].program;
      if (pr == Program::kMedicareAdvantage) any_ma = true;
      if (k > 0 && pr == Program::kNone &&
          m.months[static_cast<size_t>(k - 1)].program != Program::kNone && m.death == kOpenEnded) {
        gap = true;
      }
    }
    n.medicare_advantage_members += any_ma;
    n.coverage_gaps += gap;
    n.excluded_in_py += e.excluded;
    if (!e.excluded) {
      for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
        n.py_paid_cents[t] += e.expenditure_cents[t];
        n.py_months[t] += e.months[t];
      }
    }
    n.no_py_eligibility += e.eligible_months == 0;
    n.aligned += m.aligned_provider >= 0;
    n.scored_py += m.risk_e4[1] >= 0;
    n.unscored_py_eligible += m.risk_e4[1] < 0 && e.eligible_months > 0;
    n.deaths += m.death != kOpenEnded;
    n.esrd_dialysis += m.esrd_from_month >= 0;
    n.medicaid_true += m.medicaid == 1;
    n.claim_ids += static_cast<int64_t>(mc.claims.size());
    n.clinical.Add(mc.clinical);
    for (const ClaimRec& c : mc.claims) {
      (c.type == ClaimType::kProfessional ? n.professional : n.institutional) += 1;
      if (!world.providers[static_cast<size_t>(c.rendering)].rostered) ++n.unknown_npi_claims;
      if (c.from >= expect_rules.py_first &&
          c.versions.front().paid_day > expect_rules.runout_cutoff) {
        ++n.late_py_claims;
      }
      if (const VersionRec* v = c.Effective()) {
        for (const LineRec& l : v->lines) {
          (l.service_day >= expect_rules.py_first ? n.effective_py_lines
                                                  : n.effective_prior_lines) += 1;
        }
      }
    }
    if (e.contract >= 0) {
      tallies[static_cast<size_t>(e.contract)].Add(
          e, terms[static_cast<size_t>(e.contract)].PmpmFor(e.risk_e4));
      ++n.attributed;
      ++n.attributed_by_step[static_cast<size_t>(e.step)];
    } else if (e.step >= 0 && !e.excluded && e.eligible_months > 0) {
      ++n.won_by_other_units;
    }
    if (progress && ((i + 1) % kProgressEveryMembers == 0 || i + 1 == options.members)) {
      progress(i + 1, options.members);
    }
  }

  // --- Contracts, calibrated on the expected attributed expenditure. ---
  auto calibrated = CalibrateContracts(world, terms, tallies, expect_rules, rule_set);
  if (!calibrated.ok()) return calibrated.status();
  for (const auto& c : *calibrated) VBP_RETURN_IF_ERROR(sinks.contracts->Append(c.record));

  // --- Manifest. ---
  using ojson = nlohmann::ordered_json;
  GenerateSummary s;
  ojson& mf = s.manifest;
  mf["schema"] = "vbp.generate_manifest/1";
  mf["generator"] = "vbp generate";
  mf["seed"] = options.seed;
  mf["members_requested"] = options.members;
  mf["performance_year"] = options.year;
  mf["claims_window"] = {{"from", std::to_string(options.year - 1) + "-01-01"},
                         {"through", std::to_string(options.year) + "-12-31"}};
  mf["rule_set"] = rule_set.id();
  mf["runout_cutoff"] = Date::FromDays(expect_rules.runout_cutoff).ToString();
  mf["malformed_per_mille"] = options.malformed_per_mille;
  auto file = [](const LineSink& sink) {
    return ojson{{"lines", sink.lines()}, {"bytes", sink.bytes()}};
  };
  mf["files"] = {{"members.ndjson", file(*sinks.members)},
                 {"providers.ndjson", file(*sinks.providers)},
                 {"contracts.ndjson", file(*sinks.contracts)},
                 {"claims.ndjson", file(*sinks.claims)}};
  int64_t npis = 0, unrostered = 0;
  for (const auto& p : world.providers) (p.rostered ? npis : unrostered) += 1;
  std::map<std::string, int64_t> by_class;
  for (const auto& p : world.providers) {
    if (p.rostered) ++by_class[ProviderClassName(p.cls)];
  }
  int64_t terminated = 0, multi = 0;
  for (const auto& p : world.providers) {
    for (const auto& r : p.roster) terminated += r.termination != kOpenEnded;
    multi += p.roster.size() > 1;
  }
  int64_t contract_tins = 0;
  for (const auto& c : world.contracts) contract_tins += static_cast<int64_t>(c.groups.size());
  ojson types_months, types_members, paid_per_py;
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    paid_per_py[EnrollmentTypeName(static_cast<EnrollmentType>(t))] =
        n.py_months[t] == 0
            ? std::string("0.00")
            : FormatHalfEven(
                  Rational(BigInt(n.py_paid_cents[t]) * 12, BigInt(n.py_months[t]) * 100), 2);
  }
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    types_months[EnrollmentTypeName(static_cast<EnrollmentType>(t))] = n.py_member_months[t];
    types_members[EnrollmentTypeName(static_cast<EnrollmentType>(t))] =
        n.members_by_first_py_type[t];
  }
  mf["counts"] = {
      {"members",
       {{"records", n.members},
        {"members_by_first_py_enrollment_type", types_members},
        {"py_eligible_member_months", types_months},
        {"with_medicare_advantage_months", n.medicare_advantage_members},
        {"excluded_in_py_medicare_advantage", n.excluded_in_py},
        {"without_py_eligible_months", n.no_py_eligibility},
        {"with_coverage_gap", n.coverage_gaps},
        {"deceased", n.deaths},
        {"esrd_dialysis", n.esrd_dialysis},
        {"medicaid", n.medicaid_true},
        {"voluntarily_aligned", n.aligned},
        {"with_py_risk_score", n.scored_py},
        {"py_eligible_without_risk_score", n.unscored_py_eligible},
        {"py_paid_per_person_year_untruncated", paid_per_py}}},
      {"providers",
       {{"npis", npis},
        {"records", world.roster_records()},
        {"records_with_termination", terminated},
        {"npis_with_several_records", multi},
        {"npis_by_class", by_class},
        {"tins", static_cast<int64_t>(world.groups.size())},
        {"contract_tins", contract_tins},
        {"unrostered_npis_on_claims", unrostered}}},
      {"contracts", {{"records", static_cast<int64_t>(calibrated->size())}}},
      {"claims",
       {{"claim_ids", n.claim_ids},
        {"records", n.claim_records},
        {"lines_in_records", n.claim_lines},
        {"professional_claim_ids", n.professional},
        {"institutional_claim_ids", n.institutional},
        {"versions",
         {{"original", n.by_frequency[0]},
          {"replacement", n.by_frequency[1]},
          {"void", n.by_frequency[2]}}},
        {"duplicate_deliveries", n.duplicates},
        {"out_of_order_deliveries", n.out_of_order},
        {"records_paid_after_runout", n.paid_after_runout},
        {"py_claims_first_paid_after_runout", n.late_py_claims},
        {"claim_ids_with_unrostered_rendering_npi", n.unknown_npi_claims},
        {"effective_lines_py", n.effective_py_lines},
        {"effective_lines_prior_year", n.effective_prior_lines}}},
      {"clinical_events",
       {{"visits_with_bp_reading", n.clinical.bp_readings},
        {"visits_with_hba1c_result", n.clinical.hba1c_results},
        {"screening_mammograms", n.clinical.mammograms},
        {"fit_tests", n.clinical.fit_tests},
        {"screening_colonoscopies", n.clinical.colonoscopies},
        {"readmissions", n.clinical.readmissions},
        {"direct_transfers", n.clinical.transfers},
        {"discharges_to_hospice", n.clinical.to_hospice},
        {"hospice_members_alive", n.clinical.hospice_live},
        {"claim_ids_added", n.clinical.claims_added}}},
      {"expected_attribution",
       {{"attributed_to_contracts", n.attributed},
        {"by_step",
         {{"0", n.attributed_by_step[0]},
          {"1", n.attributed_by_step[1]},
          {"2", n.attributed_by_step[2]}}},
        {"won_by_tins_outside_contracts", n.won_by_other_units}}},
  };
  mf["malformed"] = corrupter.manifest();
  ojson contracts = ojson::array();
  for (const auto& c : *calibrated) contracts.push_back(c.manifest);
  mf["contracts"] = contracts;
  mf["notes"] = {
      "Malformed records are corrupted extra copies: claims right after the good record (same "
      "claim_id and version), members and providers right before it; the effective data does "
      "not depend on them.",
      "Expected figures assume an as-of date on or after runout_cutoff and the rule set's "
      "member-level defaults.",
      "Versions of a claim whose first version is paid by the run-out cutoff are paid by it too."};

  s.member_records = sinks.members->lines();
  s.provider_records = sinks.providers->lines();
  s.contract_records = sinks.contracts->lines();
  s.claim_records = sinks.claims->lines();
  s.claim_lines = n.claim_lines;
  s.malformed = corrupter.count();
  return s;
}

}  // namespace vbp::generate
