#include "connectors/api/snapshot.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "connectors/codec/record_decoder.h"
#include "connectors/files/ndjson_stream.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "engine/core/statement_json.h"
#include "engine/state/binary_codec.h"
#include "engine/state/history_key.h"
#include "engine/state/revision_check.h"
#include "engine/state/state_keys.h"

namespace vbp::api {

namespace {

constexpr const char* kDataFiles[] = {"members.ndjson", "providers.ndjson", "contracts.ndjson",
                                      "claims.ndjson"};

Result<StoredRevision> ParseRevision(std::string_view text) {
  StoredRevision r;
  try {
    auto j = nlohmann::json::parse(text);
    r.revision = j.at("revision").get<int64_t>();
    auto d = Date::Parse(j.at("as_of").get<std::string>());
    if (!d.ok()) return d.status();
    r.as_of = *d;
    if (j.contains("detail") && j["detail"].contains("tins")) {
      for (const auto& t : j["detail"]["tins"]) r.tins.push_back(t.get<std::string>());
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::DataLoss(std::string("statement revision is not the expected JSON: ") +
                            e.what());
  }
  r.json = std::string(text);
  return r;
}

void NoteRosterMismatch(Snapshot* s) {
  for (const BookContract& c : s->book->contracts()) {
    auto f = s->revisions.find(c.id);
    if (f == s->revisions.end()) continue;
    auto y = f->second.find(c.year);
    if (y == f->second.end() || y->second.empty()) continue;
    const auto j = nlohmann::json::parse(y->second.back().json, nullptr, false);
    const auto count = j.is_object() ? j.find("assigned_members") : j.end();
    const int64_t stated =
        count != j.end() && count->is_number_integer() ? count->get<int64_t>() : int64_t{-1};
    if (stated != static_cast<int64_t>(c.roster.size())) {
      s->notes.push_back("contract " + c.id.str() + " " + std::to_string(c.year) +
                         ": the roster recomputed from the snapshot has " +
                         std::to_string(c.roster.size()) + " members, revision " +
                         std::to_string(y->second.back().revision) + " states " +
                         std::to_string(stated) + " (input committed after the latest revision)");
    }
  }
}

// The effective version of a claim in the `claims` family.
struct EffectiveClaim {
  int64_t version = 0;
  std::string key;  // claims family key
};

// An earlier version of a claim, as first received (from the `history` family).
struct EarlierClaim {
  SourcePos pos;
  std::string text;
};

// The rule sets the contracts resolved against, as the engine stored them in `meta`, added
// to a copy of the caller's registry; then the book that resolves against it.
Status LoadStoredRuleSets(const StateStore& store, const std::string& dir,
                          const RuleRegistry* registry, Snapshot* s) {
  Status err;
  auto fail = [&err](Status st) {
    err = std::move(st);
    return false;
  };
  s->registry = std::make_unique<RuleRegistry>(*registry);
  VBP_RETURN_IF_ERROR(
      store.Scan(Space::kMeta, state_keys::kRuleSet, [&](std::string_view k, std::string_view v) {
        Status st = s->registry->AddText(v, dir + " meta " + std::string(state_keys::RuleSetId(k)));
        if (!st.ok()) return fail(st);
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  s->book = std::make_unique<ReconcileBook>(s->registry.get());
  return Status::Ok();
}

// Reference data (providers, contracts) and members, as committed.
Status LoadReferenceAndMembers(const StateStore& store, Snapshot* s) {
  Status err;
  auto fail = [&err](Status st) {
    err = std::move(st);
    return false;
  };
  VBP_RETURN_IF_ERROR(binary::ScanReference(
      store, [&](Provider p) { s->book->AddProvider(p); },
      [&](Contract c) {
        s->contracts[c.contract_id] = c;
        s->book->AddContract(std::move(c));
      }));
  VBP_RETURN_IF_ERROR(store.Scan(Space::kMembers, "", [&](std::string_view, std::string_view v) {
    auto m = binary::DecodeMember(v);
    if (!m.ok()) return fail(m.status());
    s->book->AddMember(std::move(m).value());
    return true;
  }));
  return err;
}

// The effective version of every claim, by claim_id, from the `claims` family.
Status ScanEffectiveClaims(const StateStore& store,
                           std::map<std::string, EffectiveClaim, std::less<>>* effective) {
  Status err;
  auto fail = [&err](Status st) {
    err = std::move(st);
    return false;
  };
  VBP_RETURN_IF_ERROR(store.Scan(Space::kClaims, "", [&](std::string_view k, std::string_view v) {
    auto c = binary::DecodeClaim(v);
    if (!c.ok()) return fail(c.status());
    (*effective)[c->claim_id.str()] = {c->version, std::string(k)};
    return true;
  }));
  return err;
}

// The versions before the effective one of the claims in `effective`, the first received of
// each. History keys are in arrival order (engine/state/history_key.h): one pass over the
// family keeps the earlier versions' messages. `earlier`'s keys point into `effective`.
Status ScanEarlierClaims(const StateStore& store,
                         const std::map<std::string, EffectiveClaim, std::less<>>& effective,
                         std::map<std::string_view, std::map<int64_t, EarlierClaim>>* earlier) {
  Status err;
  auto fail = [&err](Status st) {
    err = std::move(st);
    return false;
  };
  VBP_RETURN_IF_ERROR(store.Scan(Space::kHistory, "", [&](std::string_view k, std::string_view v) {
    auto parts = ParseHistoryKey(k);
    if (!parts.ok()) return fail(parts.status());
    if (parts->kind != 'c') return true;
    auto e = effective.find(parts->Group());
    if (e == effective.end()) return true;
    const int64_t version = parts->ClaimVersion();
    if (version >= e->second.version) return true;
    // try_emplace: a later copy of the same version does not replace the first received.
    (*earlier)[e->first].try_emplace(
        version, EarlierClaim{SourcePos{std::string(parts->topic), parts->partition, parts->offset},
                              std::string(v)});
    return true;
  }));
  return err;
}

// Claims: for each claim_id (in id order), the earlier versions kept in `history` (first
// received of each version, in version order), then the effective version from `claims`,
// so the book's version decisions end on exactly the effective version the engine holds.
Status LoadClaims(const StateStore& store, Snapshot* s) {
  std::map<std::string, EffectiveClaim, std::less<>> effective;
  VBP_RETURN_IF_ERROR(ScanEffectiveClaims(store, &effective));
  std::map<std::string_view, std::map<int64_t, EarlierClaim>> earlier;  // claim_id -> version
  VBP_RETURN_IF_ERROR(ScanEarlierClaims(store, effective, &earlier));
  codec::RecordDecoder decoder;
  for (const auto& [claim_id, eff] : effective) {
    auto f = earlier.find(claim_id);
    if (f != earlier.end()) {
      for (const auto& [version, msg] : f->second) {
        codec::DecodeResult d = decoder.Decode(msg.text, msg.pos, RecordKind::kClaim);
        if (d.record) s->book->AddClaim(std::get<Claim>(*d.record));
      }
    }
    auto v = store.Get(Space::kClaims, eff.key);
    if (!v.ok()) return v.status();
    if (!v->has_value()) return Status::DataLoss("claim " + claim_id + " vanished during the load");
    auto c = binary::DecodeClaim(**v);
    if (!c.ok()) return c.status();
    s->book->AddClaim(*c);
  }
  return Status::Ok();
}

// Every statement revision, in key order; each served only when it passes the tamper check
// (engine/state/revision_check.h) against the revision stored before it in its chain.
Status LoadRevisions(const StateStore& store, const ChainKeys& chain_keys, Snapshot* s) {
  Status err;
  auto fail = [&err](Status st) {
    err = std::move(st);
    return false;
  };
  std::string previous_key, previous_text;  // the revision stored before, in key order
  VBP_RETURN_IF_ERROR(
      store.Scan(Space::kRevisions, "", [&](std::string_view k, std::string_view v) {
        const auto key = state_keys::ParseRevision(k);
        const std::string chain = key ? state_keys::RevisionPrefix(key->contract, key->year) : "";
        Status checked = CheckStoredRevision(
            v,
            chain == previous_key ? std::optional<std::string_view>(previous_text) : std::nullopt,
            chain_keys);
        if (!checked.ok()) return fail(checked);
        previous_key = chain;
        previous_text.assign(v);
        auto r = ParseRevision(v);
        if (!r.ok()) return fail(r.status());
        auto j = nlohmann::json::parse(v);
        ContractId id(j["contract_id"].get<std::string>());
        int year = j["performance_year"].get<int>();
        s->revisions[id][year].push_back(std::move(r).value());
        return true;
      }));
  return err;
}

// Settles the book, each contract as of its latest revision of the record's year, and notes
// the contracts not usable here and rosters out of step with their statements.
Status FinishStateBook(int threads, Snapshot* s) {
  ReconcileBook::FinishOptions fo;
  fo.threads = threads;
  for (const auto& [id, years] : s->revisions) {
    auto c = s->contracts.find(id);
    if (c == s->contracts.end()) continue;
    auto y = years.find(c->second.performance_year);
    if (y != years.end() && !y->second.empty()) fo.as_of_by_contract[id] = y->second.back().as_of;
  }
  VBP_RETURN_IF_ERROR(s->book->Finish(fo));
  for (const Reject& r : s->book->contract_rejects()) {
    s->notes.push_back("contract " + r.key + " is not usable here: " + r.reason);
  }
  NoteRosterMismatch(s);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Snapshot>> LoadDataSnapshot(const std::string& dir,
                                                   const RuleRegistry* registry,
                                                   const SnapshotOptions& options) {
  auto s = std::make_unique<Snapshot>();
  s->source = "data";
  s->path = dir;
  s->book = std::make_unique<ReconcileBook>(registry);
  const RecordKind kinds[] = {RecordKind::kMember, RecordKind::kProvider, RecordKind::kContract,
                              RecordKind::kClaim};
  for (size_t i = 0; i < 4; ++i) {
    const std::string path = dir + "/" + kDataFiles[i];
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return Status::NotFound(path +
                              " is missing: a data directory holds members.ndjson, "
                              "providers.ndjson, contracts.ndjson and claims.ndjson");
    }
    Status status = files::StreamNdjsonFile(
        path, kinds[i], options.threads, [&](files::DecodedChunk& chunk) -> Status {
          for (auto& rec : chunk.records) {
            std::visit(
                [&](auto&& r) {
                  using T = std::decay_t<decltype(r)>;
                  if constexpr (std::is_same_v<T, Claim>) {
                    s->book->AddClaim(r);
                  } else if constexpr (std::is_same_v<T, Member>) {
                    s->book->AddMember(std::move(r));
                  } else if constexpr (std::is_same_v<T, Provider>) {
                    s->book->AddProvider(r);
                  } else {
                    s->contracts[r.contract_id] = r;
                    s->book->AddContract(std::move(r));
                  }
                },
                std::move(rec));
          }
          return Status::Ok();
        });
    VBP_RETURN_IF_ERROR(status);
  }
  ReconcileBook::FinishOptions fo;
  fo.as_of = options.as_of;
  fo.threads = options.threads;
  VBP_RETURN_IF_ERROR(s->book->Finish(fo));
  for (const BookContract& c : s->book->contracts()) {
    StoredRevision r;
    r.revision = 1;
    r.as_of = c.as_of;
    for (const Tin& t : c.tins) r.tins.push_back(t.str());
    // The reconciliation book keeps effective claims only, not the rejected and superseded
    // records behind a statement's data_quality (SPEC §6): rather than serve counts of zero
    // that are not true, a data-directory snapshot leaves the block out (`vbp settle` and a
    // state directory have it).
    nlohmann::ordered_json j = StatementJson(c.figures, 1, c.tins);
    j.erase("data_quality");
    r.json = j.dump();
    s->revisions[c.id][c.year].push_back(std::move(r));
  }
  for (const Reject& r : s->book->contract_rejects()) {
    s->notes.push_back("contract " + r.key + " is not usable: " + r.reason);
  }
  return s;
}

Result<std::unique_ptr<Snapshot>> LoadStateSnapshot(const std::string& dir,
                                                    const RuleRegistry* registry,
                                                    const SnapshotOptions& options) {
  auto opened = RocksDbStateStore::OpenReadOnly(dir, RocksDbOptions{});
  if (!opened.ok()) return opened.status();
  const StateStore& store = **opened;
  auto s = std::make_unique<Snapshot>();
  s->source = "state";
  s->path = dir;
  VBP_RETURN_IF_ERROR(LoadStoredRuleSets(store, dir, registry, s.get()));
  VBP_RETURN_IF_ERROR(LoadReferenceAndMembers(store, s.get()));
  VBP_RETURN_IF_ERROR(LoadClaims(store, s.get()));
  VBP_RETURN_IF_ERROR(LoadRevisions(store, options.chain_keys, s.get()));
  opened->reset();  // release the shared lock: a writer may start again
  VBP_RETURN_IF_ERROR(FinishStateBook(options.threads, s.get()));
  return s;
}

}  // namespace vbp::api
