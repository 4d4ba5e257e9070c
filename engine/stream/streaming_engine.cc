#include "engine/stream/streaming_engine.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <tuple>
#include <unordered_map>

#include "engine/core/statement_json.h"
#include "engine/state/binary_codec.h"
#include "engine/state/history_key.h"
#include "engine/state/revision_check.h"
#include "engine/state/state_keys.h"

namespace vbp {

// Key layout: engine/state/state_keys.h (the only owner).
namespace {

constexpr int64_t kOffsetBeginning = -2;
// Batches smaller than this are applied on the engine thread alone.
constexpr size_t kParallelApplyMin = 64;

// A decimal number >= 0 and nothing else, or nullopt.
std::optional<int64_t> ParseNonNegative(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

void AddCounts(RunCounts& into, const RunCounts& c) {
  for (RecordKind k :
       {RecordKind::kClaim, RecordKind::kMember, RecordKind::kProvider, RecordKind::kContract}) {
    into.For(k).read += c.For(k).read;
    into.For(k).applied += c.For(k).applied;
    into.For(k).superseded += c.For(k).superseded;
    into.For(k).rejected += c.For(k).rejected;
  }
  into.claim_lines_read += c.claim_lines_read;
  into.duplicates += c.duplicates;
  into.stale += c.stale;
  into.conflicts += c.conflicts;
}

}  // namespace

struct StreamingEngine::MemberSlot {
  std::optional<Member> record;
  struct EffectiveClaim {
    std::string id;
    uint32_t arena;  // where the claim's view lives (no lookup by id when recomputing)
  };
  std::vector<EffectiveClaim> claims;  // effective, non-void
  std::vector<Contribution> contributions;
  // Data quality: the member's rejected and superseded claim records (Space::kNotes).
  rules::RecordNotes notes;
  bool notes_changed = false;  // written with the member's next recomputation
  bool dirty = false;          // listed in the shard's `dirty` (recomputed when the step finishes)
};

struct StreamingEngine::Shard {
  using MemberSlot = StreamingEngine::MemberSlot;
  // Members by id; a std::map, whose nodes never move: claim slots and the dirty list point
  // at them (members are never erased while the shard lives).
  using MemberMap = std::map<std::string, MemberSlot, std::less<>>;
  using MemberEntry = MemberMap::value_type;
  struct ClaimSlot {
    ClaimHead head;
    // The claim's member; null for a void of a member the shard does not know (a void adds
    // no member).
    MemberEntry* member = nullptr;
    int64_t arena = -1;    // -1 for a void
    int64_t position = 0;  // where this version was read: claims topic, this partition
  };
  int32_t partition = 0;
  ClaimArena arena;
  rules::StringMap<ClaimSlot> claims;
  MemberMap members;
  std::map<std::pair<int, ContractId>, rules::ContractAggregate> parts;
  RunCounts counts;
  std::optional<Date> max_paid;
  int64_t next_claims = kOffsetBeginning;
  int64_t next_members = kOffsetBeginning;
  // Claims messages below this offset were noted for data quality already (EncodeCounts).
  int64_t notes_from = 0;
  // Members to recompute when the step finishes (each once: MemberSlot::dirty), in the order
  // they were touched; FinishShard recomputes them in member id order.
  std::vector<MemberEntry*> dirty;
  MemberEntry& Member(const std::string& id) { return *members.try_emplace(id).first; }
  // A claim version's member entry: created unless the version is a void.
  MemberEntry* MemberOf(const Claim& c) {
    if (c.frequency != Frequency::kVoid) return &Member(c.member_id.str());
    auto f = members.find(c.member_id.str());
    return f == members.end() ? nullptr : &*f;
  }
  void MarkDirty(MemberEntry* e) {
    if (e == nullptr || e->second.dirty) return;
    e->second.dirty = true;
    dirty.push_back(e);
  }
  std::set<std::pair<int, ContractId>> changed_parts;
  bool touched = false;
  int64_t recomputed = 0;  // members recomputed in this step (metrics)
  bool publish = false;    // its contract parts go to the parts topic after this step
};

StreamingEngine::StreamingEngine(StreamingOptions options, Ports ports, DecodeFn decode,
                                 const RuleRegistry* registry)
    : options_(std::move(options)),
      topics_(options_.topic_prefix),
      ports_(ports),
      decode_(std::move(decode)),
      registry_(registry),
      helper_(std::make_unique<SerialWorker>(options_.parallel_apply)),
      worker_(std::make_unique<SerialWorker>(options_.pipeline)) {
  metrics_.batch_latency_buckets_us.assign(std::size(kLatencyBoundsUs) + 1, 0);
}

StreamingEngine::~StreamingEngine() { (void)worker_->Wait(); }

Status StreamingEngine::Drain() {
  worker_->Submit([this] { return FlushSinks(); });
  return worker_->Wait();
}

const std::string& StreamingEngine::TopicOf(RecordKind kind) const { return topics_.Of(kind); }

Status StreamingEngine::Start() {
  auto version = ports_.state->Get(Space::kMeta, state_keys::kSchemaVersion);
  if (!version.ok()) return version.status();
  const std::string ours(kStateSchemaVersion);
  if (!version->has_value()) {
    StateStore::Batch b;
    b.Put(Space::kMeta, state_keys::kSchemaVersion, ours);
    VBP_RETURN_IF_ERROR(ports_.state->Commit(b, true));
  } else if (**version != ours) {
    return Status::Invalid("state store has schema version " + **version +
                           "; this engine reads version " + ours +
                           " (use a new --state directory: state is rebuilt from the input log)");
  }
  auto step = ports_.state->Get(Space::kMeta, state_keys::kHistoryStep);
  if (!step.ok()) return step.status();
  if (step->has_value()) {
    auto parsed = ParseNonNegative(**step);
    if (!parsed) return Status::DataLoss("meta history_step is not a step number: " + **step);
    history_step_ = static_cast<uint64_t>(*parsed);
  }
  VBP_RETURN_IF_ERROR(LoadReference());
  // Publications that were committed but maybe not delivered before a crash.
  std::vector<std::string> unpublished;
  VBP_RETURN_IF_ERROR(ports_.state->Scan(Space::kMeta, state_keys::kUnpublished,
                                         [&](std::string_view k, std::string_view) {
                                           unpublished.emplace_back(k);
                                           return true;
                                         }));
  pending_keys_ = unpublished;
  VBP_RETURN_IF_ERROR(ports_.state->Scan(
      Space::kMeta, state_keys::kReject, [&](std::string_view k, std::string_view v) {
        pending_rejects_.emplace_back(std::string(k), std::string(v));
        return true;
      }));
  auto count = ports_.input->PartitionCount(TopicOf(RecordKind::kClaim));
  if (!count.ok()) return count.status();
  input_partitions_ = *count;
  if (ports_.reference) VBP_RETURN_IF_ERROR(ports_.reference->Start(this));
  if (ports_.parts_source) VBP_RETURN_IF_ERROR(ports_.parts_source->Start(this));
  VBP_RETURN_IF_ERROR(ports_.input->Start(this));
  VBP_RETURN_IF_ERROR(PublishRejects(pending_rejects_));
  VBP_RETURN_IF_ERROR(FlushSinks());
  pending_rejects_.clear();
  VBP_RETURN_IF_ERROR(PublishPendingRevisions());
  // The stored revisions may predate input committed just before a crash: recompute once,
  // and publish the caught-up round.
  input_since_revision_ = final_due_ = true;
  return Status::Ok();
}

Status StreamingEngine::LoadReference() {
  VBP_RETURN_IF_ERROR(binary::ScanReference(
      *ports_.state, [&](Provider p) { roster_.Upsert(p); },
      [&](Contract c) {
        ContractId id = c.contract_id;
        contracts_[id] = std::move(c);
      }));
  for (const std::string& topic :
       {TopicOf(RecordKind::kProvider), TopicOf(RecordKind::kContract)}) {
    VBP_RETURN_IF_ERROR(ports_.state->Scan(
        Space::kOffsets, state_keys::OffsetTopicPrefix(topic),
        [&](std::string_view k, std::string_view v) {
          auto key = state_keys::ParseOffset(k);
          if (!key) return true;  // cannot happen: the prefix ends in the topic's \0
          reference_offsets_[{topic, key->partition}] = std::stoll(std::string(v));
          return true;
        }));
  }
  auto counts = ports_.state->Get(Space::kCounters, state_keys::kReferenceCounters);
  if (!counts.ok()) return counts.status();
  if (counts->has_value()) {
    RunCounts c;
    std::optional<Date> unused;
    if (!binary::DecodeCounts(**counts, &c, &unused))
      return Status::DataLoss("corrupt reference counters");
    provider_counts_ = c.providers;
    contract_counts_ = c.contracts;
  }
  RebuildPlans();
  return Status::Ok();
}

void StreamingEngine::RebuildPlans() {
  resolved_.clear();
  for (const auto& [id, c] : contracts_) {
    auto rc = ResolveContract(c, *registry_);
    // Stored contracts were resolvable when they arrived and the registry does not change
    // while the engine runs.
    if (rc.ok()) resolved_.push_back(std::make_unique<ResolvedContract>(std::move(rc).value()));
  }
  plans_ = BuildYearPlans(resolved_);
  std::vector<std::string> warnings;
  for (const auto& p : plans_)
    warnings.insert(warnings.end(), p.warnings.begin(), p.warnings.end());
  std::lock_guard<std::mutex> lock(metrics_mu_);
  metrics_.plan_warnings = std::move(warnings);
}

Status StreamingEngine::LoadShard(int32_t partition) {
  if (shards_.count(partition)) return Status::Ok();
  auto shard = std::make_unique<Shard>();
  shard->partition = partition;
  const std::string prefix = state_keys::Partition(partition);
  Status err;
  VBP_RETURN_IF_ERROR(
      ports_.state->Scan(Space::kClaims, prefix, [&](std::string_view, std::string_view v) {
        auto c = binary::DecodeClaim(v);
        if (!c.ok()) {
          err = c.status();
          return false;
        }
        // The engine stores only claims that fit (ApplyInput): anything else is corruption.
        if (auto problem = ClaimArena::Unstorable(*c)) {
          err = Status::DataLoss("corrupt claim " + c->claim_id.str().substr(0, 64) +
                                 " in the state store: " + problem->field + ": " + problem->reason);
          return false;
        }
        Shard::ClaimSlot slot;
        slot.head = {c->version, c->frequency, c->content_hash};
        slot.member = shard->MemberOf(*c);
        slot.position = c->source.position;
        if (c->frequency != Frequency::kVoid) {
          slot.arena = shard->arena.Add(*c);
          slot.member->second.claims.push_back(
              {c->claim_id.str(), static_cast<uint32_t>(slot.arena)});
        }
        shard->claims.emplace(c->claim_id.str(), std::move(slot));
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  VBP_RETURN_IF_ERROR(
      ports_.state->Scan(Space::kMembers, prefix, [&](std::string_view, std::string_view v) {
        auto m = binary::DecodeMember(v);
        if (!m.ok()) {
          err = m.status();
          return false;
        }
        std::string id = m->member_id.str();
        shard->members[id].record = std::move(m).value();
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  VBP_RETURN_IF_ERROR(
      ports_.state->Scan(Space::kResults, prefix, [&](std::string_view k, std::string_view v) {
        std::string member_id(state_keys::IdInPartition(k));
        binary::Reader r(v);
        uint64_t n = r.Varint();
        std::vector<Contribution> list;
        for (uint64_t i = 0; i < n && r.ok(); ++i) {
          Contribution c;
          c.year = static_cast<int>(r.Signed());
          c.contract = ContractId(r.Str());
          auto agg = binary::DecodeAggregate(r.Str());
          if (!agg.ok()) {
            err = agg.status();
            return false;
          }
          c.aggregate = *agg;
          list.push_back(std::move(c));
        }
        if (!r.ok() || !r.AtEnd()) {
          err = Status::DataLoss("corrupt member result for " + member_id);
          return false;
        }
        shard->members[member_id].contributions = std::move(list);
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  VBP_RETURN_IF_ERROR(
      ports_.state->Scan(Space::kNotes, prefix, [&](std::string_view k, std::string_view v) {
        auto notes = binary::DecodeRecordNotes(v);
        if (!notes.ok()) {
          err = notes.status();
          return false;
        }
        shard->members[std::string(state_keys::IdInPartition(k))].notes = std::move(notes).value();
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  VBP_RETURN_IF_ERROR(
      ports_.state->Scan(Space::kParts, prefix, [&](std::string_view k, std::string_view v) {
        auto key = state_keys::ParsePart(k);
        if (!key) {
          err = Status::DataLoss("parts: malformed key");
          return false;
        }
        const int year = key->year;
        const ContractId& c = key->contract;
        auto agg = binary::DecodeAggregate(v);
        if (!agg.ok()) {
          err = agg.status();
          return false;
        }
        shard->parts[{year, c}] = *agg;
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  auto counts = ports_.state->Get(Space::kCounters, prefix);
  if (!counts.ok()) return counts.status();
  if (counts->has_value() &&
      !binary::DecodeCounts(**counts, &shard->counts, &shard->max_paid, &shard->notes_from)) {
    return Status::DataLoss("corrupt counters for partition " + std::to_string(partition));
  }
  for (auto [topic, field] : {std::pair{TopicOf(RecordKind::kClaim), &shard->next_claims},
                              std::pair{TopicOf(RecordKind::kMember), &shard->next_members}}) {
    auto off = ports_.state->Get(Space::kOffsets, state_keys::Offset(topic, partition));
    if (!off.ok()) return off.status();
    if (off->has_value()) *field = std::stoll(**off);
  }
  shards_[partition] = std::move(shard);
  return Status::Ok();
}

Status StreamingEngine::OnAssigned(std::vector<std::pair<LogPartition, int64_t>>& starts) {
  // The store must hold every applied batch before a shard is loaded from it.
  VBP_RETURN_IF_ERROR(worker_->Wait());
  const std::string claims = TopicOf(RecordKind::kClaim);
  const std::string members = TopicOf(RecordKind::kMember);
  for (auto& [lp, start] : starts) {
    if (lp.topic == claims || lp.topic == members) {
      VBP_RETURN_IF_ERROR(LoadShard(lp.partition));
      parts_to_publish_.insert(lp.partition);
      const Shard& s = *shards_[lp.partition];
      start = lp.topic == claims ? s.next_claims : s.next_members;
    } else {
      auto f = reference_offsets_.find(lp);
      start = f == reference_offsets_.end() ? kOffsetBeginning : f->second;
    }
    // A fresh state reads every input log from offset 0, not from wherever the log now starts:
    // a log whose oldest records were deleted before this engine read them (retention, the
    // mock broker's 5 MiB cap) would give statements silently missing claims. The source
    // checks explicit offsets against the log and reports kDataLoss naming the partition.
    if (start < 0) start = 0;
  }
  return Status::Ok();
}

void StreamingEngine::OnRevoked(const std::vector<LogPartition>& parts) {
  // Once the in-flight batch is committed, revoked shards hold no uncommitted change (every
  // step submits its commit before it returns). A failed commit stays in the worker and the
  // next Step returns it.
  (void)worker_->Wait();
  const std::string claims = TopicOf(RecordKind::kClaim);
  for (const auto& lp : parts) {
    if (lp.topic == claims) shards_.erase(lp.partition);
  }
}

void StreamingEngine::AddReject(Reject r, RecordKind kind, Shard* shard,
                                std::vector<std::string>& rejects, bool count) {
  if (count) {
    KindCounts& k = shard                           ? shard->counts.For(kind)
                    : kind == RecordKind::kProvider ? provider_counts_
                                                    : contract_counts_;
    ++k.read;
    ++k.rejected;
  }
  rejects.push_back(
      RejectJson(r).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void StreamingEngine::StoreRejects(std::vector<std::string>& lines, StateStore::Batch& batch) {
  for (auto& line : lines) {
    std::string key = state_keys::Reject(static_cast<uint64_t>(pending_reject_seq_++));
    batch.Put(Space::kMeta, key, line);
    pending_rejects_.emplace_back(std::move(key), std::move(line));
  }
  lines.clear();
}

void StreamingEngine::ApplyReference(const InputMessage& m, StateStore::Batch& batch, bool* changed,
                                     std::vector<std::string>& rejects) {
  const bool is_provider = m.topic == TopicOf(RecordKind::kProvider);
  const RecordKind kind = is_provider ? RecordKind::kProvider : RecordKind::kContract;
  SourcePos pos{std::string(m.topic), m.partition, m.offset};
  DecodeOutcome d = decode_(m.value, pos, kind);
  if (d.reject) {
    if (options_.keep_history) {
      batch.Put(Space::kHistory, HistoryKey(history_step_, 'x', "", m), m.value);
    }
    AddReject(std::move(*d.reject), kind, nullptr, rejects);
  } else if (is_provider) {
    const Provider& p = std::get<Provider>(*d.record);
    ++provider_counts_.read;
    if (roster_.Upsert(p)) {
      ++provider_counts_.superseded;
    } else {
      ++provider_counts_.applied;
    }
    batch.Put(Space::kReference, state_keys::ProviderRecord(p), binary::EncodeProvider(p));
    if (options_.keep_history) {
      batch.Put(Space::kHistory, HistoryKey(history_step_, 'p', p.npi.str(), m), m.value);
    }
    *changed = true;
  } else {
    const Contract& c = std::get<Contract>(*d.record);
    auto rc = ResolveContract(c, *registry_);
    if (!rc.ok()) {
      if (options_.keep_history) {
        batch.Put(Space::kHistory, HistoryKey(history_step_, 'x', "", m), m.value);
      }
      Reject r = ContractReject(c, rc.status());
      r.record = std::string(m.value);
      AddReject(std::move(r), kind, nullptr, rejects);
    } else {
      ++contract_counts_.read;
      if (contracts_.count(c.contract_id)) {
        ++contract_counts_.superseded;
      } else {
        ++contract_counts_.applied;
      }
      contracts_[c.contract_id] = c;
      batch.Put(Space::kReference, state_keys::ContractRecord(c.contract_id),
                binary::EncodeContract(c));
      if (options_.keep_history) {
        batch.Put(Space::kHistory, HistoryKey(history_step_, 'k', c.contract_id.str(), m), m.value);
        // The rule set the contract resolved against, so that recalculation does not depend
        // on the binary's shipped sets or on this run's --rules files (engine/audit/audit.h).
        batch.Put(Space::kMeta, state_keys::RuleSet(rc->rule_set->id(), rc->rule_set->hash()),
                  rules::CanonicalJson(rc->rule_set->document()));
      }
      *changed = true;
    }
  }
  reference_offsets_[{std::string(m.topic), m.partition}] = m.offset + 1;
  batch.Put(Space::kOffsets, state_keys::Offset(std::string(m.topic), m.partition),
            std::to_string(m.offset + 1));
}

void StreamingEngine::ApplyInput(Shard& shard, const InputMessage& m, StateStore::Batch& batch,
                                 std::vector<std::string>& rejects) {
  shard.touched = true;
  const bool is_claim = m.topic == TopicOf(RecordKind::kClaim);
  const RecordKind kind = is_claim ? RecordKind::kClaim : RecordKind::kMember;
  SourcePos pos{std::string(m.topic), m.partition, m.offset};
  DecodeOutcome d = decode_(m.value, pos, kind);
  if (d.reject) {
    if (options_.keep_history) {
      batch.Put(Space::kHistory, HistoryKey(history_step_, 'x', "", m), m.value);
    }
    if (is_claim && d.reject->claim_facts && m.offset >= shard.notes_from) {
      Shard::MemberEntry& e = shard.Member(d.reject->claim_facts->member_id);
      NoteRejectedClaim(&e.second.notes, *d.reject->claim_facts);
      e.second.notes_changed = true;
      shard.MarkDirty(&e);
    }
    AddReject(std::move(*d.reject), kind, &shard, rejects);
  } else if (is_claim) {
    const Claim& c = std::get<Claim>(*d.record);
    // A claim the arena cannot hold goes to rejects as a record that failed decoding does
    // (with its position), and the engine goes on: one record never stops the service.
    if (auto problem = ClaimArena::Unstorable(c)) {
      if (options_.keep_history) {
        batch.Put(Space::kHistory, HistoryKey(history_step_, 'x', "", m), m.value);
      }
      Reject r = UnstorableReject(c, std::move(*problem), std::string(m.value));
      if (m.offset >= shard.notes_from) {
        Shard::MemberEntry& e = shard.Member(r.claim_facts->member_id);
        NoteRejectedClaim(&e.second.notes, *r.claim_facts);
        e.second.notes_changed = true;
        shard.MarkDirty(&e);
      }
      AddReject(std::move(r), kind, &shard, rejects);
    } else {
      if (options_.keep_history) {
        batch.Put(Space::kHistory,
                  HistoryKey(history_step_, 'c', HistoryClaimKey(c.claim_id.str(), c.version), m),
                  m.value);
      }
      ApplyClaim(shard, std::get<Claim>(std::move(*d.record)), batch, rejects);
    }
  } else {
    if (options_.keep_history) {
      batch.Put(Space::kHistory,
                HistoryKey(history_step_, 'm', std::get<Member>(*d.record).member_id.str(), m),
                m.value);
    }
    ApplyMember(shard, std::get<Member>(std::move(*d.record)), batch);
  }
  (is_claim ? shard.next_claims : shard.next_members) = m.offset + 1;
}

void StreamingEngine::ApplyClaim(Shard& shard, Claim c, StateStore::Batch& batch,
                                 std::vector<std::string>& rejects) {
  // One hash lookup: a new claim's slot is created here and filled below (removed again if
  // the claim is not applied).
  auto [f, inserted] = shard.claims.try_emplace(c.claim_id.str());
  const ClaimHead* current = inserted ? nullptr : &f->second.head;
  const VersionDecision decision = DecideVersion(current, c.version, c.content_hash);
  if (inserted && decision != VersionDecision::kApply) shard.claims.erase(f);
  CountClaimVersion(c, decision, current != nullptr, &shard.counts, &shard.max_paid);
  // A message read again (offsets reset by hand) was noted the first time.
  const bool note = c.source.position >= shard.notes_from;
  if (decision != VersionDecision::kApply && note) {
    Shard::MemberEntry& e = shard.Member(c.member_id.str());
    const bool conflict = decision == VersionDecision::kConflict;
    NoteClaimVersion(
        &e.second.notes, c.billing_tin.str(), NoteYear(c), conflict ? PaidMicros(c) : Int128(0),
        conflict ? rules::RecordNoteKind::kRejected : rules::RecordNoteKind::kSuperseded);
    e.second.notes_changed = true;
    shard.MarkDirty(&e);
  }
  if (decision == VersionDecision::kConflict) {
    // Counted above; the reject only goes out.
    const SourcePos first{std::string(TopicOf(RecordKind::kClaim)), shard.partition,
                          f->second.position};
    AddReject(ConflictReject(c, first), RecordKind::kClaim, nullptr, rejects,
              /*count=*/false);
    return;
  }
  if (decision != VersionDecision::kApply) return;
  if (current) {
    Shard::ClaimSlot& old = f->second;
    // The version it replaces is superseded: noted under that version's member and TIN (a
    // void has neither, and is not noted).
    if (old.arena >= 0 && note) {
      const rules::ClaimView v = shard.arena.View(static_cast<uint32_t>(old.arena));
      NoteClaimVersion(&old.member->second.notes, v.billing_tin, v.from_date.year(), Int128(0),
                       rules::RecordNoteKind::kSuperseded);
      old.member->second.notes_changed = true;
    }
    if (old.arena >= 0) {
      std::erase_if(old.member->second.claims, [&c](const Shard::MemberSlot::EffectiveClaim& e) {
        return e.id == c.claim_id.str();
      });
    }
    shard.MarkDirty(old.member);
  }
  Shard::ClaimSlot slot;
  slot.head = {c.version, c.frequency, c.content_hash};
  // Mostly the old version's member: no lookup then.
  slot.member = current && f->second.member && f->second.member->first == c.member_id.str()
                    ? f->second.member
                    : shard.MemberOf(c);
  slot.position = c.source.position;
  if (c.frequency != Frequency::kVoid) {
    slot.arena = shard.arena.Add(c);
    slot.member->second.claims.push_back({c.claim_id.str(), static_cast<uint32_t>(slot.arena)});
  }
  shard.MarkDirty(slot.member);
  std::string key = state_keys::InPartition(shard.partition, c.claim_id.str());
  batch.Put(Space::kClaims, std::move(key), binary::EncodeClaim(c));
  f->second = std::move(slot);
}

void StreamingEngine::ApplyMember(Shard& shard, Member m, StateStore::Batch& batch) {
  ++shard.counts.members.read;
  std::string id = m.member_id.str();
  Shard::MemberEntry& entry = shard.Member(id);
  Shard::MemberSlot& slot = entry.second;
  if (slot.record) {
    ++shard.counts.members.superseded;
  } else {
    ++shard.counts.members.applied;
  }
  batch.Put(Space::kMembers, state_keys::InPartition(shard.partition, id), binary::EncodeMember(m));
  slot.record = std::move(m);
  shard.MarkDirty(&entry);
}

void StreamingEngine::Recompute(Shard& shard, const std::string& member_id, MemberSlot& slot,
                                StateStore::Batch& batch) {
  auto& claims = slot.claims;
  std::sort(claims.begin(), claims.end(),
            [](const Shard::MemberSlot::EffectiveClaim& a,
               const Shard::MemberSlot::EffectiveClaim& b) { return a.id < b.id; });
  std::vector<rules::ClaimView> views;
  views.reserve(claims.size());
  for (const auto& e : claims) {
    views.push_back(shard.arena.View(e.arena));
  }
  const Date as_of = options_.as_of.value_or(Date::FromDays(INT32_MAX / 2));
  std::vector<Contribution> fresh;
  const MemberId mid(member_id);
  const Member* record = slot.record ? &*slot.record : nullptr;
  // One contribution per (year, contract): the attributed member's, and data quality for the
  // contracts of its claims' and records' billing TINs (rules/core/data_quality.h).
  auto contribution = [&fresh](int year, const ContractId& id) -> rules::ContractAggregate& {
    for (auto& c : fresh) {
      if (c.year == year && c.contract == id) return c.aggregate;
    }
    fresh.push_back(Contribution{year, id, {}});
    return fresh.back().aggregate;
  };
  for (const YearPlan& plan : plans_) {
    for (const EvaluationGroup& group : plan.groups) {
      rules::EvaluationContext ctx{plan.year, group.params, &plan.units, &roster_, as_of};
      rules::MemberOutcome out = rules::EvaluateMember(mid, record, views, ctx);
      if (out.contract && group.Has(*out.contract)) {
        contribution(plan.year, *out.contract).Apply(out, +1);
      }
      for (const auto& [id, dq] :
           rules::MemberDataQuality(out, record, views, slot.notes.empty() ? nullptr : &slot.notes,
                                    plan.units, roster_)) {
        if (group.Has(id)) contribution(plan.year, id).data_quality.Merge(dq, +1);
      }
    }
  }
  std::sort(fresh.begin(), fresh.end(), [](const Contribution& a, const Contribution& b) {
    return std::tie(a.year, a.contract) < std::tie(b.year, b.contract);
  });
  if (slot.notes_changed) {
    std::string key = state_keys::InPartition(shard.partition, member_id);
    if (slot.notes.empty()) {
      batch.Delete(Space::kNotes, std::move(key));
    } else {
      batch.Put(Space::kNotes, std::move(key), binary::EncodeRecordNotes(slot.notes));
    }
    slot.notes_changed = false;
  }
  bool same = fresh.size() == slot.contributions.size();
  for (size_t i = 0; same && i < fresh.size(); ++i) {
    same = fresh[i].year == slot.contributions[i].year &&
           fresh[i].contract == slot.contributions[i].contract &&
           fresh[i].aggregate == slot.contributions[i].aggregate;
  }
  ++shard.recomputed;
  if (same) return;
  for (const auto& old : slot.contributions) {
    shard.parts[{old.year, old.contract}].Merge(old.aggregate, -1);
    shard.changed_parts.insert({old.year, old.contract});
  }
  for (const auto& c : fresh) {
    shard.parts[{c.year, c.contract}].Merge(c.aggregate, +1);
    shard.changed_parts.insert({c.year, c.contract});
  }
  slot.contributions = std::move(fresh);
  std::string key = state_keys::InPartition(shard.partition, member_id);
  if (slot.contributions.empty()) {
    batch.Delete(Space::kResults, std::move(key));
  } else {
    binary::Writer w;
    w.Varint(slot.contributions.size());
    for (const auto& c : slot.contributions) {
      w.Signed(c.year);
      w.Str(c.contract.str());
      w.Str(binary::EncodeAggregate(c.aggregate));
    }
    batch.Put(Space::kResults, std::move(key), w.Take());
  }
}

void StreamingEngine::FinishShard(Shard& shard, bool all_members, StateStore::Batch& batch) {
  if (all_members) {
    for (auto& [id, slot] : shard.members) Recompute(shard, id, slot, batch);
    shard.touched = true;
  } else {
    // Member id order, as the committed batch and a replay see it.
    std::sort(shard.dirty.begin(), shard.dirty.end(),
              [](const Shard::MemberEntry* a, const Shard::MemberEntry* b) {
                return a->first < b->first;
              });
    for (Shard::MemberEntry* e : shard.dirty) Recompute(shard, e->first, e->second, batch);
  }
  for (Shard::MemberEntry* entry : shard.dirty) entry->second.dirty = false;
  shard.dirty.clear();
  if (shard.touched) {
    WriteShardMeta(shard, batch);
    shard.publish = true;
  }
  shard.touched = false;
}

void StreamingEngine::WriteShardMeta(Shard& shard, StateStore::Batch& batch) {
  for (const auto& key : shard.changed_parts) {
    auto f = shard.parts.find(key);
    std::string k = state_keys::Part(shard.partition, key.first, key.second);
    if (f == shard.parts.end() || f->second.IsZero()) {
      if (f != shard.parts.end()) shard.parts.erase(f);
      batch.Delete(Space::kParts, std::move(k));
    } else {
      batch.Put(Space::kParts, std::move(k), binary::EncodeAggregate(f->second));
    }
  }
  shard.changed_parts.clear();
  shard.notes_from = std::max(shard.notes_from, shard.next_claims);
  batch.Put(Space::kCounters, state_keys::Partition(shard.partition),
            binary::EncodeCounts(shard.counts, shard.max_paid, shard.notes_from));
  if (shard.next_claims >= 0) {
    batch.Put(Space::kOffsets, state_keys::Offset(TopicOf(RecordKind::kClaim), shard.partition),
              std::to_string(shard.next_claims));
  }
  if (shard.next_members >= 0) {
    batch.Put(Space::kOffsets, state_keys::Offset(TopicOf(RecordKind::kMember), shard.partition),
              std::to_string(shard.next_members));
  }
}

// Reference data first: it changes how every member is evaluated.
Status StreamingEngine::PollReference(StateStore::Batch& batch, bool* changed, size_t* processed,
                                      std::vector<std::string>& rejects) {
  if (!ports_.reference) return Status::Ok();
  std::vector<InputMessage> ref;
  VBP_RETURN_IF_ERROR(ports_.reference->Poll(options_.batch_records_max, 0, &ref));
  for (const auto& m : ref) ApplyReference(m, batch, changed, rejects);
  *processed += ref.size();
  if (!ref.empty()) {
    RunCounts rc;
    rc.providers = provider_counts_;
    rc.contracts = contract_counts_;
    batch.Put(Space::kCounters, state_keys::kReferenceCounters,
              binary::EncodeCounts(rc, std::nullopt));
  }
  return Status::Ok();
}

// Partitions are independent: this thread and the helper thread take partitions from a shared
// counter, largest first, and decode, apply and recompute each one into its own batch (each
// message is applied right after it is decoded, while it is in cache). Which thread took which
// partition changes nothing: the batches and reject lists are joined in partition order.
Status StreamingEngine::ApplySplit(const std::vector<InputMessage>& input, StepOutput* out,
                                   std::vector<std::string>& rejects) {
  struct PartitionWork {
    Shard* shard;
    std::vector<const InputMessage*> messages;
    StateStore::Batch batch;
    std::vector<std::string> rejects;
  };
  std::vector<PartitionWork> work;
  work.reserve(shards_.size());
  std::unordered_map<int32_t, size_t> slot;
  for (auto& [p, shard] : shards_) {
    slot.emplace(p, work.size());
    work.push_back({shard.get(), {}, {}, {}});
  }
  for (const auto& m : input) {
    auto f = slot.find(m.partition);
    // A message fetched before its partition was revoked is not ours any more: its offset
    // is not stored, so the new owner applies it.
    if (f != slot.end()) work[f->second].messages.push_back(&m);
  }
  std::vector<size_t> largest_first(work.size());
  for (size_t i = 0; i < work.size(); ++i) largest_first[i] = i;
  std::stable_sort(largest_first.begin(), largest_first.end(), [&work](size_t a, size_t b) {
    return work[a].messages.size() > work[b].messages.size();
  });
  std::atomic<size_t> next{0};
  auto take = [this, &work, &largest_first, &next] {
    for (size_t i = next.fetch_add(1); i < work.size(); i = next.fetch_add(1)) {
      PartitionWork& w = work[largest_first[i]];
      for (const InputMessage* m : w.messages) ApplyInput(*w.shard, *m, w.batch, w.rejects);
      FinishShard(*w.shard, false, w.batch);
    }
    return Status::Ok();
  };
  helper_->Submit(take);
  (void)take();
  VBP_RETURN_IF_ERROR(helper_->Wait());
  for (auto& w : work) {
    if (!w.batch.empty()) out->partitions.push_back(std::move(w.batch));
    for (auto& line : w.rejects) rejects.push_back(std::move(line));
  }
  return Status::Ok();
}

// The input on this thread; when reference data changed, every member is recomputed under the
// new plans.
Status StreamingEngine::ApplyHere(const std::vector<InputMessage>& input, bool reference_changed,
                                  StateStore::Batch& batch, std::vector<std::string>& rejects) {
  for (const auto& m : input) {
    auto f = shards_.find(m.partition);  // not found: revoked, as in ApplySplit
    if (f != shards_.end()) ApplyInput(*f->second, m, batch, rejects);
  }
  if (reference_changed) {
    // The in-flight batch's revisions read the current plans.
    VBP_RETURN_IF_ERROR(worker_->Wait());
    RebuildPlans();
  }
  for (auto& [p, shard] : shards_) FinishShard(*shard, reference_changed, batch);
  return Status::Ok();
}

void StreamingEngine::RecordStepMetrics(size_t processed, bool commits, bool caught_up,
                                        int64_t elapsed_us, int64_t recomputed) {
  RunCounts totals;
  for (const auto& [p, shard] : shards_) AddCounts(totals, shard->counts);
  totals.providers = provider_counts_;
  totals.contracts = contract_counts_;
  std::vector<RecordSource::PartitionLag> lag;
  const int64_t now = ports_.clock->NowMicros();
  if (now - last_lag_us_ > 1'000'000 || caught_up) {
    lag = ports_.input->Lag();
    if (ports_.reference) {
      auto r = ports_.reference->Lag();
      lag.insert(lag.end(), r.begin(), r.end());
    }
    last_lag_us_ = now;
  }
  const uint64_t bytes = ports_.state->ApproximateBytes();
  std::lock_guard<std::mutex> lock(metrics_mu_);
  metrics_.caught_up = caught_up;
  metrics_.counts = totals;
  metrics_.state_bytes = bytes;
  metrics_.members_recomputed += recomputed;
  if (!lag.empty()) metrics_.lag = std::move(lag);
  if (processed) {
    ++metrics_.batches;
    metrics_.messages += static_cast<int64_t>(processed);
    if (commits) ++metrics_.commits;
    size_t b = 0;
    while (b < std::size(kLatencyBoundsUs) && elapsed_us > kLatencyBoundsUs[b]) ++b;
    ++metrics_.batch_latency_buckets_us[b];
    metrics_.batch_latency_sum_us += elapsed_us;
  }
}

Result<bool> StreamingEngine::Step() {
  // A commit of an earlier step failed: stop before applying anything more.
  VBP_RETURN_IF_ERROR(worker_->Error());
  const int64_t started = ports_.clock->NowMicros();
  auto out = std::make_shared<StepOutput>();
  StateStore::Batch& batch = out->batch;
  bool reference_changed = false;
  size_t processed = 0;
  std::vector<std::string> rejects;
  VBP_RETURN_IF_ERROR(PollReference(batch, &reference_changed, &processed, rejects));
  std::vector<InputMessage> input;
  VBP_RETURN_IF_ERROR(ports_.input->Poll(options_.batch_records_max,
                                         processed ? 0 : options_.poll_timeout_ms, &input));
  processed += input.size();
  const bool split = helper_->threaded() && !reference_changed && shards_.size() >= 2 &&
                     input.size() >= kParallelApplyMin;
  VBP_RETURN_IF_ERROR(split ? ApplySplit(input, out.get(), rejects)
                            : ApplyHere(input, reference_changed, batch, rejects));
  StoreRejects(rejects, split ? out->tail : batch);
  if (processed && options_.keep_history) {
    // This step's history keys began with history_step_; the next step's sort after them.
    ++history_step_;
    batch.Put(Space::kMeta, state_keys::kHistoryStep, std::to_string(history_step_));
  }
  int64_t recomputed = 0;
  for (auto& [p, shard] : shards_) {
    if (shard->publish) parts_to_publish_.insert(p);
    shard->publish = false;
    recomputed += shard->recomputed;
    shard->recomputed = 0;
  }
  if (processed) input_since_revision_ = final_due_ = true;
  out->parts = PartsRecords();
  VBP_RETURN_IF_ERROR(PollRemoteParts());
  out->rejects = std::move(pending_rejects_);
  pending_rejects_.clear();
  const bool caught_up =
      ports_.input->CaughtUp() && (!ports_.reference || ports_.reference->CaughtUp());
  auto round = MaybeRevisionRound(/*force=*/caught_up && processed == 0);
  if (!round.ok()) return round.status();
  out->revisions = std::move(*round);
  // Sinks are flushed (deliveries confirmed, then the rejects' and revisions' "unpublished"
  // markers deleted) with every revision round, when caught up, and at least at the
  // revision cadence; other steps only hand their records to the producers. Drain (and so
  // RunUntilCaughtUp and Run) ends with a flush.
  out->flush = out->revisions.has_value() || caught_up ||
               started - last_flush_us_ >= options_.revision_interval_ms * 1000;
  if (out->flush) last_flush_us_ = started;
  const bool commits = !batch.empty() || !out->partitions.empty() || !out->tail.empty();

  // At most one batch in flight: the previous step's commit and publications finish first.
  VBP_RETURN_IF_ERROR(worker_->Wait());
  worker_->Submit([this, out] { return CommitAndPublish(*out); });
  RecordStepMetrics(processed, commits, caught_up, ports_.clock->NowMicros() - started, recomputed);
  return processed > 0;
}

Status StreamingEngine::CommitAndPublish(StepOutput& out) {
  std::vector<const StateStore::Batch*> parts;
  if (!out.batch.empty()) parts.push_back(&out.batch);
  for (const auto& b : out.partitions) parts.push_back(&b);
  if (!out.tail.empty()) parts.push_back(&out.tail);
  if (!parts.empty()) {
    VBP_RETURN_IF_ERROR(ports_.state->CommitParts(parts, options_.sync_commits));
  }
  // Confirms what earlier steps published, before this step publishes: those records left
  // at least one step ago and are normally delivered already, so the flush rarely waits for
  // the broker's acknowledgement (which takes ~20 ms on the mock). This step's records are
  // confirmed by the next flush point or by Drain.
  if (out.flush) VBP_RETURN_IF_ERROR(FlushSinks());
  if (ports_.parts) {
    for (const auto& r : out.parts) VBP_RETURN_IF_ERROR(ports_.parts->Publish(r));
  }
  VBP_RETURN_IF_ERROR(PublishRejects(out.rejects));
  if (out.revisions) VBP_RETURN_IF_ERROR(PublishRevisions(*out.revisions));
  return Status::Ok();
}

Status StreamingEngine::PublishRejects(
    const std::vector<std::pair<std::string, std::string>>& rejects) {
  for (const auto& [key, line] : rejects) {
    PublishedRecord r;
    auto j = nlohmann::json::parse(line);
    r.key = j.value("key", "");
    r.value = line;
    r.headers = {{"source", j.value("source", "")},
                 {"field", j.value("field", "")},
                 {"reason", j.value("reason", "")}};
    VBP_RETURN_IF_ERROR(ports_.rejects->Publish(r));
    unflushed_rejects_.push_back(key);
  }
  return Status::Ok();
}

Status StreamingEngine::FlushSinks() {
  if (ports_.parts) VBP_RETURN_IF_ERROR(ports_.parts->Flush(30000));
  if (!unflushed_rejects_.empty()) VBP_RETURN_IF_ERROR(ports_.rejects->Flush(30000));
  if (!unflushed_revisions_.empty()) VBP_RETURN_IF_ERROR(ports_.statements->Flush(30000));
  if (unflushed_rejects_.empty() && unflushed_revisions_.empty()) return Status::Ok();
  // Delivered: the markers that would republish them after a crash go.
  StateStore::Batch done;
  for (const auto& k : unflushed_rejects_) done.Delete(Space::kMeta, k);
  for (const auto& k : unflushed_revisions_) done.Delete(Space::kMeta, k);
  VBP_RETURN_IF_ERROR(ports_.state->Commit(done, options_.sync_commits));
  std::lock_guard<std::mutex> lock(metrics_mu_);
  metrics_.rejects_published += static_cast<int64_t>(unflushed_rejects_.size());
  metrics_.revisions_published += static_cast<int64_t>(unflushed_revisions_.size());
  const int64_t delivered_at = ports_.clock->NowMicros();
  for (const auto& id : unflushed_revision_ids_) metrics_.last_revision_micros[id] = delivered_at;
  unflushed_rejects_.clear();
  unflushed_revisions_.clear();
  unflushed_revision_ids_.clear();
  return Status::Ok();
}

Result<int64_t> StreamingEngine::InputWatermark() const {
  int64_t w = 0;
  for (const auto& [p, shard] : shards_) {
    w += std::max<int64_t>(0, shard->next_claims) + std::max<int64_t>(0, shard->next_members);
  }
  for (const auto& [p, part] : remote_) {
    if (!shards_.count(p)) w += part.watermark();
  }
  for (const auto& [lp, off] : reference_offsets_) w += std::max<int64_t>(0, off);
  return w;
}

std::vector<PublishedRecord> StreamingEngine::PartsRecords() {
  std::vector<PublishedRecord> out;
  if (!ports_.parts) {
    parts_to_publish_.clear();
    return out;
  }
  for (int32_t p : parts_to_publish_) {
    auto f = shards_.find(p);
    if (f == shards_.end()) continue;
    const Shard& shard = *f->second;
    binary::Writer w;
    w.U8(1);
    w.Signed(std::max<int64_t>(0, shard.next_claims));
    w.Signed(std::max<int64_t>(0, shard.next_members));
    w.OptDate(shard.max_paid);
    w.Varint(shard.parts.size());
    for (const auto& [key, agg] : shard.parts) {
      w.Signed(key.first);
      w.Str(key.second.str());
      w.Str(binary::EncodeAggregate(agg));
    }
    PublishedRecord r;
    r.key = std::to_string(p);
    r.value = w.Take();
    out.push_back(std::move(r));
  }
  parts_to_publish_.clear();
  return out;
}

Status StreamingEngine::PollRemoteParts() {
  if (!ports_.parts_source) return Status::Ok();
  std::vector<InputMessage> msgs;
  VBP_RETURN_IF_ERROR(ports_.parts_source->Poll(100000, 0, &msgs));
  for (const auto& m : msgs) {
    int32_t p = static_cast<int32_t>(std::stol(std::string(m.key)));
    binary::Reader r(m.value);
    if (r.U8() != 1)
      return Status::DataLoss("unknown parts message format at " + std::string(m.topic));
    RemotePart part;
    part.next_claims = r.Signed();
    part.next_members = r.Signed();
    part.max_paid = r.OptDate();
    uint64_t n = r.Varint();
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      int year = static_cast<int>(r.Signed());
      ContractId c(r.Str());
      auto agg = binary::DecodeAggregate(r.Str());
      if (!agg.ok()) return agg.status();
      part.parts[{year, c}] = *agg;
    }
    if (!r.ok() || !r.AtEnd())
      return Status::DataLoss("corrupt parts message for partition " + std::to_string(p));
    // The same partition log replayed further is always more complete: keep the highest.
    auto f = remote_.find(p);
    if (f == remote_.end() || part.watermark() >= f->second.watermark()) {
      remote_[p] = std::move(part);
      input_since_revision_ = true;
    }
  }
  return Status::Ok();
}

bool StreamingEngine::CompleteView() const {
  for (int32_t p = 0; p < input_partitions_; ++p) {
    if (!shards_.count(p) && !remote_.count(p)) return false;
  }
  return true;
}

Status StreamingEngine::PublishPendingRevisions() {
  // Deliver revisions committed earlier but not confirmed delivered (crash recovery).
  if (!pending_keys_.empty()) {
    StateStore::Batch done;
    for (const auto& meta_key : pending_keys_) {
      std::string rev_key(state_keys::UnpublishedRevision(meta_key));
      auto v = ports_.state->Get(Space::kRevisions, rev_key);
      if (!v.ok()) return v.status();
      if (v->has_value()) {
        auto j = nlohmann::json::parse(**v);
        PublishedRecord r;
        r.key = j["contract_id"].get<std::string>() + "|" +
                std::to_string(j["performance_year"].get<int>());
        r.value = **v;
        r.headers = {{"revision", std::to_string(j["revision"].get<int64_t>())}};
        VBP_RETURN_IF_ERROR(ports_.statements->Publish(r));
      }
      done.Delete(Space::kMeta, meta_key);
    }
    VBP_RETURN_IF_ERROR(ports_.statements->Flush(30000));
    VBP_RETURN_IF_ERROR(ports_.state->Commit(done, options_.sync_commits));
    pending_keys_.clear();
  }
  return Status::Ok();
}

Result<std::optional<StreamingEngine::RevisionRound>> StreamingEngine::MaybeRevisionRound(
    bool force) {
  const int64_t now = ports_.clock->NowMicros();
  if (!input_since_revision_ && !(force && final_due_)) return std::optional<RevisionRound>();
  if (!force && options_.revision_interval_ms > 0 &&
      now - last_revision_us_ < options_.revision_interval_ms * 1000) {
    return std::optional<RevisionRound>();
  }
  // Only the instance holding partition 0 of the claims topic publishes (one writer per key).
  if (!IsLeader()) return std::optional<RevisionRound>();
  // Never publish a statement that misses a partition another instance holds.
  if (!CompleteView()) return std::optional<RevisionRound>();
  auto watermark = InputWatermark();
  if (!watermark.ok()) return watermark.status();

  RevisionRound round;
  round.force = force;
  round.watermark = *watermark;
  std::optional<Date> max_paid;
  for (const auto& [p, shard] : shards_) {
    if (shard->max_paid && (!max_paid || *shard->max_paid > *max_paid)) max_paid = shard->max_paid;
  }
  for (const auto& [p, part] : remote_) {
    if (shards_.count(p)) continue;
    if (part.max_paid && (!max_paid || *part.max_paid > *max_paid)) max_paid = part.max_paid;
  }
  nlohmann::ordered_json& wm = round.input_watermark;
  for (const auto& [p, shard] : shards_) {
    wm[TopicOf(RecordKind::kClaim) + "[" + std::to_string(p) + "]"] =
        std::max<int64_t>(0, shard->next_claims);
    wm[TopicOf(RecordKind::kMember) + "[" + std::to_string(p) + "]"] =
        std::max<int64_t>(0, shard->next_members);
  }
  for (const auto& [p, part] : remote_) {
    if (shards_.count(p)) continue;
    wm[TopicOf(RecordKind::kClaim) + "[" + std::to_string(p) + "]"] = part.next_claims;
    wm[TopicOf(RecordKind::kMember) + "[" + std::to_string(p) + "]"] = part.next_members;
  }
  for (const auto& [lp, off] : reference_offsets_) wm[lp.ToString()] = off;
  for (const YearPlan& plan : plans_) {
    const Date as_of = options_.as_of.value_or(max_paid.value_or(Date::LastOfYear(plan.year)));
    for (const EvaluationGroup& group : plan.groups) {
      for (const ResolvedContract* c : group.contracts) {
        RevisionRound::Item item;
        item.plan = &plan;
        item.contract = c;
        item.as_of = as_of;
        for (const auto& [p, shard] : shards_) {
          auto f = shard->parts.find({plan.year, c->record.contract_id});
          if (f != shard->parts.end()) item.total.Merge(f->second);
        }
        for (const auto& [p, part] : remote_) {
          if (shards_.count(p)) continue;
          auto f = part.parts.find({plan.year, c->record.contract_id});
          if (f != part.parts.end()) item.total.Merge(f->second);
        }
        round.items.push_back(std::move(item));
      }
    }
  }
  last_revision_us_ = now;
  input_since_revision_ = false;
  if (force) final_due_ = false;
  return std::optional<RevisionRound>(std::move(round));
}

namespace {

// What a new revision reads of the one it chains to (its deltas are figure differences). A
// revision that passed its seal can still lack them when the chain is unkeyed (sha256 can be
// recomputed by whoever edits the state): refuse to chain rather than abort on it.
Status CheckChainable(const nlohmann::ordered_json& prev, const ContractId& contract, int year) {
  bool ok = prev.is_object() && prev.contains("revision") && prev["revision"].is_number_integer() &&
            prev.contains("assigned_members") && prev["assigned_members"].is_number_integer() &&
            prev.contains("hash") && prev["hash"].is_string();
  for (const char* f : {"benchmark_total", "expenditure_total", "gross_savings", "shared_savings",
                        "shared_losses", "pmpm_total", "net_payment"}) {
    ok = ok && prev.contains(f) && prev[f].is_string() &&
         ParseExactDecimal(prev[f].get<std::string>()).ok();
  }
  if (ok) return Status::Ok();
  return Status::DataLoss("the latest stored revision of statement " + contract.str() + "/" +
                          std::to_string(year) +
                          " is not in the engine's format (it was edited and resealed): run "
                          "`vbp verify --state DIR`, then rebuild from the input topics or a "
                          "checkpoint; nothing is chained to it");
}

}  // namespace

Status StreamingEngine::PublishRevisions(const RevisionRound& round) {
  StateStore::Batch batch;
  std::vector<PublishedRecord> out;
  std::vector<std::string> meta_keys;
  for (const RevisionRound::Item& item : round.items) {
    const YearPlan& plan = *item.plan;
    const ResolvedContract* c = item.contract;
    rules::ContractIdentity id{c->record.contract_id, plan.year,          c->rule_set->id(),
                               c->rule_set->hash(),   c->parameters_hash, item.as_of};
    rules::StatementFigures figures = rules::SettleContract(id, item.total, c->params);
    nlohmann::ordered_json j =
        StatementJson(figures, round.watermark, plan.units.TinsOf(c->record.contract_id));
    // The previous revision of this statement, if any.
    const std::string prefix = state_keys::RevisionPrefix(c->record.contract_id, plan.year);
    std::optional<nlohmann::ordered_json> prev;
    std::string prev_text;
    VBP_RETURN_IF_ERROR(
        ports_.state->Scan(Space::kRevisions, prefix, [&](std::string_view, std::string_view v) {
          prev_text.assign(v);
          return true;
        }));
    // The new revision chains to the latest: never to one whose content was edited.
    if (!prev_text.empty()) {
      VBP_RETURN_IF_ERROR(CheckStoredRevision(prev_text, std::nullopt, options_.chain_keys));
      prev = nlohmann::ordered_json::parse(prev_text);
      VBP_RETURN_IF_ERROR(CheckChainable(*prev, c->record.contract_id, plan.year));
    }
    if (prev && (*prev)["revision"].get<int64_t>() >= round.watermark) continue;
    if (prev && !round.force) {
      nlohmann::ordered_json a = j, b = *prev;
      for (auto* x : {&a, &b}) {
        x->erase("revision");
        x->erase("revision_info");
        x->erase("hash");
      }
      if (a == b) continue;  // nothing changed since the last revision
    }
    nlohmann::ordered_json info;
    info["previous_revision"] = prev ? (*prev)["revision"] : nlohmann::ordered_json(0);
    info["previous_hash"] = prev ? (*prev)["hash"] : nlohmann::ordered_json("");
    info["input_watermark"] = round.input_watermark;
    nlohmann::ordered_json delta;
    for (const char* f : {"benchmark_total", "expenditure_total", "gross_savings", "shared_savings",
                          "shared_losses", "pmpm_total", "net_payment"}) {
      BigInt now_c = RoundHalfEvenScaled(*ParseExactDecimal(j[f].get<std::string>()), 2);
      BigInt was_c = prev
                         ? RoundHalfEvenScaled(*ParseExactDecimal((*prev)[f].get<std::string>()), 2)
                         : BigInt(0);
      delta[f] = FormatScaled(now_c - was_c, 2);
    }
    delta["assigned_members"] = j["assigned_members"].get<int64_t>() -
                                (prev ? (*prev)["assigned_members"].get<int64_t>() : int64_t{0});
    info["delta"] = delta;
    j["revision_info"] = info;
    j["hash"] = options_.chain_keys.Seal(j.dump());
    std::string key = state_keys::Revision(c->record.contract_id, plan.year, round.watermark);
    std::string text = j.dump();
    batch.Put(Space::kRevisions, key, text);
    batch.Put(Space::kMeta, state_keys::Unpublished(key), "");
    meta_keys.push_back(state_keys::Unpublished(key));
    PublishedRecord r;
    r.key = c->record.contract_id.str() + "|" + std::to_string(plan.year);
    unflushed_revision_ids_.emplace_back(c->record.contract_id.str(), plan.year);
    r.value = std::move(text);
    r.headers = {{"revision", std::to_string(round.watermark)}};
    out.push_back(std::move(r));
  }
  if (out.empty()) return Status::Ok();
  VBP_RETURN_IF_ERROR(ports_.state->Commit(batch, options_.sync_commits));
  for (const auto& r : out) VBP_RETURN_IF_ERROR(ports_.statements->Publish(r));
  for (auto& k : meta_keys) unflushed_revisions_.push_back(std::move(k));
  return Status::Ok();
}

Status StreamingEngine::RunUntilCaughtUp() {
  int64_t waiting_since = -1;
  // The clock is read only when a stall timeout is set: test clocks advance on every read.
  const bool watch_stall = options_.stall_timeout_ms > 0;
  int64_t last_progress = watch_stall ? ports_.clock->NowMicros() : 0;
  while (true) {
    auto r = Step();
    if (!r.ok()) return Stopped(r.status());
    const bool caught_up =
        !*r && ports_.input->CaughtUp() && (!ports_.reference || ports_.reference->CaughtUp());
    if (!caught_up) {
      waiting_since = -1;
      const int64_t now = watch_stall ? ports_.clock->NowMicros() : 0;
      if (*r) last_progress = now;
      if (watch_stall && now - last_progress > options_.stall_timeout_ms * 1000) {
        std::string lag;
        for (const auto& l : ports_.input->Lag()) {
          lag += (lag.empty() ? "" : ", ") + l.part.ToString() + " at " +
                 std::to_string(l.position) + "/" + std::to_string(l.end);
        }
        // No partition assigned is the group's doing (a dead member's session still holds
        // them, or the group never formed); assigned partitions without progress are the
        // brokers' or the input's.
        Status st = Status::Unavailable(
            lag.empty()
                ? "waited " + std::to_string(options_.stall_timeout_ms / 1000) +
                      " s for the consumer group to assign partitions (none assigned): a "
                      "crashed instance's session may still hold them until session.timeout.ms "
                      "expires (use --instance-id auto on a real cluster to take them back at "
                      "once), or the brokers are unreachable; run again (the state is "
                      "exactly-once; nothing is lost)"
                : "made no progress for " + std::to_string(options_.stall_timeout_ms / 1000) +
                      " s and is not caught up (assigned: " + lag +
                      "): check that the brokers are reachable, then run again (the state is "
                      "exactly-once; nothing is lost)");
        return Stopped(std::move(st));
      }
      continue;
    }
    if (!IsLeader() || !(input_since_revision_ || final_due_)) {
      // Done once the last batch and the final revisions are committed and published.
      return Stopped(Drain());
    }
    // Caught up, but the statements wait for other instances' parts.
    const int64_t now = ports_.clock->NowMicros();
    if (waiting_since < 0) waiting_since = now;
    if (now - waiting_since > options_.complete_view_timeout_ms * 1000) {
      std::string missing;
      for (int32_t p = 0; p < input_partitions_; ++p) {
        if (!shards_.count(p) && !remote_.count(p))
          missing += (missing.empty() ? "" : ", ") + std::to_string(p);
      }
      Status st = Status::Unavailable(
          "caught up, but no contract parts arrived for partition(s) " + missing + " within " +
          std::to_string(options_.complete_view_timeout_ms) +
          " ms; statements are not published from a partial view. Is every instance of the "
          "group running, with the same parts topic?");
      return Stopped(std::move(st));
    }
  }
}

Status StreamingEngine::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    auto r = Step();
    if (!r.ok()) return Stopped(r.status());
  }
  return Stopped(Drain());
}

Status StreamingEngine::Stopped(Status st) {
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(metrics_mu_);
    metrics_.last_error = st.ToString();
  }
  return st;
}

EngineMetrics StreamingEngine::Metrics() const {
  EngineMetrics m;
  {
    std::lock_guard<std::mutex> lock(metrics_mu_);
    m = metrics_;
  }
  return m;
}

Result<RunCounts> StreamingEngine::StoredCounts(const StateStore& state) {
  RunCounts total;
  Status err;
  VBP_RETURN_IF_ERROR(state.Scan(Space::kCounters, "", [&](std::string_view k, std::string_view v) {
    RunCounts c;
    std::optional<Date> max_paid;
    if (!binary::DecodeCounts(v, &c, &max_paid)) {
      err = Status::DataLoss("corrupt counters under key " + std::to_string(k.size()) +
                             " bytes long in the counters family");
      return false;
    }
    AddCounts(total, c);
    return true;
  }));
  VBP_RETURN_IF_ERROR(err);
  return total;
}

namespace {

Status MalformedRevisionKey() {
  return Status::DataLoss(
      "a statement revision is stored under a malformed key: the state is corrupt; run "
      "`vbp verify --state DIR`");
}

}  // namespace

Result<std::vector<StatementRevision>> StreamingEngine::LatestRevisions(const StateStore& state,
                                                                        const ChainKeys& keys) {
  std::map<std::pair<int, std::string>, StatementRevision> latest;
  Status err;
  VBP_RETURN_IF_ERROR(
      state.Scan(Space::kRevisions, "", [&](std::string_view k, std::string_view v) {
        // The key names the revision; its content is read only once it passes the tamper check
        // (an edited revision may hold any type in any field).
        const auto key = state_keys::ParseRevision(k);
        if (!key) {
          err = MalformedRevisionKey();
          return false;
        }
        // Keys sort by (contract, year, revision): a chain's revisions arrive in order.
        const auto chain = latest.find({key->year, key->contract.str()});
        Status st = CheckStoredRevision(v,
                                        chain == latest.end()
                                            ? std::nullopt
                                            : std::optional<std::string_view>(chain->second.json),
                                        keys);
        if (!st.ok()) {
          err = std::move(st);
          return false;
        }
        StatementRevision r;
        r.contract_id = key->contract;
        r.performance_year = key->year;
        r.revision = key->revision;
        r.json = std::string(v);
        latest[{r.performance_year, r.contract_id.str()}] = std::move(r);
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  std::vector<StatementRevision> out;
  for (auto& [k, r] : latest) out.push_back(std::move(r));
  return out;
}

Result<std::vector<StatementRevision>> StreamingEngine::Revisions(const StateStore& state,
                                                                  const ContractId& contract,
                                                                  int year, const ChainKeys& keys) {
  std::vector<StatementRevision> out;
  Status err;
  VBP_RETURN_IF_ERROR(state.Scan(
      Space::kRevisions, state_keys::RevisionPrefix(contract, year),
      [&](std::string_view k, std::string_view v) {
        Status st = CheckStoredRevision(
            v, out.empty() ? std::nullopt : std::optional<std::string_view>(out.back().json), keys);
        if (!st.ok()) {
          err = std::move(st);
          return false;
        }
        const auto key = state_keys::ParseRevision(k);
        if (!key) {
          err = MalformedRevisionKey();
          return false;
        }
        StatementRevision r;
        r.contract_id = contract;
        r.performance_year = year;
        r.revision = key->revision;
        r.json = std::string(v);
        out.push_back(std::move(r));
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  return out;
}

}  // namespace vbp
