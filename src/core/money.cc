#include "core/money.h"

#include <limits>

namespace suanli {
namespace {

constexpr std::int64_t kFenPerYuan = 100;

// Inserts thousands separators into a run of digits.
std::string GroupThousands(const std::string& digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const std::size_t left = n - 1 - i;
    if (left > 0 && left % 3 == 0) out.push_back(',');
  }
  return out;
}

// |fen| as unsigned, safe for INT64_MIN.
std::uint64_t Magnitude(std::int64_t fen) {
  return fen < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(fen)
                 : static_cast<std::uint64_t>(fen);
}

}  // namespace

Result<Money> Money::FromYuan(std::int64_t yuan) {
  std::int64_t fen = 0;
  if (__builtin_mul_overflow(yuan, kFenPerYuan, &fen)) {
    return MakeError(ErrorCode::kOverflow, "", "amount exceeds the largest representable sum");
  }
  return Money(fen);
}

Result<Money> Money::Parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  if (text.empty()) return MakeError(ErrorCode::kParse, f, "empty amount");
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  std::size_t int_digits = 0;
  std::size_t frac_digits = 0;
  bool seen_point = false;
  std::int64_t fen = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seen_point) return MakeError(ErrorCode::kParse, f, "more than one decimal point");
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return MakeError(ErrorCode::kParse, f,
                       "not a decimal amount: '" + std::string(text) +
                           "' (write e.g. \"1500000.00\", no commas or exponents)");
    }
    if (seen_point) {
      if (++frac_digits > 2) {
        return MakeError(ErrorCode::kParse, f, "more than two decimals (amounts are in fen)");
      }
    } else {
      ++int_digits;
    }
    if (__builtin_mul_overflow(fen, 10, &fen) || __builtin_add_overflow(fen, c - '0', &fen)) {
      return MakeError(ErrorCode::kOverflow, f, "amount is too large");
    }
  }
  if (int_digits == 0) return MakeError(ErrorCode::kParse, f, "no digits before the point");
  if (seen_point && frac_digits == 0) {
    return MakeError(ErrorCode::kParse, f, "no digits after the point");
  }
  for (std::size_t k = frac_digits; k < 2; ++k) {
    if (__builtin_mul_overflow(fen, 10, &fen)) {
      return MakeError(ErrorCode::kOverflow, f, "amount is too large");
    }
  }
  return Money(negative ? -fen : fen);
}

std::string Money::ToString() const {
  const std::uint64_t mag = Magnitude(fen_);
  const std::uint64_t yuan = mag / kFenPerYuan;
  const std::uint64_t cents = mag % kFenPerYuan;
  std::string s = fen_ < 0 ? "-" : "";
  s += std::to_string(yuan);
  s += '.';
  s += static_cast<char>('0' + cents / 10);
  s += static_cast<char>('0' + cents % 10);
  return s;
}

std::string Money::FormatYuan() const {
  const std::uint64_t mag = Magnitude(fen_);
  const std::uint64_t cents = mag % kFenPerYuan;
  std::string s = fen_ < 0 ? "-¥" : "¥";
  s += GroupThousands(std::to_string(mag / kFenPerYuan));
  s += '.';
  s += static_cast<char>('0' + cents / 10);
  s += static_cast<char>('0' + cents % 10);
  return s;
}

std::string Money::FormatWan(int decimals) const {
  if (decimals < 0) decimals = 0;
  if (decimals > 6) decimals = 6;
  // One 万元 is 1,000,000 fen; keep `decimals` digits of it, truncated toward zero.
  const std::uint64_t mag = Magnitude(fen_);
  const std::uint64_t per_wan = 1000000;
  std::uint64_t scale = 1;
  for (int k = 0; k < decimals; ++k) scale *= 10;
  const std::uint64_t whole = mag / per_wan;
  const std::uint64_t frac = (mag % per_wan) / (per_wan / scale);
  std::string s = fen_ < 0 ? "-" : "";
  s += std::to_string(whole);
  if (decimals > 0) {
    std::string digits = std::to_string(frac);
    s += '.';
    s += std::string(static_cast<std::size_t>(decimals) - digits.size(), '0') + digits;
  }
  s += "万";
  return s;
}

Result<Money> Money::Add(Money other) const {
  std::int64_t out = 0;
  if (__builtin_add_overflow(fen_, other.fen_, &out)) {
    return MakeError(ErrorCode::kOverflow, "", "sum exceeds the largest representable amount");
  }
  return Money(out);
}

Result<Money> Money::Sub(Money other) const {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(fen_, other.fen_, &out)) {
    return MakeError(ErrorCode::kOverflow, "", "difference exceeds the representable range");
  }
  return Money(out);
}

}  // namespace suanli
