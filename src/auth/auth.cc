#include "auth/auth.h"

#include "common/crypto.h"

namespace vakt::auth {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kResponder:
      return "responder";
    case Role::kApprover:
      return "approver";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(const std::string& name) {
  for (Role role : {Role::kViewer, Role::kResponder, Role::kApprover, Role::kAdmin}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

std::string TokenHash(const std::string& token) { return Sha256Hex(token); }

namespace {

// HasActiveToken says whether an unrevoked token is named `name`, read on `conn` (inside the
// caller's transaction, so its check and its write see the same rows).
Result<bool> HasActiveToken(storage::SqlConnection& conn, const std::string& name) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT count(*) FROM api_tokens WHERE name = $1 AND revoked_at = 0", {name}));
  return rows.at(0).Int(0) > 0;
}

}  // namespace

Result<std::string> TokenService::CreateToken(const std::string& name, Role role) {
  if (name.empty() || name.size() > 128)
    return Status::InvalidArgument("token name must be 1-128 characters");
  std::string token = "vakt_" + RandomToken(24);
  Status status = database_.RunWrite([&](storage::SqlConnection& conn) -> Status {
    storage::SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_ASSIGN_OR_RETURN(bool exists, HasActiveToken(conn, name));
    if (exists) {
      return Status::AlreadyExists("an active token named \"" + name +
                                   "\" exists; revoke it first");
    }
    VAKT_RETURN_IF_ERROR(
        conn.Query("INSERT INTO api_tokens (name, role, token_sha256, "
                   "created_at, revoked_at) VALUES ($1, $2, $3, $4, 0)",
                   {name, std::string(RoleName(role)), TokenHash(token), clock_.NowMs()})
            .status());
    return txn.Commit();
  });
  if (!status.ok()) return status;
  return token;
}

Result<Principal> TokenService::Authenticate(const std::string& authorization_header) {
  std::string token = authorization_header;
  const std::string bearer = "Bearer ";
  if (token.rfind(bearer, 0) == 0) token = token.substr(bearer.size());
  if (token.empty()) return Status::Unauthenticated("missing bearer token");
  if (token.size() > 256 || token.rfind("vakt_", 0) != 0) {
    return Status::Unauthenticated("malformed token");
  }
  return AuthenticateHash(TokenHash(token));
}

Result<Principal> TokenService::AuthenticateHash(const std::string& token_sha256) {
  Result<Principal> principal = Status::Unauthenticated("unknown or revoked token");
  Status status = database_.RunRead([&](storage::SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT name, role FROM api_tokens WHERE "
                                                "token_sha256 = $1 AND revoked_at = 0",
                                                {token_sha256}));
    if (rows.empty()) return Status::Ok();
    auto role = ParseRole(rows[0].Text(1));
    if (!role) return Status::Corruption("stored token has unknown role " + rows[0].Text(1));
    principal = Principal{rows[0].Text(0), *role};
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return principal;
}

Status TokenService::Revoke(const std::string& name) {
  return database_.RunWrite([&](storage::SqlConnection& conn) -> Status {
    storage::SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_ASSIGN_OR_RETURN(bool active, HasActiveToken(conn, name));
    if (!active) {
      return Status::NotFound("no active token named \"" + name + "\"");
    }
    VAKT_RETURN_IF_ERROR(
        conn.Query("UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at = 0",
                   {clock_.NowMs(), name})
            .status());
    return txn.Commit();
  });
}

Result<std::int64_t> TokenService::CountActive() {
  std::int64_t count = 0;
  Status status = database_.RunRead([&](storage::SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT count(*) FROM api_tokens WHERE revoked_at = 0", {}));
    count = rows.at(0).Int(0);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return count;
}

}  // namespace vakt::auth
