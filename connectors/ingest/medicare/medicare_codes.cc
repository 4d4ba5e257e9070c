#include "connectors/ingest/medicare/medicare_codes.h"

#include <algorithm>
#include <set>

#include "domain/check.h"

namespace vbp::medicare {

std::optional<int> SmallCode(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (!std::all_of(frac.begin(), frac.end(), [](char c) { return c == '0'; }))
      return std::nullopt;
  }
  if (whole.empty() || whole.size() > 4 ||
      !std::all_of(whole.begin(), whole.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(std::string(whole));
}

bool IsDualStatus(std::string_view dual_status_code) {
  const auto code = SmallCode(dual_status_code);
  if (!code) return false;
  // CMS dual status: 01-06 and 08 are duals (QMB, SLMB, QDWI, QI, full benefit, ...); 00, 09
  // and 99 are not.
  return (*code >= 1 && *code <= 6) || *code == 8;
}

EnrollmentType EnrollmentTypeOf(std::string_view medicare_status_code, bool dual,
                                std::string_view orec, int age_at_start) {
  const auto aged = dual ? EnrollmentType::kAgedDual : EnrollmentType::kAgedNondual;
  if (const auto msc = SmallCode(medicare_status_code)) {
    switch (*msc) {
      case 10:
        return aged;  // aged without ESRD
      case 11:
        return EnrollmentType::kEsrd;  // aged with ESRD
      case 20:
        return EnrollmentType::kDisabled;  // disabled without ESRD
      case 21:
        return EnrollmentType::kEsrd;  // disabled with ESRD
      case 31:
        return EnrollmentType::kEsrd;  // ESRD only
      default:
        break;
    }
  }
  const auto o = SmallCode(orec);
  if (o && (*o == 2 || *o == 3)) return EnrollmentType::kEsrd;
  if (age_at_start < 65) return EnrollmentType::kDisabled;
  return aged;
}

std::string SurrogateTin(std::string_view npi) {
  VBP_CHECK(npi.size() == 10);
  return std::string(npi.substr(1));
}

int AgeOn(Date birth, Date on) {
  const int years = on.year() - birth.year();
  const bool before_birthday =
      on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day());
  return years - (before_birthday ? 1 : 0);
}

ProviderClass ProviderClassOfSpecialty(std::string_view code) {
  // MSSP primary care specialties: general practice, family practice, internal medicine,
  // pediatrics (as `vbp import tuva`), geriatric medicine; nurse practitioner, clinical nurse
  // specialist, physician assistant. The codes agree with the generator's catalog.
  static const std::set<std::string_view> kPcp = {"01", "08", "11", "37", "38"};
  static const std::set<std::string_view> kNpp = {"50", "89", "97"};
  // The physician specialties of the CMS provider specialty table
  // (cclf-reference-codes/provider_specialty.csv; podiatry too, as the generator's catalog);
  // not dentists (19, C5), unknown physician (99) or multispecialty clinics (70).
  static const std::set<std::string_view> kPhysician = {
      "02", "03", "04", "05", "06", "07", "09", "10", "12", "13", "14", "16", "17", "18", "20",
      "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "33", "34", "36", "39", "40",
      "44", "46", "48", "66", "72", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86",
      "90", "91", "92", "93", "94", "98", "C0", "C3", "C6", "C7", "C8", "C9"};
  if (kPcp.count(code)) return ProviderClass::kPcp;
  if (kNpp.count(code)) return ProviderClass::kNpp;
  if (kPhysician.count(code)) return ProviderClass::kSpecialist;
  return ProviderClass::kOther;
}

}  // namespace vbp::medicare
