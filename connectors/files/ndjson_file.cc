#include "connectors/files/ndjson_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace vbp::files {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kWriteBufferBytes = size_t{1} << 20;
constexpr size_t kReadChunkBytes = size_t{1} << 20;

Status OpenError(const std::string& path, int err) {
  std::string what = std::strerror(err);
  if (err == ENOENT) {
    return Status::NotFound("cannot open NDJSON file '" + path + "': " + what +
                            " (check the path)");
  }
  if (err == EACCES || err == EPERM) {
    return Status::Io("cannot open NDJSON file '" + path + "': " + what +
                      " (check the file's permissions)");
  }
  return Status::Io("cannot open NDJSON file '" + path + "': " + what);
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

bool NdjsonLines::Next(NdjsonLine* line) {
  while (!rest_.empty()) {
    size_t nl = rest_.find('\n');
    std::string_view text = rest_.substr(0, nl);
    rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
    int64_t number = next_number_++;
    ++lines_read_;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (IsBlankLine(text)) {
      ++blank_lines_;
      continue;
    }
    line->number = number;
    line->text = text;
    return true;
  }
  return false;
}

Result<NdjsonFile> NdjsonFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OpenError(path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return OpenError(path, err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::Invalid("'" + path + "' is a directory, not an NDJSON file (give a file)");
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    size_t size = static_cast<size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      ::madvise(map, size, MADV_SEQUENTIAL);
      ::close(fd);
      return NdjsonFile(path, map, size, std::string());
    }
  }
  // Not mappable (empty, pipe, special file): read it.
  std::string owned;
  std::string chunk(kReadChunkBytes, '\0');
  while (true) {
    ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::Io("cannot read NDJSON file '" + path + "': " + std::strerror(err));
    }
    if (n == 0) break;
    owned.append(chunk.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return NdjsonFile(path, nullptr, 0, std::move(owned));
}

NdjsonFile::NdjsonFile(std::string path, void* map, size_t map_size, std::string owned)
    : path_(std::move(path)),
      map_(map),
      map_size_(map_size),
      owned_(std::make_unique<std::string>(std::move(owned))) {
  text_ = map_ ? std::string_view(static_cast<const char*>(map_), map_size_)
               : std::string_view(*owned_);
  if (text_.substr(0, kUtf8Bom.size()) == kUtf8Bom) text_.remove_prefix(kUtf8Bom.size());
  lines_ = NdjsonLines(text_);
}

NdjsonFile::NdjsonFile(NdjsonFile&& other) noexcept { *this = std::move(other); }

NdjsonFile& NdjsonFile::operator=(NdjsonFile&& other) noexcept {
  if (this == &other) return *this;
  Release();
  // Both the mapping and the heap-held contents keep their addresses: views stay valid.
  path_ = std::move(other.path_);
  map_ = std::exchange(other.map_, nullptr);
  map_size_ = std::exchange(other.map_size_, 0);
  owned_ = std::move(other.owned_);
  text_ = std::exchange(other.text_, std::string_view());
  lines_ = std::exchange(other.lines_, NdjsonLines(std::string_view()));
  return *this;
}

NdjsonFile::~NdjsonFile() { Release(); }

void NdjsonFile::Release() {
  if (map_) ::munmap(map_, map_size_);
  map_ = nullptr;
  map_size_ = 0;
}

Result<NdjsonWriter> NdjsonWriter::Create(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    int err = errno;
    return Status::Io("cannot create NDJSON file '" + path + "': " + std::strerror(err) +
                      (err == ENOENT ? " (does the directory exist?)" : ""));
  }
  return NdjsonWriter(path, f);
}

NdjsonWriter::NdjsonWriter(NdjsonWriter&& other) noexcept
    : path_(std::move(other.path_)),
      file_(std::exchange(other.file_, nullptr)),
      buffer_(std::move(other.buffer_)),
      lines_(other.lines_) {}

NdjsonWriter& NdjsonWriter::operator=(NdjsonWriter&& other) noexcept {
  if (this == &other) return *this;
  if (file_) (void)Close();
  path_ = std::move(other.path_);
  file_ = std::exchange(other.file_, nullptr);
  buffer_ = std::move(other.buffer_);
  lines_ = other.lines_;
  return *this;
}

NdjsonWriter::~NdjsonWriter() {
  if (file_) (void)Close();
}

Status NdjsonWriter::Append(std::string_view line) {
  if (!file_) return Status::Internal("NDJSON file '" + path_ + "' is already closed");
  if (line.find_first_of("\r\n") != std::string_view::npos) {
    return Status::Invalid("line " + std::to_string(lines_ + 1) + " for '" + path_ +
                           "' contains a line break (one record per line)");
  }
  buffer_.append(line);
  buffer_.push_back('\n');
  ++lines_;
  if (buffer_.size() >= kWriteBufferBytes) return Flush();
  return Status::Ok();
}

Status NdjsonWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  size_t n = std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  if (n != buffer_.size()) {
    int err = errno;
    return Status::Io("cannot write NDJSON file '" + path_ + "': " + std::strerror(err) +
                      " (disk full?)");
  }
  buffer_.clear();
  return Status::Ok();
}

Status NdjsonWriter::Close() {
  if (!file_) return Status::Ok();
  Status s = Flush();
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (!s.ok()) return s;
  if (rc != 0) {
    int err = errno;
    return Status::Io("cannot close NDJSON file '" + path_ + "': " + std::strerror(err));
  }
  return Status::Ok();
}

Status WriteNdjsonLines(const std::string& path, const std::vector<std::string>& lines) {
  auto w = NdjsonWriter::Create(path);
  if (!w.ok()) return w.status();
  for (const auto& line : lines) VBP_RETURN_IF_ERROR(w->Append(line));
  return w->Close();
}

void NdjsonFile::Discard(std::string_view range) const {
  if (map_ == nullptr || range.empty()) return;
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto map_begin = reinterpret_cast<uintptr_t>(map_);
  auto begin = reinterpret_cast<uintptr_t>(range.data());
  auto end = begin + range.size();
  if (begin < map_begin || end > map_begin + map_size_) return;
  begin = (begin + page - 1) / page * page;  // whole pages only: neighbours may still be read
  end = end / page * page;
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace vbp::files
