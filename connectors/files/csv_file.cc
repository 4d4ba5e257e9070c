#include "connectors/files/csv_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vbp::files {

Result<CsvTable> LoadCsvTable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::Io("read error on " + path);
  return CsvTable::Parse(std::move(text), path);
}

}  // namespace vbp::files
