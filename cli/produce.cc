// `vbp produce`: streams an NDJSON file into a Kafka topic, one record per non-blank line,
// keyed by a JSON field (member_id for claims and members, npi for providers, contract_id for
// contracts), zstd-compressed and idempotent. Exits 1 if any record was not delivered.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/common.h"
#include "cli/import_formats.h"
#include "cli/verbs.h"
#include "connectors/kafka/json_key.h"
#include "connectors/kafka/kafka_types.h"
#include "connectors/kafka/producer.h"
#include "engine/core/ports.h"

namespace vbp::cli {
namespace {

constexpr size_t kReadChunkBytes = 1 << 20;
constexpr auto kProgressInterval = std::chrono::milliseconds(250);

struct ProduceFlags {
  std::string brokers;
  std::string topic;
  std::string file;
  std::string key_field;
  std::vector<std::string> settings;
  std::vector<std::string> property_files;
  bool progress = false;
  int flush_timeout_ms = 120000;
  // --format cclf|fhir: convert claims files while producing them to the SPEC §5 topics.
  std::string format = "ndjson";
  ImportInputs import;
  std::string prefix = "vbp.";
  std::string rejects;
  std::string report;
};

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Reads a file line by line in large chunks (no per-line allocation).
class LineReader {
 public:
  explicit LineReader(std::FILE* f) : f_(f) { buf_.reserve(2 * kReadChunkBytes); }
  // The next line without its '\n' (and '\r'), or nullopt at the end of the file.
  std::optional<std::string_view> Next() {
    while (true) {
      const char* base = buf_.data() + pos_;
      const void* nl = std::memchr(base, '\n', buf_.size() - pos_);
      if (nl != nullptr) {
        const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - base);
        std::string_view line(base, len);
        pos_ += len + 1;
        return Trim(line);
      }
      if (eof_) {
        if (pos_ == buf_.size()) return std::nullopt;
        std::string_view line(base, buf_.size() - pos_);
        pos_ = buf_.size();
        return Trim(line);
      }
      buf_.erase(0, pos_);
      pos_ = 0;
      const size_t old = buf_.size();
      buf_.resize(old + kReadChunkBytes);
      const size_t n = std::fread(buf_.data() + old, 1, kReadChunkBytes, f_);
      buf_.resize(old + n);
      if (n == 0) {
        eof_ = true;
        if (std::ferror(f_)) error_ = true;
      }
    }
  }
  bool error() const { return error_; }

 private:
  static std::string_view Trim(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  std::FILE* f_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool error_ = false;
};

std::string Thousands(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// The producer's librdkafka properties: bootstrap servers, then -F files, then -X/--set.
Result<kafka::KafkaConfig> ProducerConfig(const ProduceFlags& flags) {
  kafka::KafkaConfig config;
  config["bootstrap.servers"] = flags.brokers;
  std::vector<std::string> settings;
  for (const std::string& file : flags.property_files) {  // -F first: -X/--set override them
    VBP_ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadPropertiesFile(file));
    settings.insert(settings.end(), lines.begin(), lines.end());
  }
  settings.insert(settings.end(), flags.settings.begin(), flags.settings.end());
  for (const std::string& kv : settings) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Invalid("--set expects key=value, got '" + kv + "'");
    }
    config[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return config;
}

// A record sink that sends each line to one topic, keyed by its top-level key field (SPEC §5:
// member_id for claims and members, npi for providers, contract_id for contracts).
class TopicLineSink final : public generate::LineSink {
 public:
  TopicLineSink(kafka::Producer* producer, std::string topic)
      : producer_(producer),
        topic_(std::move(topic)),
        key_field_(kafka::DefaultKeyField(topic_).value_or("")) {}
  Status Append(std::string_view line) override {
    ++lines_;
    bytes_ += static_cast<int64_t>(line.size());
    std::optional<std::string> key = kafka::ExtractTopLevelField(line, key_field_);
    return producer_->Produce(topic_, key ? std::string_view(*key) : std::string_view(), line);
  }
  Status Finish() override { return Status::Ok(); }  // one flush for every topic
  const std::string& topic() const { return topic_; }

 private:
  kafka::Producer* producer_;
  std::string topic_;
  std::string key_field_;
};

// vbp produce --format cclf|fhir: the importer's records go straight to the input topics.
int RunProduceConverted(const ProduceFlags& flags) {
  if (!flags.topic.empty() || !flags.file.empty()) {
    std::fprintf(stderr,
                 "vbp produce: --format %s converts claims files to every input topic: give "
                 "--dir (and --contract, --roster), not --topic / --file\n",
                 flags.format.c_str());
    return 2;
  }
  auto config = ProducerConfig(flags);
  auto producer = config.ok() ? kafka::Producer::Create({*config, nullptr})
                              : Result<std::unique_ptr<kafka::Producer>>(config.status());
  if (!producer.ok()) {  // a bad property: bad usage
    std::fprintf(stderr, "vbp produce: %s\n", producer.status().ToString().c_str());
    return 2;
  }
  const TopicNames topics(flags.prefix);
  TopicLineSink members(producer->get(), topics.members);
  TopicLineSink providers(producer->get(), topics.providers);
  TopicLineSink claims(producer->get(), topics.claims);
  TopicLineSink contracts(producer->get(), topics.contracts);
  generate::StringLineSink kept_rejects;
  std::unique_ptr<generate::FileLineSink> rejects_file;
  generate::LineSink* rejects = &kept_rejects;
  if (!flags.rejects.empty()) {
    auto f = generate::FileLineSink::Create(flags.rejects);
    if (!f.ok()) return Fail("produce", f.status());
    rejects_file = std::move(*f);
    rejects = rejects_file.get();
  }
  const ImportSinkSet sinks{&members, &providers, &claims, &contracts, rejects};
  const auto start = std::chrono::steady_clock::now();
  auto run = flags.format == "cclf" ? RunCclfImport(flags.import, sinks)
                                    : RunFhirImport(flags.import, sinks);
  if (!run.ok()) {
    std::fprintf(stderr, "vbp produce: %s\n", run.status().ToString().c_str());
    return run.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  const Status flushed = (*producer)->Flush(flags.flush_timeout_ms);
  if (Status st = rejects->Finish(); !st.ok()) return Fail("produce", st);
  if (!flags.report.empty()) {
    if (Status st = WriteFile(flags.report, run->report.dump(2) + "\n"); !st.ok()) {
      return Fail("produce", st);
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const kafka::DeliveryStats& s = (*producer)->stats();
  std::fprintf(stderr, "vbp produce: %s converted in %.2f s: %s\n", flags.format.c_str(), secs,
               run->summary.c_str());
  for (const TopicLineSink* t : {&members, &providers, &claims, &contracts}) {
    std::fprintf(stderr, "  %-16s %s records\n", t->topic().c_str(), Thousands(t->lines()).c_str());
  }
  std::fprintf(
      stderr, "  delivered %s, failed %s; %s rows rejected%s\n", Thousands(s.delivered).c_str(),
      Thousands(s.failed).c_str(), Thousands(rejects->lines()).c_str(),
      rejects->lines() > 0 && flags.rejects.empty() ? " (write them with --rejects FILE)" : "");
  if (!flushed.ok()) {
    std::fprintf(stderr, "vbp produce: %s\n", flushed.ToString().c_str());
    return 1;
  }
  return s.failed == 0 ? 0 : 1;
}

int RunProduce(const ProduceFlags& flags) {
  if (flags.format != "ndjson") return RunProduceConverted(flags);
  if (flags.topic.empty() || flags.file.empty()) {
    std::fprintf(stderr,
                 "vbp produce: --topic and --file are required (or --format cclf|fhir "
                 "with --dir)\n");
    return 2;
  }
  auto config_or = ProducerConfig(flags);
  if (!config_or.ok()) {
    std::fprintf(stderr, "vbp produce: %s\n", config_or.status().ToString().c_str());
    return 2;
  }
  kafka::KafkaConfig config = std::move(config_or).value();
  std::optional<std::string> key_field;
  if (!flags.key_field.empty()) {
    key_field = flags.key_field;
  } else {
    key_field = kafka::DefaultKeyField(flags.topic);
    if (!key_field) {
      std::fprintf(stderr,
                   "vbp produce: no --key given and topic '%s' has no default key field: "
                   "records are produced without key (spread over partitions)\n",
                   flags.topic.c_str());
    }
  }
  std::FILE* f = flags.file == "-" ? stdin : std::fopen(flags.file.c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "vbp produce: cannot open %s: %s\n", flags.file.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f == stdin ? nullptr : f, &std::fclose);

  Result<std::unique_ptr<kafka::Producer>> producer = kafka::Producer::Create({config, nullptr});
  if (!producer.ok()) {
    std::fprintf(stderr, "vbp produce: %s\n", producer.status().ToString().c_str());
    return 2;
  }
  kafka::Producer& p = **producer;
  const bool show_progress = flags.progress || isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto next_progress = start + kProgressInterval;
  auto print_progress = [&](bool final_line) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const kafka::DeliveryStats& s = p.stats();
    const double mb = static_cast<double>(s.value_bytes) / 1e6;
    std::fprintf(
        stderr, "\r  %s records  %.1f MB  %.0f rec/s  %.1f MB/s  delivered %s%s",
        Thousands(s.produced).c_str(), mb, secs > 0 ? static_cast<double>(s.produced) / secs : 0.0,
        secs > 0 ? mb / secs : 0.0, Thousands(s.delivered).c_str(), final_line ? "\n" : "   ");
  };

  LineReader reader(f);
  uint64_t line_no = 0;
  uint64_t blank = 0;
  uint64_t missing_key = 0;
  uint64_t first_missing_line = 0;
  Status st;
  while (std::optional<std::string_view> line = reader.Next()) {
    ++line_no;
    if (IsBlank(*line)) {
      ++blank;
      continue;
    }
    std::optional<std::string> key;
    if (key_field) {
      key = kafka::ExtractTopLevelField(*line, *key_field);
      if (!key) {
        if (missing_key++ == 0) first_missing_line = line_no;
      }
    }
    st = p.Produce(flags.topic, key ? std::string_view(*key) : std::string_view(), *line);
    if (!st.ok()) {
      std::fprintf(stderr, "\nvbp produce: %s:%llu: %s\n", flags.file.c_str(),
                   static_cast<unsigned long long>(line_no), st.ToString().c_str());
      break;
    }
    if (show_progress && (line_no & 1023) == 0 &&
        std::chrono::steady_clock::now() >= next_progress) {
      print_progress(false);
      next_progress = std::chrono::steady_clock::now() + kProgressInterval;
    }
  }
  if (reader.error()) {
    std::fprintf(stderr, "\nvbp produce: read error on %s after line %llu\n", flags.file.c_str(),
                 static_cast<unsigned long long>(line_no));
    if (st.ok()) st = Status::Io("read error");
  }
  const Status flushed = p.Flush(flags.flush_timeout_ms);
  if (show_progress) print_progress(true);
  const kafka::DeliveryStats& s = p.stats();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "vbp produce: %s records (%.1f MB) from %s to %s in %.2f s: delivered %s, "
               "failed %s; %s blank line(s) skipped\n",
               Thousands(s.produced).c_str(), static_cast<double>(s.value_bytes) / 1e6,
               flags.file.c_str(), flags.topic.c_str(), secs, Thousands(s.delivered).c_str(),
               Thousands(s.failed).c_str(), Thousands(blank).c_str());
  if (missing_key > 0) {
    std::fprintf(stderr,
                 "vbp produce: warning: %s record(s) have no top-level '%s' (first at line "
                 "%llu): produced with an empty key\n",
                 Thousands(missing_key).c_str(), key_field->c_str(),
                 static_cast<unsigned long long>(first_missing_line));
  }
  if (!flushed.ok()) {
    std::fprintf(stderr, "vbp produce: %s\n", flushed.ToString().c_str());
    return 1;
  }
  return st.ok() ? 0 : 1;
}

}  // namespace

void AddProduceCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ProduceFlags>();
  auto* cmd = app.add_subcommand("produce", "Stream an NDJSON file into a Kafka topic");
  cmd->add_option("--brokers", flags->brokers, "Kafka bootstrap servers, HOST:PORT[,...]")
      ->required();
  cmd->add_option("--topic", flags->topic, "Target topic, e.g. vbp.claims (NDJSON input)");
  cmd->add_option("--file", flags->file, "NDJSON file, one record per line ('-': stdin)");
  cmd->add_option("--format", flags->format,
                  "ndjson (default: --file to --topic), or cclf / fhir: convert the claims files "
                  "of --dir while producing them to <prefix>members, providers, claims, "
                  "contracts (the options of `vbp import cclf|fhir`)")
      ->check(CLI::IsMember({"ndjson", "cclf", "fhir"}));
  AddImportInputOptions(cmd, &flags->import, /*cclf=*/true);
  cmd->add_option("--prefix", flags->prefix, "topic prefix with --format (default vbp.)");
  cmd->add_option("--rejects", flags->rejects, "with --format: rows that could not be mapped");
  cmd->add_option("--report", flags->report, "with --format: IMPORT_REPORT.json");
  cmd->add_option("--key", flags->key_field,
                  "Top-level JSON field used as the record key (default by topic: claims and "
                  "members -> member_id, providers -> npi, contracts -> contract_id)");
  cmd->add_option("-X,--set", flags->settings,
                  "librdkafka property key=value, repeatable, as kcat's -X "
                  "(security.protocol=SSL, compression.type=lz4, ...)");
  cmd->add_option("-F,--properties-file", flags->property_files,
                  "librdkafka properties file (key=value lines, # comments), as kcat's -F; "
                  "-X/--set override it");
  cmd->add_flag("--progress", flags->progress, "Show progress even when stderr is not a TTY");
  cmd->add_option("--flush-timeout-ms", flags->flush_timeout_ms,
                  "How long to wait for the last deliveries")
      ->capture_default_str();
  cmd->callback([flags, exit_code] { *exit_code = RunProduce(*flags); });
}

}  // namespace vbp::cli
