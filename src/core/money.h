// Money is an integer count of fen (0.01 CNY) in an int64. It is parsed from and printed as
// decimal strings ("1500000.00"), never as floating point. Every operation that could exceed
// int64 returns an error instead of wrapping; every multiplication by a rate names its
// rounding (rate.h).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace suanli {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromFen(std::int64_t fen) { return Money(fen); }
  static constexpr Money Zero() { return Money(0); }

  // Whole yuan; errors on overflow.
  static Result<Money> FromYuan(std::int64_t yuan);

  // Parses "1500000", "1500000.5", "1500000.00" and a leading '-'. At most two decimals: a
  // third digit would be a sub-fen amount, which no bill or grant has, so it is refused
  // rather than silently rounded. Grouping commas, exponents and spaces are refused.
  // `field` names the input in the error.
  static Result<Money> Parse(std::string_view text, std::string_view field = "amount");

  constexpr std::int64_t fen() const { return fen_; }
  constexpr bool is_negative() const { return fen_ < 0; }
  constexpr bool is_zero() const { return fen_ == 0; }

  // "1500000.00" / "-3.05": the canonical wire form (JSON carries it as a string).
  std::string ToString() const;
  // "¥1,234,567.89": for people.
  std::string FormatYuan() const;
  // "8.3676万": amount in 万元 (10,000 CNY) with `decimals` digits, truncated toward zero
  // (the unit officers read; a display form only, never used for arithmetic).
  std::string FormatWan(int decimals = 4) const;

  Result<Money> Add(Money other) const;
  Result<Money> Sub(Money other) const;

  auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(std::int64_t fen) : fen_(fen) {}
  std::int64_t fen_ = 0;
};

constexpr Money Min(Money a, Money b) { return a < b ? a : b; }
constexpr Money Max(Money a, Money b) { return a < b ? b : a; }

}  // namespace suanli
