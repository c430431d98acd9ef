#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/app_config.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"

namespace vakt::api {
class HttpServer;
class EventStream;
class RegulatoryWarner;
class EvidenceRetentionSweeper;
}
namespace vakt::ingest {
class CommitQueue;
class IngestService;
}  // namespace vakt::ingest
namespace vakt::storage {
class Database;
class SqlIncidentStore;
class SqlRunbookVersionStore;
class SqlRetroStore;
class SqlDrillStore;
class SqlRetroProposalStore;
class SqlDiagnosisStore;
class SqlCatalogStore;
}  // namespace vakt::storage
namespace vakt::catalog {
class Catalog;
}
namespace vakt::incident {
class IncidentService;
}
namespace vakt::paging {
class PagingService;
}
namespace vakt::auth {
class TokenService;
class SessionService;
}

namespace vakt::drill {
class DrillService;
class DrillScheduleStore;
class DrillScheduler;
}
namespace vakt::retro {
class RetroService;
class RetroCatchUp;
class ResponseMetrics;
class ProposalService;
}

namespace vakt::storage {
class SqlDiagnosisStore;
}
namespace vakt::stabilise {
class Stabilise;
}
namespace vakt::diagnose {
class DiagnosisService;
}

namespace vakt::app {
class AuditService;

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
  // Reload rebuilds runbooks and the pipeline catalogue from disk and swaps them in only if all
  // are valid; otherwise the old set keeps serving and the errors are returned. Thread-safe.
  Result<nlohmann::json> Reload(const std::string& actor);
  int port() const { return port_; }
  // admin_token_path is where a first start wrote the bootstrap admin token ("" if none).
  const std::string& admin_token_path() const { return admin_token_path_; }
  const AppConfig& config() const { return config_; }
  MetricsRegistry& metrics() { return metrics_; }

 private:
  App(AppConfig config, const Clock& clock);
  Status Build();
  Status BootstrapAdminToken();
  Result<std::unique_ptr<paging::PagingService>> CreatePaging();
  // LoadCatalog reads the catalogue file (if any) and lays the API-defined pipelines over it.
  Result<std::shared_ptr<const catalog::Catalog>> LoadCatalog();
  // RefreshCatalog swaps in a freshly loaded catalogue, keeping the serving runbooks.
  Status RefreshCatalog();

  AppConfig config_;
  const Clock& clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<ingest::CommitQueue> queue_;
  std::unique_ptr<ingest::IngestService> ingest_;
  std::unique_ptr<storage::SqlIncidentStore> incident_store_;
  std::unique_ptr<incident::IncidentService> incidents_;
  std::unique_ptr<paging::PagingService> paging_;  // issue 5: escalations, outbox delivery
  std::unique_ptr<storage::SqlRunbookVersionStore> runbook_versions_;  // runbook history
  std::unique_ptr<storage::SqlRetroStore> retro_store_;
  std::unique_ptr<storage::SqlDiagnosisStore> diagnosis_reader_;  // root cause for retros
  std::unique_ptr<retro::RetroService> retros_;
  std::unique_ptr<retro::RetroCatchUp> retro_catch_up_;  // retros a crash kept from opening
  std::unique_ptr<storage::SqlRetroProposalStore> proposal_store_;
  std::unique_ptr<retro::ProposalService> proposals_;  // reviewed runbook changes
  std::unique_ptr<storage::SqlDrillStore> drill_store_;
  std::unique_ptr<drill::DrillService> drills_;
  std::unique_ptr<drill::DrillScheduleStore> drill_schedule_store_;
  std::unique_ptr<drill::DrillScheduler> drill_scheduler_;  // starts scheduled drills, claim-once
  std::unique_ptr<retro::ResponseMetrics> response_metrics_;  // MTTA / MTTR report and gauges
  std::unique_ptr<stabilise::Stabilise> stabilise_;  // issue 4: steps, approvals, evidence
  std::unique_ptr<storage::SqlCatalogStore> catalog_store_;  // API-defined pipelines
  std::unique_ptr<storage::SqlDiagnosisStore> diagnosis_store_;   // issue 6: diagnoses
  std::unique_ptr<diagnose::DiagnosisService> diagnoses_;         // runs them (API, steps)
  std::unique_ptr<auth::TokenService> tokens_;
  std::unique_ptr<AuditService> audit_;  // signing key, checkpoints, audit API
  std::unique_ptr<api::RegulatoryWarner> regulatory_warner_;  // deadline warnings (outbox)
  std::unique_ptr<api::EvidenceRetentionSweeper> evidence_sweeper_;  // issue 7: retention sweep
  std::unique_ptr<auth::SessionService> sessions_;    // web console logins
  std::unique_ptr<api::EventStream> event_stream_;    // outlives http_: streams call into it
  std::unique_ptr<api::HttpServer> http_;
  std::string admin_token_path_;
  std::mutex reload_mu_;
  std::thread http_thread_;
  int port_ = 0;
  std::atomic<bool> draining_{false};
};

}  // namespace vakt::app
