#include "connectors/ingest/generate/ndjson_writer.h"

#include <cerrno>
#include <cstring>

namespace vbp::generate {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<FileLineSink>> FileLineSink::Create(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::Io("cannot create " + path + ": " + ErrnoText());
  auto sink = std::unique_ptr<FileLineSink>(new FileLineSink(path, f));
  sink->buf_.reserve(kFlushBytes + 4096);
  return sink;
}

FileLineSink::~FileLineSink() {
  if (f_) std::fclose(f_);
}

Status FileLineSink::Flush() {
  if (buf_.empty()) return Status::Ok();
  if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
    return Status::Io("write to " + path_ + " failed: " + ErrnoText());
  }
  buf_.clear();
  return Status::Ok();
}

Status FileLineSink::Append(std::string_view line) {
  if (!f_) return Status::Internal("append to finished file " + path_);
  buf_.append(line);
  buf_.push_back('\n');
  ++lines_;
  bytes_ += static_cast<int64_t>(line.size()) + 1;
  if (buf_.size() >= kFlushBytes) return Flush();
  return Status::Ok();
}

Status FileLineSink::Finish() {
  if (!f_) return Status::Ok();
  Status st = Flush();
  const bool close_failed = std::fclose(f_) != 0;
  f_ = nullptr;
  if (!st.ok()) return st;
  if (close_failed) return Status::Io("closing " + path_ + " failed: " + ErrnoText());
  return Status::Ok();
}

Status StringLineSink::Append(std::string_view line) {
  text_.append(line);
  text_.push_back('\n');
  ++lines_;
  bytes_ += static_cast<int64_t>(line.size()) + 1;
  return Status::Ok();
}

Status WriteWholeFile(const std::string& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::Io("cannot create " + path + ": " + ErrnoText());
  const bool write_ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const bool close_ok = std::fclose(f) == 0;
  if (!write_ok || !close_ok) return Status::Io("write to " + path + " failed: " + ErrnoText());
  return Status::Ok();
}

namespace json {

void AppendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;
  while (plain < s.size()) {
    const auto c = static_cast<unsigned char>(s[plain]);
    if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) break;
    ++plain;
  }
  out.append(s.data(), plain);
  s.remove_prefix(plain);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void AppendKey(std::string& out, std::string_view key) {
  AppendString(out, key);
  out.push_back(':');
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  char* p = buf + sizeof(buf);
  const bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg) *--p = '-';
  out.append(p, static_cast<size_t>(buf + sizeof(buf) - p));
}

void AppendCents(std::string& out, int64_t cents) {
  out.push_back('"');
  uint64_t u = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  if (cents < 0) out.push_back('-');
  AppendInt(out, static_cast<int64_t>(u / 100));
  out.push_back('.');
  out.push_back(static_cast<char>('0' + (u % 100) / 10));
  out.push_back(static_cast<char>('0' + u % 10));
  out.push_back('"');
}

void AppendDay(std::string& out, int32_t days) {
  char buf[10];
  FormatDay(days, buf);
  out.push_back('"');
  out.append(buf, 10);
  out.push_back('"');
}

}  // namespace json

int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

void CivilFromDays(int32_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int yy = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

namespace {

// "YYYY-MM-DD" of every day from 1900-01-01 to 2199-12-31, built once: dates are formatted
// millions of times per run.
constexpr int32_t kTableFirstDay = -25567;  // 1900-01-01
constexpr int32_t kTableDays = 109573;      // through 2199-12-31

const char* DayTable() {
  static const std::string table = [] {
    std::string t(static_cast<size_t>(kTableDays) * 10, '0');
    for (int32_t i = 0; i < kTableDays; ++i) {
      int y = 0;
      unsigned m = 0, d = 0;
      CivilFromDays(kTableFirstDay + i, &y, &m, &d);
      char* b = t.data() + static_cast<size_t>(i) * 10;
      b[0] = static_cast<char>('0' + (y / 1000) % 10);
      b[1] = static_cast<char>('0' + (y / 100) % 10);
      b[2] = static_cast<char>('0' + (y / 10) % 10);
      b[3] = static_cast<char>('0' + y % 10);
      b[4] = '-';
      b[5] = static_cast<char>('0' + m / 10);
      b[6] = static_cast<char>('0' + m % 10);
      b[7] = '-';
      b[8] = static_cast<char>('0' + d / 10);
      b[9] = static_cast<char>('0' + d % 10);
    }
    return t;
  }();
  return table.data();
}

}  // namespace

void FormatDay(int32_t days, char* buf) {
  if (days >= kTableFirstDay && days < kTableFirstDay + kTableDays) {
    std::memcpy(buf, DayTable() + static_cast<size_t>(days - kTableFirstDay) * 10, 10);
    return;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  buf[0] = static_cast<char>('0' + (y / 1000) % 10);
  buf[1] = static_cast<char>('0' + (y / 100) % 10);
  buf[2] = static_cast<char>('0' + (y / 10) % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
}

std::string JsonLine(const nlohmann::ordered_json& j, int64_t* replaced) {
  try {
    return j.dump();
  } catch (const nlohmann::json::type_error&) {  // 316: invalid UTF-8
    if (replaced != nullptr) ++*replaced;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace vbp::generate
