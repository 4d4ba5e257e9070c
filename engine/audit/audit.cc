#include "engine/audit/audit.h"

#include <algorithm>
#include <deque>
#include <random>
#include <set>

#include "engine/core/memory_state_store.h"
#include "engine/state/binary_codec.h"
#include "engine/state/history_key.h"
#include "engine/state/state_keys.h"
#include "engine/state/stored_json.h"

namespace vbp::audit {

using nlohmann::ordered_json;

namespace {

// Bounds (STYLE.md: a limit on everything, units last).
constexpr size_t kDifferencesMax = 40;                           // per recomputed revision
constexpr int64_t kReplayRevisionIntervalMs = int64_t{1} << 40;  // never on cadence: only at stops

// The figures whose change between revisions the engine records in revision_info.delta.
constexpr const char* kDeltaFigures[] = {"benchmark_total", "expenditure_total", "gross_savings",
                                         "shared_savings",  "shared_losses",     "pmpm_total",
                                         "net_payment"};

ordered_json Body(const ordered_json& rev) {
  ordered_json b = rev;
  b.erase("revision_info");
  b.erase("hash");
  return b;
}

// The engine's "did the statement change" comparison (everything but revision bookkeeping).
ordered_json Figures(const ordered_json& rev) {
  ordered_json b = Body(rev);
  b.erase("revision");
  return b;
}

// The revision's text without its seal: what the seal covers.
std::string SealedContent(const ordered_json& rev) {
  ordered_json j = rev;
  j.erase("hash");
  return j.dump();
}

std::optional<ordered_json> Parse(std::string_view text) {
  auto j = ordered_json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// Flattened differences between two JSON values ("detail.outcome: stored X, recomputed Y").
void Diff(const ordered_json& a, const ordered_json& b, const std::string& path,
          std::vector<std::string>* out) {
  if (out->size() >= kDifferencesMax) return;
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      const std::string p = path.empty() ? it.key() : path + "." + it.key();
      if (!b.contains(it.key())) {
        out->push_back(p + ": stored " + it.value().dump() + ", recomputed (absent)");
      } else {
        Diff(it.value(), b[it.key()], p, out);
      }
    }
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (!a.contains(it.key())) {
        const std::string p = path.empty() ? it.key() : path + "." + it.key();
        out->push_back(p + ": stored (absent), recomputed " + it.value().dump());
      }
    }
    return;
  }
  if (a != b) out->push_back(path + ": stored " + a.dump() + ", recomputed " + b.dump());
}

// "vbp.claims[3]" -> {"vbp.claims", 3}
std::optional<LogPartition> ParsePartitionName(const std::string& s) {
  size_t open = s.rfind('[');
  if (open == std::string::npos || s.empty() || s.back() != ']' || open + 2 > s.size() - 1) {
    return std::nullopt;
  }
  std::string digits = s.substr(open + 1, s.size() - open - 2);
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return LogPartition{s.substr(0, open), static_cast<int32_t>(std::stol(digits))};
}

int64_t Sum(const std::map<LogPartition, int64_t>& wm) {
  int64_t s = 0;
  for (const auto& [lp, v] : wm) s += std::max<int64_t>(0, v);
  return s;
}

// a >= b in every partition (absent = 0).
bool AtOrAbove(const std::map<LogPartition, int64_t>& a, const std::map<LogPartition, int64_t>& b) {
  for (const auto& [lp, v] : b) {
    auto f = a.find(lp);
    if ((f == a.end() ? 0 : f->second) < v) return false;
  }
  return true;
}

std::string WatermarkText(const std::map<LogPartition, int64_t>& wm) {
  std::string s;
  for (const auto& [lp, v] : wm)
    s += (s.empty() ? "" : ", ") + lp.ToString() + "=" + std::to_string(v);
  return s;
}

Result<std::map<LogPartition, int64_t>> CurrentOffsets(const StateStore& state) {
  std::map<LogPartition, int64_t> out;
  Status err;
  VBP_RETURN_IF_ERROR(state.Scan(Space::kOffsets, "", [&](std::string_view k, std::string_view v) {
    auto key = state_keys::ParseOffset(k);
    if (!key) {
      err = Status::DataLoss("offsets: malformed key");
      return false;
    }
    try {
      out[{std::string(key->topic), key->partition}] = std::stoll(std::string(v));
    } catch (const std::exception&) {
      err = Status::DataLoss("offsets: malformed value '" + std::string(v) + "'");
      return false;
    }
    return true;
  }));
  VBP_RETURN_IF_ERROR(err);
  return out;
}

// ---------------------------------------------------------------------------------------
// Replay ports.

class FixedClock final : public Clock {
 public:
  int64_t NowMicros() const override { return 0; }
};

class NullSink final : public RecordSink {
 public:
  Status Publish(const PublishedRecord&) override { return Status::Ok(); }
  Status Flush(int) override { return Status::Ok(); }
};

// Yields the stored history of some partitions, with their original topic, partition and
// offset, up to a per-partition limit that the replay raises stop by stop.
class HistorySource final : public RecordSource {
 public:
  HistorySource(const StateStore* state, const HistoryIndex* index,
                std::vector<LogPartition> assigned, std::map<std::string, int32_t> counts)
      : state_(state), index_(index), counts_(std::move(counts)) {
    for (auto& lp : assigned) parts_.push_back({std::move(lp), 0, 0, nullptr});
  }

  void SetLimits(const std::map<LogPartition, int64_t>& limits) {
    for (auto& p : parts_) {
      auto f = limits.find(p.lp);
      p.limit = f == limits.end() ? 0 : f->second;
    }
  }

  Status Start(Listener* listener) override {
    std::vector<std::pair<LogPartition, int64_t>> starts;
    for (const auto& p : parts_) starts.push_back({p.lp, -2});
    VBP_RETURN_IF_ERROR(listener->OnAssigned(starts));
    for (size_t i = 0; i < parts_.size(); ++i) {
      Part& p = parts_[i];
      auto f = index_->partitions.find(p.lp);
      p.entries = f == index_->partitions.end() ? nullptr : &f->second;
      const int64_t start = std::max<int64_t>(0, starts[i].second);
      p.pos = 0;
      if (p.entries) {
        while (p.pos < p.entries->size() && (*p.entries)[p.pos].offset < start) ++p.pos;
      }
    }
    return Status::Ok();
  }

  Status Poll(size_t max, int, std::vector<InputMessage>* out) override {
    out->clear();
    buffer_.clear();
    if (parts_.empty()) return Status::Ok();
    size_t idle = 0;
    while (out->size() < max && idle < parts_.size()) {
      Part& p = parts_[cursor_++ % parts_.size()];
      if (!Ready(p)) {
        ++idle;
        continue;
      }
      idle = 0;
      const HistoryEntry& e = (*p.entries)[p.pos++];
      auto v = state_->Get(Space::kHistory, e.key);
      if (!v.ok()) return v.status();
      if (!v->has_value()) {
        return Status::DataLoss("history message " + p.lp.ToString() + "@" +
                                std::to_string(e.offset) + " vanished during the replay");
      }
      buffer_.push_back(std::move(**v));
      out->push_back({p.lp.topic, p.lp.partition, e.offset, std::string_view(), buffer_.back()});
    }
    return Status::Ok();
  }

  bool CaughtUp() const override {
    for (const auto& p : parts_) {
      if (Ready(p)) return false;
    }
    return true;
  }

  std::vector<PartitionLag> Lag() override {
    std::vector<PartitionLag> out;
    for (const auto& p : parts_) {
      int64_t pos = p.entries && p.pos < p.entries->size() ? (*p.entries)[p.pos].offset : p.limit;
      out.push_back({p.lp, std::min(pos, p.limit), p.limit});
    }
    return out;
  }

  Result<int32_t> PartitionCount(const std::string& topic) override {
    auto f = counts_.find(topic);
    return f == counts_.end() ? 0 : f->second;
  }
  Status Close() override { return Status::Ok(); }

 private:
  struct Part {
    LogPartition lp;
    int64_t limit = 0;
    size_t pos = 0;
    const std::vector<HistoryEntry>* entries = nullptr;
  };
  static bool Ready(const Part& p) {
    return p.entries && p.pos < p.entries->size() && (*p.entries)[p.pos].offset < p.limit;
  }

  const StateStore* state_;
  const HistoryIndex* index_;
  std::map<std::string, int32_t> counts_;
  std::vector<Part> parts_;
  std::deque<std::string> buffer_;
  size_t cursor_ = 0;
};

// Which partitions a replay assigns, derived from the stored watermarks and the history.
struct Layout {
  std::string prefix;
  std::vector<LogPartition> input;
  std::vector<LogPartition> reference;
  std::map<std::string, int32_t> counts;
};

Result<Layout> MakeLayout(const std::vector<std::map<LogPartition, int64_t>>& stops,
                          const HistoryIndex& index) {
  std::set<LogPartition> all;
  for (const auto& s : stops) {
    for (const auto& [lp, v] : s) all.insert(lp);
  }
  for (const auto& [lp, entries] : index.partitions) all.insert(lp);
  Layout l;
  for (const auto& lp : all) {
    const std::string& t = lp.topic;
    if (t.size() >= 6 && t.compare(t.size() - 6, 6, "claims") == 0) {
      l.prefix = t.substr(0, t.size() - 6);
      break;
    }
  }
  if (l.prefix.empty() && all.empty()) return Status::NotFound("the store holds no input history");
  const TopicNames topics(l.prefix);
  int32_t input_partitions = 0;
  for (const auto& lp : all) {
    if (lp.topic == topics.claims || lp.topic == topics.members) {
      input_partitions = std::max(input_partitions, lp.partition + 1);
    }
  }
  for (int32_t p = 0; p < input_partitions; ++p) {
    l.input.push_back({topics.claims, p});
    l.input.push_back({topics.members, p});
  }
  l.counts[topics.claims] = input_partitions;
  l.counts[topics.members] = input_partitions;
  for (const auto& lp : all) {
    if (lp.topic == topics.providers || lp.topic == topics.contracts) {
      l.reference.push_back(lp);
      l.counts[lp.topic] = std::max(l.counts[lp.topic], lp.partition + 1);
    } else if (lp.topic != topics.claims && lp.topic != topics.members) {
      return Status::Invalid("input position " + lp.ToString() + " is on no topic of prefix '" +
                             l.prefix + "'");
    }
  }
  return l;
}

// A fresh StreamingEngine over in-memory ports that reads history up to successive stops.
class Replayer {
 public:
  Replayer(const StateStore& state, const HistoryIndex& index, const Layout& layout,
           std::optional<Date> as_of, const ReplayOptions& options)
      : input_(&state, &index, layout.input, layout.counts),
        reference_(&state, &index, layout.reference, layout.counts) {
    StreamingOptions so;
    so.topic_prefix = layout.prefix;
    so.batch_records_max = options.batch_records_max;
    so.poll_timeout_ms = 0;
    so.revision_interval_ms = kReplayRevisionIntervalMs;
    so.as_of = as_of;
    so.keep_history = false;
    engine_ = std::make_unique<StreamingEngine>(
        so,
        StreamingEngine::Ports{&store_, &input_, &reference_, &statements_, &rejects_, &clock_,
                               nullptr, nullptr},
        options.decode, options.registry);
  }

  // Reads every message below `stop` (which must not be below the previous stop anywhere).
  Status AdvanceTo(const std::map<LogPartition, int64_t>& stop) {
    input_.SetLimits(stop);
    reference_.SetLimits(stop);
    if (!started_) {
      VBP_RETURN_IF_ERROR(engine_->Start());
      started_ = true;
    }
    last_ = stop;
    return engine_->RunUntilCaughtUp();
  }
  const std::map<LogPartition, int64_t>& last() const { return last_; }
  bool started() const { return started_; }

  // The replay's latest revision of every (year, contract).
  Result<std::vector<StatementRevision>> Latest() const {
    return StreamingEngine::LatestRevisions(store_);
  }

 private:
  MemoryStateStore store_;
  HistorySource input_;
  HistorySource reference_;
  NullSink statements_;
  NullSink rejects_;
  FixedClock clock_;
  std::unique_ptr<StreamingEngine> engine_;
  bool started_ = false;
  std::map<LogPartition, int64_t> last_;
};

// The delta block the engine writes, against `prev` (absent for a first revision).
Result<ordered_json> Delta(const ordered_json& now, const std::optional<ordered_json>& prev) {
  ordered_json delta;
  auto cents = [](const ordered_json& j, const char* f) -> Result<BigInt> {
    if (!j.contains(f) || !j[f].is_string()) {
      return Status::Invalid(std::string("figure '") + f + "' is missing or not a string");
    }
    auto d = ParseExactDecimal(j[f].get<std::string>());
    if (!d.ok()) return Status::Invalid(std::string("figure '") + f + "': " + d.status().message());
    return RoundHalfEvenScaled(*d, 2);
  };
  for (const char* f : kDeltaFigures) {
    auto a = cents(now, f);
    if (!a.ok()) return a.status();
    BigInt was = 0;
    if (prev) {
      auto b = cents(*prev, f);
      if (!b.ok()) return Status::Invalid("predecessor " + b.status().message());
      was = *b;
    }
    delta[f] = FormatScaled(*a - was, 2);
  }
  auto members = [](const ordered_json& j) -> std::optional<int64_t> {
    if (!j.contains("assigned_members") || !j["assigned_members"].is_number_integer()) {
      return std::nullopt;
    }
    return j["assigned_members"].get<int64_t>();
  };
  auto n = members(now);
  std::optional<int64_t> m = prev ? members(*prev) : std::optional<int64_t>(0);
  if (!n || !m) return Status::Invalid("assigned_members is missing or not an integer");
  delta["assigned_members"] = *n - *m;
  return delta;
}

// The whole revision text the engine would have stored: the replayed statement with
// revision_info rebuilt against the stored predecessor, and its seal (made like `stored_seal`,
// the stored revision's, so that a revision sealed before a key rotation rebuilds exactly).
Result<std::string> Rebuild(const ordered_json& replayed, const StoredRevision* prev,
                            const ChainKeys& keys, std::string_view stored_seal) {
  std::optional<ordered_json> p;
  if (prev) {
    p = Parse(prev->text);
    if (!p)
      return Status::Invalid("the stored predecessor " + std::to_string(prev->key_revision) +
                             " is not valid JSON");
  }
  ordered_json j = replayed;
  j.erase("hash");
  ordered_json info;
  info["previous_revision"] =
      p ? (p->contains("revision") ? (*p)["revision"] : ordered_json(prev->key_revision))
        : ordered_json(0);
  info["previous_hash"] = p ? p->value("hash", ordered_json("")) : ordered_json("");
  info["input_watermark"] =
      replayed.contains("revision_info")
          ? replayed["revision_info"].value("input_watermark", ordered_json::object())
          : ordered_json::object();
  auto delta = Delta(j, p);
  if (!delta.ok()) return delta.status();
  info["delta"] = *delta;
  j["revision_info"] = info;
  j["hash"] = keys.SealLike(j.dump(), stored_seal);
  return j.dump();
}

// One revision to recompute.
struct Target {
  size_t chain = 0;
  size_t index = 0;
  std::map<LogPartition, int64_t> stop;
};

struct StopResult {
  std::vector<RecalcResult> results;
  std::vector<Finding> findings;
  // Stored as_of values where the replay's as_of differed (candidates for a fixed as-of).
  std::set<std::string> fixed_as_of;
  bool any_mismatch = false;
};

// Everything about one replay stop: compares the stored revisions at it (all of them, or
// only targets) and checks the round for missing revisions.
class StopChecker {
 public:
  StopChecker(const std::vector<RevisionChain>& chains, const RuleRegistry* registry,
              const ChainKeys* keys)
      : chains_(chains), registry_(registry), keys_(keys) {
    for (size_t c = 0; c < chains.size(); ++c) {
      for (size_t i = 0; i < chains[c].revisions.size(); ++i) {
        by_revision_[chains[c].revisions[i].key_revision].push_back({c, i});
      }
    }
  }

  bool IsRound(int64_t w) const { return by_revision_.count(w) != 0; }

  // `replay` holds the replay's latest revisions after reading exactly `stop`.
  StopResult Check(const std::map<LogPartition, int64_t>& stop,
                   const std::vector<StatementRevision>& replay, bool round_checks, bool tail,
                   const std::string& mode) const {
    StopResult r;
    const int64_t w = Sum(stop);
    std::map<std::pair<std::string, int>, const StatementRevision*> at_w;
    std::map<std::pair<std::string, int>, const StatementRevision*> any;
    for (const auto& rev : replay) {
      any[{rev.contract_id.str(), rev.performance_year}] = &rev;
      if (rev.revision == w) at_w[{rev.contract_id.str(), rev.performance_year}] = &rev;
    }
    // 1. Stored revisions at this stop.
    auto f = by_revision_.find(w);
    if (f != by_revision_.end()) {
      for (auto [c, i] : f->second) {
        const RevisionChain& chain = chains_[c];
        RecalcResult res;
        res.contract_id = chain.contract_id;
        res.year = chain.year;
        res.revision = w;
        res.stored_text = chain.revisions[i].text;
        res.as_of_mode = mode;
        auto stored = Parse(res.stored_text);
        auto g = at_w.find({chain.contract_id.str(), chain.year});
        if (g == at_w.end()) {
          res.error = WhyNoReplay(chain, stored, any, w);
        } else {
          auto replayed = Parse(g->second->json);
          const StoredRevision* prev = i > 0 ? &chain.revisions[i - 1] : nullptr;
          const std::string stored_seal =
              stored ? stored_json::String(*stored, "hash") : std::string();
          auto text = Rebuild(*replayed, prev, *keys_, stored_seal);
          if (!text.ok()) {
            res.error = "cannot rebuild revision_info: " + text.status().message();
          } else {
            res.recomputed_text = *text;
          }
          res.identical = res.error.empty() && res.recomputed_text == res.stored_text;
          if (stored) {
            res.body_identical = Body(*stored) == Body(*replayed);
            if (!res.identical) {
              auto rebuilt = res.recomputed_text.empty() ? *replayed : *Parse(res.recomputed_text);
              Diff(*stored, rebuilt, "", &res.differences);
              if (stored_json::String(*stored, "as_of") !=
                  stored_json::String(*replayed, "as_of")) {
                r.fixed_as_of.insert(stored_json::String(*stored, "as_of"));
              }
            }
          } else {
            res.differences.push_back("the stored revision is not valid JSON");
          }
        }
        if (!res.identical) r.any_mismatch = true;
        r.results.push_back(std::move(res));
      }
    }
    // 2. The round: every contract whose statement changed at w must have a revision at w
    //    (the engine publishes all changed statements of a round together, and all of them
    //    when it catches up). At the tail without a round only a warning is possible.
    if (round_checks || tail) {
      const bool is_round = f != by_revision_.end();
      for (const auto& [key, rev] : at_w) {
        const RevisionChain* chain = Find(key.first, key.second);
        bool stored_at_w = false;
        const StoredRevision* before = nullptr;
        if (chain) {
          for (const auto& s : chain->revisions) {
            if (s.key_revision == w) stored_at_w = true;
            if (s.key_revision < w) before = &s;
          }
        }
        if (stored_at_w) continue;
        auto replayed = Parse(rev->json);
        std::optional<ordered_json> prev;
        if (before) prev = Parse(before->text);
        if (before && !prev) continue;  // the chain check reports it
        if (prev && Figures(*prev) == Figures(*replayed)) continue;
        Finding x;
        x.contract_id = key.first;
        x.year = key.second;
        x.revision = w;
        if (is_round) {
          x.severity = Finding::Severity::kError;
          x.what = "missing";
          x.detail = "the engine published revision " + std::to_string(w) +
                     " for other contracts and this statement changed at that input position " +
                     (prev ? "(since revision " + std::to_string(before->key_revision) + ")"
                           : "(its first revision)") +
                     ", but no revision " + std::to_string(w) + " is stored: it was deleted";
        } else {
          x.severity = Finding::Severity::kWarning;
          x.what = "tail";
          x.detail = "the state's input position (" + std::to_string(w) +
                     ") holds input that changes this statement after its latest stored "
                     "revision " +
                     (before ? std::to_string(before->key_revision) : std::string("(none)")) +
                     ": the engine stopped before publishing it, or the last revision(s) were "
                     "deleted";
        }
        r.findings.push_back(std::move(x));
      }
    }
    return r;
  }

 private:
  const RevisionChain* Find(const std::string& contract, int year) const {
    for (const auto& c : chains_) {
      if (c.contract_id.str() == contract && c.year == year) return &c;
    }
    return nullptr;
  }

  std::string WhyNoReplay(
      const RevisionChain& chain, const std::optional<ordered_json>& stored,
      const std::map<std::pair<std::string, int>, const StatementRevision*>& any, int64_t w) const {
    if (stored && stored->contains("rule_set") && (*stored)["rule_set"].is_string()) {
      const std::string id = (*stored)["rule_set"].get<std::string>();
      const rules::RuleSet* rs = registry_->Find(id);
      if (!rs) {
        return "rule set '" + id +
               "' is not available to the replay (the store predates stored "
               "rule sets): pass the run's --rules FILE";
      }
      const std::string hash = stored_json::String(*stored, "rules_hash");
      if (rs->hash() != hash) {
        return "rule set '" + id + "' available to the replay has " + rs->hash() +
               ", the revision names " + hash + ": pass the --rules FILE the engine ran with";
      }
    }
    auto f = any.find({chain.contract_id.str(), chain.year});
    if (f == any.end()) {
      return "the replay published no statement for this contract and year (its contract "
             "record is not in the history below the revision's input watermark)";
    }
    return "the replay reached input position " + std::to_string(f->second->revision) + ", not " +
           std::to_string(w) +
           ": history is incomplete below the revision's watermark (kept with --no-history "
           "off? compacted?)";
  }

  const std::vector<RevisionChain>& chains_;
  const RuleRegistry* registry_;
  const ChainKeys* keys_;
  std::map<int64_t, std::vector<std::pair<size_t, size_t>>> by_revision_;
};

struct StopPlan {
  std::map<LogPartition, int64_t> stop;
  bool tail = false;
};

// Replays the stops in watermark order (one incremental engine while each stop is at or
// above the previous one in every partition) and checks each.
Status RunStops(const StateStore& state, const HistoryIndex& index, const Layout& layout,
                std::optional<Date> as_of, const ReplayOptions& options,
                const std::vector<StopPlan>& stops, const StopChecker& checker, bool round_checks,
                std::map<int64_t, StopResult>* results, size_t* progress_done,
                size_t progress_total) {
  std::unique_ptr<Replayer> replayer;
  const std::string mode = as_of ? "fixed " + as_of->ToString() : "data";
  for (const auto& s : stops) {
    if (!replayer || !AtOrAbove(s.stop, replayer->last())) {
      replayer = std::make_unique<Replayer>(state, index, layout, as_of, options);
    }
    VBP_RETURN_IF_ERROR(replayer->AdvanceTo(s.stop));
    auto latest = replayer->Latest();
    if (!latest.ok()) return latest.status();
    (*results)[Sum(s.stop)] = checker.Check(s.stop, *latest, round_checks, s.tail, mode);
    ++*progress_done;
    if (options.progress) {
      options.progress("replayed " + std::to_string(*progress_done) + "/" +
                       std::to_string(progress_total) + " input positions (" + mode + " as-of)");
    }
  }
  return Status::Ok();
}

// Recomputes the revisions at `targets`' stops (plus the tail when given), first with the
// engine's default as-of (the data's latest paid date), then with a fixed as-of for the stops
// whose stored statements name another one (a run with --as-of).
Result<std::map<int64_t, StopResult>> Recompute(const StateStore& state,
                                                const std::vector<RevisionChain>& chains,
                                                const HistoryIndex& index,
                                                std::vector<StopPlan> stops,
                                                const ReplayOptions& options, bool round_checks) {
  std::sort(stops.begin(), stops.end(),
            [](const StopPlan& a, const StopPlan& b) { return Sum(a.stop) < Sum(b.stop); });
  std::map<int64_t, StopResult> results;
  if (stops.empty()) return results;
  std::vector<std::map<LogPartition, int64_t>> all;
  for (const auto& s : stops) all.push_back(s.stop);
  auto layout = MakeLayout(all, index);
  if (!layout.ok()) return layout.status();
  StopChecker checker(chains, options.registry, &options.chain_keys);
  size_t done = 0;
  VBP_RETURN_IF_ERROR(RunStops(state, index, *layout, std::nullopt, options, stops, checker,
                               round_checks, &results, &done, stops.size()));
  // Stops whose stored revisions name one as-of the data replay did not reproduce.
  std::map<std::string, std::vector<StopPlan>> fixed;
  std::string last_round_fixed;
  for (const auto& s : stops) {
    const StopResult& r = results[Sum(s.stop)];
    if (s.tail && !checker.IsRound(Sum(s.stop))) continue;
    if (r.any_mismatch && r.fixed_as_of.size() == 1) {
      fixed[*r.fixed_as_of.begin()].push_back(s);
      last_round_fixed = *r.fixed_as_of.begin();
    } else if (!r.results.empty()) {
      last_round_fixed.clear();
    }
  }
  for (const auto& s : stops) {
    if (s.tail && !last_round_fixed.empty() && !checker.IsRound(Sum(s.stop))) {
      fixed[last_round_fixed].push_back(s);
    }
  }
  size_t total = done;
  for (const auto& [d, list] : fixed) total += list.size();
  for (const auto& [d, list] : fixed) {
    auto date = Date::Parse(d);
    if (!date.ok()) continue;  // a tampered as_of: the data-mode mismatch stands
    std::map<int64_t, StopResult> again;
    VBP_RETURN_IF_ERROR(RunStops(state, index, *layout, *date, options, list, checker, round_checks,
                                 &again, &done, total));
    for (auto& [w, r] : again) {
      // Keep the fixed as-of result when it reproduces more of the stored revisions.
      size_t before = 0, after = 0;
      for (const auto& x : results[w].results) before += x.identical;
      for (const auto& x : r.results) after += x.identical;
      if (r.results.empty() || after > before) {
        results[w] = std::move(r);
      }
    }
  }
  return results;
}

}  // namespace

const char* SeverityName(Finding::Severity s) {
  switch (s) {
    case Finding::Severity::kError:
      return "error";
    case Finding::Severity::kWarning:
      return "warning";
    case Finding::Severity::kNote:
      return "note";
  }
  return "?";
}

ordered_json FindingJson(const Finding& f) {
  ordered_json j;
  j["severity"] = SeverityName(f.severity);
  j["contract_id"] = f.contract_id;
  j["performance_year"] = f.year;
  j["revision"] = f.revision;
  j["what"] = f.what;
  j["detail"] = f.detail;
  return j;
}

Result<std::vector<RevisionChain>> LoadChains(const StateStore& state) {
  std::vector<RevisionChain> chains;
  Status err;
  VBP_RETURN_IF_ERROR(
      state.Scan(Space::kRevisions, "", [&](std::string_view k, std::string_view v) {
        auto key = state_keys::ParseRevision(k);
        if (!key) {
          err = Status::DataLoss("revisions: a key that is not contract \\0 year revision (" +
                                 std::to_string(k.size()) + " bytes)");
          return false;
        }
        if (chains.empty() || chains.back().contract_id != key->contract ||
            chains.back().year != key->year) {
          chains.push_back({key->contract, key->year, {}});
        }
        chains.back().revisions.push_back({key->revision, std::string(v)});
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  return chains;
}

std::vector<Finding> CheckChain(const RevisionChain& chain, const ChainKeys& keys) {
  std::vector<Finding> out;
  auto add = [&](int64_t rev, const char* what, std::string detail) {
    out.push_back({Finding::Severity::kError, chain.contract_id.str(), chain.year, rev, what,
                   std::move(detail)});
  };
  const StoredRevision* prev = nullptr;
  std::optional<ordered_json> prev_json;
  std::map<LogPartition, int64_t> prev_wm;
  for (const StoredRevision& s : chain.revisions) {
    const int64_t k = s.key_revision;
    auto j = Parse(s.text);
    if (!j) {
      add(k, "json", "the stored revision is not a JSON object (edited or corrupt)");
      prev = &s;
      prev_json.reset();
      continue;
    }
    if (j->dump() != s.text) {
      add(k, "json",
          "the stored text is not in the engine's canonical form (re-serialised or "
          "edited by hand)");
    }
    // Its own identity against the key it is stored under.
    const bool id_ok = j->value("contract_id", ordered_json()) == chain.contract_id.str() &&
                       j->value("performance_year", ordered_json()) == chain.year;
    const ordered_json rev = j->value("revision", ordered_json());
    if (!id_ok || !rev.is_number_integer() || rev.get<int64_t>() != k) {
      add(k, "key",
          "stored under " + chain.contract_id.str() + "/" + std::to_string(chain.year) + "/" +
              std::to_string(k) + " but names " + j->value("contract_id", ordered_json()).dump() +
              "/" + j->value("performance_year", ordered_json()).dump() + "/" + rev.dump() +
              ": moved or reordered");
    }
    // Its seal.
    const ordered_json hash = j->value("hash", ordered_json());
    const std::string content = SealedContent(*j);
    const ChainKeys::Verdict verdict = hash.is_string()
                                           ? keys.Check(content, hash.get<std::string>())
                                           : ChainKeys::Verdict::kMalformed;
    if (!hash.is_string()) {
      add(k, "hash", "no hash");
    } else if (!keys.keyed() && verdict == ChainKeys::Verdict::kUnknownKey) {
      add(k, "key", keys.Explain(verdict, hash.get<std::string>()));
    } else if (const std::string why = keys.Explain(verdict, hash.get<std::string>());
               !why.empty()) {
      add(k, "hash",
          "hash " + hash.get<std::string>() + ": " + why +
              ": its content was edited after publication");
    } else if (prev_json && ChainKeys::IsKeyed(stored_json::String(*prev_json, "hash")) &&
               !ChainKeys::IsKeyed(hash.get<std::string>())) {
      add(k, "seal",
          "sealed without a key (sha256) after a keyed revision: replaced by someone without "
          "the chain key");
    }
    // Its link to the stored predecessor.
    const ordered_json info = j->value("revision_info", ordered_json());
    if (!info.is_object()) {
      add(k, "previous_revision", "no revision_info");
    } else {
      const ordered_json pr = info.value("previous_revision", ordered_json());
      const ordered_json ph = info.value("previous_hash", ordered_json());
      const int64_t want_rev = prev ? prev->key_revision : 0;
      if (!pr.is_number_integer() || pr.get<int64_t>() != want_rev) {
        if (prev && pr.is_number_integer() && pr.get<int64_t>() > want_rev) {
          add(k, "previous_revision",
              "names revision " + pr.dump() +
                  " as its predecessor, but the stored predecessor "
                  "is " +
                  std::to_string(want_rev) + ": revision " + pr.dump() + " was deleted");
        } else if (!prev && pr.is_number_integer() && pr.get<int64_t>() > 0) {
          add(k, "previous_revision",
              "names revision " + pr.dump() +
                  " as its predecessor, but it is the first stored "
                  "revision: the earlier revision(s) were deleted");
        } else {
          add(k, "previous_revision",
              "names revision " + pr.dump() + " as its predecessor, the stored predecessor is " +
                  std::to_string(want_rev) + ": revisions were reordered or inserted");
        }
      }
      const std::string want_hash =
          prev_json ? stored_json::String(*prev_json, "hash") : std::string();
      if (prev && !prev_json) {
        // The predecessor is unreadable; reported on it.
      } else if (!ph.is_string() || ph.get<std::string>() != want_hash) {
        add(k, "previous_hash",
            "previous_hash " + ph.dump() + " is not the stored predecessor's hash \"" + want_hash +
                "\"" +
                (prev ? " (revision " + std::to_string(prev->key_revision) +
                            " was edited, replaced or deleted)"
                      : ""));
      }
      auto wm = ParseWatermark(info.value("input_watermark", ordered_json()));
      if (!wm.ok()) {
        add(k, "watermark", wm.status().message());
      } else {
        if (Sum(*wm) != k) {
          add(k, "watermark",
              "the input watermark sums to " + std::to_string(Sum(*wm)) +
                  ", not to the revision number");
        }
        if (prev && !AtOrAbove(*wm, prev_wm)) {
          add(k, "order",
              "its input watermark is below its predecessor's in some partition (" +
                  WatermarkText(*wm) + " vs " + WatermarkText(prev_wm) + ")");
        }
        prev_wm = *wm;
      }
    }
    if (prev && k <= prev->key_revision) {
      add(k, "order", "revision numbers do not increase");
    }
    prev = &s;
    prev_json = j;
  }
  return out;
}

Result<std::map<LogPartition, int64_t>> ParseWatermark(const ordered_json& wm) {
  if (!wm.is_object()) return Status::Invalid("input_watermark is not an object");
  std::map<LogPartition, int64_t> out;
  for (auto it = wm.begin(); it != wm.end(); ++it) {
    auto lp = ParsePartitionName(it.key());
    if (!lp) return Status::Invalid("input_watermark: '" + it.key() + "' is not topic[partition]");
    if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0) {
      return Status::Invalid("input_watermark: " + it.key() + " is not an offset");
    }
    out[*lp] = it.value().get<int64_t>();
  }
  return out;
}

Result<HistoryIndex> HistoryIndex::Load(const StateStore& state) {
  // Every topic the history names must be one the offsets family knows (the engine stores a
  // position for every message it applies).
  auto offsets = CurrentOffsets(state);
  if (!offsets.ok()) return offsets.status();
  std::set<std::string, std::less<>> topics;
  for (const auto& [lp, v] : *offsets) topics.insert(lp.topic);
  HistoryIndex idx;
  Status err;
  // Keys come in arrival (step) order; within a partition the stable sort below keeps that
  // order among entries of one offset, so the first is the message as first applied.
  VBP_RETURN_IF_ERROR(state.Scan(Space::kHistory, "", [&](std::string_view k, std::string_view) {
    auto parts = ParseHistoryKey(k);
    if (!parts.ok()) {
      err = parts.status();
      return false;
    }
    auto t = topics.find(parts->topic);
    if (t == topics.end()) {
      err = Status::DataLoss("history: a message of topic '" + std::string(parts->topic) +
                             "', which the offsets family does not name");
      return false;
    }
    HistoryEntry e;
    e.kind = parts->kind;
    e.offset = parts->offset;
    e.group = std::string(parts->Group());
    e.key = std::string(k);
    idx.partitions[{*t, parts->partition}].push_back(std::move(e));
    return true;
  }));
  VBP_RETURN_IF_ERROR(err);
  for (auto& [lp, v] : idx.partitions) {
    std::stable_sort(v.begin(), v.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
      return a.offset < b.offset;
    });
    size_t kept = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      if (kept > 0 && v[kept - 1].offset == v[i].offset) {
        // The same position again: the state's offsets were reset and the message read again.
        // The same text is a copy (kept out of replays, deleted by retention), even if it was
        // judged otherwise the second time (say, a contract rejected, then accepted under a
        // rule set added since); other text means the input log was replaced under this state.
        auto first = state.Get(Space::kHistory, v[kept - 1].key);
        auto again = state.Get(Space::kHistory, v[i].key);
        if (!first.ok()) return first.status();
        if (!again.ok()) return again.status();
        if (*first != *again) {
          return Status::DataLoss("history holds two different messages at " + lp.ToString() + "@" +
                                  std::to_string(v[i].offset) +
                                  ": the input log was replaced under this state");
        }
        idx.copies.push_back(std::move(v[i].key));
        continue;
      }
      if (kept != i) v[kept] = std::move(v[i]);
      ++kept;
    }
    v.resize(kept);
    idx.messages += kept;
  }
  return idx;
}

Result<std::optional<CompactionInfo>> LoadCompaction(const StateStore& state) {
  auto v = state.Get(Space::kMeta, state_keys::kHistoryCompacted);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<CompactionInfo>();
  auto j = Parse(**v);
  if (!j) return Status::DataLoss("meta history_compacted is not JSON");
  CompactionInfo c;
  c.before_revision = stored_json::Int(*j, "before_revision");
  c.dropped = stored_json::Int(*j, "dropped_messages");
  auto floor = ParseWatermark(j->value("floor", ordered_json::object()));
  if (!floor.ok()) return floor.status();
  c.floor = *floor;
  return std::optional<CompactionInfo>(c);
}

Result<RuleRegistry> ReplayRegistry(const StateStore& state, const RuleRegistry& extra) {
  RuleRegistry r = extra;
  Status err;
  VBP_RETURN_IF_ERROR(
      state.Scan(Space::kMeta, state_keys::kRuleSet, [&](std::string_view k, std::string_view v) {
        Status st = r.AddText(v, "state meta " + std::string(state_keys::RuleSetId(k)));
        if (!st.ok()) {
          err = Status::DataLoss("stored rule set does not load: " + st.message());
          return false;
        }
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  return r;
}

namespace {

struct Prepared {
  std::vector<RevisionChain> chains;
  HistoryIndex index;
  std::optional<CompactionInfo> compaction;
};

Result<Prepared> Prepare(const StateStore& state) {
  Prepared p;
  auto chains = LoadChains(state);
  if (!chains.ok()) return chains.status();
  p.chains = std::move(chains).value();
  auto index = HistoryIndex::Load(state);
  if (!index.ok()) return index.status();
  p.index = std::move(index).value();
  auto c = LoadCompaction(state);
  if (!c.ok()) return c.status();
  p.compaction = *c;
  return p;
}

std::optional<std::map<LogPartition, int64_t>> StopOf(const StoredRevision& s) {
  auto j = Parse(s.text);
  if (!j || !j->contains("revision_info")) return std::nullopt;
  auto wm = ParseWatermark((*j)["revision_info"].value("input_watermark", ordered_json()));
  if (!wm.ok() || Sum(*wm) != s.key_revision) return std::nullopt;
  return *wm;
}

}  // namespace

Result<RecalcResult> Recalculate(const StateStore& state, const ContractId& contract, int year,
                                 int64_t revision, const ReplayOptions& options) {
  auto prepared = Prepare(state);
  if (!prepared.ok()) return prepared.status();
  const RevisionChain* chain = nullptr;
  size_t at = 0;
  for (const auto& c : prepared->chains) {
    if (c.contract_id != contract || c.year != year) continue;
    chain = &c;
    for (at = 0; at < c.revisions.size() && c.revisions[at].key_revision != revision; ++at) {
    }
  }
  if (!chain) {
    return Status::NotFound("no stored revision of contract " + contract.str() + " year " +
                            std::to_string(year));
  }
  if (at == chain->revisions.size()) {
    std::string known;
    for (const auto& r : chain->revisions)
      known += (known.empty() ? "" : ", ") + std::to_string(r.key_revision);
    return Status::NotFound("contract " + contract.str() + " year " + std::to_string(year) +
                            " has no revision " + std::to_string(revision) + " (stored: " + known +
                            ")");
  }
  auto stop = StopOf(chain->revisions[at]);
  if (!stop) {
    return Status::DataLoss("revision " + std::to_string(revision) +
                            " has no usable input_watermark (run vbp verify)");
  }
  if (prepared->compaction && !AtOrAbove(*stop, prepared->compaction->floor)) {
    return Status::NotFound("revision " + std::to_string(revision) +
                            " cannot be recomputed: history below revision " +
                            std::to_string(prepared->compaction->before_revision) +
                            " was compacted (its hash chain is still verified)");
  }
  // Only this one chain matters: restrict the checker to it.
  std::vector<RevisionChain> one = {*chain};
  auto results = Recompute(state, one, prepared->index, {{*stop, false}}, options, false);
  if (!results.ok()) return results.status();
  for (auto& r : (*results)[revision].results) {
    if (r.revision == revision) return std::move(r);
  }
  return Status::Internal("the replay produced no result for revision " + std::to_string(revision));
}

Result<int64_t> RevisionAsOf(const StateStore& state, const ContractId& contract, int year,
                             Date as_of, const ChainKeys& keys) {
  auto revs = StreamingEngine::Revisions(state, contract, year, keys);
  if (!revs.ok()) return revs.status();
  std::optional<int64_t> best;
  for (const auto& r : *revs) {
    auto j = Parse(r.json);
    if (!j) continue;
    auto d = Date::Parse(stored_json::String(*j, "as_of"));
    if (d.ok() && *d <= as_of) best = r.revision;
  }
  if (!best) {
    return Status::NotFound("contract " + contract.str() + " year " + std::to_string(year) +
                            " has no revision with as_of on or before " + as_of.ToString());
  }
  return *best;
}

bool VerifyReport::ok() const {
  for (const auto& f : findings) {
    if (f.severity == Finding::Severity::kError) return false;
  }
  return true;
}

namespace {

// The stored chain holds the anchored revision with the anchored seal.
std::optional<Finding> CheckAnchor(const std::vector<RevisionChain>& chains, const Anchor& a) {
  Finding f;
  f.contract_id = a.contract_id;
  f.year = a.year;
  f.revision = a.revision;
  f.what = "anchor";
  const std::string published = a.source + " (seal " + a.hash + ")";
  for (const RevisionChain& c : chains) {
    if (c.contract_id.str() != a.contract_id || c.year != a.year) continue;
    for (const StoredRevision& r : c.revisions) {
      if (r.key_revision != a.revision) continue;
      auto j = Parse(r.text);
      const std::string stored = j ? stored_json::String(*j, "hash") : std::string();
      if (stored == a.hash) return std::nullopt;
      f.detail = "the stored revision's seal " + stored + " is not the published one in " +
                 published + ": the revision was rewritten after publication";
      return f;
    }
    f.detail = "published in " + published +
               " but not in the state: it was deleted, or the state was rolled back";
    return f;
  }
  f.detail = "published in " + published + " but the state holds no revision of this statement";
  return f;
}

}  // namespace

Result<VerifyReport> Verify(const StateStore& state, const VerifyOptions& options) {
  VerifyReport rep;
  auto prepared = Prepare(state);
  if (!prepared.ok()) return prepared.status();
  const auto& chains = prepared->chains;
  rep.chains = chains.size();
  for (const auto& c : chains) {
    rep.revisions += c.revisions.size();
    auto f = CheckChain(c, options.replay.chain_keys);
    rep.findings.insert(rep.findings.end(), f.begin(), f.end());
  }
  for (const Anchor& a : options.anchors) {
    if (auto f = CheckAnchor(chains, a)) rep.findings.push_back(std::move(*f));
  }
  // Unpublished markers must name stored revisions.
  Status err;
  VBP_RETURN_IF_ERROR(
      state.Scan(Space::kMeta, state_keys::kUnpublished, [&](std::string_view k, std::string_view) {
        std::string rev_key(state_keys::UnpublishedRevision(k));
        auto v = state.Get(Space::kRevisions, rev_key);
        if (!v.ok()) {
          err = v.status();
          return false;
        }
        if (!v->has_value()) {
          Finding x;
          if (auto key = state_keys::ParseRevision(rev_key)) {
            x.contract_id = key->contract.str();
            x.year = key->year;
            x.revision = key->revision;
          }
          x.what = "missing";
          x.detail = "a revision committed for publication is not in the store: it was deleted";
          rep.findings.push_back(std::move(x));
        }
        return true;
      }));
  VBP_RETURN_IF_ERROR(err);
  auto offsets = CurrentOffsets(state);
  if (!offsets.ok()) return offsets.status();
  rep.state_watermark = Sum(*offsets);
  if (!options.recompute) return rep;

  // Which revisions to recompute.
  std::vector<std::pair<size_t, size_t>> all;
  for (size_t c = 0; c < chains.size(); ++c) {
    for (size_t i = 0; i < chains[c].revisions.size(); ++i) all.push_back({c, i});
  }
  if (options.sample > 0 && options.sample < all.size()) {
    std::mt19937_64 rng(options.seed);
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(options.sample);
    std::sort(all.begin(), all.end());
  }
  std::map<int64_t, StopPlan> stops;
  int64_t last_round = -1;
  std::map<LogPartition, int64_t> last_round_stop;
  for (const auto& c : chains) {
    for (const auto& s : c.revisions) {
      if (s.key_revision > last_round) {
        auto st = StopOf(s);
        if (st) {
          last_round = s.key_revision;
          last_round_stop = *st;
        }
      }
    }
  }
  for (auto [c, i] : all) {
    const StoredRevision& s = chains[c].revisions[i];
    auto st = StopOf(s);
    if (!st) continue;  // the chain check names it
    if (prepared->compaction && !AtOrAbove(*st, prepared->compaction->floor)) {
      ++rep.not_recomputable;
      rep.findings.push_back({Finding::Severity::kNote, chains[c].contract_id.str(), chains[c].year,
                              s.key_revision, "not_recomputable",
                              "history below revision " +
                                  std::to_string(prepared->compaction->before_revision) +
                                  " was compacted; the hash chain still covers it"});
      continue;
    }
    stops[s.key_revision] = {*st, false};
  }
  if (last_round >= 0 &&
      (!prepared->compaction || AtOrAbove(last_round_stop, prepared->compaction->floor))) {
    stops[last_round] = {last_round_stop, false};
  }
  // The state's current input position (a deleted last revision shows here).
  if (!offsets->empty() && !stops.count(rep.state_watermark)) {
    stops[rep.state_watermark] = {*offsets, true};
  } else if (stops.count(rep.state_watermark)) {
    stops[rep.state_watermark].tail = true;
  }
  std::vector<StopPlan> list;
  for (auto& [w, s] : stops) list.push_back(s);
  auto results = Recompute(state, chains, prepared->index, list, options.replay, true);
  if (!results.ok()) return results.status();
  std::set<std::pair<size_t, size_t>> wanted(all.begin(), all.end());
  for (auto& [w, r] : *results) {
    for (auto& x : r.results) {
      ++rep.recomputed;
      if (x.identical) {
        ++rep.identical;
        continue;
      }
      Finding f;
      f.contract_id = x.contract_id.str();
      f.year = x.year;
      f.revision = x.revision;
      if (!x.error.empty()) {
        f.what = "replay";
        f.detail = "cannot recompute: " + x.error;
      } else if (!x.body_identical) {
        f.what = "figures";
        f.detail = "the statement recomputed from history differs from the stored one (" +
                   std::to_string(x.differences.size()) + " field(s); first: " +
                   (x.differences.empty() ? std::string("?") : x.differences.front()) + ")";
      } else {
        f.what = "revision_info";
        f.detail = "the statement matches but its revision_info/hash do not (" +
                   (x.differences.empty() ? std::string("?") : x.differences.front()) + ")";
      }
      rep.findings.push_back(std::move(f));
      rep.mismatches.push_back(std::move(x));
    }
    for (auto& f : r.findings) rep.findings.push_back(std::move(f));
  }
  std::stable_sort(rep.findings.begin(), rep.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     if (a.contract_id != b.contract_id) return a.contract_id < b.contract_id;
                     if (a.year != b.year) return a.year < b.year;
                     return a.revision < b.revision;
                   });
  return rep;
}

// ---------------------------------------------------------------------------------------
// Retention.

Result<CompactReport> CompactHistory(StateStore& state, const CompactOptions& options) {
  CompactReport rep;
  auto prepared = Prepare(state);
  if (!prepared.ok()) return prepared.status();
  auto offsets = CurrentOffsets(state);
  if (!offsets.ok()) return offsets.status();
  int64_t before = options.before_revision;
  if (prepared->compaction) before = std::max(before, prepared->compaction->before_revision);
  // Floor: the lowest input position any revision >= before needs, and never above the
  // state's own position (future revisions must replay too).
  std::map<LogPartition, int64_t> floor = *offsets;
  for (const auto& c : prepared->chains) {
    for (const auto& s : c.revisions) {
      auto st = StopOf(s);
      if (!st) continue;
      if (s.key_revision >= before) {
        ++rep.revisions_kept_recomputable;
        for (auto& [lp, v] : floor) {
          auto f = st->find(lp);
          v = std::min(v, f == st->end() ? 0 : f->second);
        }
      }
    }
  }
  for (const auto& c : prepared->chains) {
    for (const auto& s : c.revisions) {
      auto st = StopOf(s);
      if (st && s.key_revision < before && !AtOrAbove(*st, floor)) ++rep.revisions_not_recomputable;
    }
  }
  rep.messages = static_cast<int64_t>(prepared->index.messages);
  StateStore::Batch batch;
  auto drop = [&](const std::string& key) {
    ++rep.dropped;
    if (!options.dry_run) batch.Delete(Space::kHistory, key);
    auto v = state.Get(Space::kHistory, key);
    if (v.ok() && v->has_value()) rep.bytes_dropped += static_cast<int64_t>((*v)->size());
  };
  for (const auto& [lp, entries] : prepared->index.partitions) {
    auto ff = floor.find(lp);
    const int64_t fl = ff == floor.end() ? 0 : ff->second;
    // Messages below the floor, in offset order.
    size_t n = 0;
    while (n < entries.size() && entries[n].offset < fl) ++n;
    if (n == 0) continue;
    std::vector<bool> keep(n, false);
    keep[n - 1] = true;  // it sets the partition's input watermark
    // Group by key; for claims simulate the version decisions.
    struct ClaimGroup {
      std::optional<ClaimHead> head;
      size_t effective = 0;
    };
    std::map<std::string, ClaimGroup> claims;
    std::map<std::string, size_t> last;  // member, provider (npi|effective), contract
    std::optional<Date> max_paid;
    size_t max_paid_at = 0;
    for (size_t i = 0; i < n; ++i) {
      const HistoryEntry& e = entries[i];
      // Every claim record read stays: the statements' data quality counts the rejected and
      // superseded ones (rules/core/data_quality.h), and must recompute the same.
      const bool claims_topic =
          lp.topic.size() >= 6 && lp.topic.compare(lp.topic.size() - 6, 6, "claims") == 0;
      if (e.kind == 'c' || (e.kind == 'x' && claims_topic)) {
        keep[i] = true;
        continue;
      }
      if (e.kind == 'x') continue;
      if (e.kind == 'm' || e.kind == 'k') {
        last[std::string(1, e.kind) + e.group] = i;
        continue;
      }
      auto v = state.Get(Space::kHistory, e.key);
      if (!v.ok()) return v.status();
      if (!v->has_value()) continue;
      const RecordKind kind = e.kind == 'c' ? RecordKind::kClaim : RecordKind::kProvider;
      DecodeOutcome d = options.decode(**v, SourcePos{lp.topic, lp.partition, e.offset}, kind);
      if (!d.record) continue;
      if (e.kind == 'p') {
        const Provider& p = std::get<Provider>(*d.record);
        last["p" + p.npi.str() + "|" + p.effective.ToString()] = i;
        continue;
      }
      const Claim& c = std::get<Claim>(*d.record);
      ClaimGroup& g = claims[c.claim_id.str()];
      const VersionDecision dec =
          DecideVersion(g.head ? &*g.head : nullptr, c.version, c.content_hash);
      if (dec == VersionDecision::kConflict) continue;
      if (dec == VersionDecision::kApply) {
        g.head = ClaimHead{c.version, c.frequency, c.content_hash};
        g.effective = i;
      }
      if (!max_paid || c.paid_date > *max_paid) {
        max_paid = c.paid_date;
        max_paid_at = i;
      }
    }
    for (const auto& [id, g] : claims) {
      if (g.head) keep[g.effective] = true;
    }
    for (const auto& [k, i] : last) keep[i] = true;
    if (max_paid) keep[max_paid_at] = true;
    for (size_t i = 0; i < n; ++i) {
      if (!keep[i]) drop(entries[i].key);
    }
  }
  // Copies of messages read again after a reset of the offsets say nothing the first copy
  // does not: all of them go.
  for (const auto& key : prepared->index.copies) drop(key);
  rep.info.before_revision = before;
  rep.info.floor = floor;
  rep.info.dropped = rep.dropped + (prepared->compaction ? prepared->compaction->dropped : 0);
  if (!options.dry_run) {
    ordered_json j;
    j["before_revision"] = before;
    ordered_json fj = ordered_json::object();
    for (const auto& [lp, v] : floor) fj[lp.ToString()] = v;
    j["floor"] = fj;
    j["dropped_messages"] = rep.info.dropped;
    batch.Put(Space::kMeta, state_keys::kHistoryCompacted, j.dump());
    VBP_RETURN_IF_ERROR(state.Commit(batch, true));
  }
  return rep;
}

}  // namespace vbp::audit
