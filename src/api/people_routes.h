#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "paging/paging_service.h"

namespace vakt::api {

// RegisterPeopleRoutes adds on-call users and teams (issue 5). The served set is the on-call
// file's with the API-defined entries laid over it by id; each entry says its "source" ("file"
// or "api") and, for API entries, its "version" (send it as If-Match to compare-and-set; "0" =
// must not exist yet). Bodies are JSON (or YAML) in the on-call file's own shape, validated by
// the file's parser: unknown keys, bad addresses and rules naming a missing contact are 400.
//   GET    /api/v1/users                 users with contact methods and notification rules
//   GET    /api/v1/users/{id}
//   PUT    /api/v1/users/{id}            {name, contact: {email, slack, webhook},
//                                          notification_rules: [{after, via}]}   (admin)
//   DELETE /api/v1/users/{id}            API entry only; 409 while still named elsewhere (admin)
//   GET    /api/v1/teams, GET /api/v1/teams/{id}
//   PUT    /api/v1/teams/{id}            {name, members: [user ids]}            (admin)
//   DELETE /api/v1/teams/{id}                                                  (admin)
void RegisterPeopleRoutes(HttpServer& server, paging::PagingService* paging,
                          auth::TokenService* tokens);

}  // namespace vakt::api
