#pragma once
// Validated domain values for the SPEC §2 input records. Decoders (connectors/) turn bytes
// into these or into a Reject; nothing downstream re-validates them.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/date.h"
#include "domain/decimal.h"
#include "domain/ids.h"

namespace vbp {

// Where a record came from: "claims.ndjson:17" or "vbp.claims/3@1042". Kept with every
// record so that rejects, explanations and audits can point at the input.
struct SourcePos {
  std::string source;  // file path or topic
  int32_t partition = -1;  // -1 for files
  int64_t position = 0;    // 1-based line for files, offset for topics
  std::string ToString() const;
};

enum class RecordKind { kClaim, kMember, kProvider, kContract };
const char* RecordKindName(RecordKind kind);

enum class Frequency : uint8_t { kOriginal, kReplacement, kVoid };
enum class ClaimType : uint8_t { kProfessional, kInstitutional };
enum class EnrollmentType : uint8_t { kEsrd = 0, kDisabled = 1, kAgedDual = 2, kAgedNondual = 3 };
inline constexpr int kEnrollmentTypeCount = 4;
enum class ProviderClass : uint8_t { kPcp, kNpp, kSpecialist, kOther };
enum class Sex : uint8_t { kFemale, kMale, kUnknown };

const char* FrequencyName(Frequency f);
const char* ClaimTypeName(ClaimType t);
const char* EnrollmentTypeName(EnrollmentType t);
const char* ProviderClassName(ProviderClass c);
const char* SexName(Sex s);
std::optional<Frequency> ParseFrequency(std::string_view s);
std::optional<ClaimType> ParseClaimType(std::string_view s);
std::optional<EnrollmentType> ParseEnrollmentType(std::string_view s);
std::optional<ProviderClass> ParseProviderClass(std::string_view s);
// Accepts M/F/U and male/female/unknown, any case.
std::optional<Sex> ParseSex(std::string_view s);

template <typename T>
using PerEnrollmentType = std::array<T, kEnrollmentTypeCount>;

struct ClaimLine {
  int32_t line = 0;
  std::string hcpcs;                   // may be empty on institutional lines
  std::vector<std::string> modifiers;
  std::string units;                   // canonical exact decimal text, >= 0
  Date service_date;
  std::string pos;                     // place of service, may be empty on institutional lines
  Money allowed;
  Money paid;
  std::string revenue_code;            // institutional only, may be empty
};

struct Claim {
  ClaimId claim_id;
  int64_t version = 0;
  Frequency frequency = Frequency::kOriginal;
  MemberId member_id;
  Tin billing_tin;
  Npi rendering_npi;
  ClaimType claim_type = ClaimType::kProfessional;
  Date from_date;
  Date through_date;
  Date paid_date;
  std::vector<std::string> diagnoses;  // ICD-10-CM without dot; [0] is principal
  std::vector<ClaimLine> lines;
  // Institutional extras (empty when absent).
  std::string facility_npi;
  std::string bill_type;
  std::optional<Date> admission_date;
  std::optional<Date> discharge_date;
  std::string discharge_status;
  std::string drg;
  std::vector<std::string> procedures;
  // 128-bit fingerprint of every SPEC §2 field, for "same version, different content".
  std::array<uint64_t, 2> content_hash{0, 0};
  SourcePos source;
};

struct Coverage {
  Date from;
  Date through;
  std::string program;
  EnrollmentType enrollment_type = EnrollmentType::kAgedNondual;
};

struct Member {
  MemberId member_id;
  Date birth_date;
  Sex sex = Sex::kUnknown;
  std::vector<Coverage> coverage;
  std::optional<Npi> aligned_npi;
  std::map<int, Rational> risk_scores;  // performance year -> score
  std::optional<std::string> orec;
  std::optional<bool> medicaid;
  std::array<uint64_t, 2> content_hash{0, 0};
  SourcePos source;
};

struct Provider {
  Npi npi;
  Tin tin;
  std::string specialty;
  ProviderClass provider_class = ProviderClass::kOther;
  Date effective;
  std::optional<Date> termination;  // last day the record applies
  std::array<uint64_t, 2> content_hash{0, 0};
  SourcePos source;
};

struct Contract {
  ContractId contract_id;
  int performance_year = 0;
  std::vector<Tin> tins;
  std::string rule_set;          // "name@version"
  std::string parameters_json;   // canonical JSON object text (validated against the rule set
                                 // when the contract is evaluated)
  std::array<uint64_t, 2> content_hash{0, 0};
  SourcePos source;
};

}  // namespace vbp
