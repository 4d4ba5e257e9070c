#pragma once
// Reference tables compiled into the binary (rules/data/embed_files.cmake), so that the rules
// never read files at runtime. The bytes are immutable and live for the whole program.

#include <string_view>
#include <vector>

#include "domain/status.h"

namespace vbp::rules::data {

struct EmbeddedFile {
  std::string_view name;  // path relative to its folder: "hcc/hierarchy.tsv"
  std::string_view text;
};

// Every rules/data/**/*.tsv, named relative to rules/data, in name order.
const std::vector<EmbeddedFile>& EmbeddedDataFiles();

// The file called `name` in `files`; NotFound names the file when it is absent.
Result<std::string_view> FindEmbedded(const std::vector<EmbeddedFile>& files,
                                      std::string_view name);

}  // namespace vbp::rules::data
