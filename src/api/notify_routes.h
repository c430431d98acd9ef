#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "incident/incident_service.h"
#include "paging/paging_service.h"
#include "storage/database.h"

namespace vakt::api {

struct NotifyRoutesContext {
  incident::IncidentService* incidents = nullptr;
  paging::PagingService* paging = nullptr;
  storage::Database* database = nullptr;
  auth::TokenService* tokens = nullptr;
};

// RegisterNotifyRoutes adds what an incident paged and sent:
//   POST /api/v1/incidents/{id}/notify         {template, to: [...]} (responder): enqueue a
//        stakeholder notice; 202 with the keys, or 429 when group_interval holds an update back
//   GET  /api/v1/incidents/{id}/pages          pages (level, user, enqueued/delivered/acked) and
//        the escalation timers
//   GET  /api/v1/incidents/{id}/notifications  every outbox message with its delivery state
void RegisterNotifyRoutes(HttpServer& server, const NotifyRoutesContext& context);

}  // namespace vakt::api
