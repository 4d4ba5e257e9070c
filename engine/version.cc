#include "engine/version.h"

namespace vbp {

const char* EngineVersion() { return "0.1.0"; }

}  // namespace vbp
