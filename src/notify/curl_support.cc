#include "notify/curl_support.h"

#include <mutex>
#include <string>

namespace vakt::notify::internal {

CurlEasy NewCurlEasy() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return CurlEasy(curl_easy_init());
}

Status CurlCodeToStatus(CURLcode code, const std::string& what) {
  const std::string message = what + ": " + curl_easy_strerror(code);
  switch (code) {
    case CURLE_OK:
      return Status::Ok();
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_UPLOAD_FAILED:
      return Status::Unavailable(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::InvalidArgument(message);
    case CURLE_LOGIN_DENIED:
      return Status::PermissionDenied(message);
    default:
      return Status::Internal(message);
  }
}

}  // namespace vakt::notify::internal
