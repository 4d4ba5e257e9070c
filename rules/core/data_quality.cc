#include "rules/core/data_quality.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace vbp::rules {

void AddRecordNote(RecordNotes* notes, RecordNoteKind kind, std::string billing_tin, int year,
                   const Int128& paid_micros) {
  RecordNoteTally& t = (*notes)[RecordNoteKey{kind, std::move(billing_tin), year}];
  ++t.records;
  t.paid_micros += paid_micros;
}

void DataQualityTally::Merge(const DataQualityTally& o, int sign) {
  rejected_claim_records += sign * o.rejected_claim_records;
  rejected_paid_micros += sign * o.rejected_paid_micros;
  superseded_claim_records += sign * o.superseded_claim_records;
  for (size_t f = 0; f < kCodeFieldCount; ++f) code_warnings[f] += sign * o.code_warnings[f];
  unknown_member_claims += sign * o.unknown_member_claims;
  unknown_member_paid_micros += sign * o.unknown_member_paid_micros;
  for (const auto& [npi, n] : o.unknown_npis) {
    auto it = unknown_npis.try_emplace(npi, 0).first;
    it->second += sign * n;
    if (it->second == 0) unknown_npis.erase(it);
  }
  members_with_overlapping_coverage += sign * o.members_with_overlapping_coverage;
  overlapping_coverage_months += sign * o.overlapping_coverage_months;
}

CoverageOverlap CoverageOverlapInYear(std::span<const Coverage> coverage, int year) {
  if (coverage.size() < 2) return {};  // most members: nothing to sort
  const Date first = Date::FirstOfYear(year);
  const Date last = Date::LastOfYear(year);
  // The spans clipped to the year, by start: two overlap when one starts on or before the
  // latest end seen so far.
  std::vector<std::pair<Date, Date>> spans;
  for (const Coverage& c : coverage) {
    const Date from = std::max(c.from, first);
    const Date through = std::min(c.through, last);
    if (from <= through) spans.emplace_back(from, through);
  }
  if (spans.size() < 2) return {};
  std::sort(spans.begin(), spans.end());
  bool overlapping = false;
  Date reach = spans[0].second;
  for (size_t i = 1; i < spans.size() && !overlapping; ++i) {
    overlapping = spans[i].first <= reach;
    reach = std::max(reach, spans[i].second);
  }
  if (!overlapping) return {};
  CoverageOverlap o{true, 0};
  for (unsigned month = 1; month <= 12; ++month) {
    const Date day = Date::FirstOfMonth(year, month);
    int covering = 0;
    for (const auto& [from, through] : spans) covering += from <= day && day <= through;
    if (covering >= 2) ++o.months;
  }
  return o;
}

namespace {

// The contracts a claim or record with billing TIN `tin` counts toward: the member's
// attributed contract and the contract owning the TIN (once when they are the same).
template <typename F>
void ForContracts(const MemberOutcome& outcome, std::string_view tin, const UnitMap& units,
                  F&& add) {
  const ContractId* by_tin = tin.empty() ? nullptr : units.ContractOf(tin);
  if (outcome.contract) add(*outcome.contract);
  if (by_tin != nullptr && (!outcome.contract || *by_tin != *outcome.contract)) add(*by_tin);
}

bool OverlapsYear(const ClaimView& c, int year) {
  return c.from_date <= Date::LastOfYear(year) && c.through_date >= Date::FirstOfYear(year);
}

Int128 PaidMicros(const ClaimView& c) {
  Int128 sum = 0;
  for (const LineFacts& l : c.lines) sum += l.paid.money().micros();
  return sum;
}

}  // namespace

std::map<ContractId, DataQualityTally> MemberDataQuality(
    const MemberOutcome& outcome, const Member* member, std::span<const ClaimView> claims,
    const RecordNotes* notes, const UnitMap& units, const ProviderRoster& roster) {
  std::map<ContractId, DataQualityTally> out;
  const int year = units.performance_year();
  const bool member_known = member != nullptr;
  if (member_known) {
    if (const CoverageOverlap o = CoverageOverlapInYear(member->coverage, year); o.overlapping) {
      std::vector<ContractId> counted;  // each contract once
      auto add = [&](const ContractId& id) {
        if (std::find(counted.begin(), counted.end(), id) != counted.end()) return;
        counted.push_back(id);
        DataQualityTally& t = out[id];
        ++t.members_with_overlapping_coverage;
        t.overlapping_coverage_months += o.months;
      };
      if (outcome.contract) add(*outcome.contract);
      for (const ClaimView& c : claims) {
        if (c.billing_tin.empty() || !OverlapsYear(c, year)) continue;
        if (const ContractId* id = units.ContractOf(c.billing_tin)) add(*id);
      }
    }
  }
  for (const ClaimView& c : claims) {
    const bool unknown_npi = !roster.Known(c.rendering_npi);
    if (c.code_warnings == nullptr && member_known && !unknown_npi) continue;
    if (!OverlapsYear(c, year)) continue;
    ForContracts(outcome, c.billing_tin, units, [&](const ContractId& id) {
      DataQualityTally& t = out[id];
      if (c.code_warnings != nullptr) {
        for (size_t f = 0; f < kCodeFieldCount; ++f) t.code_warnings[f] += (*c.code_warnings)[f];
      }
      if (!member_known) {
        ++t.unknown_member_claims;
        t.unknown_member_paid_micros += PaidMicros(c);
      }
      if (unknown_npi) ++t.unknown_npis[std::string(c.rendering_npi)];
    });
  }
  if (notes != nullptr) {
    for (const auto& note : *notes) {
      const auto& key = note.first;     // not a structured binding: clang 14 (the fuzz build)
      const auto& tally = note.second;  // cannot capture one in the lambda below
      if (key.year != 0 && key.year != year) continue;
      ForContracts(outcome, key.billing_tin, units, [&](const ContractId& id) {
        DataQualityTally& t = out[id];
        if (key.kind == RecordNoteKind::kRejected) {
          t.rejected_claim_records += tally.records;
          t.rejected_paid_micros += tally.paid_micros;
        } else {
          t.superseded_claim_records += tally.records;
        }
      });
    }
  }
  return out;
}

}  // namespace vbp::rules
