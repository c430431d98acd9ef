#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/auth.h"
#include "common/clock.h"
#include "common/status.h"

namespace vakt::auth {

struct SessionOptions {
  TimeMs lifetime_ms = 12LL * 3600 * 1000;  // one on-call shift
  size_t max_sessions = 10000;              // bounded memory; the oldest is dropped beyond it
};

// Session is a browser login: who, their role and the CSRF token their mutations must echo.
struct Session {
  Principal principal;
  std::string csrf_token;
  TimeMs expires_at = 0;
  // The SHA-256 of the API token the session was opened with: every Find re-checks it, so
  // revoking the token (or re-minting it with another role) ends the session at once.
  std::string token_sha256;
};

// NewSession is what a login hands to the browser once: the cookie value and the CSRF token.
struct NewSession {
  std::string id;  // goes into the HttpOnly cookie, never stored server-side in clear
  Session session;
};

// SessionService keeps browser sessions in memory, keyed by the SHA-256 of their random id, so a
// heap dump holds no usable cookie. In memory on purpose: a console session is short-lived, a
// restart only means logging in again, and logout and expiry take effect at once without a table
// to sweep. Thread-safe.
class SessionService {
 public:
  SessionService(TokenService& tokens, const Clock& clock, SessionOptions options = {});

  // Login checks an API token and opens a session with its principal. Unauthenticated on a bad
  // token.
  Result<NewSession> Login(const std::string& api_token);
  // Find resolves a cookie's session id; nullopt when unknown, expired or its token was revoked
  // (the session is then dropped). The principal is re-read from the token, so a role change
  // applies to open sessions too.
  std::optional<Session> Find(const std::string& session_id);
  // Logout ends the session (no-op when unknown).
  void Logout(const std::string& session_id);
  TimeMs lifetime_ms() const { return options_.lifetime_ms; }

 private:
  void DropExpiredLocked(TimeMs now);

  TokenService& tokens_;
  const Clock& clock_;
  const SessionOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Session> by_id_hash_;  // GUARDED_BY(mu_)
};

// SessionCookieName is the cookie that carries the session id.
inline constexpr const char* kSessionCookieName = "vakt_session";

// SessionIdFromCookieHeader extracts vakt_session from a Cookie header ("" when absent).
std::string SessionIdFromCookieHeader(const std::string& cookie_header);

}  // namespace vakt::auth
