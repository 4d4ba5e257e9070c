#include "connectors/kafka/synthetic_load.h"

#include <chrono>
#include <cstdio>

namespace vbp::kafka {

std::string SyntheticClaimJson(uint64_t index, size_t bytes, uint64_t members) {
  // A small LCG step makes amounts and codes vary without any global randomness.
  const uint64_t h = index * 6364136223846793005ULL + 1442695040888963407ULL;
  const uint64_t member = members == 0 ? index : index % members;
  const unsigned day = static_cast<unsigned>(h % 28) + 1;
  const unsigned month = static_cast<unsigned>((h >> 8) % 12) + 1;
  const unsigned cents = static_cast<unsigned>((h >> 16) % 20000) + 2000;
  static const char* kCodes[] = {"99213", "99214", "99203", "G0438", "99395", "36415"};
  const char* code = kCodes[(h >> 32) % 6];
  char buf[1024];
  const int n = std::snprintf(
      buf, sizeof(buf),
      "{\"schema\":\"vbp.claim/1\",\"claim_id\":\"C%012llu\",\"version\":1,"
      "\"frequency\":\"original\",\"member_id\":\"M%09llu\",\"billing_tin\":\"%09llu\","
      "\"rendering_npi\":\"1%09llu\",\"claim_type\":\"professional\","
      "\"from_date\":\"2026-%02u-%02u\",\"through_date\":\"2026-%02u-%02u\","
      "\"paid_date\":\"2026-%02u-28\",\"diagnoses\":[\"E119\",\"I10\"],"
      "\"lines\":[{\"line\":1,\"hcpcs\":\"%s\",\"modifiers\":[],\"units\":\"1\","
      "\"service_date\":\"2026-%02u-%02u\",\"pos\":\"11\",\"allowed\":\"%u.%02u\","
      "\"paid\":\"%u.%02u\"}]",
      static_cast<unsigned long long>(index), static_cast<unsigned long long>(member),
      static_cast<unsigned long long>(100000000 + (h >> 40) % 500),
      static_cast<unsigned long long>((h >> 24) % 1000000000ULL), month, day, month, day, month,
      code, month, day, cents / 100, cents % 100, (cents * 8 / 10) / 100, (cents * 8 / 10) % 100);
  std::string out(buf, static_cast<size_t>(n));
  // ,"note":"" is 10 bytes, plus the closing brace.
  constexpr size_t kNoteOverhead = 11;
  if (bytes >= out.size() + kNoteOverhead) {
    out += ",\"note\":\"";
    out.append(bytes - out.size() - 2, 'x');
    out += "\"}";
  } else {
    out += "}";
  }
  return out;
}

Result<SyntheticLoadResult> ProduceSyntheticClaims(const SyntheticLoadOptions& options) {
  Result<std::unique_ptr<Producer>> producer = Producer::Create({options.config, nullptr});
  if (!producer.ok()) return producer.status();
  const auto start = std::chrono::steady_clock::now();
  char key[32];
  for (uint64_t i = 0; i < options.records; ++i) {
    const std::string value = SyntheticClaimJson(i, options.record_bytes, options.members);
    const uint64_t member = options.members == 0 ? i : i % options.members;
    const int klen =
        std::snprintf(key, sizeof(key), "M%09llu", static_cast<unsigned long long>(member));
    VBP_RETURN_IF_ERROR((*producer)->Produce(
        options.topic, std::string_view(key, static_cast<size_t>(klen)), value));
  }
  VBP_RETURN_IF_ERROR((*producer)->Flush(options.flush_timeout_ms));
  SyntheticLoadResult result;
  result.stats = (*producer)->stats();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace vbp::kafka
