#pragma once
// CMS Medicare code meanings shared by the importers (`vbp import tuva`, `cclf`, `fhir`):
// enrollment type from the Medicare status code, dual status, OREC and age; the surrogate
// TIN of an NPI. One owner, so that every importer reads the same code the same way.

#include <optional>
#include <string>
#include <string_view>

#include "domain/records.h"

namespace vbp::medicare {

// A small integer code written as "2", "02" or "2.0" (CSV exports of numeric columns).
std::optional<int> SmallCode(std::string_view s);
// Enrollment type from the Medicare status code (10 aged, 11 aged+ESRD, 20 disabled, 21
// disabled+ESRD, 31 ESRD only), dual status, OREC (2, 3: ESRD) and age at the span start.
EnrollmentType EnrollmentTypeOf(std::string_view medicare_status_code, bool dual,
                                std::string_view orec, int age_at_start);
// True when a dual status code ("02", "2", "2.0") names a full or partial dual: 01-06, 08.
bool IsDualStatus(std::string_view dual_status_code);
// The surrogate TIN of a 10-digit NPI: its last 9 digits.
std::string SurrogateTin(std::string_view npi);
// Provider class from a CMS provider specialty code (cclf-reference-codes/provider_specialty
// .csv): primary care 01, 08, 11, 37, 38 -> pcp; 50, 89, 97 -> npp; the physician
// specialties of the CMS table -> specialist; anything else (therapists, suppliers, unknown
// codes) -> other. The generator's catalog classes its specialties the same way (tested).
ProviderClass ProviderClassOfSpecialty(std::string_view cms_specialty_code);
// Age in whole years on `on`.
int AgeOn(Date birth, Date on);

}  // namespace vbp::medicare
