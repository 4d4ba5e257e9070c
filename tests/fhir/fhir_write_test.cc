// The writer of `vbp generate --format fhir` read back by the importer: every SPEC §2 field
// survives (compared by the decoder's content hash, which covers every §2 field), versions
// become a related chain and a cancellation, money keeps its exact text.
#include "connectors/ingest/fhir/fhir_write.h"

#include <gtest/gtest.h>

#include <sstream>
#include <variant>

#include "connectors/codec/record_decoder.h"
#include "tests/fhir/fhir_test_util.h"

namespace vbp::fhir {
namespace {

using testing::ExpectCountsAddUp;
using testing::Import;

constexpr const char* kMember =
    R"({"schema":"vbp.member/1","member_id":"9UG5QV6UV81","birth_date":"1948-08-01","sex":"M",)"
    R"("coverage":[{"from":"2024-01-01","through":"2024-06-30","program":"medicare_ffs","enrollment_type":"aged_dual"},)"
    R"({"from":"2024-07-01","through":"2024-12-31","program":"medicare_advantage","enrollment_type":"esrd"},)"
    R"({"from":"2025-01-01","through":"2025-12-31","program":"none","enrollment_type":"disabled"}],)"
    R"("aligned_npi":"1245319599","risk_scores":{"2024":"0.5217","2025":"1.0312"},"orec":"0","medicaid":false})";

constexpr const char* kProfessional[] = {
    R"({"schema":"vbp.claim/1","claim_id":"821256096147","version":1,"frequency":"original","member_id":"9UG5QV6UV81","billing_tin":"264714680","rendering_npi":"1648255465","claim_type":"professional","from_date":"2024-02-05","through_date":"2024-02-05","paid_date":"2024-02-19","diagnoses":["I10","E119"],"lines":[{"line":1,"hcpcs":"99214","modifiers":["25"],"units":1,"service_date":"2024-02-05","pos":"11","allowed":"126.40","paid":"0.30"},{"line":2,"hcpcs":"36415","modifiers":[],"units":"2.5","service_date":"2024-02-05","pos":"11","allowed":"99999999.99","paid":"99999999.99"}]})",
    R"({"schema":"vbp.claim/1","claim_id":"821256096147","version":2,"frequency":"replacement","member_id":"9UG5QV6UV81","billing_tin":"264714680","rendering_npi":"1648255465","claim_type":"professional","from_date":"2024-02-05","through_date":"2024-02-05","paid_date":"2024-03-19","diagnoses":["I10"],"lines":[{"line":1,"hcpcs":"99214","modifiers":[],"units":1,"service_date":"2024-02-05","pos":"11","allowed":"126.40","paid":"123.45"}]})",
    R"({"schema":"vbp.claim/1","claim_id":"821256096147","version":3,"frequency":"void","member_id":"9UG5QV6UV81","billing_tin":"264714680","rendering_npi":"1648255465","claim_type":"professional","from_date":"2024-02-05","through_date":"2024-02-05","paid_date":"2024-04-19","diagnoses":["I10"],"lines":[{"line":1,"hcpcs":"99214","modifiers":[],"units":1,"service_date":"2024-02-05","pos":"11","allowed":"126.40","paid":"123.45"}]})",
};

constexpr const char* kInstitutional =
    R"({"schema":"vbp.claim/1","claim_id":"900000000001","version":1,"frequency":"original","member_id":"9UG5QV6UV81","billing_tin":"844706761","rendering_npi":"1647463565","claim_type":"institutional","from_date":"2025-03-01","through_date":"2025-03-05","paid_date":"2025-03-30","diagnoses":["I5022","N179"],"facility_npi":"2000000008","bill_type":"111","admission_date":"2025-03-01","discharge_date":"2025-03-05","discharge_status":"01","drg":"291","procedures":["5A1955Z"],"lines":[{"line":1,"modifiers":[],"units":4,"service_date":"2025-03-01","allowed":"12000.00","paid":"10432.18","revenue_code":"0120"},{"line":2,"hcpcs":"93005","modifiers":[],"units":1,"service_date":"2025-03-02","allowed":"0.00","paid":"0.00","revenue_code":"0730"}]})";

std::array<uint64_t, 2> Hash(std::string_view text, RecordKind kind) {
  codec::RecordDecoder decoder;
  codec::DecodeResult d = decoder.Decode(text, {"t", -1, 1}, kind);
  EXPECT_FALSE(d.reject) << d.reject->field << ": " << d.reject->reason << "\n" << text;
  if (d.reject) return {0, 0};
  return std::visit([](const auto& r) { return r.content_hash; }, *d.record);
}

template <typename T>
T Decoded(std::string_view text, RecordKind kind) {
  codec::RecordDecoder decoder;
  codec::DecodeResult d = decoder.Decode(text, {"t", -1, 1}, kind);
  EXPECT_FALSE(d.reject);
  return std::get<T>(*d.record);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

TEST(FhirWriteTest, ClaimVersionsRoundTripThroughEobsWithEveryField) {
  // Written in delivery order with the original last (as generate's out-of-order versions).
  std::string eobs;
  for (const char* c : {kProfessional[1], kProfessional[2], kProfessional[0], kInstitutional}) {
    eobs += EobJson(Decoded<Claim>(c, RecordKind::kClaim)) + "\n";
  }
  std::string patients = PatientJson(Decoded<Member>(kMember, RecordKind::kMember)) + "\n";
  auto o = Import({{"ExplanationOfBenefit.ndjson", eobs}, {"Patient.ndjson", patients}});
  const auto out = Lines(o->claims.text());
  ASSERT_EQ(out.size(), 4u) << o->rejects.text();
  EXPECT_EQ(Hash(out[0], RecordKind::kClaim), Hash(kProfessional[1], RecordKind::kClaim));
  EXPECT_EQ(Hash(out[1], RecordKind::kClaim), Hash(kProfessional[2], RecordKind::kClaim));
  EXPECT_EQ(Hash(out[2], RecordKind::kClaim), Hash(kProfessional[0], RecordKind::kClaim));
  EXPECT_EQ(Hash(out[3], RecordKind::kClaim), Hash(kInstitutional, RecordKind::kClaim));
  ExpectCountsAddUp(*o);
}

TEST(FhirWriteTest, MoneyIsWrittenAsItsExactDecimalLiteral) {
  const std::string eob = EobJson(Decoded<Claim>(kProfessional[0], RecordKind::kClaim));
  EXPECT_NE(eob.find(R"("amount":{"value":0.30,"currency":"USD"})"), std::string::npos) << eob;
  EXPECT_NE(eob.find(R"("amount":{"value":99999999.99,"currency":"USD"})"), std::string::npos);
  // payment.amount = the lines' paid, summed exactly.
  EXPECT_NE(eob.find(R"("payment":{"date":"2024-02-19","amount":{"value":100000000.29,)"),
            std::string::npos);
  EXPECT_NE(eob.find(R"("quantity":{"value":2.5})"), std::string::npos);
}

TEST(FhirWriteTest, VoidIsACancelledEobThatNamesItsPrior) {
  const std::string eob = EobJson(Decoded<Claim>(kProfessional[2], RecordKind::kClaim));
  EXPECT_NE(eob.find(R"("id":"821256096147-3")"), std::string::npos);
  EXPECT_NE(eob.find(R"("status":"cancelled")"), std::string::npos);
  EXPECT_NE(eob.find(R"("related":[{"claim":{"reference":"ExplanationOfBenefit/821256096147-2"})"),
            std::string::npos);
}

TEST(FhirWriteTest, MemberRoundTripsThroughPatientAndCoverage) {
  const Member m = Decoded<Member>(kMember, RecordKind::kMember);
  std::string coverages;
  for (const auto& c : CoverageJsons(m)) coverages += c + "\n";
  auto o = Import({{"Coverage.ndjson", coverages}, {"Patient.ndjson", PatientJson(m) + "\n"}});
  const auto out = Lines(o->members.text());
  ASSERT_EQ(out.size(), 1u) << o->rejects.text();
  EXPECT_EQ(Hash(out[0], RecordKind::kMember), Hash(kMember, RecordKind::kMember)) << out[0];
  ExpectCountsAddUp(*o);
}

TEST(FhirWriteTest, RecordSinkWritesResourcesAndKeepsWhatFhirCannotCarry) {
  generate::StringLineSink roster, eobs, unconvertible;
  SpecialtyByNpi specialties;
  FhirRecordSink providers(RecordKind::kProvider, &roster, nullptr, &unconvertible, &specialties);
  FhirRecordSink sink(RecordKind::kClaim, &eobs, nullptr, &unconvertible, &specialties);
  const std::string provider =
      R"({"schema":"vbp.provider/1","npi":"1648255465","tin":"264714680","specialty":"50",)"
      R"("provider_class":"npp","effective":"2020-01-01"})";
  ASSERT_TRUE(providers.Append(provider).ok());
  EXPECT_EQ(roster.text(), provider + "\n");  // the roster passes through whole
  ASSERT_TRUE(sink.Append(kProfessional[0]).ok());
  // The rendering NPI's specialty rides on the care team, so an import without the roster
  // still classes the provider (CMS 50 -> npp).
  auto o = Import({{"e.ndjson", eobs.text()}});
  ASSERT_EQ(o->providers.lines(), 1);
  EXPECT_NE(o->providers.text().find(R"("specialty":"50","provider_class":"npp")"),
            std::string::npos)
      << o->providers.text();
  ASSERT_TRUE(sink.Append(R"({"schema":"vbp.claim/1","claim_id":"x"})").ok());
  EXPECT_EQ(eobs.lines(), 1);
  EXPECT_EQ(sink.unconvertible(), 1);
  EXPECT_EQ(unconvertible.text(), "{\"schema\":\"vbp.claim/1\",\"claim_id\":\"x\"}\n");
}

}  // namespace
}  // namespace vbp::fhir
