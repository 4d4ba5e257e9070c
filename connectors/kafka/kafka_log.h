#pragma once
// librdkafka's own log lines, routed to the process logger. Without a handler librdkafka
// prints them to stderr in its raw form (`%3|1796645514.127|FAIL|rdkafka#consumer-1| ...`);
// with one, every client created afterwards hands each line to it (from librdkafka's
// threads: the handler must be thread-safe).

#include <functional>
#include <string_view>

namespace vbp::kafka {

// `level`: syslog severity as librdkafka gives it (0 emergency ... 3 error, 4 warning, 5
// notice, 6 info, 7 debug); `facility`: librdkafka's tag (FAIL, CONFWARN, ...); `client`:
// the client's name (rdkafka#consumer-1).
using LogHandler = std::function<void(int level, std::string_view facility, std::string_view client,
                                      std::string_view message)>;

// Process-wide; set once at start-up, before any client is created.
void SetLogHandler(LogHandler handler);

}  // namespace vbp::kafka
