#pragma once

namespace vbp {

// The engine's release version, printed by `vbp --version` and carried in run summaries.
const char* EngineVersion();

}  // namespace vbp
