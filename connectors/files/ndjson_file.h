#pragma once
// NDJSON files: one record per line (SPEC §2). Reading maps the file (or reads it when it
// cannot be mapped) and yields (1-based line number, line text); writing appends lines.
//
// Line rules: lines end at '\n'; a '\r' before it (CRLF) is not part of the line; the last
// line needs no '\n'; a UTF-8 byte order mark at the start of the file is skipped; blank lines
// (empty or only spaces, tabs and '\r') are skipped but counted, so line numbers always match
// what an editor shows.
// Threading: an NdjsonFile is read by one thread; text() may be shared read-only.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace vbp::files {

struct NdjsonLine {
  int64_t number = 0;     // 1-based, counting blank lines
  std::string_view text;  // without the line end
};

// Iterates the non-blank lines of a text. `first_line` is the number of its first line.
class NdjsonLines {
 public:
  explicit NdjsonLines(std::string_view text, int64_t first_line = 1)
      : rest_(text), next_number_(first_line) {}
  // The next non-blank line; false at the end of the text.
  bool Next(NdjsonLine* line);
  // Lines consumed so far (blank ones included) and, of those, blank ones.
  int64_t lines_read() const { return lines_read_; }
  int64_t blank_lines() const { return blank_lines_; }

 private:
  std::string_view rest_;
  int64_t next_number_;
  int64_t lines_read_ = 0;
  int64_t blank_lines_ = 0;
};

// True when a line holds only spaces, tabs and '\r'.
bool IsBlankLine(std::string_view line);

class NdjsonFile {
 public:
  // Maps `path` read-only (regular files) or reads it whole (pipes, special files). Fails with
  // a Status naming the path and what to do when it is missing, unreadable or a directory.
  static Result<NdjsonFile> Open(const std::string& path);

  NdjsonFile(NdjsonFile&& other) noexcept;
  NdjsonFile& operator=(NdjsonFile&& other) noexcept;
  NdjsonFile(const NdjsonFile&) = delete;
  NdjsonFile& operator=(const NdjsonFile&) = delete;
  ~NdjsonFile();

  const std::string& path() const { return path_; }
  // The whole contents, without a leading UTF-8 byte order mark.
  std::string_view text() const { return text_; }
  // The next non-blank line; false at the end.
  bool Next(NdjsonLine* line) { return lines_.Next(line); }
  int64_t lines_read() const { return lines_.lines_read(); }
  int64_t blank_lines() const { return lines_.blank_lines(); }
  // Tells the kernel that the whole pages inside `range` (a part of text()) will not be read
  // again, so a streamed pass over a large mapped file keeps only the pages in flight resident.
  // Reading them again stays correct (they are faulted back in from the file). No-op when the
  // file was read into memory.
  void Discard(std::string_view range) const;

 private:
  NdjsonFile(std::string path, void* map, size_t map_size, std::string owned);
  void Release();

  std::string path_;
  void* map_ = nullptr;  // mmap'ed region, or nullptr
  size_t map_size_ = 0;
  std::unique_ptr<std::string> owned_;  // contents when not mapped (stable address)
  std::string_view text_;
  NdjsonLines lines_{std::string_view()};
};

// Writes NDJSON lines to a file through a buffer. Errors name the path.
class NdjsonWriter {
 public:
  // Creates (or truncates) `path`.
  static Result<NdjsonWriter> Create(const std::string& path);
  NdjsonWriter(NdjsonWriter&& other) noexcept;
  NdjsonWriter& operator=(NdjsonWriter&& other) noexcept;
  NdjsonWriter(const NdjsonWriter&) = delete;
  NdjsonWriter& operator=(const NdjsonWriter&) = delete;
  // Closes the file if Close() was not called (errors are then lost: call Close()).
  ~NdjsonWriter();

  // Appends `line` and '\n'. A line containing '\n' or '\r' is refused (kInvalidArgument).
  Status Append(std::string_view line);
  // Flushes and closes; the file is complete only when this returns Ok.
  Status Close();
  int64_t lines() const { return lines_; }

 private:
  NdjsonWriter(std::string path, std::FILE* f) : path_(std::move(path)), file_(f) {}
  Status Flush();
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  int64_t lines_ = 0;
};

// Writes `lines` as an NDJSON file (created or truncated).
Status WriteNdjsonLines(const std::string& path, const std::vector<std::string>& lines);

}  // namespace vbp::files
