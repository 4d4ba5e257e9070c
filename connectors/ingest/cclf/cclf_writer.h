#pragma once
// SPEC §2 records -> CCLF files (fixed width, CCLF Information Packet v38.0 Appendix B), for
// `vbp generate --format cclf`: the layouts are those of cclf_layout.h, the ones the importer
// reads, and the mapping is the importer's read backwards (README.md), so that
// import(write(records)) settles to the same statements as the records.
//
// What CCLF does not carry is written beside it as NDJSON: the provider roster, contracts,
// and member attributes (risk scores, voluntary alignment, coverage of other programs).
// Claims are buffered one member at a time (versions may arrive out of order and twice): the
// writer expects each member's claims together, as `vbp generate` writes them.

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "connectors/ingest/cclf/cclf_layout.h"
#include "connectors/ingest/generate/ndjson_writer.h"
#include "domain/records.h"
#include "domain/status.h"

namespace vbp::cclf {

struct CclfWriterSinks {
  generate::LineSink* cclf1 = nullptr;              // Part A headers
  generate::LineSink* cclf2 = nullptr;              // revenue centre lines
  generate::LineSink* cclf3 = nullptr;              // procedures
  generate::LineSink* cclf4 = nullptr;              // diagnoses
  generate::LineSink* cclf5 = nullptr;              // Part B physician lines
  generate::LineSink* cclf8 = nullptr;              // beneficiary demographics
  generate::LineSink* roster = nullptr;             // providers NDJSON
  generate::LineSink* member_attributes = nullptr;  // NDJSON
  generate::LineSink* contracts = nullptr;          // NDJSON
};

// The CMS name of a file of `kind` for a performance year: P.A0001.ACO.ZC1Y25.D251231.T1200000.
std::string CmsFileName(CclfKind kind, int year);

class CclfWriter {
 public:
  explicit CclfWriter(const CclfWriterSinks& sinks);
  ~CclfWriter();
  // Each takes one SPEC §2 NDJSON record line; a line the decoder rejects is not expressible
  // in CCLF and is counted (summary "not_written"), never fatal.
  Status AddMemberLine(std::string_view line);
  Status AddProviderLine(std::string_view line);
  Status AddContractLine(std::string_view line);
  Status AddClaimLine(std::string_view line);
  // Writes the buffered member's claims. Call once at the end.
  Status Finish();
  nlohmann::ordered_json Summary() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A LineSink that feeds one record kind of `vbp generate` into a CclfWriter.
class CclfRecordSink final : public generate::LineSink {
 public:
  CclfRecordSink(CclfWriter* writer, RecordKind kind) : writer_(writer), kind_(kind) {}
  Status Append(std::string_view line) override;
  Status Finish() override { return Status::Ok(); }

 private:
  CclfWriter* writer_;
  RecordKind kind_;
};

}  // namespace vbp::cclf
