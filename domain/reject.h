#pragma once
// A record that cannot be used (SPEC §6): it goes to rejects whole, with its source position
// and a precise reason, and the run goes on.

#include <optional>
#include <string>

#include "domain/records.h"

namespace vbp {

struct Reject {
  SourcePos source;                 // file:line or topic/partition@offset
  std::optional<RecordKind> kind;   // unknown when the record could not be classified
  std::string key;                  // claim_id / member_id / npi / contract_id when known
  std::string field;                // JSON path of the offending field: "lines[2].units"
  std::string reason;               // what is wrong and what was expected
  std::string record;               // the original record text, whole
};

}  // namespace vbp
