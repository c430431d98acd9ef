#pragma once

#include <curl/curl.h>

#include <memory>

#include "common/status.h"

// Shared libcurl plumbing for the HTTP client and the SMTP notifier. Internal to notify/.
namespace vakt::notify::internal {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// NewCurlEasy initialises libcurl once per process and returns a fresh handle, or nullptr.
CurlEasy NewCurlEasy();

// CurlCodeToStatus maps a failed transfer to the notifier contract: connection, resolution,
// timeout and mid-transfer failures are Unavailable; malformed URLs and unsupported schemes are
// InvalidArgument; rejected logins PermissionDenied; the rest Internal. `what` must already be
// free of secrets.
Status CurlCodeToStatus(CURLcode code, const std::string& what);

}  // namespace vakt::notify::internal
