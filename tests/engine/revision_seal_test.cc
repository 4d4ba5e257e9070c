// Issue 16 item 2: statement revisions sealed with a keyed HMAC (engine/state/revision_seal.h).
// Expected seals are computed independently (Python hmac/hashlib; RFC 4231 test case 6).
#include "engine/state/revision_seal.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "engine/audit/audit.h"
#include "engine/state/revision_check.h"

namespace vbp::testing {
namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kRfcKey = Repeat("aa", 131);  // RFC 4231 test case 6
const std::string kKey0To31 =
    "000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f";

TEST(RevisionSealTest, HmacSealsMatchAnIndependentImplementation) {
  auto keys = ChainKeys::Parse("# chain key\n" + kRfcKey + "\n", "test");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_TRUE(keys->keyed());
  EXPECT_EQ(keys->signing_key_id(), "45ad4b37c6e2fc0a");  // sha256(key)[:16]
  const std::string content = "Test Using Larger Than Block-Size Key - Hash Key First";
  const std::string seal = keys->Seal(content);
  EXPECT_EQ(seal,
            "hmac-sha256:45ad4b37c6e2fc0a:"
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(keys->Check(content, seal), ChainKeys::Verdict::kOk);
  EXPECT_EQ(keys->Check(content + " ", seal), ChainKeys::Verdict::kMismatch);
  EXPECT_EQ(ChainKeys::KeyIdOf(seal), "45ad4b37c6e2fc0a");
}

TEST(RevisionSealTest, WithoutAKeySealsArePlainSha256) {
  ChainKeys none;
  EXPECT_FALSE(none.keyed());
  // sha256("abc")
  EXPECT_EQ(none.Seal("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(none.Check("abc", none.Seal("abc")), ChainKeys::Verdict::kOk);
  EXPECT_EQ(none.Check("abd", none.Seal("abc")), ChainKeys::Verdict::kMismatch);
  EXPECT_EQ(none.Check("abc", "md5:900150983cd24fb0"), ChainKeys::Verdict::kMalformed);
}

TEST(RevisionSealTest, RotationVerifiesOldSealsAndSealsWithTheFirstKey) {
  auto old_keys = ChainKeys::Parse(kKey0To31, "old");
  ASSERT_TRUE(old_keys.ok());
  const std::string content = R"({"a":1})";
  const std::string old_seal = old_keys->Seal(content);
  EXPECT_EQ(old_seal,
            "hmac-sha256:630dcd2966c43366:"
            "b4cebde30982443ec36c18fa99ad10a70e705bba779f57c37e84decb64ae50fb");
  auto rotated = ChainKeys::Parse(kRfcKey + "\n" + kKey0To31 + "\n", "rotated");
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->signing_key_id(), "45ad4b37c6e2fc0a");
  EXPECT_EQ(rotated->Check(content, old_seal), ChainKeys::Verdict::kOk);
  EXPECT_EQ(rotated->SealLike(content, old_seal), old_seal);
  EXPECT_EQ(ChainKeys::KeyIdOf(rotated->Seal(content)), "45ad4b37c6e2fc0a");
  // Only the new key: an old seal names a key that is not configured.
  auto new_only = ChainKeys::Parse(kRfcKey, "new");
  ASSERT_TRUE(new_only.ok());
  EXPECT_EQ(new_only->Check(content, old_seal), ChainKeys::Verdict::kUnknownKey);
  EXPECT_NE(new_only->Explain(new_only->Check(content, old_seal), old_seal)
                .find("chain key 630dcd2966c43366"),
            std::string::npos);
}

TEST(RevisionSealTest, KeyFilesAreCheckedLineByLine) {
  for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
           {"", "no key"},
           {"# only a comment\n", "no key"},
           {"abc", "line 1: a key is an even number of hex digits"},
           {Repeat("zz", 32), "line 1: a key is hex digits only"},
           {Repeat("ab", 31), "line 1: a key has at least 32 bytes"},
           {kKey0To31 + "\n\n" + kKey0To31, "line 3: key 630dcd2966c43366 is listed twice"}}) {
    auto k = ChainKeys::Parse(text, "keys.txt");
    ASSERT_FALSE(k.ok()) << text;
    EXPECT_EQ(k.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(k.status().message().find("keys.txt"), std::string::npos) << k.status().message();
    EXPECT_NE(k.status().message().find(words), std::string::npos) << k.status().message();
  }
}

// A minimal revision as the streaming engine stores it: content, then its seal.
std::string Revision(const ChainKeys& keys, int64_t revision, const std::string& previous_hash,
                     const std::string& net = "10.00") {
  const std::string content = R"({"contract_id":"A","performance_year":2025,"revision":)" +
                              std::to_string(revision) + R"(,"net_payment":")" + net +
                              R"(","revision_info":{"previous_hash":")" + previous_hash + R"("}})";
  const std::string seal = keys.Seal(content);
  return content.substr(0, content.size() - 1) + R"(,"hash":")" + seal + R"("})";
}

std::string HashOf(const std::string& revision) {
  const size_t at = revision.find(R"("hash":")") + 8;
  return revision.substr(at, revision.find('"', at) - at);
}

TEST(RevisionSealTest, ReadPathsRefuseAForgedSha256AfterAKeyedRevisionAndNameAMissingKey) {
  auto keys = ChainKeys::Parse(kKey0To31, "k");
  ASSERT_TRUE(keys.ok());
  const std::string first = Revision(*keys, 1, "");
  const std::string second = Revision(*keys, 2, HashOf(first));
  EXPECT_TRUE(CheckStoredRevision(second, first, *keys).ok());
  // An editor without the key changes the figure and reseals with plain sha256.
  const std::string forged = Revision(ChainKeys(), 2, HashOf(first), "999999.99");
  const Status st = CheckStoredRevision(forged, first, *keys);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  EXPECT_NE(st.message().find("sealed without a key after a keyed revision"), std::string::npos)
      << st.message();
  // Resealing with a key of one's own is a key none of the configured ones: tampering.
  auto other = ChainKeys::Parse(kRfcKey, "other");
  const std::string foreign = Revision(*other, 2, HashOf(first), "999999.99");
  const Status forged_key = CheckStoredRevision(foreign, first, *keys);
  EXPECT_EQ(forged_key.code(), StatusCode::kDataLoss);
  EXPECT_NE(forged_key.message().find("none of the configured keys"), std::string::npos)
      << forged_key.message();
  // A reader without the key cannot check a keyed revision and says what to configure.
  const Status no_key = CheckStoredRevision(second, first, ChainKeys());
  EXPECT_EQ(no_key.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_key.message().find("--chain-key"), std::string::npos) << no_key.message();
}

// An edited revision may hold any type where the engine writes a string or a number: the read
// path reports tampering with what it can name, it does not throw.
TEST(RevisionSealTest, AnEditedRevisionWithFieldsOfOtherTypesIsReportedNotThrown) {
  auto keys = ChainKeys::Parse(kKey0To31, "k");
  ASSERT_TRUE(keys.ok());
  const std::string first = Revision(*keys, 1, "");
  const std::string edited =
      R"({"contract_id":7,"performance_year":"2025","revision":[2],"hash":"sha256:00"})";
  std::optional<Status> st;
  ASSERT_NO_THROW(st.emplace(CheckStoredRevision(edited, first, *keys)));
  EXPECT_EQ(st->code(), StatusCode::kDataLoss);
  EXPECT_NE(st->message().find("statement 7/2025 revision ? fails"), std::string::npos)
      << st->message();
  const std::string bad_previous = R"({"hash":12})";
  const std::string second = Revision(*keys, 2, HashOf(first));
  std::optional<Status> chained;
  ASSERT_NO_THROW(chained.emplace(CheckStoredRevision(second, bad_previous, *keys)));
  EXPECT_EQ(chained->code(), StatusCode::kDataLoss);
  EXPECT_NE(chained->message().find("previous_hash"), std::string::npos) << chained->message();
}

// `vbp verify` reads every field of an edited chain: fields of other types are findings.
TEST(RevisionSealTest, VerifyReportsAnEditedChainWithFieldsOfOtherTypes) {
  auto keys = ChainKeys::Parse(kKey0To31, "k");
  ASSERT_TRUE(keys.ok());
  audit::RevisionChain chain;
  chain.contract_id = ContractId(std::string("A"));
  chain.year = 2025;
  chain.revisions.push_back({1, R"({"contract_id":"A","performance_year":2025,"revision":1,)"
                                R"("as_of":7,"hash":12})"});
  chain.revisions.push_back({2, Revision(*keys, 2, "x")});
  std::optional<std::vector<audit::Finding>> findings;
  ASSERT_NO_THROW(findings.emplace(audit::CheckChain(chain, *keys)));
  bool no_hash = false;
  bool bad_link = false;
  for (const audit::Finding& f : *findings) {
    no_hash = no_hash || (f.revision == 1 && f.what == "hash" && f.detail == "no hash");
    bad_link = bad_link || (f.revision == 2 && f.what == "previous_hash");
  }
  EXPECT_TRUE(no_hash);
  EXPECT_TRUE(bad_link);
}

}  // namespace
}  // namespace vbp::testing
