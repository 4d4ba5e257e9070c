#pragma once
// The one paid-date rule (SPEC §3.2, §3.4; rules/README.md D7): a claim version counts in a
// settlement when it was paid on or before both the performance year's run-out cutoff and the
// as-of date. Attribution, expenditure, the CMS-HCC risk score and the quality measures all
// ask this predicate, so that what counts at an (as-of, run-out cutoff) is one set of claim
// versions for every use of a claim.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "domain/date.h"
#include "rules/core/claim_view.h"

namespace vbp::rules {

class PaidCutoff {
 public:
  PaidCutoff(Date runout_cutoff, Date as_of) : runout_cutoff_(runout_cutoff), as_of_(as_of) {}

  // Every claim version counts: for comparisons with references that have no as-of, and for
  // tests of the calculations themselves. Never a settlement's rule.
  static PaidCutoff Unbounded() {
    const Date last = Date::FromDays(INT32_MAX / 2);
    return PaidCutoff(last, last);
  }

  // The last paid date that counts: min(run-out cutoff, as-of).
  Date last() const { return std::min(runout_cutoff_, as_of_); }
  Date runout_cutoff() const { return runout_cutoff_; }
  Date as_of() const { return as_of_; }

  bool Counts(const ClaimView& c) const { return c.paid_date <= last(); }

  // Why a claim version does not count (null when it does).
  const char* WhyNot(const ClaimView& c) const {
    if (Counts(c)) return nullptr;
    return c.paid_date > as_of_ ? "paid after the as-of date" : "paid after the run-out cutoff";
  }

  // The claim versions of `claims` that count, in their order.
  std::vector<ClaimView> Counted(std::span<const ClaimView> claims) const {
    std::vector<ClaimView> out;
    out.reserve(claims.size());
    for (const ClaimView& c : claims) {
      if (Counts(c)) out.push_back(c);
    }
    return out;
  }

 private:
  Date runout_cutoff_;
  Date as_of_;
};

}  // namespace vbp::rules
