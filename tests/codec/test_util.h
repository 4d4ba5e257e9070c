#pragma once
// Helpers for codec tests: a decoder call that returns the one outcome expected, and JSON
// edits of a known-good record (so each reject test changes exactly one thing).

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "connectors/codec/record_decoder.h"

namespace vbp::codec::testing {

inline SourcePos Pos(int64_t line = 1) { return SourcePos{"test.ndjson", -1, line}; }

// A good professional claim of two lines (SPEC §2 field order).
inline const char* kGoodClaim =
    R"({"schema":"vbp.claim/1","claim_id":"C-1","version":1,"frequency":"original",)"
    R"("member_id":"M-1","billing_tin":"123456789","rendering_npi":"1234567893",)"
    R"("claim_type":"professional","from_date":"2025-03-04","through_date":"2025-03-05",)"
    R"("paid_date":"2025-03-20","diagnoses":["E11.9","i10"],"lines":[)"
    R"({"line":1,"hcpcs":"99213","modifiers":["25"],"units":"1","service_date":"2025-03-04",)"
    R"("pos":"11","allowed":"92.14","paid":"73.71"},)"
    R"({"line":2,"hcpcs":"G0438","modifiers":[],"units":"1.50","service_date":"2025-03-05",)"
    R"("pos":"11","allowed":"168.11","paid":"134.49"}]})";

inline const char* kGoodMember =
    R"({"schema":"vbp.member/1","member_id":"M-1","birth_date":"1950-07-14","sex":"F",)"
    R"("coverage":[{"from":"2025-01-01","through":"2025-12-31","program":"medicare_ffs",)"
    R"("enrollment_type":"aged_nondual"}],"aligned_npi":"1234567893",)"
    R"("risk_scores":{"2025":"1.0312"},"orec":"0","medicaid":false})";

inline const char* kGoodProvider =
    R"({"schema":"vbp.provider/1","npi":"1234567893","tin":"123456789",)"
    R"("specialty":"family medicine","provider_class":"pcp","effective":"2020-01-01",)"
    R"("termination":"2025-12-31"})";

inline const char* kGoodContract =
    R"({"schema":"vbp.contract/1","contract_id":"ACO-1","performance_year":2025,)"
    R"("tins":["123456789","987654321"],"rule_set":"vbp-reference@2025.1",)"
    R"("parameters":{"quality_score":"0.85"}})";

// `base` with `edit` applied, re-serialised (keys come out sorted: order must not matter).
inline std::string Edit(const char* base, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = nlohmann::json::parse(base);
  edit(j);
  return j.dump();
}

// A JSON number spelled exactly as written (nlohmann would re-spell doubles).
inline std::string WithRawNumber(const char* base, const std::function<void(nlohmann::json&)>& edit,
                                 const std::string& raw) {
  std::string text = Edit(base, edit);  // the edit stores the string "@RAW@"
  auto at = text.find("\"@RAW@\"");
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, 7, raw);
}

template <typename T>
T DecodeOk(RecordDecoder& d, const std::string& text,
           std::optional<RecordKind> kind = std::nullopt) {
  DecodeResult r = d.Decode(text, Pos(), kind);
  EXPECT_TRUE(r.record.has_value())
      << (r.reject ? r.reject->field + ": " + r.reject->reason : std::string("no outcome")) << "\n"
      << text;
  EXPECT_FALSE(r.reject.has_value());
  if (!r.record || !std::holds_alternative<T>(*r.record)) return T{};
  return std::get<T>(*r.record);
}

inline Reject DecodeReject(RecordDecoder& d, const std::string& text,
                           std::optional<RecordKind> kind = std::nullopt) {
  DecodeResult r = d.Decode(text, Pos(), kind);
  EXPECT_TRUE(r.reject.has_value()) << "accepted: " << text;
  EXPECT_FALSE(r.record.has_value());
  return r.reject.value_or(Reject{});
}

}  // namespace vbp::codec::testing
