// End to end: generated NDJSON text -> the record decoder (connectors/codec) -> batch
// settlement (engine). The decoder must reject exactly the malformed lines MANIFEST.json
// lists, and every contract's statement must equal the manifest's expected figures to the
// cent, for several seeds.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "connectors/codec/record_decoder.h"
#include "connectors/ingest/generate/generator.h"
#include "engine/batch/batch_settlement.h"
#include "engine/core/rule_registry.h"

namespace vbp::generate {
namespace {

void RoundTrip(int64_t members, uint64_t seed) {
  StringLineSink m, p, c, cl;
  GenerateOptions o;
  o.members = members;
  o.seed = seed;
  o.malformed_per_mille = 2;
  auto s = Generate(o, {&m, &p, &c, &cl});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const auto& manifest = s->manifest;

  RuleRegistry registry = RuleRegistry::Shipped();
  BatchSettlement batch(&registry);
  codec::RecordDecoder decoder;
  std::set<std::pair<std::string, int64_t>> rejected;
  const std::vector<std::tuple<std::string, RecordKind, const StringLineSink*>> files = {
      {"providers.ndjson", RecordKind::kProvider, &p},
      {"contracts.ndjson", RecordKind::kContract, &c},
      {"members.ndjson", RecordKind::kMember, &m},
      {"claims.ndjson", RecordKind::kClaim, &cl}};
  for (const auto& [name, kind, sink] : files) {
    std::istringstream in(sink->text());
    int64_t n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      auto r = decoder.Decode(line, SourcePos{name, -1, n}, kind);
      if (r.reject) {
        rejected.insert({name, n});
        batch.AddReject(*r.reject, kind);
        continue;
      }
      std::visit(
          [&](auto&& rec) {
            using T = std::decay_t<decltype(rec)>;
            if constexpr (std::is_same_v<T, Claim>) {
              batch.AddClaim(rec);
            } else if constexpr (std::is_same_v<T, Member>) {
              batch.AddMember(rec);
            } else if constexpr (std::is_same_v<T, Provider>) {
              batch.AddProvider(rec);
            } else {
              batch.AddContract(rec);
            }
          },
          *r.record);
    }
  }
  std::set<std::pair<std::string, int64_t>> listed;
  for (const auto& x : manifest["malformed"]) {
    listed.insert({x["file"].get<std::string>(), x["line"].get<int64_t>()});
  }
  EXPECT_EQ(rejected, listed) << "seed " << seed;

  auto result = batch.Settle(SettleOptions{});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // Only the decoder's rejects: no conflicting or unusable record beyond the malformed ones.
  EXPECT_EQ(batch.rejects().size(), listed.size()) << "seed " << seed;
  ASSERT_EQ(result->contracts.size(), manifest["contracts"].size());
  for (const auto& want : manifest["contracts"]) {
    const rules::StatementFigures* got = nullptr;
    for (const auto& r : result->contracts) {
      if (r.figures.contract_id.str() == want["contract_id"]) got = &r.figures;
    }
    ASSERT_NE(got, nullptr) << want["contract_id"];
    const auto& x = want["expected"];
    const std::string who = "seed " + std::to_string(seed) + " " + want["contract_id"].dump();
    EXPECT_EQ(got->assigned_members, x["assigned_members"].get<int64_t>()) << who;
    EXPECT_EQ(FormatHalfEven(got->person_years, 6), x["person_years"]) << who;
    EXPECT_EQ(got->benchmark_total_cents.ToString(), x["benchmark_total"]) << who;
    EXPECT_EQ(got->expenditure_total_cents.ToString(), x["expenditure_total"]) << who;
    EXPECT_EQ(FormatHalfEven(got->savings_rate, 6), x["savings_rate"]) << who;
    EXPECT_EQ(FormatHalfEven(got->msr, 6), x["msr"]) << who;
    EXPECT_EQ(FormatHalfEven(got->mlr, 6), x["mlr"]) << who;
    EXPECT_EQ(rules::OutcomeName(got->outcome), x["outcome"]) << who;
    EXPECT_EQ(got->shared_savings_cents.ToString(), x["shared_savings"]) << who;
    EXPECT_EQ(got->shared_losses_cents.ToString(), x["shared_losses"]) << who;
    EXPECT_EQ(got->pmpm_total_cents.ToString(), x["pmpm_total"]) << who;
    EXPECT_EQ(got->net_payment_cents.ToString(), x["net_payment"]) << who;
  }
}

TEST(GeneratorEngineRoundTripTest, SettlementEqualsTheManifestExpectations) {
  for (uint64_t seed : {1, 2, 3}) RoundTrip(2000, seed);
}

}  // namespace
}  // namespace vbp::generate
