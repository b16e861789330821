// The one result type of Suanli: a value, or an Error with a stable code, the field it is
// about and a human reason. Business outcomes and bad input are values of this type, never
// exceptions; a broken invariant is a CHECK (check.h) instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace suanli {

// Stable codes: numbers are part of the API (logs, problem+json, CLI exit detail) and are
// never reused. Append only.
enum class ErrorCode : std::uint16_t {
  kOk = 0,
  // Input shape (1xx).
  kParse = 100,            // text is not the expected syntax (JSON, TOML, decimal, date)
  kMissingField = 101,     // a required field is absent
  kWrongType = 102,        // a field has the wrong JSON/TOML type
  kUnknownField = 103,     // a field the schema does not know
  kOutOfRange = 104,       // a number outside its allowed range
  kOverflow = 105,         // arithmetic would exceed int64 fen
  kNegativeAmount = 106,   // an amount that must be >= 0 is negative
  kInvalidCode = 107,      // USCC or resident ID fails its checksum or format
  kInvalidDate = 108,      // a date or time that does not exist or is malformed
  kContradiction = 109,    // two fields that cannot both hold (e.g. start after end)
  // Environment (2xx).
  kIo = 200,               // the store or file system failed
  kIoUncertain = 201,      // an I/O error whose effect on durable state is unknown
  kReadOnly = 202,         // refused: the ledger is read-only after kIoUncertain
  kConflict = 203,         // another writer advanced the shared store first
  kNotFound = 204,         // a file or record that must exist does not
  // Who may do what, and the state things are in (3xx).
  kUnauthenticated = 300,  // no valid session or API key
  kForbidden = 301,        // the caller's role or ownership does not allow this
  kStateConflict = 302,    // the object is not in a state that allows this step
  kNotEligible = 303,      // the program's rules refuse (reasons attached)
  kBanned = 304,           // the organisation is banned after a fraud finding
  kExpired = 305,          // the voucher, session or approval has expired
  kExceedsLimit = 306,     // above a cap, a balance or what was recorded
  kIdempotencyConflict = 307,  // an Idempotency-Key reused with different content
  kDuplicate = 308,        // the record exists already (USCC, contract number, username)
  kTooLarge = 309,         // a body or upload above its size limit
  kRateLimited = 310,      // too many attempts: retry later
  kUnsupportedType = 311,  // an upload whose content is not an allowed type
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kOk;
  std::string field;    // dotted path of the offending field, e.g. "grant.tiers[1].rate"
  std::string message;  // a reason a person can act on

  std::string ToString() const;
};

inline Error MakeError(ErrorCode code, std::string field, std::string message) {
  return Error{code, std::move(field), std::move(message)};
}

// Result<T>: either a T or an Error. [[nodiscard]] so an ignored failure is a compile error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: a Result with no value.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

#define SUANLI_CONCAT_INNER(a, b) a##b
#define SUANLI_CONCAT(a, b) SUANLI_CONCAT_INNER(a, b)

// Propagates an error from an expression returning Result<...>. The temporary is named per
// expansion, so a SUANLI_TRY around a lambda that itself uses SUANLI_TRY does not shadow.
#define SUANLI_TRY_IMPL(tmp, expr)          \
  do {                                      \
    auto tmp = (expr);                      \
    if (!tmp.ok()) return tmp.error();      \
  } while (0)
#define SUANLI_TRY(expr) SUANLI_TRY_IMPL(SUANLI_CONCAT(_suanli_r, __COUNTER__), expr)
#define SUANLI_ASSIGN_IMPL(tmp, lhs, expr)       \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.error();             \
  lhs = std::move(tmp).value()
// SUANLI_ASSIGN(auto x, Parse(...)); assigns the value or returns the error. It expands to
// several statements (it must declare `lhs` in the enclosing scope), so never use it as the
// unbraced body of an if/for. One __COUNTER__ per expansion names the temporary, so a call
// spanning several lines still compiles (__LINE__ differs across the lines of a call in g++ 12).
#define SUANLI_ASSIGN(lhs, expr) SUANLI_ASSIGN_IMPL(SUANLI_CONCAT(_suanli_a, __COUNTER__), lhs, expr)

}  // namespace suanli
