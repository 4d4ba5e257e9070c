#pragma once
// Helpers shared by the verbs (composition root only): reading files, rule registries,
// librdkafka property passthrough, structured logs, statement files.

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/ingest/generate/ndjson_writer.h"
#include "domain/status.h"
#include "engine/core/rule_registry.h"

namespace vbp::cli {

Result<std::string> ReadFile(const std::string& path);
Status WriteFile(const std::string& path, const std::string& bytes);

// The shipped rule sets plus every `--rules FILE` (a warning is logged when a file replaces
// a shipped rule set of the same id with different content).
Result<RuleRegistry> LoadRegistry(const std::vector<std::string>& rule_files);

// "key=value" pairs (from --set) into a librdkafka property map.
// The key=value lines of a Java/librdkafka properties file (kcat -F): blank lines and lines
// starting with '#' or '!' are skipped, blanks around key and value are trimmed. A line
// without '=' is an error naming the file and line.
Result<std::vector<std::string>> ReadPropertiesFile(const std::string& path);

Result<std::map<std::string, std::string>> ParseProperties(const std::vector<std::string>& sets);

// A JSON-lines log record on stderr through the process logger (cli/log.h): {"ts", "level",
// "msg", fields...}; numbers in `fields` stay JSON numbers. Wall time is only a log
// attribute, never an input to a figure. `level`: "debug", "info", "warn" or "error".
void Log(const char* level, const std::string& msg,
         const nlohmann::ordered_json& fields = nlohmann::ordered_json::object());

// The statements file format shared by `settle` and `statements`: a JSON array with one
// statement object per line, sorted by (performance_year, contract_id).
std::string StatementsFile(const std::vector<std::string>& statement_json);

// The statements in `format` ("json": StatementsFile; "csv" and "fhir":
// connectors/codec/statement_formats.h), written to `path` ("-": stdout).
Status WriteStatements(const std::string& path, const std::string& format,
                       const std::vector<std::string>& statement_json);

// A fixed-width table of the statements for terminals.
std::string StatementTable(const std::vector<std::string>& statement_json);

// One line saying what a statement's `data_quality` block reports ("" when every figure is
// zero); StatementTable prints one per contract under the table.
std::string DataQualityLine(const nlohmann::json& statement);
// For a contract scored from the claims-based measures: each measure's numerator / eligible
// members (denominator less exclusions) and points, and q; "" otherwise.
std::string QualityLine(const nlohmann::json& statement);

// Exit code of `settle`, `statements` and `recalc` when a contract record was rejected or a
// contract got no statement (README.md, "Exit codes"); --allow-incomplete makes it a warning.
inline constexpr int kExitIncomplete = 3;

// The end of an import verb: finishes every output file, then writes `report` (pretty JSON)
// to OUT/IMPORT_REPORT.json and returns its text.
Result<std::string> FinishImport(const std::vector<generate::LineSink*>& files,
                                 const std::string& out_dir, const nlohmann::ordered_json& report);

// Prints "vbp <verb>: <message>" to stderr and returns 1.
int Fail(const std::string& verb, const Status& st);

}  // namespace vbp::cli
