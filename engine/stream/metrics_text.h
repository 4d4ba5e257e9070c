#pragma once
// Prometheus text exposition of the engine's metrics (GET /metrics).

#include <string>

#include "engine/stream/streaming_engine.h"

namespace vbp {

std::string PrometheusText(const EngineMetrics& m);
// {"status": "ok"|"error", "caught_up": bool, "last_error": "...", "messages": n}
std::string HealthJson(const EngineMetrics& m);

}  // namespace vbp
