#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vakt {

// StatusCode classifies an error for callers: api/ maps it to an HTTP status, retry loops retry
// only kUnavailable (the one code that promises a later attempt may succeed).
enum class StatusCode {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kCorruption,
  kInternal,
};

const char* StatusCodeName(StatusCode code);

// Status is the error value returned across module boundaries. Cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status DeadlineExceeded(std::string msg) {
    return {StatusCode::kDeadlineExceeded, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // ToString renders "InvalidArgument: message" for logs and CLI output.
  std::string ToString() const;

  // WithContext prefixes the message ("loading x: " + message), keeping the code.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a value or a non-ok Status (like absl::StatusOr / std::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace vakt

#define VAKT_CONCAT_INNER(a, b) a##b
#define VAKT_CONCAT(a, b) VAKT_CONCAT_INNER(a, b)

// VAKT_RETURN_IF_ERROR(expr) returns the Status of `expr` from the enclosing function if not ok.
#define VAKT_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::vakt::Status vakt_status_ = (expr);       \
    if (!vakt_status_.ok()) return vakt_status_; \
  } while (false)

// VAKT_ASSIGN_OR_RETURN(lhs, expr) evaluates a Result<T>, returns its Status on error, else
// assigns (or declares) lhs from its value.
#define VAKT_ASSIGN_OR_RETURN(lhs, expr) \
  VAKT_ASSIGN_OR_RETURN_IMPL(VAKT_CONCAT(vakt_result_, __LINE__), lhs, expr)
#define VAKT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
