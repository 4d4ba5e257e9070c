#pragma once
// The tamper check every reader of stored statement revisions runs before it trusts one:
// `vbp statements`, the provider API, `vbp run` before it chains a new revision to the latest,
// and recalculation by date. A revision's `hash` is its seal (engine/state/revision_seal.h: an
// HMAC under the operator's chain key, or a plain sha256 without one) of its JSON text without
// `hash`, and its `revision_info.previous_hash` is the seal of the revision stored before it;
// a revision after a keyed one must be keyed too. `vbp verify` reports every finding in full
// (engine/audit/audit.h); these checks stop at the first one with kDataLoss, naming the
// revision and what to do.
#include <optional>
#include <string_view>

#include "domain/status.h"
#include "engine/state/revision_seal.h"

namespace vbp {

// `text`'s hash is its content's; when `previous` is given (the revision stored before it in
// the same contract and year), `text` links to it. The first stored revision's link is not
// checked here (earlier revisions may have been removed on purpose; verify names it).
// Without any key configured, a keyed seal fails with kInvalidArgument (configure the key);
// every other failure is kDataLoss (a seal under a key none of `keys` has included).
Status CheckStoredRevision(std::string_view text, std::optional<std::string_view> previous,
                           const ChainKeys& keys);

}  // namespace vbp
