// BM_Settle_Calculate: the calculation core (SPEC §3 over every member, then every contract)
// on a fixed-seed in-memory population, without parsing. Items are claim lines.
//   build/bench/vbp_calc_bench --benchmark_filter=BM_Settle
#include <benchmark/benchmark.h>

#include <random>

#include "engine/batch/batch_settlement.h"

namespace vbp {
namespace {

struct Population {
  std::vector<Member> members;
  std::vector<Provider> providers;
  std::vector<Contract> contracts;
  std::vector<Claim> claims;
  int64_t lines = 0;
};

// ~20 lines per member: a quarter primary-care visits, the rest specialist and facility lines.
const Population& Make(int member_count) {
  static std::map<int, Population> cache;
  auto f = cache.find(member_count);
  if (f != cache.end()) return f->second;
  Population& p = cache[member_count];
  std::mt19937_64 rng(42);
  const int tins = 200;
  for (int t = 0; t < tins; ++t) {
    for (int k = 0; k < 12; ++k) {
      Provider pr;
      pr.npi = Npi(std::to_string(1000000000LL + t * 100 + k));
      pr.tin = Tin(std::to_string(100000000 + t));
      pr.specialty = "08";
      pr.provider_class =
          k < 6 ? ProviderClass::kPcp : (k < 8 ? ProviderClass::kNpp : ProviderClass::kSpecialist);
      pr.effective = Date::FromYmd(2020, 1, 1);
      p.providers.push_back(pr);
    }
  }
  for (int c = 0; c < 3; ++c) {
    Contract k;
    k.contract_id = ContractId("ACO-" + std::to_string(c));
    k.performance_year = 2025;
    for (int t = c * 40; t < c * 40 + 40; ++t) k.tins.push_back(Tin(std::to_string(100000000 + t)));
    k.rule_set = "vbp-reference@2025.1";
    k.parameters_json = R"({"benchmark_pbpy":"12000.00","pmpm_unscored":"5.00"})";
    p.contracts.push_back(k);
  }
  const char* pc[] = {"99213", "99214", "99215", "G0439"};
  const char* other[] = {"93000", "71046", "80053", "36415", "20610"};
  for (int m = 0; m < member_count; ++m) {
    Member mem;
    mem.member_id = MemberId("M" + std::to_string(1000000 + m));
    mem.birth_date = Date::FromYmd(1950, 1, 1);
    mem.coverage.push_back({Date::FromYmd(2025, 1, 1), Date::FromYmd(2025, 12, 31), "medicare_ffs",
                            EnrollmentType::kAgedNondual});
    if (m % 3) mem.risk_scores[2025] = Rational(static_cast<int64_t>(800 + rng() % 800), 1000);
    p.members.push_back(mem);
    int home = static_cast<int>(rng() % tins);
    for (int c = 0; c < 10; ++c) {
      Claim cl;
      cl.claim_id = ClaimId(mem.member_id.str() + "-" + std::to_string(c));
      cl.version = 1;
      cl.member_id = mem.member_id;
      int t = rng() % 4 ? home : static_cast<int>(rng() % tins);
      cl.billing_tin = Tin(std::to_string(100000000 + t));
      cl.rendering_npi = Npi(std::to_string(1000000000LL + t * 100 + static_cast<int>(rng() % 12)));
      cl.paid_date = Date::FromYmd(2026, 1, 15);
      cl.diagnoses = {"I10", "E119"};
      Date d = Date::FromYmd(2025, 1 + static_cast<unsigned>(rng() % 12),
                             1 + static_cast<unsigned>(rng() % 28));
      for (int l = 0; l < 2; ++l) {
        ClaimLine line;
        line.line = l + 1;
        line.hcpcs = (l == 0 && c % 2 == 0) ? pc[rng() % 4] : other[rng() % 5];
        line.units = "1";
        line.service_date = d;
        line.pos = "11";
        int64_t cents = 2000 + static_cast<int64_t>(rng() % 30000);
        line.allowed = Money::FromCents(cents);
        line.paid = Money::FromCents(cents * 8 / 10);
        cl.lines.push_back(line);
        ++p.lines;
      }
      cl.from_date = cl.through_date = d;
      cl.content_hash = {static_cast<uint64_t>(m), static_cast<uint64_t>(c)};
      p.claims.push_back(std::move(cl));
    }
  }
  return p;
}

void BM_Settle_Calculate(benchmark::State& state) {
  const Population& p = Make(static_cast<int>(state.range(0)));
  RuleRegistry registry = RuleRegistry::Shipped();
  for (auto _ : state) {
    state.PauseTiming();
    auto book = std::make_unique<BatchSettlement>(&registry);
    for (const auto& m : p.members) book->AddMember(m);
    for (const auto& pr : p.providers) book->AddProvider(pr);
    for (const auto& c : p.contracts) book->AddContract(c);
    for (const auto& c : p.claims) book->AddClaim(c);
    SettleOptions opt;
    opt.threads = static_cast<int>(state.range(1));
    state.ResumeTiming();
    auto r = book->Settle(opt);
    benchmark::DoNotOptimize(r);
    state.PauseTiming();
    book.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * p.lines);
  state.counters["lines"] = static_cast<double>(p.lines);
}
BENCHMARK(BM_Settle_Calculate)
    ->Args({100000, 1})
    ->Args({100000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Settle_Ingest(benchmark::State& state) {
  const Population& p = Make(100000);
  RuleRegistry registry = RuleRegistry::Shipped();
  for (auto _ : state) {
    BatchSettlement book(&registry);
    for (const auto& m : p.members) book.AddMember(m);
    for (const auto& c : p.claims) book.AddClaim(c);
    benchmark::DoNotOptimize(book.counts());
  }
  state.SetItemsProcessed(state.iterations() * p.lines);
}
BENCHMARK(BM_Settle_Ingest)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace vbp

BENCHMARK_MAIN();
