#include "domain/records.h"

#include <algorithm>
#include <cctype>

namespace vbp {

std::string SourcePos::ToString() const {
  if (partition < 0) return source + ":" + std::to_string(position);
  return source + "/" + std::to_string(partition) + "@" + std::to_string(position);
}

const char* RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kClaim: return "claim";
    case RecordKind::kMember: return "member";
    case RecordKind::kProvider: return "provider";
    case RecordKind::kContract: return "contract";
  }
  return "?";
}

const char* FrequencyName(Frequency f) {
  switch (f) {
    case Frequency::kOriginal: return "original";
    case Frequency::kReplacement: return "replacement";
    case Frequency::kVoid: return "void";
  }
  return "?";
}

const char* ClaimTypeName(ClaimType t) {
  return t == ClaimType::kProfessional ? "professional" : "institutional";
}

const char* EnrollmentTypeName(EnrollmentType t) {
  switch (t) {
    case EnrollmentType::kEsrd: return "esrd";
    case EnrollmentType::kDisabled: return "disabled";
    case EnrollmentType::kAgedDual: return "aged_dual";
    case EnrollmentType::kAgedNondual: return "aged_nondual";
  }
  return "?";
}

const char* ProviderClassName(ProviderClass c) {
  switch (c) {
    case ProviderClass::kPcp: return "pcp";
    case ProviderClass::kNpp: return "npp";
    case ProviderClass::kSpecialist: return "specialist";
    case ProviderClass::kOther: return "other";
  }
  return "?";
}

const char* SexName(Sex s) {
  switch (s) {
    case Sex::kFemale: return "F";
    case Sex::kMale: return "M";
    case Sex::kUnknown: return "U";
  }
  return "?";
}

std::optional<Frequency> ParseFrequency(std::string_view s) {
  if (s == "original") return Frequency::kOriginal;
  if (s == "replacement") return Frequency::kReplacement;
  if (s == "void") return Frequency::kVoid;
  return std::nullopt;
}

std::optional<ClaimType> ParseClaimType(std::string_view s) {
  if (s == "professional") return ClaimType::kProfessional;
  if (s == "institutional") return ClaimType::kInstitutional;
  return std::nullopt;
}

std::optional<EnrollmentType> ParseEnrollmentType(std::string_view s) {
  if (s == "esrd") return EnrollmentType::kEsrd;
  if (s == "disabled") return EnrollmentType::kDisabled;
  if (s == "aged_dual") return EnrollmentType::kAgedDual;
  if (s == "aged_nondual") return EnrollmentType::kAgedNondual;
  return std::nullopt;
}

std::optional<ProviderClass> ParseProviderClass(std::string_view s) {
  if (s == "pcp") return ProviderClass::kPcp;
  if (s == "npp") return ProviderClass::kNpp;
  if (s == "specialist") return ProviderClass::kSpecialist;
  if (s == "other") return ProviderClass::kOther;
  return std::nullopt;
}

std::optional<Sex> ParseSex(std::string_view s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (l == "f" || l == "female") return Sex::kFemale;
  if (l == "m" || l == "male") return Sex::kMale;
  if (l == "u" || l == "unknown") return Sex::kUnknown;
  return std::nullopt;
}

}  // namespace vbp
