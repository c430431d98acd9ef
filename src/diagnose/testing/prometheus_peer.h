#pragma once

#include <memory>
#include <string>

#include "notify/testing/subprocess.h"

// PrometheusPeer runs a real Prometheus (Debian's 2.42) for tests, on a free loopback port with
// its own temp directory, scraping every second. Its scrape config has a `fraud-serving` job
// whose target is a loopback port nobody listens on, so `up{job="fraud-serving"}` is 0: a dead
// serving replica. Not thread-safe; stopped (and its directory removed) on destruction.
namespace vakt::diagnose::testing {

inline constexpr const char* kPrometheusBinary = "/usr/bin/prometheus";

class PrometheusPeer {
 public:
  ~PrometheusPeer();
  // Start returns "" when Prometheus serves and has scraped the dead target at least once, or
  // the reason it could not (binary missing, did not become ready within `timeout_ms`).
  std::string Start(int timeout_ms = 60'000);
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  notify::testing::Subprocess process_;
  std::string dir_;
  int port_ = 0;
};

// FreeLoopbackPort returns a port that was free a moment ago (bind to :0, read, close).
int FreeLoopbackPort();

}  // namespace vakt::diagnose::testing
