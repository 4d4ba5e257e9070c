#pragma once
// Prometheus text exposition of the engine's metrics (GET /metrics).

#include <string>

#include "engine/stream/streaming_engine.h"

namespace vbp {

// `clock_to_unix_micros`: add to the engine Clock's micros to get Unix time (the system clock
// is steady; the composition root measures the offset once), for the timestamp families.
std::string PrometheusText(const EngineMetrics& m, int64_t clock_to_unix_micros);
// Readiness (GET /ready, Kubernetes readinessProbe): caught up on every assigned partition and
// no error. Liveness is /health.
bool IsReady(const EngineMetrics& m);
// {"ready": bool, "reason": "..."}
std::string ReadyJson(const EngineMetrics& m);
// {"status": "ok"|"error", "caught_up": bool, "last_error": "...", "messages": n}
std::string HealthJson(const EngineMetrics& m);

}  // namespace vbp
