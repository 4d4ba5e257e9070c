#include "connectors/stream/metrics_server.h"

#include <httplib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace vbp::stream {

namespace {

// Fields of /proc/self/stat after the command name (which may hold spaces): field 14 utime,
// 15 stime, 22 starttime (clock ticks), 24 rss (pages); 1-based as in proc(5).
std::vector<std::string> StatFields() {
  std::ifstream f("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  std::vector<std::string> out = {"", "", ""};  // fields 1-2 and a placeholder
  if (close == std::string::npos) return {};
  std::istringstream rest(text.substr(close + 1));
  for (std::string t; rest >> t;) out.push_back(t);
  return out;  // out[k] is field k
}

double BootTimeSeconds() {
  std::ifstream f("/proc/stat");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

}  // namespace

std::string ProcessMetricsText(const std::string& version) {
  std::string out;
  const std::vector<std::string> st = StatFields();
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  char buf[128];
  auto family = [&out](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  if (st.size() > 24) {
    family("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
    std::snprintf(buf, sizeof buf, "process_cpu_seconds_total %.2f\n",
                  (std::stod(st[14]) + std::stod(st[15])) / ticks);
    out += buf;
    family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    std::snprintf(buf, sizeof buf, "process_resident_memory_bytes %.0f\n",
                  std::stod(st[24]) * page);
    out += buf;
    family("process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.");
    std::snprintf(buf, sizeof buf, "process_start_time_seconds %.2f\n",
                  BootTimeSeconds() + std::stod(st[22]) / ticks);
    out += buf;
  }
  std::error_code ec;
  size_t fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  family("process_open_fds", "gauge", "Number of open file descriptors.");
  out += "process_open_fds " + std::to_string(fds) + "\n";
  family("vbp_build_info", "gauge", "Always 1; the version of the running binary.");
  out += "vbp_build_info{version=\"" + version + "\"} 1\n";
  return out;
}

struct MetricsServer::Rep {
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host, int port,
                                                            Handler health, Handler ready,
                                                            Handler metrics) {
  auto rep = std::make_unique<Rep>();
  auto serve = [](Handler h) {
    return [h = std::move(h)](const httplib::Request&, httplib::Response& res) {
      HttpResponse r = h();
      res.status = r.status;
      res.set_content(r.body, r.content_type.c_str());
    };
  };
  rep->server.Get("/health", serve(std::move(health)));
  rep->server.Get("/ready", serve(std::move(ready)));
  rep->server.Get("/metrics", serve(std::move(metrics)));
  if (port == 0) {
    rep->port = rep->server.bind_to_any_port(host.c_str());
  } else {
    rep->port = rep->server.bind_to_port(host.c_str(), port) ? port : -1;
  }
  if (rep->port <= 0) {
    return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port) +
                               " (in use?); pick another with --http-port");
  }
  Rep* raw = rep.get();
  rep->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(rep)));
}

MetricsServer::MetricsServer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

MetricsServer::~MetricsServer() { Stop(); }

int MetricsServer::port() const { return rep_->port; }

void MetricsServer::Stop() {
  if (!rep_ || !rep_->thread.joinable()) return;
  rep_->server.stop();
  rep_->thread.join();
}

}  // namespace vbp::stream
