#pragma once
// Reads a settle data directory (members, providers, contracts, claims NDJSON, in that order)
// into a BatchSettlement, decoding in parallel and folding each chunk in file order.

#include <string>

#include "domain/status.h"
#include "engine/batch_settlement.h"

namespace vbp::cli {

struct LoadOptions {
  int threads = 2;
  bool progress = false;  // a progress line on stderr
};

inline constexpr const char* kDataFiles[] = {"members.ndjson", "providers.ndjson",
                                             "contracts.ndjson", "claims.ndjson"};

Status LoadDirectory(const std::string& dir, BatchSettlement* book, const LoadOptions& options);

}  // namespace vbp::cli
