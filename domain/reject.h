#pragma once
// A record that cannot be used (SPEC §6): it goes to rejects whole, with its source position
// and a precise reason, and the run goes on.

#include <optional>
#include <string>

#include "domain/decimal.h"
#include "domain/records.h"

namespace vbp {

// What could be read from a rejected claim record, for the data quality of the statements it
// could affect (SPEC §6): each field only when it has its valid shape.
struct RejectedClaimFacts {
  std::string member_id;
  std::string billing_tin;
  int year = 0;            // of from_date; 0 when it could not be read
  Int128 paid_micros = 0;  // the line `paid` values that parse as money, summed
};

struct Reject {
  SourcePos source;                // file:line or topic/partition@offset
  std::optional<RecordKind> kind;  // unknown when the record could not be classified
  std::string key;                 // claim_id / member_id / npi / contract_id when known
  std::string field;               // JSON path of the offending field: "lines[2].units"
  std::string reason;              // what is wrong and what was expected
  std::string record;              // the original record text, whole
  std::optional<RejectedClaimFacts> claim_facts;  // claim records only, when any was read
};

}  // namespace vbp
