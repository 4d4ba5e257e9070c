#pragma once
// Line-oriented output for NDJSON files, and the small JSON text helpers the generator and
// the importers use to write SPEC §2 records by hand (no DOM: records stream out as built).
//
// LineSink is the port: a file in production, a string in tests. A sink counts the lines it
// has accepted so that callers can name a record by its 1-based line number.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/status.h"

namespace vbp::generate {

class LineSink {
 public:
  virtual ~LineSink() = default;
  // Appends one line; `line` must not contain '\n' (the sink adds it).
  virtual Status Append(std::string_view line) = 0;
  // Makes everything appended durable in the destination (file: flushed and closed).
  virtual Status Finish() = 0;
  // Lines accepted so far; the next line appended has number lines() + 1.
  int64_t lines() const { return lines_; }
  int64_t bytes() const { return bytes_; }

 protected:
  int64_t lines_ = 0;
  int64_t bytes_ = 0;
};

// Writes to a file through a large buffer. Errors name the path.
class FileLineSink final : public LineSink {
 public:
  static Result<std::unique_ptr<FileLineSink>> Create(const std::string& path);
  ~FileLineSink() override;
  Status Append(std::string_view line) override;
  Status Finish() override;

 private:
  FileLineSink(std::string path, std::FILE* f) : path_(std::move(path)), f_(f) {}
  Status Flush();
  std::string path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
};

// Keeps every line in memory (tests).
class StringLineSink final : public LineSink {
 public:
  Status Append(std::string_view line) override;
  Status Finish() override { return Status::Ok(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// The JSON text of `j` for one NDJSON line. Text that is not valid UTF-8 (a Latin-1 name in a
// CMS file, a stray byte) never fails the write: each bad byte becomes U+FFFD and, when
// `replaced` is given, the line is counted there so that the import report says so.
std::string JsonLine(const nlohmann::ordered_json& j, int64_t* replaced = nullptr);

// Writes `text` to `path` in one go (small files: MANIFEST.json, reports).
Status WriteWholeFile(const std::string& path, std::string_view text);

namespace json {

// Appends `s` as a JSON string literal: quotes, backslash and control characters escaped
// (\" \\ \n \r \t \b \f, others \u00XX); other bytes, including UTF-8 sequences, are copied.
void AppendString(std::string& out, std::string_view s);
// "key": (with the key escaped)
void AppendKey(std::string& out, std::string_view key);
// Integer cents as a decimal string with exactly two decimals: -1234 -> "-12.34".
void AppendCents(std::string& out, int64_t cents);
// A day number (days since 1970-01-01) as "YYYY-MM-DD" (with quotes).
void AppendDay(std::string& out, int32_t days);
void AppendInt(std::string& out, int64_t v);

}  // namespace json

// Days since 1970-01-01 <-> civil dates (proleptic Gregorian; H. Hinnant's algorithms).
int32_t DaysFromCivil(int y, unsigned m, unsigned d);
void CivilFromDays(int32_t z, int* y, unsigned* m, unsigned* d);
// "YYYY-MM-DD" into buf[0..9].
void FormatDay(int32_t days, char* buf);

}  // namespace vbp::generate
