#pragma once
// The engine's DecodeFn over the simdjson record codec (one decoder per engine thread).

#include "engine/stream/streaming_engine.h"

namespace vbp::stream {

DecodeFn MakeJsonDecodeFn();

}  // namespace vbp::stream
