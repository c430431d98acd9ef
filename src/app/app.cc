#include "app/app.h"

#include <spdlog/spdlog.h>

#include "api/alert_routes.h"
#include "api/http_server.h"
#include "api/ops_routes.h"
#include "ingest/commit_queue.h"
#include "ingest/ingest_service.h"
#include "storage/database.h"

namespace vakt::app {

App::App(AppConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

App::~App() { Stop(); }

Result<std::unique_ptr<App>> App::Create(AppConfig config, const Clock& clock) {
  std::unique_ptr<App> app(new App(std::move(config), clock));
  VAKT_RETURN_IF_ERROR(app->Build());
  return app;
}

Status App::Build() {
  storage::DatabaseOptions db_options;
  db_options.durability = config_.durability;
  VAKT_ASSIGN_OR_RETURN(database_, storage::OpenDatabase(config_.database_url, db_options));
  queue_ = std::make_unique<ingest::CommitQueue>(database_->alerts(), config_.queue, metrics_);
  ingest_ = std::make_unique<ingest::IngestService>(database_->alerts(), *queue_, clock_,
                                                    config_.limits, metrics_);
  api::HttpServerOptions http_options;
  http_options.max_body_bytes =
      std::max(config_.limits.max_body_bytes, config_.limits.max_pagerduty_body_bytes);
  http_options.worker_threads = config_.http_threads;
  http_ = std::make_unique<api::HttpServer>(http_options, metrics_);

  api::AlertRoutesContext alert_context;
  alert_context.ingest = ingest_.get();
  alert_context.database = database_.get();
  alert_context.clock = &clock_;
  alert_context.started_at = clock_.NowMs();
  alert_context.config_text = config_.source_text;
  api::RegisterAlertRoutes(*http_, alert_context);
  api::RegisterOpsRoutes(*http_, metrics_, [this]() -> Status {
    if (draining_) return Status::Unavailable("draining");
    auto version = database_->SchemaVersion();
    return version.ok() ? Status::Ok() : version.status();
  });
  if (!config_.web_dir.empty()) http_->Static("/", config_.web_dir);
  return Status::Ok();
}

Status App::Start() {
  queue_->Start();
  VAKT_ASSIGN_OR_RETURN(port_, http_->Bind(config_.listen_host, config_.listen_port));
  http_thread_ = std::thread([this] { http_->Serve(); });
  spdlog::info("vakt listening on http://{}:{} (database: {})", config_.listen_host, port_,
               database_->Engine());
  return Status::Ok();
}

void App::Stop() {
  if (draining_) return;
  draining_ = true;
  if (http_) http_->Stop();  // stops accepting; in-flight handlers finish first
  if (http_thread_.joinable()) http_thread_.join();
  if (queue_) queue_->Stop();  // commits everything still queued
}

}  // namespace vakt::app
