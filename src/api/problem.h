#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "ingest/field_error.h"

namespace vakt::api {

// HttpStatusFor maps a Status code to the HTTP status the API answers with. Only api/ knows HTTP.
int HttpStatusFor(StatusCode code);

// Problem builds an RFC 9457 application/problem+json body.
nlohmann::json Problem(int status, const std::string& title, const std::string& detail,
                       const ingest::FieldErrors& errors = {});

// ProblemFor builds the problem body for a non-ok Status.
nlohmann::json ProblemFor(const Status& status);

inline constexpr const char* kProblemContentType = "application/problem+json";

}  // namespace vakt::api
