#include "connectors/codec/record_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/codec/content_hash.h"
#include "connectors/codec/field_checks.h"
#include "domain/limits.h"

namespace vbp::codec {

const char* SchemaName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kClaim:
      return "vbp.claim/1";
    case RecordKind::kMember:
      return "vbp.member/1";
    case RecordKind::kProvider:
      return "vbp.provider/1";
    case RecordKind::kContract:
      return "vbp.contract/1";
  }
  return "?";
}

namespace {

// A JSON number token without its sign that is zero: "0", "0.00", "0e5".
bool IsZeroNumberToken(std::string_view t) {
  for (char c : t) {
    if (c == 'e' || c == 'E') break;
    if (c != '0' && c != '.') return false;
  }
  return true;
}

// Ids and labels are printable text: a control character (an ESC sequence for a terminal, a
// NUL that truncates a C string, a C1 CSI U+009B that some terminals also obey) is a fault or
// an attack, never part of an identifier. The reason names the first one (C0 U+0000-U+001F,
// DEL U+007F, C1 U+0080-U+009F: UTF-8 C2 80-C2 9F) and its byte position (1-based). The text
// is valid UTF-8 (the JSON reader checked it), so C2 is always followed by a continuation byte.
std::optional<std::string> ControlCharacterReason(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    unsigned code = 0;
    if (b < 0x20 || b == 0x7F) {
      code = b;
    } else if (b == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      code = static_cast<unsigned char>(s[i + 1]);  // U+0080..U+009F
    } else {
      continue;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "U+%04X", code);
    return std::string("control character ") + hex + " at byte " + std::to_string(i + 1) +
           " (ids and labels are printable text)";
  }
  return std::nullopt;
}

// A decimal text with a minus sign whose value is zero ("-0", "-0.00"): IsUnsignedDecimal
// holds for the part after the sign.
bool IsSignedZeroText(std::string_view s) {
  return s.size() > 1 && s.front() == '-' && internal::IsUnsignedDecimal(s.substr(1)) &&
         internal::IsZeroDecimal(s.substr(1));
}

namespace od = simdjson::ondemand;
using simdjson::error_code;

using internal::AppendJsonString;
using internal::CanonicalDecimal;
using internal::CompareWithPowerOfTen;
using internal::FastAmountMicros;
using internal::IsAlnumN;
using internal::IsDigits;
using internal::IsDigitsBetween;
using internal::IsHcpcs;
using internal::IsJsonIntegerLiteral;
using internal::IsJsonNumber;
using internal::IsSmallCanonicalInteger;
using internal::IsUnsignedDecimal;
using internal::IsZeroDecimal;
using internal::NormalizeIcd10Cm;
using internal::QuoteForReason;
using internal::SignificantDecimals;
using internal::UpperAscii;
using internal::Utf8Length;

// Bounds (STYLE.md: a limit on everything). The JSON Schemas state the same bounds; counts
// and id lengths are in domain/limits.h.
constexpr int kAmountDecimalsMax = 6;       // money, units and risk scores
constexpr int kMoneyMaxPowerOfTen = 12;     // an amount is at most 10^12 dollars
constexpr int kUnitsMaxPowerOfTen = 9;      // units are at most 10^9
constexpr int kRiskScoreMaxPowerOfTen = 3;  // a risk score is at most 1000
constexpr int64_t kLineNumberMax = 2147483647;
constexpr int64_t kPerformanceYearMin = 2000;
constexpr int64_t kPerformanceYearMax = 2100;

// An array's bound (domain/limits.h) and the words its reason uses: "too many lines: more
// than 9999 (at most 9999 per claim)".
struct ArrayLimit {
  size_t max;
  const char* items;
  const char* per;
};
constexpr ArrayLimit kDiagnosesLimit{kClaimDiagnosesMax, "diagnoses", "claim"};
constexpr ArrayLimit kLinesLimit{kClaimLinesMax, "lines", "claim"};
constexpr ArrayLimit kProceduresLimit{kClaimProceduresMax, "procedures", "claim"};
constexpr ArrayLimit kModifiersLimit{kLineModifiersMax, "modifiers", "line"};
constexpr ArrayLimit kCoverageLimit{kMemberCoverageSpansMax, "coverage spans", "member"};
constexpr ArrayLimit kTinsLimit{kContractTinsMax, "TINs", "contract"};

// The JSON path of a field: a[i].b[j] (parts left empty / negative are omitted).
struct Path {
  std::string_view a;
  int32_t i = -1;
  std::string_view b;
  int32_t j = -1;
};

std::string PathText(const Path& p) {
  std::string s(p.a);
  if (p.i >= 0) s += "[" + std::to_string(p.i) + "]";
  if (!p.b.empty()) {
    if (!s.empty()) s.push_back('.');
    s.append(p.b);
  }
  if (p.j >= 0) s += "[" + std::to_string(p.j) + "]";
  return s;
}

const char* TypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "an unknown value";
}

std::optional<RecordKind> KindOfSchema(std::string_view s) {
  for (RecordKind k :
       {RecordKind::kClaim, RecordKind::kMember, RecordKind::kProvider, RecordKind::kContract}) {
    if (s == SchemaName(k)) return k;
  }
  return std::nullopt;
}

const char* KeyFieldOf(RecordKind kind) {
  switch (kind) {
    case RecordKind::kClaim:
      return "claim_id";
    case RecordKind::kMember:
      return "member_id";
    case RecordKind::kProvider:
      return "npi";
    case RecordKind::kContract:
      return "contract_id";
  }
  return "";
}

// Field tables, in SPEC §2 order (the decoder guesses that fields arrive in this order).
enum ClaimField {
  kCSchema,
  kCClaimId,
  kCVersion,
  kCFrequency,
  kCMemberId,
  kCBillingTin,
  kCRenderingNpi,
  kCClaimType,
  kCFromDate,
  kCThroughDate,
  kCPaidDate,
  kCDiagnoses,
  kCLines,
  kCFacilityNpi,
  kCBillType,
  kCAdmissionDate,
  kCDischargeDate,
  kCDischargeStatus,
  kCDrg,
  kCProcedures,
};
constexpr std::string_view kClaimFields[] = {
    "schema",         "claim_id",         "version",       "frequency",
    "member_id",      "billing_tin",      "rendering_npi", "claim_type",
    "from_date",      "through_date",     "paid_date",     "diagnoses",
    "lines",          "facility_npi",     "bill_type",     "admission_date",
    "discharge_date", "discharge_status", "drg",           "procedures"};

enum LineField {
  kLLine,
  kLHcpcs,
  kLModifiers,
  kLUnits,
  kLServiceDate,
  kLPos,
  kLAllowed,
  kLPaid,
  kLRevenueCode
};
constexpr std::string_view kLineFields[] = {"line",    "hcpcs",        "modifiers",
                                            "units",   "service_date", "pos",
                                            "allowed", "paid",         "revenue_code"};

enum MemberField {
  kMSchema,
  kMMemberId,
  kMBirthDate,
  kMSex,
  kMCoverage,
  kMAlignedNpi,
  kMRiskScores,
  kMOrec,
  kMMedicaid
};
constexpr std::string_view kMemberFields[] = {"schema",      "member_id", "birth_date",
                                              "sex",         "coverage",  "aligned_npi",
                                              "risk_scores", "orec",      "medicaid"};

enum CoverageField { kVFrom, kVThrough, kVProgram, kVEnrollmentType };
constexpr std::string_view kCoverageFields[] = {"from", "through", "program", "enrollment_type"};

enum ProviderField {
  kPSchema,
  kPNpi,
  kPTin,
  kPSpecialty,
  kPProviderClass,
  kPEffective,
  kPTermination
};
constexpr std::string_view kProviderFields[] = {
    "schema", "npi", "tin", "specialty", "provider_class", "effective", "termination"};

enum ContractField { kKSchema, kKContractId, kKPerformanceYear, kKTins, kKRuleSet, kKParameters };
constexpr std::string_view kContractFields[] = {"schema", "contract_id", "performance_year",
                                                "tins",   "rule_set",    "parameters"};

// Index of `key` in `names`, or -1. `hint` is where the next field is expected.
template <size_t N>
int Lookup(std::string_view key, const std::string_view (&names)[N], size_t* hint) {
  if (*hint < N && names[*hint] == key) return static_cast<int>((*hint)++);
  for (size_t n = 0; n < N; ++n) {
    if (names[n] == key) {
      *hint = n + 1;
      return static_cast<int>(n);
    }
  }
  return -1;
}

constexpr uint32_t Bit(int id) { return uint32_t{1} << id; }

// The key of `f`, unescaped. Fast path: a key without backslashes is its raw text.
bool KeyOf(od::field& f, std::string_view* key) {
  const char* raw = f.key().raw();
  size_t n = 0;
  while (raw[n] != '"') {
    if (raw[n] == '\\') return !f.unescaped_key().get(*key);
    ++n;
  }
  *key = std::string_view(raw, n);
  return true;
}

std::string DateReason(std::string_view text, const std::string& message) {
  // Date::Parse says "bad date '<text>': <why> (want YYYY-MM-DD)"; keep <why>.
  std::string why = "not a date";
  size_t start = message.find("': ");
  size_t end = message.rfind(" (want");
  if (start != std::string::npos && end != std::string::npos && end > start + 3) {
    why = message.substr(start + 3, end - start - 3);
  }
  return "bad date " + QuoteForReason(text) + ": " + why + " (want YYYY-MM-DD)";
}

// Whether an exact value has at most `decimals` decimals.
bool HasAtMostDecimals(const Rational& v, int decimals) {
  BigInt scale = 1;
  for (int n = 0; n < decimals; ++n) scale *= 10;
  return boost::multiprecision::denominator(v * Rational(scale)) == 1;
}

Rational PowerOfTen(int k) {
  BigInt r = 1;
  for (int n = 0; n < k; ++n) r *= 10;
  return Rational(r);
}

}  // namespace

class RecordDecoder::Impl {
 public:
  DecodeResult Decode(std::string_view text, const SourcePos& pos,
                      std::optional<RecordKind> expected);

 private:
  enum class Got { kValue, kNull, kError };

  // Failure reporting: records the first failure and returns false / Got::kError.
  bool Fail(std::string field, std::string reason) {
    fail_field_ = std::move(field);
    fail_reason_ = std::move(reason);
    return false;
  }
  bool Fail(const Path& p, std::string reason) { return Fail(PathText(p), std::move(reason)); }
  bool FailJson(const Path& p, error_code e) {
    return Fail(p, std::string("not valid JSON: ") + simdjson::error_message(e));
  }
  Got Err(bool /*always false*/) { return Got::kError; }
  Got WrongType(const Path& p, od::json_type t, const char* want) {
    Fail(p, std::string("wrong type: got ") + TypeName(t) + ", want " + want);
    return Got::kError;
  }

  bool DecodeText(std::string_view text, std::optional<RecordKind> expected,
                  std::optional<RecordKind>* kind, std::optional<DecodedRecord>* out);
  bool DecodeClaim(od::object& obj, Claim* c);
  // DecodeClaim's parts: one field's value into `c`, the checks across fields (`present`: a
  // bit per field read), and the lines' numbers (unique, kept in number order).
  Got DecodeClaimField(int id, od::value& v, const Path& p, Claim* c);
  bool CheckClaim(uint32_t present, const Claim& c);
  bool OrderLines(Claim* c);
  bool DecodeLine(od::value& v, int32_t index, ClaimLine* line);
  bool DecodeMember(od::object& obj, Member* m);
  bool DecodeCoverage(od::value& v, int32_t index, Coverage* cov);
  Got DecodeRiskScores(od::value& v, Member* m);
  bool DecodeProvider(od::object& obj, Provider* p);
  bool DecodeContract(od::object& obj, Contract* c);
  std::string ReadKey(RecordKind kind);
  // What a rejected claim record still says (RejectedClaimFacts); nullopt when nothing.
  std::optional<RejectedClaimFacts> SalvageClaimFacts();
  // Re-reads the whole text as JSON; false (with the JSON error recorded) when it is not JSON.
  bool IsWholeTextJson();

  // Value readers. kNull: the value is JSON null (= absent). kError: Fail() was called.
  Got Type(od::value& v, const Path& p, od::json_type* t);
  Got ReadString(od::value& v, const Path& p, const char* want, std::string_view* out);
  Got ReadNonEmpty(od::value& v, const Path& p, size_t chars_max, std::string_view* out);
  Got ReadDigits(od::value& v, const Path& p, const char* what, size_t lo, size_t hi,
                 std::string_view* out);
  // A descriptive code (SPEC §6): any JSON value is kept, never rejected. A string is kept
  // trimmed; another value as its canonical JSON text (a number as written). `canonical`
  // (optional) rewrites a code of the expected shape into its stored form (upper case, ICD-10
  // without the dot); a code of another shape is kept as given and counted as a warning
  // where claims are counted (domain/code_shape.h). kNull: null or an empty string.
  Got ReadDescriptive(od::value& v, const Path& p, CodeField field, std::string* out);
  // An array of descriptive codes; a value that is not an array is kept as one element.
  Got ReadDescriptiveArray(od::value& v, const Path& p, CodeField field, const ArrayLimit& limit,
                           std::vector<std::string>* out);
  Got ReadInt(od::value& v, const Path& p, const char* want, int64_t* out);
  Got ReadBool(od::value& v, const Path& p, bool* out);
  Got ReadDate(od::value& v, const Path& p, Date* out);
  Got ReadMoney(od::value& v, const Path& p, Money* out);
  Got ReadUnits(od::value& v, const Path& p, std::string* out);
  Got ReadRiskScore(od::value& v, const Path& p, Rational* out);
  template <typename E>
  Got ReadEnum(od::value& v, const Path& p, const char* what, const char* allowed,
               std::optional<E> (*parse)(std::string_view), E* out);
  // Calls element(value, index) for each item; an array longer than `limit` is rejected at
  // its first item over, before that item is read.
  template <typename F>
  Got ReadArray(od::value& v, const Path& p, const ArrayLimit& limit, F&& element);
  bool NumberToken(od::value& v, const Path& p, std::string_view* token);
  // Validates any JSON value fully and writes its canonical text (sorted keys, no whitespace,
  // numbers as written).
  bool Canonical(od::value& v, const std::string& path, int depth, std::string* out);
  // An unknown field: checked for duplicates and validated as JSON, then ignored.
  bool Unknown(od::value& v, const Path& parent, std::string_view key,
               std::vector<std::string>* seen);

  od::parser parser_;
  std::unique_ptr<char[]> buf_;
  size_t buf_cap_ = 0;
  size_t buf_len_ = 0;
  bool text_buffered_ = false;  // buf_ holds the text being decoded
  std::string fail_field_;
  std::string fail_reason_;
  std::string key_;  // the record's key once read
  std::string hash_scratch_;
  std::string canon_scratch_;
  std::vector<std::pair<int32_t, int32_t>> line_numbers_;  // (line, index)
};

RecordDecoder::RecordDecoder() : impl_(std::make_unique<Impl>()) {}
RecordDecoder::~RecordDecoder() = default;
RecordDecoder::RecordDecoder(RecordDecoder&&) noexcept = default;
RecordDecoder& RecordDecoder::operator=(RecordDecoder&&) noexcept = default;

DecodeResult RecordDecoder::Decode(std::string_view text, const SourcePos& pos,
                                   std::optional<RecordKind> expected) {
  return impl_->Decode(text, pos, expected);
}

DecodeResult RecordDecoder::Impl::Decode(std::string_view text, const SourcePos& pos,
                                         std::optional<RecordKind> expected) {
  key_.clear();
  fail_field_.clear();
  fail_reason_.clear();
  std::optional<RecordKind> kind = expected;
  DecodeResult result;
  bool ok = false;
  try {
    ok = DecodeText(text, expected, &kind, &result.record);
    if (!ok && fail_reason_.empty()) Fail("", "record rejected");  // every Fail sets a reason
  } catch (const std::exception& e) {
    ok = false;
    Fail("", std::string("decoder error: ") + e.what());
  } catch (...) {
    ok = false;
    Fail("", "decoder error: unknown exception");
  }
  if (ok) {
    std::visit([&](auto& r) { r.source = pos; }, *result.record);
    return result;
  }
  result.record.reset();
  // A record that is not JSON anywhere is reported as such, even when a field check failed
  // first (on-demand parsing reads only what it needs): field "", the place in the reason.
  constexpr std::string_view kNotJson = "not valid JSON";
  if (text_buffered_ && fail_reason_.compare(0, kNotJson.size(), kNotJson) != 0) {
    std::string field = std::move(fail_field_);
    std::string reason = std::move(fail_reason_);
    bool is_json = true;
    try {
      is_json = IsWholeTextJson();
    } catch (...) {
      is_json = true;
    }
    // Only a syntax error outranks the field error (a repeated key is still JSON).
    if (is_json || fail_reason_.compare(0, kNotJson.size(), kNotJson) != 0) {
      fail_field_ = std::move(field);
      fail_reason_ = std::move(reason);
    }
  }
  if (fail_reason_.compare(0, kNotJson.size(), kNotJson) == 0 && !fail_field_.empty()) {
    fail_reason_ += " (at " + fail_field_ + ")";
    fail_field_.clear();
  }
  Reject r;
  r.source = pos;
  r.kind = kind;
  if (key_.empty() && kind && text_buffered_) {
    try {
      key_ = ReadKey(*kind);
    } catch (...) {
      key_.clear();
    }
  }
  if (kind == RecordKind::kClaim && text_buffered_) {
    try {
      r.claim_facts = SalvageClaimFacts();
    } catch (...) {
      r.claim_facts.reset();
    }
  }
  r.key = std::move(key_);
  r.field = std::move(fail_field_);
  r.reason = std::move(fail_reason_);
  r.record = std::string(text);
  key_.clear();
  result.reject = std::move(r);
  return result;
}

bool RecordDecoder::Impl::DecodeText(std::string_view text, std::optional<RecordKind> expected,
                                     std::optional<RecordKind>* kind,
                                     std::optional<DecodedRecord>* out) {
  buf_len_ = 0;
  text_buffered_ = false;
  if (text.size() > kRecordBytesMax) {
    return Fail("", "record is " + std::to_string(text.size()) + " bytes (at most " +
                        std::to_string(kRecordBytesMax) + ")");
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Fail("", "empty record (want one JSON object)");
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: copy into a padded buffer.
  size_t need = text.size() + simdjson::SIMDJSON_PADDING;
  if (need > buf_cap_) {
    buf_cap_ = std::max({need, buf_cap_ * 2, size_t{4096}});
    buf_ = std::make_unique<char[]>(buf_cap_);
  }
  std::memcpy(buf_.get(), text.data(), text.size());
  std::memset(buf_.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  buf_len_ = text.size();
  text_buffered_ = true;

  od::document doc;
  if (auto e = parser_.iterate(buf_.get(), buf_len_, buf_cap_).get(doc)) return FailJson({}, e);
  od::json_type type;
  if (auto e = doc.type().get(type)) return FailJson({}, e);
  if (type != od::json_type::object) {
    return Fail("", std::string("not a JSON object (got ") + TypeName(type) +
                        "); each line or message must be one record object");
  }
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return FailJson({}, e);

  // The kind first: "schema" may be written anywhere in the object.
  const Path schema_path{"schema"};
  od::value schema_value;
  error_code e = obj.find_field_unordered("schema").get(schema_value);
  std::string_view schema;
  Got got = Got::kNull;
  if (e == simdjson::NO_SUCH_FIELD) {
    got = Got::kNull;
  } else if (e) {
    return FailJson({}, e);
  } else {
    got = ReadString(schema_value, schema_path, "a string such as \"vbp.claim/1\"", &schema);
    if (got == Got::kError) return false;
  }
  if (got == Got::kNull) {
    return Fail(
        schema_path,
        std::string("missing required field (want \"") +
            SchemaName(expected.value_or(RecordKind::kClaim)) + "\"" +
            (expected ? "" : ", \"vbp.member/1\", \"vbp.provider/1\" or \"vbp.contract/1\"") + ")");
  }
  std::optional<RecordKind> named = KindOfSchema(schema);
  if (!named) {
    return Fail(schema_path, "unknown schema " + QuoteForReason(schema) +
                                 " (vbp.claim/1, vbp.member/1, vbp.provider/1, vbp.contract/1)");
  }
  if (expected && *named != *expected) {
    return Fail(schema_path, "schema " + QuoteForReason(schema) + " does not belong in " +
                                 RecordKindName(*expected) + " input (want \"" +
                                 SchemaName(*expected) + "\")");
  }
  *kind = *named;
  bool non_empty = false;
  if (auto e2 = obj.reset().get(non_empty)) return FailJson({}, e2);

  bool ok = false;
  switch (*named) {
    case RecordKind::kClaim:
      ok = DecodeClaim(obj, &std::get<Claim>(out->emplace(std::in_place_type<Claim>)));
      break;
    case RecordKind::kMember:
      ok = DecodeMember(obj, &std::get<Member>(out->emplace(std::in_place_type<Member>)));
      break;
    case RecordKind::kProvider:
      ok = DecodeProvider(obj, &std::get<Provider>(out->emplace(std::in_place_type<Provider>)));
      break;
    case RecordKind::kContract:
      ok = DecodeContract(obj, &std::get<Contract>(out->emplace(std::in_place_type<Contract>)));
      break;
  }
  if (!ok) return false;
  auto where = doc.current_location();
  if (where.error() == simdjson::SUCCESS) {
    return Fail("", "not valid JSON: trailing content after the record object");
  }
  if (where.error() != simdjson::OUT_OF_BOUNDS) return FailJson({}, where.error());
  return true;
}

std::string RecordDecoder::Impl::ReadKey(RecordKind kind) {
  od::document doc;
  if (parser_.iterate(buf_.get(), buf_len_, buf_cap_).get(doc)) return "";
  od::object obj;
  if (doc.get_object().get(obj)) return "";
  od::value v;
  if (obj.find_field_unordered(KeyFieldOf(kind)).get(v)) return "";
  std::string_view s;
  if (v.get_string().get(s)) return "";
  // Only a key that is a valid id: a reject's key is printed (`vbp settle` names a rejected
  // contract by it) and stored, so an ESC sequence or a 1 MB id must not travel in it.
  if (ControlCharacterReason(s) || Utf8Length(s) > kIdCharsMax) return "";
  return std::string(s);
}

std::optional<RejectedClaimFacts> RecordDecoder::Impl::SalvageClaimFacts() {
  RejectedClaimFacts f;
  bool any = false;
  auto text_of = [&](std::string_view field, std::string_view* out) {
    od::document doc;
    od::object obj;
    od::value v;
    if (parser_.iterate(buf_.get(), buf_len_, buf_cap_).get(doc) || doc.get_object().get(obj) ||
        obj.find_field_unordered(field).get(v) || v.get_string().get(*out)) {
      return false;
    }
    return true;
  };
  std::string_view s;
  // Only a member_id the decoder would accept (as the engine's own check, ClaimOverLimits).
  if (text_of("member_id", &s) && !s.empty() && s.size() <= kIdCharsMax * 4 &&
      Utf8Length(s) <= kIdCharsMax && !ControlCharacterReason(s)) {
    f.member_id.assign(s);
    any = true;
  }
  if (text_of("billing_tin", &s) && IsDigits(s, 9)) {
    f.billing_tin.assign(s);
    any = true;
  }
  if (text_of("from_date", &s)) {
    if (auto d = Date::Parse(s); d.ok()) f.year = d->year();
  }
  od::document doc;
  od::object obj;
  od::array lines;
  if (!parser_.iterate(buf_.get(), buf_len_, buf_cap_).get(doc) && !doc.get_object().get(obj) &&
      !obj.find_field_unordered("lines").get_array().get(lines)) {
    for (auto line_result : lines) {
      od::object line;
      od::value paid;
      if (line_result.get_object().get(line) || line.find_field_unordered("paid").get(paid)) {
        continue;
      }
      std::string_view text;
      od::json_type t;
      if (paid.type().get(t)) continue;
      if (t == od::json_type::string) {
        if (paid.get_string().get(text)) continue;
      } else if (t == od::json_type::number) {
        text = TrimBlanks(paid.raw_json_token());
      } else {
        continue;
      }
      // A negative `paid` is invalid (it rejects the record) and would lower what the rejects
      // could have changed: only non-negative amounts count.
      if (auto m = Money::Parse(text); m.ok() && m->micros() >= 0) f.paid_micros += m->micros();
    }
  }
  if (!any) return std::nullopt;
  return f;
}

bool RecordDecoder::Impl::IsWholeTextJson() {
  od::document doc;
  if (auto e = parser_.iterate(buf_.get(), buf_len_, buf_cap_).get(doc)) return FailJson({}, e);
  od::json_type type;
  if (auto e = doc.type().get(type)) return FailJson({}, e);
  if (type == od::json_type::object || type == od::json_type::array) {
    od::value v;
    if (auto e = doc.get_value().get(v)) return FailJson({}, e);
    std::string ignored;
    if (!Canonical(v, "", 1, &ignored)) return false;
  }
  // Scalars were refused as "not a JSON object" already; their spelling does not matter.
  auto where = doc.current_location();
  if (where.error() == simdjson::SUCCESS && type != od::json_type::object &&
      type != od::json_type::array) {
    return true;
  }
  if (where.error() == simdjson::SUCCESS) {
    return Fail("", "not valid JSON: trailing content after the record object");
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Value readers

RecordDecoder::Impl::Got RecordDecoder::Impl::Type(od::value& v, const Path& p, od::json_type* t) {
  if (auto e = v.type().get(*t)) return Err(FailJson(p, e));
  if (*t == od::json_type::null) {
    bool is_null = false;
    if (auto e = v.is_null().get(is_null)) return Err(FailJson(p, e));
    if (!is_null) return Err(Fail(p, "not valid JSON: bad literal (want null)"));
    return Got::kNull;
  }
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadString(od::value& v, const Path& p,
                                                         const char* want, std::string_view* out) {
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  if (t != od::json_type::string) return WrongType(p, t, want);
  if (auto e = v.get_string().get(*out)) return Err(FailJson(p, e));
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadNonEmpty(od::value& v, const Path& p,
                                                           size_t chars_max,
                                                           std::string_view* out) {
  Got g = ReadString(v, p, "a non-empty string", out);
  if (g != Got::kValue) return g;
  if (out->empty()) return Err(Fail(p, "empty string (want a non-empty string)"));
  if (auto why = ControlCharacterReason(*out)) return Err(Fail(p, *why));
  if (chars_max > 0 && out->size() > chars_max) {
    size_t chars = Utf8Length(*out);
    if (chars > chars_max) {
      return Err(Fail(p, TooLongReason(chars, chars_max)));
    }
  }
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadDigits(od::value& v, const Path& p,
                                                         const char* what, size_t lo, size_t hi,
                                                         std::string_view* out) {
  Got g = ReadString(v, p, "a string of digits", out);
  if (g != Got::kValue) return g;
  if (!IsDigitsBetween(*out, lo, hi)) {
    std::string count =
        lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
    return Err(Fail(p, std::string("bad ") + what + " " + QuoteForReason(*out) + " (want " + count +
                           " digits)"));
  }
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadDescriptive(od::value& v, const Path& p,
                                                              CodeField field, std::string* out) {
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  std::string_view text;
  if (t == od::json_type::string) {
    if (auto e = v.get_string().get(text)) return Err(FailJson(p, e));
    text = TrimBlanks(text);
  } else {
    canon_scratch_.clear();
    if (!Canonical(v, PathText(p), 1, &canon_scratch_)) return Got::kError;
    text = canon_scratch_;
  }
  if (text.empty()) return Got::kNull;
  if (!HasExpectedShape(field, text)) {
    out->assign(text);
  } else if (field == CodeField::kDiagnoses) {
    NormalizeIcd10Cm(text, out);
  } else if (field == CodeField::kModifiers || field == CodeField::kProcedures) {
    *out = UpperAscii(text);
  } else {
    out->assign(text);
  }
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadDescriptiveArray(od::value& v, const Path& p,
                                                                   CodeField field,
                                                                   const ArrayLimit& limit,
                                                                   std::vector<std::string>* out) {
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  if (t != od::json_type::array) {
    std::string one;
    g = ReadDescriptive(v, p, field, &one);
    if (g == Got::kValue) out->push_back(std::move(one));
    return g == Got::kError ? g : Got::kValue;
  }
  return ReadArray(v, p, limit, [&](od::value& el, int32_t i) {
    std::string code;
    // A null or blank element is kept as an empty code (it keeps the positions, the first
    // diagnosis being the principal one) and warns.
    const Path ep = p.b.empty() ? Path{p.a, i} : Path{p.a, p.i, p.b, i};
    if (ReadDescriptive(el, ep, field, &code) == Got::kError) return false;
    out->push_back(std::move(code));
    return true;
  });
}

bool RecordDecoder::Impl::NumberToken(od::value& v, const Path& p, std::string_view* token) {
  std::string_view t = v.raw_json_token();
  while (!t.empty() &&
         (t.back() == ' ' || t.back() == '\t' || t.back() == '\r' || t.back() == '\n')) {
    t.remove_suffix(1);
  }
  if (!IsJsonNumber(t)) return Fail(p, "not valid JSON: bad number " + QuoteForReason(t));
  *token = t;
  return true;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadInt(od::value& v, const Path& p, const char* want,
                                                      int64_t* out) {
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  if (t != od::json_type::number) return WrongType(p, t, want);
  std::string_view tok;
  if (!NumberToken(v, p, &tok)) return Got::kError;
  if (!IsJsonIntegerLiteral(tok)) {
    return Err(Fail(p, "wrong type: got the number " + std::string(tok) +
                           " with a fraction or exponent, want " + want));
  }
  auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), *out);
  if (ec != std::errc() || end != tok.data() + tok.size()) {
    return Err(Fail(p, "integer " + std::string(tok) + " is out of range (want " + want + ")"));
  }
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadBool(od::value& v, const Path& p, bool* out) {
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  if (t != od::json_type::boolean) return WrongType(p, t, "true or false");
  if (auto e = v.get_bool().get(*out)) return Err(FailJson(p, e));
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadDate(od::value& v, const Path& p, Date* out) {
  std::string_view s;
  Got g = ReadString(v, p, "a date string \"YYYY-MM-DD\"", &s);
  if (g != Got::kValue) return g;
  int32_t days = 0;
  if (internal::ParseDateDays(s, &days)) {
    *out = Date::FromDays(days);
    return Got::kValue;
  }
  auto d = Date::Parse(s);  // for its reason (it refuses whatever ParseDateDays refuses)
  if (!d.ok()) return Err(Fail(p, DateReason(s, d.status().message())));
  *out = *d;
  return Got::kValue;
}

template <typename E>
RecordDecoder::Impl::Got RecordDecoder::Impl::ReadEnum(od::value& v, const Path& p,
                                                       const char* what, const char* allowed,
                                                       std::optional<E> (*parse)(std::string_view),
                                                       E* out) {
  std::string_view s;
  Got g = ReadString(v, p, "a string", &s);
  if (g != Got::kValue) return g;
  std::optional<E> e = parse(s);
  if (!e) {
    return Err(
        Fail(p, std::string("unknown ") + what + " " + QuoteForReason(s) + " (" + allowed + ")"));
  }
  *out = *e;
  return Got::kValue;
}

template <typename F>
RecordDecoder::Impl::Got RecordDecoder::Impl::ReadArray(od::value& v, const Path& p,
                                                        const ArrayLimit& limit, F&& element) {
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  if (t != od::json_type::array) return WrongType(p, t, "an array");
  od::array arr;
  if (auto e = v.get_array().get(arr)) return Err(FailJson(p, e));
  int32_t index = 0;
  for (auto element_result : arr) {
    if (static_cast<size_t>(index) >= limit.max) {
      return Err(Fail(p, TooManyReason(limit.items, limit.max, limit.per)));
    }
    od::value el;
    if (auto e = std::move(element_result).get(el)) return Err(FailJson(p, e));
    if (!element(el, index)) return Got::kError;
    ++index;
  }
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadMoney(od::value& v, const Path& p, Money* out) {
  constexpr const char* kWant = "a decimal string such as \"123.45\" or an exact JSON number";
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return Err(FailJson(p, e));
    // Fast path for the usual "135.98": one pass, same value as the checks below + Parse.
    if (int64_t micros = 0; FastAmountMicros(s, &micros)) {
      *out = Money::FromMicros(Int128(micros));
      return Got::kValue;
    }
    if (IsSignedZeroText(s)) {
      return Err(Fail(p, "signed zero amount " + QuoteForReason(s) + " (write 0, without a sign)"));
    }
    if (!s.empty() && s.front() == '-' && IsUnsignedDecimal(s.substr(1))) {
      return Err(Fail(p, "negative amount " + QuoteForReason(s) + " (must be >= 0)"));
    }
    if (!IsUnsignedDecimal(s)) {
      return Err(Fail(p, "bad amount " + QuoteForReason(s) + " (want " + kWant + ")"));
    }
    if (SignificantDecimals(s) > static_cast<size_t>(kAmountDecimalsMax)) {
      return Err(Fail(p, "amount " + QuoteForReason(s) + " has more than 6 decimals"));
    }
    if (CompareWithPowerOfTen(s, kMoneyMaxPowerOfTen) > 0) {
      return Err(Fail(p, "amount " + QuoteForReason(s) + " exceeds 1000000000000"));
    }
    auto m = Money::Parse(s);
    if (!m.ok()) return Err(Fail(p, m.status().message()));
    *out = *m;
    return Got::kValue;
  }
  if (t != od::json_type::number) return WrongType(p, t, kWant);
  std::string_view tok;
  if (!NumberToken(v, p, &tok)) return Got::kError;
  // Fast path: an integer of at most 15 digits is exact in binary.
  std::string_view digits = tok.front() == '-' ? tok.substr(1) : tok;
  // A minus sign is refused even on zero: "-0" is not an amount a payer system writes, and
  // accepting it would let two spellings of one claim compare as different content.
  if (tok.front() == '-') {
    return Err(Fail(p, IsZeroNumberToken(digits)
                           ? "signed zero amount " + std::string(tok) + " (write 0, without a sign)"
                           : "negative amount " + std::string(tok) + " (must be >= 0)"));
  }
  if (IsJsonIntegerLiteral(tok) && digits.size() <= 15) {
    if (CompareWithPowerOfTen(digits, kMoneyMaxPowerOfTen) > 0) {
      return Err(Fail(p, "amount " + std::string(tok) + " exceeds 1000000000000"));
    }
    auto m = Money::Parse(digits);
    if (!m.ok()) return Err(Fail(p, m.status().message()));
    *out = *m;
    return Got::kValue;
  }
  auto exact = ParseExactJsonNumber(tok);
  if (!exact.ok()) return Err(Fail(p, exact.status().message()));
  if (*exact < 0) return Err(Fail(p, "negative amount " + std::string(tok) + " (must be >= 0)"));
  if (!HasAtMostDecimals(*exact, kAmountDecimalsMax)) {
    return Err(Fail(p, "amount " + std::string(tok) + " has more than 6 decimals"));
  }
  auto m = Money::FromExact(*exact);
  if (!m.ok()) return Err(Fail(p, "amount " + std::string(tok) + " exceeds 1000000000000"));
  *out = *m;
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadUnits(od::value& v, const Path& p,
                                                        std::string* out) {
  constexpr const char* kWant = "a decimal string such as \"1\" or \"2.5\" or an exact JSON number";
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  // Fast path for the usual "1", 2, "30" (string or JSON number): below 10^9 and already in
  // canonical form.
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return Err(FailJson(p, e));
    if (IsSmallCanonicalInteger(s)) {
      out->assign(s);
      return Got::kValue;
    }
    if (IsSignedZeroText(s)) {
      return Err(Fail(p, "signed zero units " + QuoteForReason(s) + " (write 0, without a sign)"));
    }
    if (!s.empty() && s.front() == '-' && IsUnsignedDecimal(s.substr(1))) {
      return Err(Fail(p, "negative units " + QuoteForReason(s) + " (must be >= 0)"));
    }
    if (!IsUnsignedDecimal(s)) {
      return Err(Fail(p, "bad units " + QuoteForReason(s) + " (want " + kWant + ")"));
    }
    if (SignificantDecimals(s) > static_cast<size_t>(kAmountDecimalsMax)) {
      return Err(Fail(p, "units " + QuoteForReason(s) + " has more than 6 decimals"));
    }
    if (CompareWithPowerOfTen(s, kUnitsMaxPowerOfTen) > 0) {
      return Err(Fail(p, "units " + QuoteForReason(s) + " exceeds 1000000000"));
    }
    *out = CanonicalDecimal(s);
    return Got::kValue;
  }
  if (t != od::json_type::number) return WrongType(p, t, kWant);
  std::string_view tok;
  if (!NumberToken(v, p, &tok)) return Got::kError;
  if (IsSmallCanonicalInteger(tok)) {
    out->assign(tok);
    return Got::kValue;
  }
  std::string_view digits = tok.front() == '-' ? tok.substr(1) : tok;
  // A minus sign is refused even on zero, as for money.
  if (tok.front() == '-') {
    return Err(Fail(p, IsZeroNumberToken(digits)
                           ? "signed zero units " + std::string(tok) + " (write 0, without a sign)"
                           : "negative units " + std::string(tok) + " (must be >= 0)"));
  }
  if (IsJsonIntegerLiteral(tok) && digits.size() <= 15) {
    if (CompareWithPowerOfTen(digits, kUnitsMaxPowerOfTen) > 0) {
      return Err(Fail(p, "units " + std::string(tok) + " exceeds 1000000000"));
    }
    *out = CanonicalDecimal(digits);
    return Got::kValue;
  }
  auto exact = ParseExactJsonNumber(tok);
  if (!exact.ok()) return Err(Fail(p, exact.status().message()));
  if (*exact < 0) return Err(Fail(p, "negative units " + std::string(tok) + " (must be >= 0)"));
  if (!HasAtMostDecimals(*exact, kAmountDecimalsMax)) {
    return Err(Fail(p, "units " + std::string(tok) + " has more than 6 decimals"));
  }
  if (*exact > PowerOfTen(kUnitsMaxPowerOfTen)) {
    return Err(Fail(p, "units " + std::string(tok) + " exceeds 1000000000"));
  }
  auto text = ExactDecimalString(*exact);
  if (!text.ok()) return Err(Fail(p, text.status().message()));
  *out = std::move(text).value();
  return Got::kValue;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::ReadRiskScore(od::value& v, const Path& p,
                                                            Rational* out) {
  constexpr const char* kWant = "a decimal string such as \"1.0312\" or an exact JSON number";
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g == Got::kError) return g;
  if (g == Got::kNull) return WrongType(p, od::json_type::null, kWant);
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return Err(FailJson(p, e));
    if (!s.empty() && s.front() == '-' && IsUnsignedDecimal(s.substr(1))) {
      return Err(Fail(p, "risk score " + QuoteForReason(s) + " is not > 0"));
    }
    if (!IsUnsignedDecimal(s)) {
      return Err(Fail(p, "bad risk score " + QuoteForReason(s) + " (want " + kWant + ")"));
    }
    if (IsZeroDecimal(s)) return Err(Fail(p, "risk score " + QuoteForReason(s) + " is not > 0"));
    if (SignificantDecimals(s) > static_cast<size_t>(kAmountDecimalsMax)) {
      return Err(Fail(p, "risk score " + QuoteForReason(s) + " has more than 6 decimals"));
    }
    if (CompareWithPowerOfTen(s, kRiskScoreMaxPowerOfTen) > 0) {
      return Err(Fail(p, "risk score " + QuoteForReason(s) + " exceeds 1000"));
    }
    auto r = ParseExactDecimal(s);
    if (!r.ok()) return Err(Fail(p, r.status().message()));
    *out = *r;
    return Got::kValue;
  }
  if (t != od::json_type::number) return WrongType(p, t, kWant);
  std::string_view tok;
  if (!NumberToken(v, p, &tok)) return Got::kError;
  auto exact = ParseExactJsonNumber(tok);
  if (!exact.ok()) return Err(Fail(p, exact.status().message()));
  if (*exact <= 0) return Err(Fail(p, "risk score " + std::string(tok) + " is not > 0"));
  if (!HasAtMostDecimals(*exact, kAmountDecimalsMax)) {
    return Err(Fail(p, "risk score " + std::string(tok) + " has more than 6 decimals"));
  }
  if (*exact > PowerOfTen(kRiskScoreMaxPowerOfTen)) {
    return Err(Fail(p, "risk score " + std::string(tok) + " exceeds 1000"));
  }
  *out = *exact;
  return Got::kValue;
}

bool RecordDecoder::Impl::Canonical(od::value& v, const std::string& path, int depth,
                                    std::string* out) {
  if (depth > kJsonDepthMax) {
    return Fail(path, "nested deeper than " + std::to_string(kJsonDepthMax) + " levels");
  }
  od::json_type t;
  if (auto e = v.type().get(t))
    return Fail(path, std::string("not valid JSON: ") + simdjson::error_message(e));
  auto bad = [&](error_code e) {
    return Fail(path, std::string("not valid JSON: ") + simdjson::error_message(e));
  };
  switch (t) {
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return bad(e);
      if (!is_null) return Fail(path, "not valid JSON: bad literal");
      out->append("null");
      return true;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (auto e = v.get_bool().get(b)) return bad(e);
      out->append(b ? "true" : "false");
      return true;
    }
    case od::json_type::number: {
      std::string_view tok;
      if (!NumberToken(v, Path{}, &tok)) return Fail(path, fail_reason_);
      out->append(tok);
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return bad(e);
      AppendJsonString(out, s);
      return true;
    }
    case od::json_type::array: {
      od::array arr;
      if (auto e = v.get_array().get(arr)) return bad(e);
      out->push_back('[');
      int32_t index = 0;
      for (auto element_result : arr) {
        od::value el;
        std::string el_path = path + "[" + std::to_string(index) + "]";
        if (auto e = std::move(element_result).get(el)) {
          return Fail(el_path, std::string("not valid JSON: ") + simdjson::error_message(e));
        }
        if (index > 0) out->push_back(',');
        if (!Canonical(el, el_path, depth + 1, out)) return false;
        ++index;
      }
      out->push_back(']');
      return true;
    }
    case od::json_type::object: {
      od::object obj;
      if (auto e = v.get_object().get(obj)) return bad(e);
      std::vector<std::pair<std::string, std::string>> members;
      for (auto field_result : obj) {
        od::field f;
        if (auto e = std::move(field_result).get(f)) return bad(e);
        std::string_view key;
        if (!KeyOf(f, &key)) return Fail(path, "not valid JSON: bad key");
        std::string child = path.empty() ? std::string(key) : path + "." + std::string(key);
        std::string text;
        if (!Canonical(f.value(), child, depth + 1, &text)) return false;
        members.emplace_back(std::string(key), std::move(text));
      }
      std::sort(members.begin(), members.end());
      for (size_t n = 1; n < members.size(); ++n) {
        if (members[n].first == members[n - 1].first) {
          std::string child = path.empty() ? members[n].first : path + "." + members[n].first;
          return Fail(child, "duplicate key (each key may appear once)");
        }
      }
      out->push_back('{');
      for (size_t n = 0; n < members.size(); ++n) {
        if (n > 0) out->push_back(',');
        AppendJsonString(out, members[n].first);
        out->push_back(':');
        out->append(members[n].second);
      }
      out->push_back('}');
      return true;
    }
  }
  return Fail(path, "not valid JSON: unknown value");
}

bool RecordDecoder::Impl::Unknown(od::value& v, const Path& parent, std::string_view key,
                                  std::vector<std::string>* seen) {
  Path p = parent;
  if (p.a.empty()) {
    p.a = key;
  } else {
    p.b = key;
  }
  for (const auto& s : *seen) {
    if (s == key) return Fail(p, "duplicate field (each field may appear once)");
  }
  seen->emplace_back(key);
  canon_scratch_.clear();
  return Canonical(v, PathText(p), 1, &canon_scratch_);
}

// ---------------------------------------------------------------------------------------
// Claims

bool RecordDecoder::Impl::DecodeClaim(od::object& obj, Claim* c) {
  uint32_t seen = 0;
  uint32_t present = 0;
  size_t hint = 0;
  std::vector<std::string> unknown;
  for (auto field_result : obj) {
    od::field f;
    if (auto e = std::move(field_result).get(f)) return FailJson({}, e);
    std::string_view key;
    if (!KeyOf(f, &key)) return Fail("", "not valid JSON: bad key");
    int id = Lookup(key, kClaimFields, &hint);
    od::value& v = f.value();
    if (id < 0) {
      if (!Unknown(v, Path{}, key, &unknown)) return false;
      continue;
    }
    const Path p{kClaimFields[id]};
    if (seen & Bit(id)) return Fail(p, "duplicate field (each field may appear once)");
    seen |= Bit(id);
    if (id == kCSchema) continue;  // read and checked before
    const Got g = DecodeClaimField(id, v, p, c);
    if (g == Got::kError) return false;
    if (g == Got::kValue) present |= Bit(id);
  }

  if (!CheckClaim(present, *c) || !OrderLines(c)) return false;
  internal::ClaimPresence presence;
  presence.claim_type = (present & Bit(kCClaimType)) != 0;
  presence.from_date = (present & Bit(kCFromDate)) != 0;
  presence.through_date = (present & Bit(kCThroughDate)) != 0;
  presence.paid_date = (present & Bit(kCPaidDate)) != 0;
  c->content_hash = internal::ClaimContentHash(*c, presence, &hash_scratch_);
  return true;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::DecodeClaimField(int id, od::value& v, const Path& p,
                                                               Claim* c) {
  Got g = Got::kValue;
  std::string_view s;
  switch (id) {
    case kCClaimId:
      g = ReadNonEmpty(v, p, kIdCharsMax, &s);
      if (g == Got::kValue) {
        c->claim_id = ClaimId(s);
        key_.assign(s);
      }
      break;
    case kCVersion:
      g = ReadInt(v, p, "a JSON integer >= 1", &c->version);
      if (g == Got::kValue && c->version < 1) {
        g = Err(Fail(p, "version " + std::to_string(c->version) + " is not >= 1"));
      }
      break;
    case kCFrequency:
      g = ReadEnum<Frequency>(v, p, "frequency", "original, replacement, void", ParseFrequency,
                              &c->frequency);
      break;
    case kCMemberId:
      g = ReadNonEmpty(v, p, kIdCharsMax, &s);
      if (g == Got::kValue) c->member_id = MemberId(s);
      break;
    case kCBillingTin:
      g = ReadDigits(v, p, "TIN", 9, 9, &s);
      if (g == Got::kValue) c->billing_tin = Tin(s);
      break;
    case kCRenderingNpi:
      g = ReadDigits(v, p, "NPI", 10, 10, &s);
      if (g == Got::kValue) c->rendering_npi = Npi(s);
      break;
    case kCClaimType:
      g = ReadEnum<ClaimType>(v, p, "claim_type", "professional, institutional", ParseClaimType,
                              &c->claim_type);
      break;
    case kCFromDate:
      g = ReadDate(v, p, &c->from_date);
      break;
    case kCThroughDate:
      g = ReadDate(v, p, &c->through_date);
      break;
    case kCPaidDate:
      g = ReadDate(v, p, &c->paid_date);
      break;
    case kCDiagnoses:
      c->diagnoses.reserve(4);
      g = ReadDescriptiveArray(v, p, CodeField::kDiagnoses, kDiagnosesLimit, &c->diagnoses);
      break;
    case kCLines:
      c->lines.reserve(4);
      g = ReadArray(v, p, kLinesLimit, [&](od::value& el, int32_t i) {
        return DecodeLine(el, i, &c->lines.emplace_back());
      });
      break;
    case kCFacilityNpi:
      g = ReadDigits(v, p, "NPI", 10, 10, &s);
      if (g == Got::kValue) c->facility_npi.assign(s);
      break;
    case kCBillType:
      g = ReadDescriptive(v, p, CodeField::kBillType, &c->bill_type);
      break;
    case kCAdmissionDate: {
      Date d;
      g = ReadDate(v, p, &d);
      if (g == Got::kValue) c->admission_date = d;
      break;
    }
    case kCDischargeDate: {
      Date d;
      g = ReadDate(v, p, &d);
      if (g == Got::kValue) c->discharge_date = d;
      break;
    }
    case kCDischargeStatus:
      g = ReadDescriptive(v, p, CodeField::kDischargeStatus, &c->discharge_status);
      break;
    case kCDrg:
      g = ReadDescriptive(v, p, CodeField::kDrg, &c->drg);
      break;
    case kCProcedures:
      g = ReadDescriptiveArray(v, p, CodeField::kProcedures, kProceduresLimit, &c->procedures);
      break;
    default:
      break;
  }
  return g;
}

bool RecordDecoder::Impl::CheckClaim(uint32_t present, const Claim& c) {
  for (int id : {kCClaimId, kCVersion, kCFrequency, kCMemberId}) {
    if (!(present & Bit(id))) return Fail(Path{kClaimFields[id]}, "missing required field");
  }
  const bool is_void = c.frequency == Frequency::kVoid;
  if (!is_void) {
    // `diagnoses` may be absent (SPEC §6: a descriptive code never rejects a paid claim).
    for (int id : {kCBillingTin, kCRenderingNpi, kCClaimType, kCFromDate, kCThroughDate, kCPaidDate,
                   kCLines}) {
      if (!(present & Bit(id))) {
        return Fail(Path{kClaimFields[id]},
                    std::string("missing required field (only a void claim may omit it)"));
      }
    }
  }
  if ((present & Bit(kCFromDate)) && (present & Bit(kCThroughDate)) &&
      c.through_date < c.from_date) {
    return Fail(Path{"through_date"}, "through_date " + c.through_date.ToString() +
                                          " is before from_date " + c.from_date.ToString());
  }
  // A claim is paid after its service begins; an earlier paid date is a keying error, and it
  // would count the claim at an as-of before the service.
  if (!is_void && (present & Bit(kCFromDate)) && (present & Bit(kCPaidDate)) &&
      c.paid_date < c.from_date) {
    return Fail(Path{"paid_date"}, "paid_date " + c.paid_date.ToString() + " is before from_date " +
                                       c.from_date.ToString() +
                                       " (a claim is paid after its service begins)");
  }
  if (!is_void && c.lines.empty()) {
    return Fail(Path{"lines"}, std::string("no lines (an ") + FrequencyName(c.frequency) +
                                   " claim needs at least one; only a void may have none)");
  }
  return true;
}

bool RecordDecoder::Impl::OrderLines(Claim* c) {
  // A professional line without hcpcs or pos is kept: it matches no code list and warns
  // (domain/code_shape.h, SPEC §6).
  // Line numbers are unique; lines are kept in line-number order.
  line_numbers_.clear();
  for (size_t i = 0; i < c->lines.size(); ++i) {
    line_numbers_.emplace_back(c->lines[i].line, static_cast<int32_t>(i));
  }
  std::sort(line_numbers_.begin(), line_numbers_.end());
  int32_t dup_index = -1;
  int32_t dup_first = -1;
  for (size_t n = 1; n < line_numbers_.size(); ++n) {
    if (line_numbers_[n].first == line_numbers_[n - 1].first &&
        (dup_index < 0 || line_numbers_[n].second < dup_index)) {
      dup_index = line_numbers_[n].second;
      dup_first = line_numbers_[n - 1].second;
    }
  }
  if (dup_index >= 0) {
    return Fail(Path{"lines", dup_index, "line"},
                "duplicate line number " +
                    std::to_string(c->lines[static_cast<size_t>(dup_index)].line) +
                    " (also at lines[" + std::to_string(dup_first) + "])");
  }
  if (!std::is_sorted(c->lines.begin(), c->lines.end(),
                      [](const ClaimLine& x, const ClaimLine& y) { return x.line < y.line; })) {
    std::sort(c->lines.begin(), c->lines.end(),
              [](const ClaimLine& x, const ClaimLine& y) { return x.line < y.line; });
  }
  return true;
}

bool RecordDecoder::Impl::DecodeLine(od::value& v, int32_t index, ClaimLine* line) {
  const Path lp{"lines", index};
  od::json_type t;
  Got g0 = Type(v, lp, &t);
  if (g0 == Got::kError) return false;
  if (g0 == Got::kNull || t != od::json_type::object) {
    {
      WrongType(lp, g0 == Got::kNull ? od::json_type::null : t, "an object");
      return false;
    }
  }
  od::object obj;
  if (auto e = v.get_object().get(obj)) return FailJson(lp, e);
  uint32_t seen = 0;
  uint32_t present = 0;
  size_t hint = 0;
  std::vector<std::string> unknown;
  for (auto field_result : obj) {
    od::field f;
    if (auto e = std::move(field_result).get(f)) return FailJson(lp, e);
    std::string_view key;
    if (!KeyOf(f, &key)) return Fail(lp, "not valid JSON: bad key");
    int id = Lookup(key, kLineFields, &hint);
    od::value& fv = f.value();
    if (id < 0) {
      if (!Unknown(fv, lp, key, &unknown)) return false;
      continue;
    }
    const Path p{"lines", index, kLineFields[id]};
    if (seen & Bit(id)) return Fail(p, "duplicate field (each field may appear once)");
    seen |= Bit(id);
    Got g = Got::kValue;
    std::string_view s;
    switch (id) {
      case kLLine: {
        int64_t n = 0;
        g = ReadInt(fv, p, "a JSON integer >= 1", &n);
        if (g == Got::kValue && (n < 1 || n > kLineNumberMax)) {
          g = Err(Fail(p, "line number " + std::to_string(n) + " is out of range (want 1.." +
                              std::to_string(kLineNumberMax) + ")"));
        }
        line->line = static_cast<int32_t>(n);
        break;
      }
      case kLHcpcs:
        // Absent, null or "" leave the code empty.
        g = ReadDescriptive(fv, p, CodeField::kHcpcs, &line->hcpcs);
        break;
      case kLModifiers:
        g = ReadDescriptiveArray(fv, p, CodeField::kModifiers, kModifiersLimit, &line->modifiers);
        break;
      case kLUnits:
        g = ReadUnits(fv, p, &line->units);
        break;
      case kLServiceDate:
        g = ReadDate(fv, p, &line->service_date);
        break;
      case kLPos:
        g = ReadDescriptive(fv, p, CodeField::kPos, &line->pos);
        break;
      case kLAllowed:
        g = ReadMoney(fv, p, &line->allowed);
        break;
      case kLPaid:
        g = ReadMoney(fv, p, &line->paid);
        break;
      case kLRevenueCode:
        g = ReadDescriptive(fv, p, CodeField::kRevenueCode, &line->revenue_code);
        break;
      default:
        break;
    }
    if (g == Got::kError) return false;
    if (g == Got::kValue) present |= Bit(id);
  }
  for (int id : {kLLine, kLUnits, kLServiceDate, kLAllowed, kLPaid}) {
    if (!(present & Bit(id))) {
      return Fail(Path{"lines", index, kLineFields[id]}, "missing required field");
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Members

bool RecordDecoder::Impl::DecodeMember(od::object& obj, Member* m) {
  uint32_t seen = 0;
  uint32_t present = 0;
  size_t hint = 0;
  std::vector<std::string> unknown;
  for (auto field_result : obj) {
    od::field f;
    if (auto e = std::move(field_result).get(f)) return FailJson({}, e);
    std::string_view key;
    if (!KeyOf(f, &key)) return Fail("", "not valid JSON: bad key");
    int id = Lookup(key, kMemberFields, &hint);
    od::value& v = f.value();
    if (id < 0) {
      if (!Unknown(v, Path{}, key, &unknown)) return false;
      continue;
    }
    const Path p{kMemberFields[id]};
    if (seen & Bit(id)) return Fail(p, "duplicate field (each field may appear once)");
    seen |= Bit(id);
    Got g = Got::kValue;
    std::string_view s;
    switch (id) {
      case kMSchema:
        continue;
      case kMMemberId:
        g = ReadNonEmpty(v, p, kIdCharsMax, &s);
        if (g == Got::kValue) {
          m->member_id = MemberId(s);
          key_.assign(s);
        }
        break;
      case kMBirthDate:
        g = ReadDate(v, p, &m->birth_date);
        break;
      case kMSex:
        g = ReadEnum<Sex>(v, p, "sex", "M, F, U, male, female, unknown; any case", ParseSex,
                          &m->sex);
        break;
      case kMCoverage:
        g = ReadArray(v, p, kCoverageLimit, [&](od::value& el, int32_t i) {
          return DecodeCoverage(el, i, &m->coverage.emplace_back());
        });
        break;
      case kMAlignedNpi:
        g = ReadDigits(v, p, "NPI", 10, 10, &s);
        if (g == Got::kValue) m->aligned_npi = Npi(s);
        break;
      case kMRiskScores:
        g = DecodeRiskScores(v, m);
        break;
      case kMOrec: {
        od::json_type t;
        g = Type(v, p, &t);
        if (g != Got::kValue) break;
        if (t == od::json_type::string) {
          if (auto e = v.get_string().get(s)) {
            g = Err(FailJson(p, e));
          } else if (size_t chars = Utf8Length(s); chars > kLabelCharsMax) {
            g = Err(Fail(p, TooLongReason(chars, kLabelCharsMax)));
          } else if (auto why = ControlCharacterReason(s)) {
            g = Err(Fail(p, *why));
          } else {
            m->orec = std::string(s);
          }
        } else if (t == od::json_type::number) {
          int64_t n = 0;
          g = ReadInt(v, p, "a string or a JSON integer", &n);
          if (g == Got::kValue) m->orec = std::to_string(n);
        } else {
          g = WrongType(p, t, "a string or a JSON integer");
        }
        break;
      }
      case kMMedicaid: {
        bool b = false;
        g = ReadBool(v, p, &b);
        if (g == Got::kValue) m->medicaid = b;
        break;
      }
      default:
        break;
    }
    if (g == Got::kError) return false;
    if (g == Got::kValue) present |= Bit(id);
  }
  for (int id : {kMMemberId, kMBirthDate, kMSex, kMCoverage}) {
    if (!(present & Bit(id))) return Fail(Path{kMemberFields[id]}, "missing required field");
  }
  m->content_hash = internal::MemberContentHash(*m, &hash_scratch_);
  return true;
}

bool RecordDecoder::Impl::DecodeCoverage(od::value& v, int32_t index, Coverage* cov) {
  const Path cp{"coverage", index};
  od::json_type t;
  Got g0 = Type(v, cp, &t);
  if (g0 == Got::kError) return false;
  if (g0 == Got::kNull || t != od::json_type::object) {
    {
      WrongType(cp, g0 == Got::kNull ? od::json_type::null : t, "an object");
      return false;
    }
  }
  od::object obj;
  if (auto e = v.get_object().get(obj)) return FailJson(cp, e);
  uint32_t seen = 0;
  uint32_t present = 0;
  size_t hint = 0;
  std::vector<std::string> unknown;
  for (auto field_result : obj) {
    od::field f;
    if (auto e = std::move(field_result).get(f)) return FailJson(cp, e);
    std::string_view key;
    if (!KeyOf(f, &key)) return Fail(cp, "not valid JSON: bad key");
    int id = Lookup(key, kCoverageFields, &hint);
    od::value& fv = f.value();
    if (id < 0) {
      if (!Unknown(fv, cp, key, &unknown)) return false;
      continue;
    }
    const Path p{"coverage", index, kCoverageFields[id]};
    if (seen & Bit(id)) return Fail(p, "duplicate field (each field may appear once)");
    seen |= Bit(id);
    Got g = Got::kValue;
    std::string_view s;
    switch (id) {
      case kVFrom:
        g = ReadDate(fv, p, &cov->from);
        break;
      case kVThrough:
        g = ReadDate(fv, p, &cov->through);
        break;
      case kVProgram:
        g = ReadNonEmpty(fv, p, kLabelCharsMax, &s);
        if (g == Got::kValue) cov->program.assign(s);
        break;
      case kVEnrollmentType:
        g = ReadEnum<EnrollmentType>(fv, p, "enrollment_type",
                                     "esrd, disabled, aged_dual, aged_nondual", ParseEnrollmentType,
                                     &cov->enrollment_type);
        break;
      default:
        break;
    }
    if (g == Got::kError) return false;
    if (g == Got::kValue) present |= Bit(id);
  }
  for (int id : {kVFrom, kVThrough, kVProgram, kVEnrollmentType}) {
    if (!(present & Bit(id))) {
      return Fail(Path{"coverage", index, kCoverageFields[id]}, "missing required field");
    }
  }
  if (cov->through < cov->from) {
    return Fail(Path{"coverage", index, "through"},
                "through " + cov->through.ToString() + " is before from " + cov->from.ToString());
  }
  return true;
}

RecordDecoder::Impl::Got RecordDecoder::Impl::DecodeRiskScores(od::value& v, Member* m) {
  const Path p{"risk_scores"};
  od::json_type t;
  Got g = Type(v, p, &t);
  if (g != Got::kValue) return g;
  if (t != od::json_type::object)
    return WrongType(p, t, "an object such as {\"2026\": \"1.0312\"}");
  od::object obj;
  if (auto e = v.get_object().get(obj)) return Err(FailJson(p, e));
  for (auto field_result : obj) {
    od::field f;
    if (auto e = std::move(field_result).get(f)) return Err(FailJson(p, e));
    std::string_view key;
    if (!KeyOf(f, &key)) return Err(Fail(p, "not valid JSON: bad key"));
    const Path kp{"risk_scores", -1, key};
    if (!IsDigits(key, 4)) {
      return Err(Fail(kp, "bad year " + QuoteForReason(key) + " (want 4 digits such as \"2026\")"));
    }
    int year = (key[0] - '0') * 1000 + (key[1] - '0') * 100 + (key[2] - '0') * 10 + (key[3] - '0');
    if (m->risk_scores.count(year)) {
      return Err(Fail(kp, "duplicate field (each year may appear once)"));
    }
    Rational score;
    if (ReadRiskScore(f.value(), kp, &score) != Got::kValue) return Got::kError;
    m->risk_scores.emplace(year, std::move(score));
  }
  return Got::kValue;
}

// ---------------------------------------------------------------------------------------
// Providers

bool RecordDecoder::Impl::DecodeProvider(od::object& obj, Provider* pr) {
  uint32_t seen = 0;
  uint32_t present = 0;
  size_t hint = 0;
  std::vector<std::string> unknown;
  for (auto field_result : obj) {
    od::field f;
    if (auto e = std::move(field_result).get(f)) return FailJson({}, e);
    std::string_view key;
    if (!KeyOf(f, &key)) return Fail("", "not valid JSON: bad key");
    int id = Lookup(key, kProviderFields, &hint);
    od::value& v = f.value();
    if (id < 0) {
      if (!Unknown(v, Path{}, key, &unknown)) return false;
      continue;
    }
    const Path p{kProviderFields[id]};
    if (seen & Bit(id)) return Fail(p, "duplicate field (each field may appear once)");
    seen |= Bit(id);
    Got g = Got::kValue;
    std::string_view s;
    switch (id) {
      case kPSchema:
        continue;
      case kPNpi:
        g = ReadDigits(v, p, "NPI", 10, 10, &s);
        if (g == Got::kValue) {
          pr->npi = Npi(s);
          key_.assign(s);
        }
        break;
      case kPTin:
        g = ReadDigits(v, p, "TIN", 9, 9, &s);
        if (g == Got::kValue) pr->tin = Tin(s);
        break;
      case kPSpecialty:
        g = ReadNonEmpty(v, p, kLabelCharsMax, &s);
        if (g == Got::kValue) pr->specialty.assign(s);
        break;
      case kPProviderClass:
        g = ReadEnum<ProviderClass>(v, p, "provider_class", "pcp, npp, specialist, other",
                                    ParseProviderClass, &pr->provider_class);
        break;
      case kPEffective:
        g = ReadDate(v, p, &pr->effective);
        break;
      case kPTermination: {
        Date d;
        g = ReadDate(v, p, &d);
        if (g == Got::kValue) pr->termination = d;
        break;
      }
      default:
        break;
    }
    if (g == Got::kError) return false;
    if (g == Got::kValue) present |= Bit(id);
  }
  for (int id : {kPNpi, kPTin, kPSpecialty, kPProviderClass, kPEffective}) {
    if (!(present & Bit(id))) return Fail(Path{kProviderFields[id]}, "missing required field");
  }
  if (pr->termination && *pr->termination < pr->effective) {
    return Fail(Path{"termination"}, "termination " + pr->termination->ToString() +
                                         " is before effective " + pr->effective.ToString());
  }
  pr->content_hash = internal::ProviderContentHash(*pr, &hash_scratch_);
  return true;
}

// ---------------------------------------------------------------------------------------
// Contracts

bool RecordDecoder::Impl::DecodeContract(od::object& obj, Contract* c) {
  uint32_t seen = 0;
  uint32_t present = 0;
  size_t hint = 0;
  std::vector<std::string> unknown;
  for (auto field_result : obj) {
    od::field f;
    if (auto e = std::move(field_result).get(f)) return FailJson({}, e);
    std::string_view key;
    if (!KeyOf(f, &key)) return Fail("", "not valid JSON: bad key");
    int id = Lookup(key, kContractFields, &hint);
    od::value& v = f.value();
    if (id < 0) {
      if (!Unknown(v, Path{}, key, &unknown)) return false;
      continue;
    }
    const Path p{kContractFields[id]};
    if (seen & Bit(id)) return Fail(p, "duplicate field (each field may appear once)");
    seen |= Bit(id);
    Got g = Got::kValue;
    std::string_view s;
    switch (id) {
      case kKSchema:
        continue;
      case kKContractId:
        g = ReadNonEmpty(v, p, kIdCharsMax, &s);
        if (g == Got::kValue) {
          c->contract_id = ContractId(s);
          key_.assign(s);
        }
        break;
      case kKPerformanceYear: {
        int64_t year = 0;
        g = ReadInt(v, p, "a JSON integer 2000..2100", &year);
        if (g == Got::kValue && (year < kPerformanceYearMin || year > kPerformanceYearMax)) {
          g = Err(Fail(p, "performance_year " + std::to_string(year) +
                              " is out of range (want 2000..2100)"));
        }
        c->performance_year = static_cast<int>(year);
        break;
      }
      case kKTins:
        g = ReadArray(v, p, kTinsLimit, [&](od::value& el, int32_t i) {
          std::string_view tin;
          Path ep{"tins", i};
          Got eg = ReadDigits(el, ep, "TIN", 9, 9, &tin);
          if (eg == Got::kError) return false;
          if (eg == Got::kNull) {
            WrongType(ep, od::json_type::null, "a string");
            return false;
          }
          for (size_t n = 0; n < c->tins.size(); ++n) {
            if (c->tins[n].str() == tin) {
              return Fail(ep, "duplicate TIN " + QuoteForReason(tin) + " (also at tins[" +
                                  std::to_string(n) + "])");
            }
          }
          c->tins.emplace_back(tin);
          return true;
        });
        if (g == Got::kValue && c->tins.empty()) {
          g = Err(Fail(p, "no TINs (a contract needs at least one)"));
        }
        break;
      case kKRuleSet: {
        g = ReadString(v, p, "a string \"name@version\"", &s);
        if (g != Got::kValue) break;
        if (size_t chars = Utf8Length(s); chars > kLabelCharsMax) {
          g = Err(Fail(p, TooLongReason(chars, kLabelCharsMax)));
          break;
        }
        if (auto why = ControlCharacterReason(s)) {
          g = Err(Fail(p, *why));
          break;
        }
        size_t at = s.find('@');
        if (at == std::string_view::npos || at == 0 || at + 1 == s.size() ||
            s.find('@', at + 1) != std::string_view::npos) {
          g = Err(Fail(p, "bad rule_set " + QuoteForReason(s) +
                              " (want \"name@version\": one '@', both parts non-empty)"));
          break;
        }
        c->rule_set.assign(s);
        break;
      }
      case kKParameters: {
        od::json_type t;
        g = Type(v, p, &t);
        if (g != Got::kValue) break;
        if (t != od::json_type::object) {
          g = WrongType(p, t, "an object");
          break;
        }
        std::string text;
        if (!Canonical(v, "parameters", 1, &text)) return false;
        c->parameters_json = std::move(text);
        break;
      }
      default:
        break;
    }
    if (g == Got::kError) return false;
    if (g == Got::kValue) present |= Bit(id);
  }
  for (int id : {kKContractId, kKPerformanceYear, kKTins, kKRuleSet, kKParameters}) {
    if (!(present & Bit(id))) return Fail(Path{kContractFields[id]}, "missing required field");
  }
  c->content_hash = internal::ContractContentHash(*c, &hash_scratch_);
  return true;
}

}  // namespace vbp::codec
