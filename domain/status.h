#pragma once
// Status and Result<T>: operating errors as values (STYLE.md, Errors). Business outcomes
// (not attributable, below MSR, superseded) are never Status errors.

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "domain/check.h"

namespace vbp {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // a record, parameter or flag is malformed
  kNotFound,
  kAlreadyExists,
  kConflict,    // same key and version, different content
  kDataLoss,    // input log truncated past a stored position; a statement revision edited
  kCorruption,  // the state store's bytes are damaged (checksum mismatch, undecodable value)
  kIoError,
  kUnavailable,  // broker or peer not reachable; retry may help
  kInternal,
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status Invalid(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status Io(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: <message>"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    VBP_CHECK(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & {
    VBP_CHECK(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    VBP_CHECK(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    VBP_CHECK(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

#define VBP_RETURN_IF_ERROR(expr) \
  do {                            \
    ::vbp::Status _st = (expr);   \
    if (!_st.ok()) return _st;    \
  } while (0)

// `lhs = value of expr`, or return expr's Status from the enclosing function:
//   VBP_ASSIGN_OR_RETURN(auto source, KafkaRecordSource::Create(...));
#define VBP_ASSIGN_OR_RETURN(lhs, expr) \
  VBP_ASSIGN_OR_RETURN_IMPL_(VBP_STATUS_CONCAT_(vbp_result_, __LINE__), lhs, expr)
#define VBP_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
#define VBP_STATUS_CONCAT_INNER_(a, b) a##b
#define VBP_STATUS_CONCAT_(a, b) VBP_STATUS_CONCAT_INNER_(a, b)

}  // namespace vbp
