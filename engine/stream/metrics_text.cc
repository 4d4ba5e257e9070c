#include "engine/stream/metrics_text.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace vbp {

namespace {

// A Prometheus label value: backslash, double quote and line feed escaped.
std::string LabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Micros since the Unix epoch as seconds with millisecond precision ("1796645514.127").
std::string UnixSeconds(int64_t micros) {
  const int64_t ms = micros / 1000;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buf;
}

}  // namespace

std::string PrometheusText(const EngineMetrics& m, int64_t clock_to_unix_micros) {
  std::string out;
  auto line = [&out](const std::string& s) {
    out += s;
    out += '\n';
  };
  // Read records are their own family: the outcomes add up to them, so a `sum` over
  // vbp_records_total counts each record once.
  line("# HELP vbp_records_read_total Input records read, by kind.");
  line("# TYPE vbp_records_read_total counter");
  const std::pair<const char*, const KindCounts*> kinds[] = {{"claim", &m.counts.claims},
                                                             {"member", &m.counts.members},
                                                             {"provider", &m.counts.providers},
                                                             {"contract", &m.counts.contracts}};
  for (auto [kind, k] : kinds) {
    line(std::string("vbp_records_read_total{kind=\"") + kind + "\"} " + std::to_string(k->read));
  }
  line(
      "# HELP vbp_records_total Input records by kind and outcome (applied + superseded + "
      "rejected = vbp_records_read_total).");
  line("# TYPE vbp_records_total counter");
  for (auto [kind, k] : kinds) {
    for (auto [outcome, v] :
         {std::pair{"applied", k->applied}, std::pair{"superseded", k->superseded},
          std::pair{"rejected", k->rejected}}) {
      line(std::string("vbp_records_total{kind=\"") + kind + "\",outcome=\"" + outcome + "\"} " +
           std::to_string(v));
    }
  }
  line(
      "# HELP vbp_consumer_lag_messages Messages between the engine's position and the partition "
      "end.");
  line("# TYPE vbp_consumer_lag_messages gauge");
  for (const auto& l : m.lag) {
    line("vbp_consumer_lag_messages{topic=\"" + l.part.topic + "\",partition=\"" +
         std::to_string(l.part.partition) + "\"} " +
         std::to_string(std::max<int64_t>(0, l.end - l.position)));
  }
  line("# HELP vbp_batch_latency_seconds Time to apply, commit and publish one batch.");
  line("# TYPE vbp_batch_latency_seconds histogram");
  int64_t cumulative = 0;
  for (size_t i = 0; i < std::size(kLatencyBoundsUs); ++i) {
    cumulative += i < m.batch_latency_buckets_us.size() ? m.batch_latency_buckets_us[i] : 0;
    char le[32];
    std::snprintf(le, sizeof(le), "%lld.%06lld",
                  static_cast<long long>(kLatencyBoundsUs[i] / 1000000),
                  static_cast<long long>(kLatencyBoundsUs[i] % 1000000));
    line(std::string("vbp_batch_latency_seconds_bucket{le=\"") + le + "\"} " +
         std::to_string(cumulative));
  }
  cumulative += m.batch_latency_buckets_us.empty() ? 0 : m.batch_latency_buckets_us.back();
  line("vbp_batch_latency_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative));
  char sum[48];
  std::snprintf(sum, sizeof(sum), "%lld.%06lld",
                static_cast<long long>(m.batch_latency_sum_us / 1000000),
                static_cast<long long>(m.batch_latency_sum_us % 1000000));
  line(std::string("vbp_batch_latency_seconds_sum ") + sum);
  line("vbp_batch_latency_seconds_count " + std::to_string(cumulative));
  line("# HELP vbp_state_bytes Approximate size of the state store.");
  line("# TYPE vbp_state_bytes gauge");
  line("vbp_state_bytes " + std::to_string(m.state_bytes));
  line("# HELP vbp_batches_total Batches applied and committed.");
  line("# TYPE vbp_batches_total counter");
  line("vbp_batches_total " + std::to_string(m.batches));
  line("# HELP vbp_messages_total Input messages applied by this process since it started.");
  line("# TYPE vbp_messages_total counter");
  line("vbp_messages_total " + std::to_string(m.messages));
  line("# HELP vbp_commits_total State store commits.");
  line("# TYPE vbp_commits_total counter");
  line("vbp_commits_total " + std::to_string(m.commits));
  line("# HELP vbp_members_recomputed_total Member evaluations recomputed.");
  line("# TYPE vbp_members_recomputed_total counter");
  line("vbp_members_recomputed_total " + std::to_string(m.members_recomputed));
  line("# HELP vbp_revisions_published_total Statement revisions published.");
  line("# TYPE vbp_revisions_published_total counter");
  line("vbp_revisions_published_total " + std::to_string(m.revisions_published));
  line("# HELP vbp_rejects_published_total Reject records published.");
  line("# TYPE vbp_rejects_published_total counter");
  line("vbp_rejects_published_total " + std::to_string(m.rejects_published));
  line("# HELP vbp_caught_up 1 when every assigned partition is read to its end.");
  line("# TYPE vbp_caught_up gauge");
  line(std::string("vbp_caught_up ") + (m.caught_up ? "1" : "0"));
  line("# HELP vbp_ready 1 when the service is ready: caught up and no error (GET /ready).");
  line("# TYPE vbp_ready gauge");
  line(std::string("vbp_ready ") + (IsReady(m) ? "1" : "0"));
  line(
      "# HELP vbp_last_revision_timestamp_seconds When the latest statement revision of a "
      "contract and performance year was delivered (Unix time).");
  line("# TYPE vbp_last_revision_timestamp_seconds gauge");
  for (const auto& [id, micros] : m.last_revision_micros) {
    line("vbp_last_revision_timestamp_seconds{contract=\"" + LabelValue(id.first) + "\",year=\"" +
         std::to_string(id.second) + "\"} " + UnixSeconds(micros + clock_to_unix_micros));
  }
  return out;
}

bool IsReady(const EngineMetrics& m) { return m.last_error.empty() && m.caught_up; }

std::string ReadyJson(const EngineMetrics& m) {
  nlohmann::ordered_json j;
  j["ready"] = IsReady(m);
  j["reason"] = !m.last_error.empty() ? "stopped on an error: " + m.last_error
                : !m.caught_up        ? std::string(
                                            "catching up: assigned partitions not read "
                                                   "to their end yet")
                               : std::string("caught up");
  return j.dump();
}

std::string HealthJson(const EngineMetrics& m) {
  nlohmann::ordered_json j;
  j["status"] = m.last_error.empty() ? "ok" : "error";
  j["caught_up"] = m.caught_up;
  j["messages"] = m.messages;
  j["last_error"] = m.last_error;
  return j.dump();
}

}  // namespace vbp
