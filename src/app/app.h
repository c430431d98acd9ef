#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "app/app_config.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"

namespace vakt::api {
class HttpServer;
}
namespace vakt::ingest {
class CommitQueue;
class IngestService;
}  // namespace vakt::ingest
namespace vakt::storage {
class Database;
}

namespace vakt::app {

// App is the one place that builds vakt: storage, ingest, services, HTTP routes. Lifecycle:
// Create → Start → (Reload)* → Stop. Stop drains: stop accepting, finish in-flight requests,
// commit everything queued. Not copyable; Start/Stop from one thread.
class App {
 public:
  static Result<std::unique_ptr<App>> Create(AppConfig config, const Clock& clock);
  ~App();

  // Start binds the listener and starts serving in background threads.
  Status Start();
  void Stop();
  int port() const { return port_; }
  const AppConfig& config() const { return config_; }
  MetricsRegistry& metrics() { return metrics_; }

 private:
  App(AppConfig config, const Clock& clock);
  Status Build();

  AppConfig config_;
  const Clock& clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<ingest::CommitQueue> queue_;
  std::unique_ptr<ingest::IngestService> ingest_;
  std::unique_ptr<api::HttpServer> http_;
  std::thread http_thread_;
  int port_ = 0;
  std::atomic<bool> draining_{false};
};

}  // namespace vakt::app
