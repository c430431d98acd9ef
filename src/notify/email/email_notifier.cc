#include "notify/email/email_notifier.h"

#include <algorithm>
#include <cstring>

#include "common/crypto.h"
#include "notify/curl_support.h"
#include "notify/email/mime_message.h"
#include "notify/http_client.h"

namespace vakt::notify::email {
namespace {

struct UploadSource {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* source = static_cast<UploadSource*>(user);
  const size_t bytes = std::min(size * count, source->data.size() - source->offset);
  std::memcpy(buffer, source->data.data() + source->offset, bytes);
  source->offset += bytes;
  return bytes;
}

}  // namespace

Status EmailNotifier::Send(const Notification& notification) {
  const std::string what = "SMTP " + RedactUrl(options_.url);
  EmailMessage message;
  message.from = options_.from;
  message.to = notification.target;
  message.subject = notification.subject;
  message.text = notification.text;
  message.html = notification.html;
  message.date = clock_.NowMs();
  const std::string domain = options_.from.substr(options_.from.find('@') + 1);
  const std::string id_seed =
      notification.idempotency_key.empty() ? RandomToken(16) : notification.idempotency_key;
  message.message_id = Sha256Hex(id_seed).substr(0, 32) + "@" + domain;
  VAKT_ASSIGN_OR_RETURN(const std::string mime, BuildMimeMessage(message, "=_vakt_" + RandomToken(12)));

  internal::CurlEasy curl = internal::NewCurlEasy();
  if (!curl) return Status::Internal(what + ": curl_easy_init failed");
  CURL* handle = curl.get();
  // Addresses were validated by BuildMimeMessage: no CR, LF, spaces or angle brackets.
  const std::string mail_from = "<" + options_.from + ">";
  internal::CurlSlist recipients(curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
  UploadSource source{mime};
  curl_easy_setopt(handle, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &source);
  if (options_.require_tls) curl_easy_setopt(handle, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, options_.password.c_str());
  }

  const CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_OK) return Status::Ok();
  long reply = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply);
  const std::string detail =
      what + ": " + curl_easy_strerror(code) + " (last SMTP reply " + std::to_string(reply) + ")";
  // The server's verdict decides: 4xx means "try again later", 5xx means "never".
  if (reply >= 500 && reply < 600) return Status::InvalidArgument(detail);
  if (reply >= 400 && reply < 500) return Status::Unavailable(detail);
  return internal::CurlCodeToStatus(code, what);
}

}  // namespace vakt::notify::email
