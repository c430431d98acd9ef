#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::auth {

// Role orders what a caller may do; each role includes the ones before it.
enum class Role { kViewer, kResponder, kApprover, kAdmin };
const char* RoleName(Role role);
std::optional<Role> ParseRole(const std::string& name);

// Principal is an authenticated caller.
struct Principal {
  std::string name;
  Role role = Role::kViewer;
  bool Allows(Role needed) const { return static_cast<int>(role) >= static_cast<int>(needed); }
};

// TokenService issues and checks API bearer tokens. Only the SHA-256 of a token is stored, so a
// database dump reveals no usable credential; tokens are compared by hash lookup. Thread-safe.
class TokenService {
 public:
  TokenService(storage::Database& database, const Clock& clock)
      : database_(database), clock_(clock) {}

  // CreateToken stores a new token for `name` with `role` and returns the token text, which is
  // shown once and never stored. AlreadyExists when `name` already has an active token.
  Result<std::string> CreateToken(const std::string& name, Role role);
  // Authenticate resolves "Bearer <token>" (or the bare token). Unauthenticated when missing,
  // malformed, unknown or revoked.
  Result<Principal> Authenticate(const std::string& authorization_header);
  // AuthenticateHash resolves a token by its stored SHA-256 (what a console session keeps), so a
  // session can be re-checked against revocation without holding the token itself.
  Result<Principal> AuthenticateHash(const std::string& token_sha256);
  // Revoke disables every token of `name` (NotFound when it has none active). Console sessions
  // opened with those tokens end on their next request (SessionService::Find).
  Status Revoke(const std::string& name);
  Result<std::int64_t> CountActive();

 private:
  storage::Database& database_;
  const Clock& clock_;
};

// TokenHash is the stored form of a token: lowercase hex SHA-256.
std::string TokenHash(const std::string& token);

}  // namespace vakt::auth
