#pragma once

#include <string>

#include "common/clock.h"
#include "notify/notifier.h"

namespace vakt::notify::email {

struct SmtpOptions {
  // smtp://host:port or smtps://host:port.
  std::string url;
  // Envelope sender and From: header, a bare address.
  std::string from;
  // Optional SMTP AUTH; the password is a secret and never appears in a Status or log.
  std::string username;
  std::string password;
  // Refuse to send unless STARTTLS succeeds (set it for anything but loopback).
  bool require_tls = false;
  TimeMs timeout_ms = 20'000;
  TimeMs connect_timeout_ms = 5'000;
};

// EmailNotifier sends a notification as an e-mail over SMTP with libcurl to the single address in
// Notification::target: text as text/plain UTF-8 quoted-printable, plus an HTML alternative when
// Notification::html is set. The subject is RFC 2047 encoded when needed and stripped of CR/LF,
// so alert text cannot add headers or recipients. The Message-ID derives from the idempotency
// key, so a retried send carries the same id. An SMTP 4xx reply or a network failure is
// Unavailable, a 5xx reply is InvalidArgument (permanent). Safe for concurrent Send calls.
class EmailNotifier final : public Notifier {
 public:
  // `clock` dates the message and must outlive the notifier.
  EmailNotifier(SmtpOptions options, const Clock& clock)
      : options_(std::move(options)), clock_(clock) {}

  Status Send(const Notification& notification) override;

 private:
  const SmtpOptions options_;
  const Clock& clock_;
};

}  // namespace vakt::notify::email
