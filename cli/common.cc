#include "cli/common.h"

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "connectors/codec/statement_formats.h"

namespace vbp::cli {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Io("cannot read " + path);
  return ss.str();
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  if (path == "-") {  // standard output
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() ||
        std::fflush(stdout) != 0) {
      return Status::Io(std::string("cannot write to standard output: ") + std::strerror(errno));
    }
    return Status::Ok();
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Io("cannot write " + path + ": " + std::strerror(errno));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Status::Io("cannot write " + path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Io("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<RuleRegistry> LoadRegistry(const std::vector<std::string>& rule_files) {
  RuleRegistry r = RuleRegistry::Shipped();
  for (const auto& f : rule_files) {
    auto text = ReadFile(f);
    if (!text.ok()) return text.status();
    bool replaced = false;
    Status st = r.AddText(*text, f, &replaced);
    if (!st.ok()) return st;
    if (replaced)
      Log("warn", "rule set file replaces a shipped rule set of the same id", {{"file", f}});
  }
  return r;
}

Result<std::vector<std::string>> ReadPropertiesFile(const std::string& path) {
  VBP_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) {
      v.remove_suffix(1);
    }
    return v;
  };
  std::vector<std::string> out;
  std::string_view rest = text;
  for (int line = 1; !rest.empty(); ++line) {
    const size_t nl = rest.find('\n');
    const std::string_view raw = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (raw.empty() || raw.front() == '#' || raw.front() == '!') continue;
    const size_t eq = raw.find('=');
    if (eq == std::string_view::npos || trim(raw.substr(0, eq)).empty()) {
      return Status::Invalid(path + ":" + std::to_string(line) +
                             ": expected key=value (a librdkafka property)");
    }
    out.push_back(std::string(trim(raw.substr(0, eq))) + "=" +
                  std::string(trim(raw.substr(eq + 1))));
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseProperties(const std::vector<std::string>& sets) {
  std::map<std::string, std::string> out;
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Invalid("--set '" + s + "': expected key=value (a librdkafka property)");
    }
    out[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return out;
}

std::string StatementsFile(const std::vector<std::string>& statement_json) {
  std::string out = "[\n";
  for (size_t i = 0; i < statement_json.size(); ++i) {
    out += statement_json[i];
    out += i + 1 < statement_json.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

Status WriteStatements(const std::string& path, const std::string& format,
                       const std::vector<std::string>& statement_json) {
  VBP_ASSIGN_OR_RETURN(codec::StatementFormat f, codec::ParseStatementFormat(format));
  switch (f) {
    case codec::StatementFormat::kJson:
      return WriteFile(path, StatementsFile(statement_json));
    case codec::StatementFormat::kCsv: {
      VBP_ASSIGN_OR_RETURN(std::string csv, codec::StatementsCsv(statement_json));
      return WriteFile(path, csv);
    }
    case codec::StatementFormat::kFhir: {
      VBP_ASSIGN_OR_RETURN(std::string bundles, codec::StatementsFhirNdjson(statement_json));
      return WriteFile(path, bundles);
    }
  }
  return Status::Invalid("unknown statement format");
}

std::string StatementTable(const std::vector<std::string>& statement_json) {
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof(buf), "%-12s %4s %8s %10s %16s %16s %9s %9s %14s %14s %12s %14s\n",
                "contract", "PY", "members", "pers-yrs", "benchmark", "expenditure", "sav.rate",
                "msr", "shared_sav", "shared_loss", "pmpm", "net_payment");
  out += buf;
  for (const auto& s : statement_json) {
    auto j = nlohmann::json::parse(s);
    auto pct = [](const std::string& rate) {
      auto r = ParseExactDecimal(rate);
      return r.ok() ? FormatHalfEven(*r * 100, 2) + "%" : rate;
    };
    std::snprintf(
        buf, sizeof(buf), "%-12s %4d %8lld %10s %16s %16s %9s %9s %14s %14s %12s %14s\n",
        j["contract_id"].get<std::string>().c_str(), j["performance_year"].get<int>(),
        static_cast<long long>(j["assigned_members"].get<int64_t>()),
        FormatHalfEven(*ParseExactDecimal(j["person_years"].get<std::string>()), 2).c_str(),
        j["benchmark_total"].get<std::string>().c_str(),
        j["expenditure_total"].get<std::string>().c_str(),
        pct(j["savings_rate"].get<std::string>()).c_str(), pct(j["msr"].get<std::string>()).c_str(),
        j["shared_savings"].get<std::string>().c_str(),
        j["shared_losses"].get<std::string>().c_str(), j["pmpm_total"].get<std::string>().c_str(),
        j["net_payment"].get<std::string>().c_str());
    out += buf;
  }
  for (const auto& s : statement_json) {
    const auto j = nlohmann::json::parse(s);
    std::string line = DataQualityLine(j);
    if (!line.empty()) out += line + "\n";
    line = QualityLine(j);
    if (!line.empty()) out += line + "\n";
  }
  return out;
}

std::string QualityLine(const nlohmann::json& statement) {
  const auto d = statement.find("detail");
  if (d == statement.end() || !d->is_object() || d->value("quality_source", "") != "measures" ||
      !d->contains("quality") || !(*d)["quality"].is_object()) {
    return "";
  }
  const nlohmann::json& q = (*d)["quality"];
  std::string parts;
  for (const auto& m : q.value("measures", nlohmann::json::array())) {
    const auto& t = m["tally"];
    const int64_t eligible = t.value("denominator", int64_t{0}) - t.value("exclusions", int64_t{0});
    parts += (parts.empty() ? "" : ", ") + m.value("measure_id", std::string("?")) + " " +
             std::to_string(t.value("numerator", int64_t{0})) + "/" + std::to_string(eligible) +
             (m.value("scored", false) ? " (" + m.value("points", std::string("?")) + " pts)"
                                       : " (not scored)");
  }
  const std::string score = statement.value("quality_score", std::string("?"));
  const auto exact = ParseExactDecimal(score);
  return statement.value("contract_id", std::string("?")) + ": quality from the claims-based " +
         "measures: " + parts + "; q " + (exact.ok() ? FormatHalfEven(*exact, 4) : score);
}

std::string DataQualityLine(const nlohmann::json& statement) {
  auto f = statement.find("data_quality");
  if (f == statement.end() || !f->is_object()) return "";
  const nlohmann::json& q = *f;
  std::string parts;
  auto add = [&parts](const std::string& text) {
    parts += parts.empty() ? "" : "; ";
    parts += text;
  };
  auto count = [&q](const char* key) { return q.value(key, int64_t{0}); };
  if (count("rejected_claim_records") > 0) {
    add(std::to_string(count("rejected_claim_records")) + " claim records rejected (paid " +
        q.value("rejected_paid_total", std::string("?")) + " not counted)");
  }
  if (count("superseded_claim_records") > 0) {
    add(std::to_string(count("superseded_claim_records")) + " superseded");
  }
  int64_t warnings = 0;
  std::string by_field;
  const auto cw = q.find("code_warnings");
  const nlohmann::json fields = cw != q.end() && cw->is_object() ? *cw : nlohmann::json::object();
  for (const auto& [field, n] : fields.items()) {
    if (n.get<int64_t>() == 0) continue;
    warnings += n.get<int64_t>();
    by_field += (by_field.empty() ? "" : ", ") + field + " " + std::to_string(n.get<int64_t>());
  }
  if (warnings > 0) {
    add(std::to_string(warnings) + " codes of unexpected shape (" + by_field +
        "; kept, matching no code list)");
  }
  if (count("claims_of_unknown_members") > 0) {
    add(std::to_string(count("claims_of_unknown_members")) +
        " claims of members without a member record (paid " +
        q.value("claims_of_unknown_members_paid_total", std::string("?")) + ")");
  }
  if (count("unknown_rendering_npis") > 0) {
    add(std::to_string(count("unknown_rendering_npis")) + " rendering NPIs not on the roster");
  }
  if (count("members_with_overlapping_coverage") > 0) {
    add(std::to_string(count("members_with_overlapping_coverage")) +
        " members with overlapping coverage spans (" +
        std::to_string(count("overlapping_coverage_months")) +
        " months under two or more spans: typed by the latest-starting span, rules/README.md "
        "decision 1)");
  }
  if (parts.empty()) return "";
  return "data quality " + statement.value("contract_id", std::string("?")) + " PY " +
         std::to_string(statement.value("performance_year", 0)) + ": " + parts;
}

int Fail(const std::string& verb, const Status& st) {
  std::fprintf(stderr, "vbp %s: %s\n", verb.c_str(), st.ToString().c_str());
  return 1;
}

Result<std::string> FinishImport(const std::vector<generate::LineSink*>& files,
                                 const std::string& out_dir, const nlohmann::ordered_json& report) {
  for (generate::LineSink* file : files) VBP_RETURN_IF_ERROR(file->Finish());
  std::string text = report.dump(2) + "\n";
  VBP_RETURN_IF_ERROR(generate::WriteWholeFile(
      (std::filesystem::path(out_dir) / "IMPORT_REPORT.json").string(), text));
  return text;
}

}  // namespace vbp::cli
