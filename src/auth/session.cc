#include "auth/session.h"

#include <algorithm>

#include "common/crypto.h"

namespace vakt::auth {

SessionService::SessionService(TokenService& tokens, const Clock& clock, SessionOptions options)
    : tokens_(tokens), clock_(clock), options_(options) {}

Result<NewSession> SessionService::Login(const std::string& api_token) {
  VAKT_ASSIGN_OR_RETURN(Principal principal, tokens_.Authenticate(api_token));
  NewSession created;
  created.id = RandomToken(32);
  created.session.principal = std::move(principal);
  created.session.csrf_token = RandomToken(24);
  created.session.token_sha256 =
      TokenHash(api_token.rfind("Bearer ", 0) == 0 ? api_token.substr(std::string("Bearer ").size())
                                                   : api_token);
  TimeMs now = clock_.NowMs();
  created.session.expires_at = now + options_.lifetime_ms;
  std::lock_guard lock(mu_);
  DropExpiredLocked(now);
  if (by_id_hash_.size() >= options_.max_sessions) {
    auto oldest = std::min_element(
        by_id_hash_.begin(), by_id_hash_.end(),
        [](const auto& a, const auto& b) { return a.second.expires_at < b.second.expires_at; });
    by_id_hash_.erase(oldest);
  }
  by_id_hash_[Sha256Hex(created.id)] = created.session;
  return created;
}

std::optional<Session> SessionService::Find(const std::string& session_id) {
  if (session_id.empty() || session_id.size() > 128) return std::nullopt;
  const std::string key = Sha256Hex(session_id);
  Session session;
  {
    std::lock_guard lock(mu_);
    auto found = by_id_hash_.find(key);
    if (found == by_id_hash_.end()) return std::nullopt;
    if (found->second.expires_at <= clock_.NowMs()) {
      by_id_hash_.erase(found);
      return std::nullopt;
    }
    session = found->second;
  }
  // Outside the lock: one indexed read per console request, like a bearer token's.
  auto principal = tokens_.AuthenticateHash(session.token_sha256);
  if (!principal.ok()) {
    // Revoked or unknown: the session ends. A database error also refuses (fail closed) but
    // keeps the session, so a blip does not log everyone out.
    if (principal.status().code() == StatusCode::kUnauthenticated) {
      std::lock_guard lock(mu_);
      by_id_hash_.erase(key);
    }
    return std::nullopt;
  }
  session.principal = std::move(*principal);
  return session;
}

void SessionService::Logout(const std::string& session_id) {
  std::lock_guard lock(mu_);
  by_id_hash_.erase(Sha256Hex(session_id));
}

void SessionService::DropExpiredLocked(TimeMs now) {
  std::erase_if(by_id_hash_, [now](const auto& entry) { return entry.second.expires_at <= now; });
}

std::string SessionIdFromCookieHeader(const std::string& cookie_header) {
  const std::string wanted = std::string(kSessionCookieName) + "=";
  size_t pos = 0;
  while (pos < cookie_header.size()) {
    size_t end = cookie_header.find(';', pos);
    if (end == std::string::npos) end = cookie_header.size();
    size_t start = cookie_header.find_first_not_of(' ', pos);
    if (start != std::string::npos && start < end &&
        cookie_header.compare(start, wanted.size(), wanted) == 0) {
      return cookie_header.substr(start + wanted.size(), end - start - wanted.size());
    }
    pos = end + 1;
  }
  return "";
}

}  // namespace vakt::auth
