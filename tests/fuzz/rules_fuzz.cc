// libFuzzer target: rule sets and contract parameters, the outside JSON that becomes rules.
// Even bytes: a rule set file (RuleSet::FromText). Odd bytes: a contract record whose
// parameters are resolved against the shipped rule sets (every parameter parsed and
// checked). Errors are statuses naming the field, never crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "connectors/codec/record_decoder.h"
#include "engine/core/contract_plan.h"
#include "engine/core/rule_registry.h"
#include "rules/core/parameters.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    (void)vbp::rules::RuleSet::FromText(text, "fuzz");
    return 0;
  }
  static vbp::codec::RecordDecoder decoder;
  static const vbp::RuleRegistry registry = vbp::RuleRegistry::Shipped();
  vbp::codec::DecodeResult r =
      decoder.Decode(text, vbp::SourcePos{"fuzz", -1, 1}, vbp::RecordKind::kContract);
  if (!r.record) return 0;
  (void)vbp::ResolveContract(std::get<vbp::Contract>(*r.record), registry);
  return 0;
}
