// End to end: `vbp import tuva` output -> the record decoder -> batch settlement. Every
// imported line decodes, and the contract settles with the members its TINs win.
#include <gtest/gtest.h>

#include <sstream>

#include "connectors/codec/record_decoder.h"
#include "connectors/files/csv_file.h"
#include "connectors/ingest/tuva/tuva_import.h"
#include "engine/batch/batch_settlement.h"
#include "engine/core/rule_registry.h"

namespace vbp::tuva {
namespace {

TEST(TuvaEngineRoundTripTest, EveryImportedRecordDecodesAndTheContractSettles) {
  const std::string dir = VBP_SOURCE_DIR "/../shared/data/tuva-synthetic-claims/";
  auto mc = files::LoadCsvTable(dir + "medical_claim.csv");
  auto el = files::LoadCsvTable(dir + "eligibility.csv");
  auto pr = files::LoadCsvTable(dir + "provider.csv");
  ASSERT_TRUE(mc.ok() && el.ok() && pr.ok());
  generate::StringLineSink members, providers, claims, contracts;
  auto s = ImportTuva(*mc, *el, *pr, {}, {&members, &providers, &claims, &contracts});
  ASSERT_TRUE(s.ok()) << s.status().ToString();

  RuleRegistry registry = RuleRegistry::Shipped();
  BatchSettlement batch(&registry);
  codec::RecordDecoder decoder;
  int64_t decoded = 0;
  for (const auto& [name, kind, sink] :
       std::vector<std::tuple<std::string, RecordKind, const generate::StringLineSink*>>{
           {"providers.ndjson", RecordKind::kProvider, &providers},
           {"contracts.ndjson", RecordKind::kContract, &contracts},
           {"members.ndjson", RecordKind::kMember, &members},
           {"claims.ndjson", RecordKind::kClaim, &claims}}) {
    std::istringstream in(sink->text());
    int64_t n = 0;
    for (std::string line; std::getline(in, line);) {
      auto r = decoder.Decode(line, SourcePos{name, -1, ++n}, kind);
      ASSERT_FALSE(r.reject.has_value())
          << name << ":" << n << " " << r.reject->field << ": " << r.reject->reason;
      ++decoded;
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
  EXPECT_EQ(decoded, 10 + 1050 + 1138 + 1);
  auto result = batch.Settle(SettleOptions{});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(batch.rejects().empty());
  ASSERT_EQ(result->contracts.size(), 1u);
  const auto& f = result->contracts[0].figures;
  EXPECT_EQ(f.contract_id.str(), "TUVA-2018");
  // The five contract TINs each win one member's primary care in 2018.
  EXPECT_EQ(f.assigned_members, 5);
}

}  // namespace
}  // namespace vbp::tuva
