// Rates are exact fractions (num/den), and multiplying money by a rate always names its
// rounding. Programs state rates as "50%", "0.3" or a ratio of days "305/729"; none of
// these is ever turned into floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.h"
#include "core/result.h"

namespace suanli {

struct Rate {
  std::int64_t num = 0;
  std::int64_t den = 1;  // > 0 always

  // "50%", "12.5%", "0.3", "1", "305/729". Negative rates and zero denominators are refused.
  static Result<Rate> Parse(std::string_view text, std::string_view field = "rate");
  static constexpr Rate Percent(std::int64_t pct) { return Rate{pct, 100}; }
  static constexpr Rate One() { return Rate{1, 1}; }

  // "50%" when the rate is a whole or decimal percentage, else "305/729".
  std::string ToString() const;
  // The rate as an exact decimal fraction with at least two decimals, as the API carries a
  // share ("0.20", "0.125", "1.00"); none when it has no exact decimal form within nine
  // decimals (305/729): never rounded, since a client computes money from it.
  std::optional<std::string> ToDecimal() const;
  bool operator==(const Rate& o) const;
  bool LessThan(const Rate& o) const;  // exact comparison by cross-multiplication
};

enum class RoundingMode : std::uint8_t {
  kDown,      // toward negative infinity: the fund pays never more than the exact share
  kHalfUp,    // nearest, ties away from zero
  kHalfEven,  // nearest, ties to even (banker's)
  kTruncate,  // toward zero
};

// A rounding is a mode and the unit it rounds to, in fen. Nanning computes in 万元 with four
// decimals, truncated: that is kTruncate at 100 fen (0.0001 万元 = 1 CNY).
struct Rounding {
  RoundingMode mode = RoundingMode::kDown;
  std::int64_t unit_fen = 1;

  // Names used in program files: "down_fen" (the default, in the fund's favour),
  // "half_up_fen", "half_even_fen", "truncate_fen", "truncate_yuan", "truncate_wan_4dp",
  // "down_yuan", "half_up_yuan".
  static Result<Rounding> Parse(std::string_view name, std::string_view field = "rounding");
  std::string Name() const;
};

inline constexpr Rounding kDownToFen{RoundingMode::kDown, 1};
inline constexpr Rounding kTruncateWan4dp{RoundingMode::kTruncate, 100};

// amount × rate, rounded as named. Errors only on overflow of the int64 result.
Result<Money> MulRate(Money amount, Rate rate, Rounding rounding);

// Rounds an amount to the rounding's unit (used when a rule fixes the unit of a figure,
// e.g. Nanning's base in 万元 to four decimals).
Result<Money> RoundTo(Money amount, Rounding rounding);

}  // namespace suanli
