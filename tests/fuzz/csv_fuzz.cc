// libFuzzer target: the CSV readers of outside files: the project's RFC 4180 reader
// (connectors/files/csv_reader.h, Tuva and CCLF CSV inputs) and the provider's member list of
// `vbp reconcile` (engine/report/reconcile.h). A bad record is an error or a reported row.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/csv.h"
#include "engine/report/reconcile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)vbp::CsvTable::Parse(text, "fuzz.csv");
  (void)vbp::ParseTheirCsv(text);
  return 0;
}
