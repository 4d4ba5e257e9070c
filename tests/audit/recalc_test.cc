// Recalculation and tamper evidence (issue 4 items 1-3, 7): a store with many revisions made of
// voids, replacements, duplicates, conflicts, late claims and mid-year reference changes is
// recomputed revision by revision from its history, byte for byte; every kind of edit to the
// stored revisions is found and named; retention keeps later revisions recomputable.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "engine/audit/audit.h"
#include "engine/state/history_key.h"
#include "engine/state/state_keys.h"
#include "tests/audit/audit_world.h"

namespace vbp::testing {
namespace {

using audit::Finding;
using nlohmann::ordered_json;

uint64_t Seed(uint64_t fallback) {
  const char* s = std::getenv("VBP_AUDIT_SEED");
  return s ? std::strtoull(s, nullptr, 10) : fallback;
}

struct Fixture {
  MemoryLog log;
  MemoryStateStore state;
  RuleRegistry registry = RuleRegistry::Shipped();
  audit::ReplayOptions replay;
  Fixture(uint64_t seed, int members, size_t poll, std::optional<Date> as_of = std::nullopt,
          const ChainKeys& keys = {}) {
    Status st = StreamPhases(BuildPhases(seed, members), &log, &state, poll, registry, as_of, keys);
    replay.chain_keys = keys;
    EXPECT_TRUE(st.ok()) << st.ToString();
    replay.registry = &registry;
    replay.decode = BinaryDecode;
    replay.batch_records_max = 97;  // other batch boundaries than the live run
  }
  audit::VerifyReport Verify(size_t sample = 0) const {
    audit::VerifyOptions o;
    o.replay = replay;
    o.sample = sample;
    auto r = audit::Verify(state, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : audit::VerifyReport{};
  }
};

std::string Describe(const audit::VerifyReport& r) {
  std::string s;
  for (const auto& f : r.findings) s += ordered_json(audit::FindingJson(f)).dump() + "\n";
  return s;
}

bool Has(const audit::VerifyReport& r, const std::string& contract, int64_t revision,
         const std::string& what, Finding::Severity sev = Finding::Severity::kError) {
  for (const auto& f : r.findings) {
    if (f.contract_id == contract && f.revision == revision && f.what == what &&
        f.severity == sev) {
      return true;
    }
  }
  return false;
}

// Rewrites a stored revision.
void Put(MemoryStateStore* s, const std::string& contract, int64_t revision,
         const std::string& text) {
  const std::string k = state_keys::Revision(ContractId(contract), 2025, revision);
  StateStore::Batch b;
  if (text.empty()) {
    b.Delete(Space::kRevisions, k);
  } else {
    b.Put(Space::kRevisions, k, text);
  }
  ASSERT_TRUE(s->Commit(b, false).ok());
}

std::vector<StatementRevision> Chain(const StateStore& s, const std::string& contract) {
  auto r = StreamingEngine::Revisions(s, ContractId(contract), 2025);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : std::vector<StatementRevision>{};
}

std::string Rehash(ordered_json j) {
  j.erase("hash");
  j["hash"] = "sha256:" + rules::Sha256Hex(j.dump());
  return j.dump();
}

TEST(RecalcTest, EveryRevisionRecomputesByteForByteFromHistory) {
  const uint64_t seed = Seed(41);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (VBP_AUDIT_SEED to replay)");
  Fixture f(seed, 220, 9);
  auto chains = audit::LoadChains(f.state);
  ASSERT_TRUE(chains.ok());
  ASSERT_EQ(chains->size(), 3u);
  size_t total = 0;
  for (const auto& c : *chains) total += c.revisions.size();
  ASSERT_GT(total, 60u) << "the fixture should make many revisions";

  const auto t0 = std::chrono::steady_clock::now();
  audit::VerifyReport r = f.Verify();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("verified %zu revisions (%zu recomputed) in %.2f s\n", r.revisions, r.recomputed,
              secs);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_TRUE(r.findings.empty()) << Describe(r);
  EXPECT_EQ(r.revisions, total);
  EXPECT_EQ(r.recomputed, total);
  EXPECT_EQ(r.identical, total);

  // One by one, as `vbp recalc` does it, for a spread of revisions of every contract.
  for (const auto& c : *chains) {
    for (size_t i = 0; i < c.revisions.size(); i += 7) {
      auto one =
          audit::Recalculate(f.state, c.contract_id, 2025, c.revisions[i].key_revision, f.replay);
      ASSERT_TRUE(one.ok()) << one.status().ToString();
      EXPECT_TRUE(one->identical) << c.contract_id.str() << " " << c.revisions[i].key_revision
                                  << "\n"
                                  << one->error
                                  << (one->differences.empty() ? "" : one->differences[0]);
      EXPECT_EQ(one->recomputed_text, c.revisions[i].text);
    }
  }
}

TEST(RecalcTest, RevisionsFromARunWithAFixedAsOfRecomputeToo) {
  Fixture f(Seed(43), 80, 13, D("2026-01-31"));
  audit::VerifyReport r = f.Verify();
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.identical, r.revisions);
  auto chain = Chain(f.state, "B");
  ASSERT_FALSE(chain.empty());
  auto one = audit::Recalculate(f.state, ContractId(std::string("B")), 2025, chain.back().revision,
                                f.replay);
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->identical);
  EXPECT_EQ(one->as_of_mode, "fixed 2026-01-31");
}

TEST(RecalcTest, AsOfPicksTheLatestRevisionOnOrBeforeTheDate) {
  Fixture f(Seed(47), 60, 11);
  auto chain = Chain(f.state, "A");
  ASSERT_GT(chain.size(), 3u);
  auto mid = ordered_json::parse(chain[chain.size() / 2].json);
  Date as_of = *Date::Parse(mid["as_of"].get<std::string>());
  auto rev = audit::RevisionAsOf(f.state, ContractId(std::string("A")), 2025, as_of);
  ASSERT_TRUE(rev.ok());
  // The latest revision whose as_of is on or before the date.
  int64_t want = 0;
  for (const auto& r : chain) {
    if (*Date::Parse(ordered_json::parse(r.json)["as_of"].get<std::string>()) <= as_of)
      want = r.revision;
  }
  EXPECT_EQ(*rev, want);
  EXPECT_EQ(audit::RevisionAsOf(f.state, ContractId(std::string("A")), 2025, D("2020-01-01"))
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST(RecalcTest, SampledVerificationRecomputesASeededSubset) {
  Fixture f(Seed(53), 80, 7);
  audit::VerifyReport r = f.Verify(5);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_GE(r.recomputed, 5u);
  EXPECT_LT(r.recomputed, r.revisions);
  EXPECT_EQ(r.identical, r.recomputed);
}

// --- Tamper evidence -------------------------------------------------------------------

class TamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fixture_ = new Fixture(59, 120, 9); }
  static void TearDownTestSuite() { delete fixture_; }
  void SetUp() override {
    store_ = fixture_->state.Clone();
    chain_ = Chain(*store_, "A");
    ASSERT_GT(chain_.size(), 6u);
  }
  audit::VerifyReport Verify() {
    audit::VerifyOptions o;
    o.replay = fixture_->replay;
    auto r = audit::Verify(*store_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }
  static Fixture* fixture_;
  std::unique_ptr<MemoryStateStore> store_;
  std::vector<StatementRevision> chain_;
};
Fixture* TamperTest::fixture_ = nullptr;

TEST_F(TamperTest, AnUntouchedStoreVerifies) {
  auto r = Verify();
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_TRUE(r.findings.empty()) << Describe(r);
}

TEST_F(TamperTest, AnEditedFigureBreaksItsHashAndItsRecomputation) {
  const auto& victim = chain_[3];
  auto j = ordered_json::parse(victim.json);
  j["net_payment"] = "999999.99";
  Put(store_.get(), "A", victim.revision, j.dump());
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "A", victim.revision, "hash")) << Describe(r);
  EXPECT_TRUE(Has(r, "A", victim.revision, "figures")) << Describe(r);
}

TEST_F(TamperTest, AnEditedFigureWithARecomputedHashBreaksTheNextLink) {
  const auto& victim = chain_[3];
  auto j = ordered_json::parse(victim.json);
  j["expenditure_total"] = "1.00";
  Put(store_.get(), "A", victim.revision, Rehash(j));
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(Has(r, "A", victim.revision, "hash")) << Describe(r);
  EXPECT_TRUE(Has(r, "A", chain_[4].revision, "previous_hash")) << Describe(r);
  EXPECT_TRUE(Has(r, "A", victim.revision, "figures")) << Describe(r);
}

TEST_F(TamperTest, ARewrittenSuffixWithAConsistentChainIsCaughtByRecomputation) {
  // The forger rewrites revision 3 and re-links every later revision: the chain is intact,
  // only recomputation from history can tell.
  std::string prev_hash;
  for (size_t i = 3; i < chain_.size(); ++i) {
    auto j = ordered_json::parse(chain_[i].json);
    if (i == 3) j["shared_savings"] = "0.00";
    if (i > 3) j["revision_info"]["previous_hash"] = prev_hash;
    std::string text = Rehash(j);
    prev_hash = ordered_json::parse(text)["hash"].get<std::string>();
    Put(store_.get(), "A", chain_[i].revision, text);
  }
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  for (const auto& f : r.findings) {
    EXPECT_TRUE(f.what == "figures" || f.what == "revision_info") << Describe(r);
  }
  EXPECT_TRUE(Has(r, "A", chain_[3].revision, "figures")) << Describe(r);
}

// Issue 16 item 2: the read paths (`vbp statements`, recalculation by date, the provider API,
// `vbp run` before it chains) refuse a tampered revision instead of exporting it.
TEST_F(TamperTest, ReadPathsRefuseAnEditedRevision) {
  ASSERT_TRUE(StreamingEngine::LatestRevisions(*store_).ok());
  const auto& victim = chain_[3];
  auto j = ordered_json::parse(victim.json);
  j["net_payment"] = "999999.99";
  Put(store_.get(), "A", victim.revision, j.dump());
  const std::string name = "A/2025 revision " + std::to_string(victim.revision);
  for (const Status& st :
       {StreamingEngine::LatestRevisions(*store_).status(),
        StreamingEngine::Revisions(*store_, ContractId(std::string("A")), 2025).status()}) {
    EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
    EXPECT_NE(st.message().find(name + " fails its tamper check (its hash is not the sha256"),
              std::string::npos)
        << st.message();
  }
}

// A resealed edit may put any type in any field: the read paths name the revision from its key
// and report the broken link after it, they do not throw on the content.
TEST_F(TamperTest, ReadPathsReportAResealedRevisionWithFieldsOfOtherTypes) {
  const auto& victim = chain_[3];
  auto j = ordered_json::parse(victim.json);
  j["contract_id"] = 5;
  j["performance_year"] = nullptr;
  j["revision"] = "three";
  Put(store_.get(), "A", victim.revision, Rehash(j));
  std::optional<Status> latest, all;
  ASSERT_NO_THROW(latest.emplace(StreamingEngine::LatestRevisions(*store_).status()));
  ASSERT_NO_THROW(all.emplace(
      StreamingEngine::Revisions(*store_, ContractId(std::string("A")), 2025).status()));
  for (const Status& st : {*latest, *all}) {
    EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
    EXPECT_NE(st.message().find("A/2025 revision " + std::to_string(chain_[4].revision) +
                                " fails its tamper check (its previous_hash"),
              std::string::npos)
        << st.message();
  }
}

TEST_F(TamperTest, ReadPathsRefuseARehashedRevisionByItsSuccessorsLink) {
  const auto& victim = chain_[3];
  auto j = ordered_json::parse(victim.json);
  j["expenditure_total"] = "1.00";
  Put(store_.get(), "A", victim.revision, Rehash(j));
  const Status st = StreamingEngine::LatestRevisions(*store_).status();
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("A/2025 revision " + std::to_string(chain_[4].revision) +
                              " fails its tamper check (its previous_hash"),
            std::string::npos)
      << st.message();
}

TEST_F(TamperTest, ReorderedRevisionsAreNamed) {
  // Swap the texts of revisions 2 and 3.
  Put(store_.get(), "A", chain_[2].revision, chain_[3].json);
  Put(store_.get(), "A", chain_[3].revision, chain_[2].json);
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "A", chain_[2].revision, "key")) << Describe(r);
  EXPECT_TRUE(Has(r, "A", chain_[3].revision, "key")) << Describe(r);
}

TEST_F(TamperTest, ADeletedMiddleRevisionIsNamedByItsSuccessor) {
  Put(store_.get(), "A", chain_[4].revision, "");
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  bool named = false;
  for (const auto& f : r.findings) {
    if (f.revision == chain_[5].revision && f.what == "previous_revision" &&
        f.detail.find(std::to_string(chain_[4].revision) + " was deleted") != std::string::npos) {
      named = true;
    }
  }
  EXPECT_TRUE(named) << Describe(r);
  EXPECT_TRUE(Has(r, "A", chain_[5].revision, "previous_hash")) << Describe(r);
}

TEST_F(TamperTest, ADeletedFirstRevisionIsNamed) {
  Put(store_.get(), "A", chain_[0].revision, "");
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "A", chain_[1].revision, "previous_revision")) << Describe(r);
}

TEST_F(TamperTest, ADeletedLastRevisionIsFoundWhenOtherContractsPublishedInItsRound) {
  // The engine ends with a forced round when it catches up: every contract has a revision at
  // the final input position. Deleting one contract's last revision leaves the round
  // incomplete, and the replay shows its statement changed there.
  auto b = Chain(*store_, "B");
  ASSERT_EQ(b.back().revision, chain_.back().revision) << "the fixture should end with a round";
  Put(store_.get(), "A", chain_.back().revision, "");
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "A", chain_.back().revision, "missing")) << Describe(r);
}

TEST_F(TamperTest, DeletingTheWholeLastRoundLeavesOnlyAWarning) {
  // Nothing in the store then says a round happened at the final position: it looks like an
  // engine stopped before publishing. Documented as the limit of a store-only check.
  for (const char* c : {"A", "B", "C"}) {
    auto ch = Chain(*store_, c);
    Put(store_.get(), c, ch.back().revision, "");
  }
  auto r = Verify();
  EXPECT_TRUE(r.ok()) << Describe(r);
  bool warned = false;
  for (const auto& f : r.findings)
    warned |= f.what == "tail" && f.severity == Finding::Severity::kWarning;
  EXPECT_TRUE(warned) << Describe(r);
}

TEST_F(TamperTest, AnEditedHistoryMessageChangesTheRecomputedFigures) {
  // Find a claim message of a member attributed somewhere and double its amounts.
  std::string key, value;
  ASSERT_TRUE(store_
                  ->Scan(Space::kHistory, "",
                         [&](std::string_view k, std::string_view v) {
                           auto parts = ParseHistoryKey(k);
                           EXPECT_TRUE(parts.ok()) << parts.status().ToString();
                           if (!parts.ok() || parts->kind != 'c') return true;
                           auto c = binary::DecodeClaim(v);
                           if (!c.ok() || c->lines.empty() || c->frequency == Frequency::kVoid)
                             return true;
                           Claim x = *c;
                           for (auto& l : x.lines) l.paid = l.paid + Money::FromCents(123456);
                           key = std::string(k);
                           value = binary::EncodeClaim(x);
                           return false;
                         })
                  .ok());
  ASSERT_FALSE(key.empty());
  StateStore::Batch b;
  b.Put(Space::kHistory, key, value);
  ASSERT_TRUE(store_->Commit(b, false).ok());
  auto r = Verify();
  EXPECT_FALSE(r.ok());
  bool figures = false;
  for (const auto& f : r.findings) figures |= f.what == "figures";
  EXPECT_TRUE(figures) << Describe(r);
}

// --- Copies of a message at one position ----------------------------------------------------

// The history keys of `state`, with the step of every `every`-th message moved past the last
// step: what a state whose offsets were reset by hand holds after reading those messages again.
// `text` replaces the copy's text when given (another message at the same position).
size_t AddCopies(MemoryStateStore* state, size_t every, std::optional<std::string> text) {
  std::vector<std::pair<std::string, std::string>> entries;
  uint64_t last_step = 0;
  EXPECT_TRUE(state
                  ->Scan(Space::kHistory, "",
                         [&](std::string_view k, std::string_view v) {
                           entries.emplace_back(k, v);
                           auto p = ParseHistoryKey(k);
                           if (p.ok()) last_step = std::max(last_step, p->step);
                           return true;
                         })
                  .ok());
  StateStore::Batch b;
  size_t copies = 0;
  for (size_t i = 0; i < entries.size(); i += every) {
    auto p = ParseHistoryKey(entries[i].first);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) break;
    InputMessage at;
    at.topic = p->topic;
    at.partition = p->partition;
    at.offset = p->offset;
    b.Put(Space::kHistory, HistoryKey(last_step + 1 + i, p->kind, p->key, at),
          text.value_or(entries[i].second));
    ++copies;
  }
  EXPECT_TRUE(state->Commit(b, false).ok());
  return copies;
}

TEST(HistoryCopiesTest, CopiesAreNotReplayedAndRetentionDropsThem) {
  Fixture f(Seed(67), 80, 9);
  auto clean = audit::HistoryIndex::Load(f.state);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  ASSERT_TRUE(clean->copies.empty());
  const size_t copies = AddCopies(&f.state, 7, std::nullopt);
  ASSERT_GT(copies, 10u);
  auto index = audit::HistoryIndex::Load(f.state);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->messages, clean->messages);
  EXPECT_EQ(index->copies.size(), copies);
  // Each position is indexed under its first key, as before the copies.
  for (const auto& [lp, entries] : index->partitions) {
    const auto& was = clean->partitions.at(lp);
    ASSERT_EQ(entries.size(), was.size()) << lp.ToString();
    for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].key, was[i].key);
  }
  // Every revision still recomputes byte for byte: copies are not replayed.
  audit::VerifyReport r = f.Verify();
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_GT(r.recomputed, 0u);
  EXPECT_EQ(r.identical, r.recomputed);
  // Retention drops every copy, whatever the floor.
  auto chain = Chain(f.state, "A");
  ASSERT_FALSE(chain.empty());
  audit::CompactOptions o;
  o.before_revision = chain.front().revision;
  o.decode = BinaryDecode;
  auto rep = audit::CompactHistory(f.state, o);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_GE(rep->dropped, static_cast<int64_t>(copies));
  auto after = audit::HistoryIndex::Load(f.state);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(after->copies.empty());
  audit::VerifyReport again = f.Verify();
  EXPECT_TRUE(again.ok()) << Describe(again);
  EXPECT_EQ(again.identical, again.recomputed);
}

TEST(HistoryCopiesTest, AnotherTextAtAKnownPositionIsDataLoss) {
  Fixture f(Seed(71), 40, 9);
  AddCopies(&f.state, 50, std::string("{\"not\": \"the same message\"}"));
  auto index = audit::HistoryIndex::Load(f.state);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(index.status().message().find("two different messages"), std::string::npos)
      << index.status().message();
}

// --- Retention --------------------------------------------------------------------------

TEST(RetentionTest, CompactionKeepsLaterRevisionsRecomputableAndShrinksHistory) {
  Fixture f(Seed(61), 150, 9);
  auto chain = Chain(f.state, "A");
  ASSERT_GT(chain.size(), 8u);
  const int64_t before = chain[chain.size() * 3 / 4].revision;
  audit::CompactOptions o;
  o.before_revision = before;
  o.decode = BinaryDecode;
  auto rep = audit::CompactHistory(f.state, o);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_GT(rep->dropped, 0);
  EXPECT_GT(rep->revisions_kept_recomputable, 0u);
  EXPECT_GT(rep->revisions_not_recomputable, 0u);
  std::printf(
      "compaction before revision %lld dropped %lld of %lld history messages (%lld bytes)\n",
      static_cast<long long>(before), static_cast<long long>(rep->dropped),
      static_cast<long long>(rep->messages), static_cast<long long>(rep->bytes_dropped));
  audit::VerifyReport r = f.Verify();
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_GT(r.not_recomputable, 0u);
  EXPECT_EQ(r.identical, r.recomputed);
  EXPECT_EQ(r.identical + r.not_recomputable, r.revisions);
  for (const auto& x : r.findings) EXPECT_EQ(x.what, "not_recomputable") << Describe(r);
  auto old = audit::Recalculate(f.state, ContractId(std::string("A")), 2025, chain.front().revision,
                                f.replay);
  EXPECT_EQ(old.status().code(), StatusCode::kNotFound);
  auto kept = audit::Recalculate(f.state, ContractId(std::string("A")), 2025, chain.back().revision,
                                 f.replay);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->identical);

  // The engine carries on over the compacted store, and the new revisions verify too.
  Scenario more;
  Phase late = {
      {"vbp.claims", AuditPartitionOf("M3"), "M3",
       binary::EncodeClaim(more.AddClaim("NEW-1", "M3", "111111111", "1000000000", "2026-03-01",
                                         {{"99213", "2025-11-02", "140.00", "120.00"}}))}};
  ASSERT_TRUE(StreamPhases({late}, &f.log, &f.state, 50, f.registry).ok());
  audit::VerifyReport again = f.Verify();
  EXPECT_TRUE(again.ok()) << Describe(again);
  EXPECT_EQ(again.identical, again.recomputed);
}

// --- Keyed seals (issue 16 item 2) ------------------------------------------------------

ChainKeys Keys(const std::string& hex_lines) {
  auto k = ChainKeys::Parse(hex_lines, "test keys");
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  return k.ok() ? *k : ChainKeys();
}
const char* const kKeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* const kKeyB = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

class KeyedTamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fixture_ = new Fixture(61, 60, 9, std::nullopt, Keys(kKeyA)); }
  static void TearDownTestSuite() { delete fixture_; }
  void SetUp() override {
    store_ = fixture_->state.Clone();
    auto c = StreamingEngine::Revisions(*store_, ContractId(std::string("A")), 2025, Keys(kKeyA));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    chain_ = *c;
    ASSERT_GT(chain_.size(), 4u);
  }
  audit::VerifyReport Verify(const ChainKeys& keys, std::vector<audit::Anchor> anchors = {}) {
    audit::VerifyOptions o;
    o.replay = fixture_->replay;
    o.replay.chain_keys = keys;
    o.anchors = std::move(anchors);
    auto r = audit::Verify(*store_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : audit::VerifyReport{};
  }
  audit::Anchor AnchorOf(const StatementRevision& r) {
    auto j = ordered_json::parse(r.json);
    return {"A", 2025, r.revision, j["hash"].get<std::string>(), "published copy"};
  }
  static Fixture* fixture_;
  std::unique_ptr<MemoryStateStore> store_;
  std::vector<StatementRevision> chain_;
};
Fixture* KeyedTamperTest::fixture_ = nullptr;

TEST_F(KeyedTamperTest, KeyedRevisionsVerifyAndRecomputeByteForByteAlsoAfterRotation) {
  const std::string id_a = Keys(kKeyA).signing_key_id();
  for (const auto& r : chain_) {
    EXPECT_EQ(ordered_json::parse(r.json)["hash"].get<std::string>().rfind(
                  "hmac-sha256:" + id_a + ":", 0),
              0u);
  }
  auto r = Verify(Keys(kKeyA));
  EXPECT_TRUE(r.findings.empty()) << Describe(r);
  EXPECT_GT(r.recomputed, 0u);
  EXPECT_EQ(r.identical, r.recomputed);
  // Rotation: key B seals from now on, key A still verifies and recomputation still matches.
  auto rotated = Verify(Keys(std::string(kKeyB) + "\n" + kKeyA));
  EXPECT_TRUE(rotated.findings.empty()) << Describe(rotated);
  EXPECT_EQ(rotated.identical, rotated.recomputed);
}

TEST_F(KeyedTamperTest, ASha256ResealedEditIsCaughtEvenThoughItsLinkHolds) {
  const auto& victim = chain_[2];
  auto j = ordered_json::parse(victim.json);
  j["net_payment"] = "999999.99";
  Put(store_.get(), "A", victim.revision, Rehash(j));  // plain sha256, link unchanged
  auto r = Verify(Keys(kKeyA));
  EXPECT_TRUE(Has(r, "A", victim.revision, "seal")) << Describe(r);
  const Status st = StreamingEngine::LatestRevisions(*store_, Keys(kKeyA)).status();
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("sealed without a key after a keyed revision"), std::string::npos)
      << st.message();
}

TEST_F(KeyedTamperTest, AReaderWithoutTheKeyIsToldWhichKeyToConfigure) {
  const Status st = StreamingEngine::LatestRevisions(*store_).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("chain key " + Keys(kKeyA).signing_key_id()), std::string::npos)
      << st.message();
  auto r = Verify(ChainKeys());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "A", chain_[0].revision, "key")) << Describe(r);
  // With key B only, key A's seals are none of the configured keys.
  auto wrong = Verify(Keys(kKeyB));
  EXPECT_TRUE(Has(wrong, "A", chain_[0].revision, "hash")) << Describe(wrong);
}

TEST_F(KeyedTamperTest, AnchorsCatchARewriteByAKeyHolderAndADeletedTail) {
  std::vector<audit::Anchor> anchors;
  for (const auto& r : chain_) anchors.push_back(AnchorOf(r));
  EXPECT_TRUE(Verify(Keys(kKeyA), anchors).findings.empty());
  // Someone holding the key rewrites the last revision and reseals it: the chain holds, the
  // published copy does not match.
  const auto& last = chain_.back();
  auto j = ordered_json::parse(last.json);
  j["net_payment"] = "0.00";
  j.erase("hash");
  j["hash"] = Keys(kKeyA).Seal(j.dump());
  Put(store_.get(), "A", last.revision, j.dump());
  auto r = Verify(Keys(kKeyA), anchors);
  EXPECT_FALSE(Has(r, "A", last.revision, "hash")) << Describe(r);
  EXPECT_TRUE(Has(r, "A", last.revision, "anchor")) << Describe(r);
  // Deleting it: the chain ends one revision early, the anchor names the missing revision.
  Put(store_.get(), "A", last.revision, "");
  auto d = Verify(Keys(kKeyA), anchors);
  bool named = false;
  for (const auto& f : d.findings) {
    if (f.what == "anchor" && f.revision == last.revision &&
        f.detail.find("not in the state") != std::string::npos) {
      named = true;
    }
  }
  EXPECT_TRUE(named) << Describe(d);
}

}  // namespace
}  // namespace vbp::testing
