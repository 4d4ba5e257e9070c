#pragma once
// Loads a CSV file with a header row (domain/csv.h parses it). The file's path names its
// errors.

#include <string>

#include "domain/csv.h"
#include "domain/status.h"

namespace vbp::files {

// The whole file, parsed. IoError when it cannot be opened or read.
Result<CsvTable> LoadCsvTable(const std::string& path);

}  // namespace vbp::files
