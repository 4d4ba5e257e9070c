#include "rules/data/embedded_files.h"

#include <string>

namespace vbp::rules::data {

Result<std::string_view> FindEmbedded(const std::vector<EmbeddedFile>& files,
                                      std::string_view name) {
  for (const EmbeddedFile& f : files) {
    if (f.name == name) return f.text;
  }
  return Status::NotFound("embedded file '" + std::string(name) + "' is not compiled in");
}

}  // namespace vbp::rules::data
