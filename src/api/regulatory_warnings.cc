#include "api/regulatory_warnings.h"

#include <spdlog/spdlog.h>

#include "storage/regulatory_warning_outbox.h"

namespace vakt::api {

Result<size_t> SweepRegulatoryWarnings(const RegulatoryRoutesContext& context,
                                       const RegulatoryWarningOptions& options, TimeMs now,
                                       size_t* failed) {
  size_t added = 0;
  if (failed != nullptr) *failed = 0;
  if (options.to.empty()) return added;
  storage::IncidentQuery query;
  query.open_only = true;
  query.limit = 200;
  for (;;) {
    VAKT_ASSIGN_OR_RETURN(auto incidents, context.incidents->store().ListIncidents(query));
    for (const Incident& incident : incidents) {
      auto warnings = DueRegulatoryWarnings(context, incident, options.policy, now);
      if (!warnings.ok()) {
        spdlog::warn("regulatory warnings: {}: {}", incident.Key(), warnings.status().ToString());
        if (failed != nullptr) ++*failed;
        continue;
      }
      VAKT_ASSIGN_OR_RETURN(size_t new_messages,
                            storage::EnqueueRegulatoryWarnings(*context.database, incident.id,
                                                               *warnings, options.to, now));
      added += new_messages;
    }
    if (incidents.size() < query.limit) break;
    query.before_id = incidents.back().id;
  }
  return added;
}

RegulatoryWarner::RegulatoryWarner(RegulatoryRoutesContext context,
                                   RegulatoryWarningOptions options)
    : context_(std::move(context)),
      options_(std::move(options)),
      // No recipients: nothing to warn, so the task never starts.
      task_(options_.to.empty() ? std::chrono::milliseconds{0} : options_.interval,
            [this] { Sweep(); }) {}

RegulatoryWarner::~RegulatoryWarner() { Stop(); }

void RegulatoryWarner::Start() { task_.Start(); }

void RegulatoryWarner::Stop() { task_.Stop(); }

void RegulatoryWarner::Sweep() {
  auto added = SweepRegulatoryWarnings(context_, options_, context_.clock->NowMs());
  if (!added.ok()) spdlog::warn("regulatory warnings: {}", added.status().ToString());
}

}  // namespace vakt::api
