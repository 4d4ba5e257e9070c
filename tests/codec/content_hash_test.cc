// content_hash: equal for the same SPEC §2 content however it is spelled, different for any
// change in a §2 field (SPEC §2: "same version delivered twice is a no-op ... different content
// in a field this section defines is a conflict").
#include <gtest/gtest.h>

#include <set>

#include "connectors/codec/record_decoder.h"
#include "tests/codec/test_util.h"

namespace vbp::codec {
namespace {

using json = nlohmann::json;
using Hash = std::array<uint64_t, 2>;
using testing::Edit;
using testing::kGoodClaim;
using testing::kGoodContract;
using testing::kGoodMember;
using testing::kGoodProvider;

Hash HashOf(RecordDecoder& d, const std::string& text, SourcePos pos = testing::Pos()) {
  DecodeResult r = d.Decode(text, pos, std::nullopt);
  EXPECT_TRUE(r.record.has_value())
      << (r.reject ? r.reject->field + ": " + r.reject->reason : "") << "\n"
      << text;
  if (!r.record) return {0, 0};
  return std::visit([](const auto& rec) { return rec.content_hash; }, *r.record);
}

TEST(ContentHashTest, IgnoresKeyOrderWhitespaceExtraFieldsAndSourcePosition) {
  RecordDecoder d;
  Hash base = HashOf(d, kGoodClaim);
  // nlohmann writes keys sorted: a different order from kGoodClaim.
  std::string reordered = Edit(kGoodClaim, [](json& j) {
    j["x_extra"] = {{"anything", {1, 2, 3}}};
    j["lines"][0]["x_note"] = "ignored";
  });
  EXPECT_EQ(HashOf(d, reordered), base);
  std::string spaced = Edit(kGoodClaim, [](json&) {});
  spaced = json::parse(spaced).dump(2);  // indented, multi-line text is still one JSON value
  EXPECT_EQ(HashOf(d, spaced), base);
  EXPECT_EQ(HashOf(d, kGoodClaim, SourcePos{"vbp.claims", 3, 1042}), base);
}

TEST(ContentHashTest, IgnoresHowEqualValuesAreSpelled) {
  RecordDecoder d;
  Hash base = HashOf(d, kGoodClaim);
  // "92.14" == "092.140"; "1" == 1; "E11.9" == "e119"; lines in another array order.
  std::string same = Edit(kGoodClaim, [](json& j) {
    j["lines"][0]["allowed"] = "092.140";
    j["lines"][0]["units"] = 1;
    j["diagnoses"][0] = "e119";
    std::swap(j["lines"][0], j["lines"][1]);
    j["lines"][0]["units"] = "1.5000";
  });
  EXPECT_EQ(HashOf(d, same), base);
  // null and absent optional fields are the same content.
  EXPECT_EQ(HashOf(d, Edit(kGoodClaim, [](json& j) { j["drg"] = nullptr; })), base);
}

TEST(ContentHashTest, ChangesWithEveryClaimField) {
  RecordDecoder d;
  std::vector<std::function<void(json&)>> edits = {
      [](json& j) { j["claim_id"] = "C-2"; },
      [](json& j) { j["version"] = 2; },
      [](json& j) { j["frequency"] = "replacement"; },
      [](json& j) { j["member_id"] = "M-2"; },
      [](json& j) { j["billing_tin"] = "123456780"; },
      [](json& j) { j["rendering_npi"] = "1234567890"; },
      [](json& j) { j["claim_type"] = "institutional"; },
      [](json& j) { j["from_date"] = "2025-03-03"; },
      [](json& j) { j["through_date"] = "2025-03-06"; },
      [](json& j) { j["paid_date"] = "2025-03-21"; },
      [](json& j) {
        j["diagnoses"] = {"I10", "E11.9"};
      },  // principal diagnosis changes
      [](json& j) { j["diagnoses"].push_back("Z00.00"); },
      [](json& j) { j["lines"].erase(1); },
      [](json& j) { j["lines"][1]["line"] = 3; },
      [](json& j) { j["lines"][0]["hcpcs"] = "99214"; },
      [](json& j) { j["lines"][0]["modifiers"] = {"59"}; },
      [](json& j) { j["lines"][0]["modifiers"] = json::array(); },
      [](json& j) { j["lines"][0]["units"] = "2"; },
      [](json& j) { j["lines"][0]["service_date"] = "2025-03-05"; },
      [](json& j) { j["lines"][0]["pos"] = "22"; },
      [](json& j) { j["lines"][0]["allowed"] = "92.15"; },
      [](json& j) { j["lines"][0]["paid"] = "73.710001"; },
      [](json& j) { j["lines"][0]["revenue_code"] = "0450"; },
      [](json& j) { j["facility_npi"] = "1555555555"; },
      [](json& j) { j["bill_type"] = "131"; },
      [](json& j) { j["admission_date"] = "2025-03-04"; },
      [](json& j) { j["discharge_date"] = "2025-03-05"; },
      [](json& j) { j["discharge_status"] = "01"; },
      [](json& j) { j["drg"] = "291"; },
      [](json& j) { j["procedures"] = {"02HV33Z"}; },
  };
  std::set<Hash> seen = {HashOf(d, kGoodClaim)};
  for (size_t i = 0; i < edits.size(); ++i) {
    EXPECT_TRUE(seen.insert(HashOf(d, Edit(kGoodClaim, edits[i]))).second) << "edit " << i;
  }
}

TEST(ContentHashTest, DistinguishesAbsentFromWrittenFieldsOnAVoid) {
  RecordDecoder d;
  const char* kVoid =
      R"({"schema":"vbp.claim/1","claim_id":"C-1","version":3,"frequency":"void","member_id":"M-1"})";
  std::set<Hash> seen = {HashOf(d, kVoid)};
  for (auto edit :
       std::vector<std::function<void(json&)>>{[](json& j) { j["claim_type"] = "professional"; },
                                               [](json& j) { j["from_date"] = "1970-01-01"; },
                                               [](json& j) { j["through_date"] = "1970-01-01"; },
                                               [](json& j) { j["paid_date"] = "1970-01-01"; }}) {
    EXPECT_TRUE(seen.insert(HashOf(d, Edit(kVoid, edit))).second);
  }
}

TEST(ContentHashTest, ChangesWithEveryMemberProviderAndContractField) {
  RecordDecoder d;
  struct Case {
    const char* base;
    std::vector<std::function<void(json&)>> edits;
  };
  std::vector<Case> cases = {
      {kGoodMember,
       {[](json& j) { j["member_id"] = "M-2"; }, [](json& j) { j["birth_date"] = "1950-07-15"; },
        [](json& j) { j["sex"] = "M"; }, [](json& j) { j["coverage"] = json::array(); },
        [](json& j) { j["coverage"][0]["from"] = "2025-02-01"; },
        [](json& j) { j["coverage"][0]["through"] = "2025-11-30"; },
        [](json& j) { j["coverage"][0]["program"] = "medicare_advantage"; },
        [](json& j) { j["coverage"][0]["enrollment_type"] = "esrd"; },
        [](json& j) { j["aligned_npi"] = nullptr; },
        [](json& j) { j["aligned_npi"] = "1234567890"; },
        [](json& j) { j["risk_scores"]["2025"] = "1.0313"; },
        [](json& j) {
          j["risk_scores"] = {{"2026", "1.0312"}};
        },
        [](json& j) { j["orec"] = "1"; }, [](json& j) { j.erase("orec"); },
        [](json& j) { j["medicaid"] = true; }, [](json& j) { j.erase("medicaid"); }}},
      {kGoodProvider,
       {[](json& j) { j["npi"] = "1234567890"; }, [](json& j) { j["tin"] = "123456780"; },
        [](json& j) { j["specialty"] = "cardiology"; },
        [](json& j) { j["provider_class"] = "npp"; },
        [](json& j) { j["effective"] = "2020-01-02"; },
        [](json& j) { j["termination"] = "2025-12-30"; }, [](json& j) { j.erase("termination"); }}},
      {kGoodContract,
       {[](json& j) { j["contract_id"] = "ACO-2"; }, [](json& j) { j["performance_year"] = 2026; },
        [](json& j) { j["tins"].push_back("111111111"); },
        [](json& j) { j["rule_set"] = "vbp-reference@2025.2"; },
        [](json& j) { j["parameters"]["quality_score"] = "0.86"; },
        [](json& j) { j["parameters"] = json::object(); }}},
  };
  for (const Case& c : cases) {
    std::set<Hash> seen = {HashOf(d, c.base)};
    for (size_t i = 0; i < c.edits.size(); ++i) {
      EXPECT_TRUE(seen.insert(HashOf(d, Edit(c.base, c.edits[i]))).second)
          << c.base << " edit " << i;
    }
  }
}

TEST(ContentHashTest, TreatsContractTinsAsASet) {
  RecordDecoder d;
  EXPECT_EQ(HashOf(d, Edit(kGoodContract,
                           [](json& j) {
                             j["tins"] = {"987654321", "123456789"};
                           })),
            HashOf(d, kGoodContract));
}

constexpr const char* kGoldenClaimHash = "3d091e306754546d0b0c251e0359b337";

TEST(ContentHashTest, IsStableAcrossReleases) {
  // The hash is stored with claim versions: changing the serialisation would turn every
  // re-delivered claim into a conflict. Update this value only with a migration plan.
  RecordDecoder d;
  Hash h = HashOf(d, kGoodClaim);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(h[1]),
                static_cast<unsigned long long>(h[0]));
  EXPECT_EQ(std::string(buf), kGoldenClaimHash);
}

}  // namespace
}  // namespace vbp::codec
