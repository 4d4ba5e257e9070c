#pragma once
// The tamper check every reader of stored statement revisions runs before it trusts one:
// `vbp statements`, the provider API, `vbp run` before it chains a new revision to the latest,
// and recalculation by date. A revision's `hash` is "sha256:" + the sha256 of its JSON text
// without `hash` (as the streaming engine published it), and its `revision_info.previous_hash`
// is the hash of the revision stored before it. `vbp verify` reports every finding in full
// (engine/audit/audit.h); these checks stop at the first one with kDataLoss, naming the
// revision and what to do.
#include <optional>
#include <string_view>

#include "domain/status.h"

namespace vbp {

// `text`'s hash is its content's; when `previous` is given (the revision stored before it in
// the same contract and year), `text` links to it. The first stored revision's link is not
// checked here (earlier revisions may have been removed on purpose; verify names it).
Status CheckStoredRevision(std::string_view text, std::optional<std::string_view> previous);

}  // namespace vbp
