#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "paging/paging_service.h"

namespace vakt::api {

// RegisterNotifyTestRoute adds
//   POST /api/v1/notify/test   {"channel": "webhook"|"slack"|"email", "to": "..."}   (admin)
// which sends one test message right now through the server's own configured notifier (its
// webhook signing secret, SMTP relay, Slack webhook), so it proves what paging will really use.
// 200 {"channel", "to", "delivered": true}; 400 for bad input; 409 when the channel is not
// configured; 502/503/504 with the receiver's error when the send failed. Admin only: the target
// is chosen by the caller, so this must not be a way for anyone to make vakt call any URL.
void RegisterNotifyTestRoute(HttpServer& server, paging::PagingService* paging,
                             auth::TokenService* tokens);

}  // namespace vakt::api
