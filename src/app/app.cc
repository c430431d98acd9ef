#include "app/app.h"

#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "api/alert_routes.h"
#include "api/evidence_retention_sweeper.h"
#include "api/evidence_routes.h"
#include "api/incident_export_routes.h"
#include "api/regulatory_warnings.h"
#include "api/step_routes.h"
#include "stabilise/stabilise.h"
#include "api/diagnose_routes.h"
#include "diagnose/diagnosis_service.h"
#include "storage/sql_diagnosis_store.h"
#include "api/incident_routes.h"
#include "api/notify_routes.h"
#include "api/oncall_routes.h"
#include "paging/paging_service.h"
#include "api/pipeline_routes.h"
#include "api/runbook_version_routes.h"
#include "api/retro_routes.h"
#include "api/proposal_routes.h"
#include "api/drill_routes.h"
#include "api/report_routes.h"
#include "common/crypto.h"
#include "drill/drill_schedule_store.h"
#include "drill/drill_scheduler.h"
#include "drill/drill_service.h"
#include "retro/response_metrics.h"
#include "storage/sql_drill_store.h"
#include "retro/proposal_service.h"
#include "storage/sql_retro_proposal_store.h"
#include "retro/retro_catch_up.h"
#include "retro/retro_service.h"
#include "storage/sql_diagnosis_store.h"
#include "storage/sql_retro_store.h"
#include "retro/runbook_history.h"
#include "storage/sql_runbook_version_store.h"
#include "api/auth_guard.h"
#include "api/event_stream.h"
#include "api/session_routes.h"
#include "api/token_routes.h"
#include "api/web_routes.h"
#include "auth/session.h"
#include "auth/auth.h"
#include "app/catalog_overlay.h"
#include "api/audit_routes.h"
#include "api/regulatory_routes.h"
#include "app/audit_service.h"
#include "catalog/catalog.h"
#include "incident/incident_service.h"
#include "runbook/loader.h"
#include "storage/sql_catalog_store.h"
#include "storage/sql_incident_store.h"
#include "api/http_server.h"
#include "api/ops_routes.h"
#include "ingest/commit_queue.h"
#include "ingest/ingest_service.h"
#include "storage/database.h"

namespace vakt::app {

App::App(AppConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

App::~App() {
  Stop();
  if (tokens_) api::AttachSessions(*tokens_, nullptr);
}

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
  incident_store_ = std::make_unique<storage::SqlIncidentStore>(*database_);
  incidents_ = std::make_unique<incident::IncidentService>(*database_, *incident_store_, clock_,
                                                          metrics_);
  tokens_ = std::make_unique<auth::TokenService>(*database_, clock_);
  AuditServiceOptions audit_options;
  audit_options.data_dir = config_.data_dir;
  audit_options.origin = config_.audit_origin;
  audit_options.checkpoint_interval = std::chrono::milliseconds(config_.audit_checkpoint_interval_ms);
  VAKT_ASSIGN_OR_RETURN(audit_, AuditService::Create(*database_, clock_, audit_options));
  runbook_versions_ = std::make_unique<storage::SqlRunbookVersionStore>(*database_);
  retro_store_ = std::make_unique<storage::SqlRetroStore>(*database_);
  diagnosis_reader_ = std::make_unique<storage::SqlDiagnosisStore>(*database_);
  retro::RetroOptions retro_options;
  retro_options.required_for = {config_.retro_required_for.begin(), config_.retro_required_for.end()};
  retros_ = std::make_unique<retro::RetroService>(*incident_store_, *retro_store_,
                                                  diagnosis_reader_.get(), clock_, retro_options);
  incidents_->SetActionGuard([this](const Incident& incident, incident::IncidentAction action) {
    return retros_->GuardAction(incident, action);
  });
  incidents_->SetActionObserver([this](const Incident& incident, incident::IncidentAction action) {
    retros_->OnAction(incident, action);
  });
  retro_catch_up_ = std::make_unique<retro::RetroCatchUp>(*retros_, std::chrono::seconds(30));
  proposal_store_ = std::make_unique<storage::SqlRetroProposalStore>(*database_);
  proposals_ = std::make_unique<retro::ProposalService>(
      *incidents_, *proposal_store_, clock_, [this](const std::string& actor) { return Reload(actor); });
  drill_store_ = std::make_unique<storage::SqlDrillStore>(*database_);
  std::map<std::string, drill::DrillTarget> drill_targets;
  for (const auto& [runbook_id, target] : config_.drill_targets) {
    drill_targets[runbook_id] = {target.acknowledge_ms, target.mitigate_ms, target.resolve_ms};
  }
  drills_ = std::make_unique<drill::DrillService>(*incidents_, *drill_store_, clock_, drill_targets);
  drill_schedule_store_ = std::make_unique<drill::DrillScheduleStore>(*database_);
  drill::DrillSchedulerOptions drill_scheduler_options;
  drill_scheduler_options.instance_id = "vakt-" + RandomToken(6);
  drill_scheduler_ = std::make_unique<drill::DrillScheduler>(*drills_, *drill_schedule_store_, clock_,
                                                             drill_scheduler_options);
  response_metrics_ = std::make_unique<retro::ResponseMetrics>(*incidents_, *drill_store_, clock_, metrics_);
  catalog_store_ = std::make_unique<storage::SqlCatalogStore>(*database_);
  diagnosis_store_ = std::make_unique<storage::SqlDiagnosisStore>(*database_);
  diagnose::DiagnosisServiceOptions diagnose_options;
  diagnose_options.data_dir = config_.diagnose_data_dir;
  diagnose_options.prometheus_url = config_.prometheus_url;
  diagnoses_ = std::make_unique<diagnose::DiagnosisService>(*incidents_, *diagnosis_store_, clock_,
                                                            diagnose_options);
  VAKT_ASSIGN_OR_RETURN(paging_, CreatePaging());
  VAKT_ASSIGN_OR_RETURN(auto loaded, Reload("startup"));
  (void)loaded;
  // Re-sends of active alerts leave the dispatcher nothing to do (its group_wait deadlines wake
  // it on their own); waking it per commit made it re-read every pending alert under load.
  queue_->SetListener([this](const ingest::CommittedBatch& batch) {
    if (ingest::ChangesDispatch(batch, clock_.NowMs())) incidents_->Notify();
  });
  VAKT_RETURN_IF_ERROR(BootstrapAdminToken());
  {
    stabilise::StabiliseOptions stabilise_options;
    stabilise_options.data_dir = config_.data_dir;
    stabilise_options.egress_allow = config_.action_egress_allow;
    stabilise_options.lease_grace_ms = config_.action_lease_grace_ms;
    stabilise_options.prometheus_url = config_.prometheus_url;
    if (auto routing = incidents_->routing(); routing.catalog) {
      stabilise_options.command_env = routing.catalog->env_allow_list();
    }
    VAKT_ASSIGN_OR_RETURN(stabilise_, stabilise::Stabilise::Create(*database_, *incidents_, clock_,
                                                                    std::move(stabilise_options)));
    // A runbook `diagnose` step runs the diagnostics engine with the step's own section; the
    // step runner stores the returned diagnosis as the step's evidence.
    stabilise_->service().SetDiagnoseHook(
        [this](const Incident& incident,
               const runbook::DiagnoseConfig& config) -> Result<nlohmann::json> {
          VAKT_ASSIGN_OR_RETURN(auto stored, diagnoses_->RunWithConfig(incident.id, config,
                                                                       "system:diagnose-step",
                                                                       "step"));
          return diagnose::DiagnosisToJson(stored);
        });
    // Every diagnosis (API, CLI triage, investigate section or step) is also incident evidence.
    diagnoses_->SetEvidenceStore(&stabilise_->service().evidence());
  }
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
  api::IncidentRoutesContext incident_context;
  incident_context.incidents = incidents_.get();
  incident_context.tokens = tokens_.get();
  incident_context.clock = &clock_;
  incident_context.reload_runbooks = [this](const std::string& actor) { return Reload(actor); };
  api::RegisterIncidentRoutes(*http_, incident_context);
  api::RegisterOncallRoutes(*http_, {paging_.get(), tokens_.get(), &clock_});
  api::RegisterNotifyRoutes(*http_, {incidents_.get(), paging_.get(), database_.get(), tokens_.get()});
  const api::StepRoutesContext step_context{&stabilise_->service(), tokens_.get(), database_.get(),
                                            &clock_};
  api::RegisterStepRoutes(*http_, step_context);
  {
    api::EvidenceRoutesContext evidence_context;
    evidence_context.evidence = &stabilise_->service().evidence();
    evidence_context.tokens = tokens_.get();
    evidence_context.database = database_.get();
    evidence_context.clock = &clock_;
    evidence_context.classes = config_.evidence_retention_classes;
    evidence_context.incidents = &incidents_->store();
    api::RegisterEvidenceRoutes(*http_, evidence_context);
    api::EvidenceSweepOptions sweep_options;
    sweep_options.interval = std::chrono::milliseconds(config_.evidence_sweep_interval_ms);
    evidence_sweeper_ =
        std::make_unique<api::EvidenceRetentionSweeper>(evidence_context, std::move(sweep_options));
  }
  api::PipelineRoutesContext pipeline_context;
  pipeline_context.incidents = incidents_.get();
  pipeline_context.store = catalog_store_.get();
  pipeline_context.tokens = tokens_.get();
  pipeline_context.clock = &clock_;
  pipeline_context.refresh_catalog = [this] { return RefreshCatalog(); };
  api::RegisterPipelineRoutes(*http_, pipeline_context);
  api::RegisterRunbookVersionRoutes(*http_, {runbook_versions_.get()});
  api::RegisterDiagnoseRoutes(*http_, {diagnoses_.get(), tokens_.get()});
  api::RegisterRetroRoutes(*http_, {retros_.get(), tokens_.get()});
  api::RegisterProposalRoutes(*http_, {proposals_.get(), tokens_.get()});
  api::RegisterDrillRoutes(*http_, {drills_.get(), drill_scheduler_.get(), tokens_.get(), &clock_});
  api::RegisterReportRoutes(*http_, *response_metrics_);
  api::RegisterAuditRoutes(*http_, {database_.get(), &audit_->store(), &audit_->log(),
                                    &audit_->public_key(), audit_->origin(), tokens_.get(), &clock_});
  api::RegisterIncidentExportRoutes(
      *http_, {incidents_.get(), &stabilise_->service(), database_.get(), &audit_->store(),
               &audit_->log(), &audit_->public_key(), tokens_.get(), &clock_});
  api::RegisterRegulatoryRoutes(*http_, {incidents_.get(), database_.get(), &audit_->store(),
                                         tokens_.get(), &clock_, "UTC"});
  {
    api::RegulatoryWarningOptions warning_options;
    warning_options.to = config_.regulatory_warn_to;
    warning_options.policy.percent_elapsed = config_.regulatory_warn_percent;
    warning_options.policy.lead_times = config_.regulatory_warn_lead_ms;
    warning_options.interval = std::chrono::milliseconds(config_.regulatory_warn_interval_ms);
    regulatory_warner_ = std::make_unique<api::RegulatoryWarner>(
        api::RegulatoryRoutesContext{incidents_.get(), database_.get(), &audit_->store(),
                                     tokens_.get(), &clock_, "UTC"},
        std::move(warning_options));
  }
  api::RegisterOpsRoutes(*http_, metrics_, [this]() -> Status {
    if (draining_) return Status::Unavailable("draining");
    auto version = database_->SchemaVersion();
    return version.ok() ? Status::Ok() : version.status();
  }, [this] { response_metrics_->RefreshGauges(); });
  sessions_ = std::make_unique<auth::SessionService>(*tokens_, clock_);
  api::AttachSessions(*tokens_, sessions_.get());
  api::SessionRoutesContext session_context{sessions_.get(), tokens_.get(), database_.get(), &clock_};
  api::RegisterSessionRoutes(*http_, session_context);
  api::RegisterTokenRoutes(*http_, {tokens_.get(), database_.get(), &clock_});
  event_stream_ = std::make_unique<api::EventStream>(*database_);
  api::RegisterEventStreamRoutes(*http_, *event_stream_, *tokens_);
  // The console catches every other GET outside /api/, so it is registered last.
  if (!config_.web_dir.empty()) api::RegisterWebRoutes(*http_, config_.web_dir);
  return Status::Ok();
}

Result<nlohmann::json> App::Reload(const std::string& actor) {
  std::lock_guard lock(reload_mu_);
  // Build everything new first; swap only when all of it is valid.
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status().WithContext("catalogue not reloaded");
  std::shared_ptr<const runbook::RunbookSet> set = std::make_shared<const runbook::RunbookSet>();
  if (!config_.runbooks_dir.empty()) {
    auto loaded = runbook::LoadRunbookSet({config_.runbooks_dir});
    if (!loaded.ok()) return loaded.status().WithContext("runbooks not reloaded");
    set = std::make_shared<const runbook::RunbookSet>(std::move(*loaded));
  }
  incident::Routing routing;
  routing.matcher = std::make_shared<const dispatch::RunbookMatcher>(dispatch::RunbookMatcher::Build(set));
  routing.catalog = std::move(*catalog);
  nlohmann::json summary = {{"runbooks", nlohmann::json::array()}, {"actor", actor}};
  for (const auto& runbook : set->runbooks()) {
    summary["runbooks"].push_back({{"id", runbook->id()},
                                   {"version", runbook->metadata.version},
                                   {"content_hash", runbook->content_hash}});
  }
  // The on-call file reloads with the runbooks; a bad file keeps the old runbooks and on-call.
  if (paging_) VAKT_RETURN_IF_ERROR(paging_->ReloadOncall());
  incidents_->SetRouting(std::move(routing));
  // Record what is now serving (issue 3: who, content hash); a failed record is reported in the
  // summary, it does not undo the swap.
  summary["versions"] = retro::RecordLoadedRunbooks(*runbook_versions_, *set, actor, clock_.NowMs());
  spdlog::info("loaded {} runbooks (by {})", set->size(), actor);
  return summary;
}

Result<std::shared_ptr<const catalog::Catalog>> App::LoadCatalog() {
  catalog::Catalog base;
  if (!config_.catalog_path.empty() && std::filesystem::exists(config_.catalog_path)) {
    VAKT_ASSIGN_OR_RETURN(base, catalog::LoadCatalogFile(config_.catalog_path));
  }
  VAKT_ASSIGN_OR_RETURN(auto stored, catalog_store_->ListPipelines());
  VAKT_ASSIGN_OR_RETURN(catalog::Catalog merged, OverlayStoredPipelines(std::move(base), stored));
  return std::make_shared<const catalog::Catalog>(std::move(merged));
}

Status App::RefreshCatalog() {
  std::lock_guard lock(reload_mu_);
  VAKT_ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  incident::Routing routing = incidents_->routing();
  routing.catalog = std::move(catalog);
  incidents_->SetRouting(std::move(routing));
  return Status::Ok();
}

Result<std::unique_ptr<paging::PagingService>> App::CreatePaging() {
  paging::PagingOptions options;
  options.oncall_path = config_.oncall_path;
  options.templates_dir = config_.notify.templates_dir;
  options.webhook_secret = config_.notify.webhook_secret;
  options.smtp_url = config_.notify.smtp_url;
  options.smtp_from = config_.notify.smtp_from;
  options.slack_webhook_url = config_.notify.slack_webhook_url;
  options.drill_webhook_url = config_.notify.drill_webhook_url;
  options.fallback_channel = config_.notify.fallback_channel;
  options.fallback_target = config_.notify.fallback_target;
  // An incident's escalation policy is its runbook's detection.escalation.
  auto policy_of = [this](const std::string& runbook_id) -> std::string {
    auto routing = incidents_->routing();
    if (!routing.matcher) return "";
    const runbook::Runbook* found = routing.matcher->runbooks().Find(runbook_id);
    return found == nullptr ? "" : found->detection.escalation;
  };
  // Alerts joining an open incident are announced at most once per its runbook's group_interval.
  options.group_interval_of = [this](const std::string& runbook_id) -> TimeMs {
    auto routing = incidents_->routing();
    const runbook::Runbook* found =
        routing.matcher ? routing.matcher->runbooks().Find(runbook_id) : nullptr;
    return found == nullptr ? runbook::Detection{}.group_interval_ms
                            : found->detection.group_interval_ms;
  };
  return paging::PagingService::Create(*database_, clock_, policy_of, std::move(options));
}

Status App::BootstrapAdminToken() {
  VAKT_ASSIGN_OR_RETURN(auto active, tokens_->CountActive());
  if (active > 0) return Status::Ok();
  // First start: create an admin token and hand it over through a 0600 file, never the log.
  std::error_code error;
  std::filesystem::create_directories(config_.data_dir, error);
  std::string path = (std::filesystem::path(config_.data_dir) / "admin.token").string();
  VAKT_ASSIGN_OR_RETURN(std::string token, tokens_->CreateToken("admin", auth::Role::kAdmin));
  mode_t old_mask = ::umask(077);
  {
    std::ofstream file(path, std::ios::trunc);
    file << token << "\n";
  }
  ::umask(old_mask);
  ::chmod(path.c_str(), 0600);
  admin_token_path_ = path;
  return Status::Ok();
}

Status App::Start() {
  queue_->Start();
  incidents_->Start();
  paging_->Start();
  stabilise_->service().Start();
  drill_scheduler_->Start();
  retro_catch_up_->Start();
  audit_->Start();
  regulatory_warner_->Start();
  evidence_sweeper_->Start();
  VAKT_RETURN_IF_ERROR(event_stream_->Start());
  VAKT_ASSIGN_OR_RETURN(port_, http_->Bind(config_.listen_host, config_.listen_port));
  http_thread_ = std::thread([this] { http_->Serve(); });
  spdlog::info("vakt listening on http://{}:{} (database: {})", config_.listen_host, port_,
               database_->Engine());
  return Status::Ok();
}

void App::Stop() {
  if (draining_) return;
  draining_ = true;
  if (event_stream_) event_stream_->Stop();  // ends live streams so the drain below is not held
  if (http_) http_->Stop();  // stops accepting; in-flight handlers finish first
  if (http_thread_.joinable()) http_thread_.join();
  if (queue_) queue_->Stop();  // commits everything still queued
  if (incidents_) incidents_->Stop();
  if (paging_) paging_->Stop();  // a send in flight finishes; its lease covers a crash
  if (stabilise_) stabilise_->service().Stop();  // joins step runs; they record their ends
  if (retro_catch_up_) retro_catch_up_->Stop();
  if (drill_scheduler_) drill_scheduler_->Stop();  // a claimed run left unfinished is retaken after its lease
  if (regulatory_warner_) regulatory_warner_->Stop();
  if (evidence_sweeper_) evidence_sweeper_->Stop();  // a sweep in progress finishes its blob
  if (audit_) audit_->Stop();  // last: its final checkpoint covers everything committed above
}

}  // namespace vakt::app
