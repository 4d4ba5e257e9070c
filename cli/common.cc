#include "cli/common.h"

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

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
    if (replaced) Log("warn", "rule set file replaces a shipped rule set of the same id", {{"file", f}});
  }
  return r;
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

void Log(const char* level, const std::string& msg,
         const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::ordered_json j;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  char ts[32];
  std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  j["ts"] = ts;
  j["level"] = level;
  j["msg"] = msg;
  for (const auto& [k, v] : fields) j[k] = v;
  std::fprintf(stderr, "%s\n", j.dump().c_str());
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
    std::snprintf(buf, sizeof(buf), "%-12s %4d %8lld %10s %16s %16s %9s %9s %14s %14s %12s %14s\n",
                  j["contract_id"].get<std::string>().c_str(), j["performance_year"].get<int>(),
                  static_cast<long long>(j["assigned_members"].get<int64_t>()),
                  FormatHalfEven(*ParseExactDecimal(j["person_years"].get<std::string>()), 2).c_str(),
                  j["benchmark_total"].get<std::string>().c_str(),
                  j["expenditure_total"].get<std::string>().c_str(),
                  pct(j["savings_rate"].get<std::string>()).c_str(),
                  pct(j["msr"].get<std::string>()).c_str(),
                  j["shared_savings"].get<std::string>().c_str(),
                  j["shared_losses"].get<std::string>().c_str(),
                  j["pmpm_total"].get<std::string>().c_str(),
                  j["net_payment"].get<std::string>().c_str());
    out += buf;
  }
  return out;
}

int Fail(const std::string& verb, const Status& st) {
  std::fprintf(stderr, "vbp %s: %s\n", verb.c_str(), st.ToString().c_str());
  return 1;
}

}  // namespace vbp::cli
