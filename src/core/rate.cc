#include "core/rate.h"

#include <limits>
#include <numeric>

namespace suanli {
namespace {

using i128 = __int128;

// Divides n by d (d > 0) rounding as `mode`.
i128 DivRound(i128 n, i128 d, RoundingMode mode) {
  i128 q = n / d;  // truncates toward zero
  i128 r = n % d;
  if (r == 0) return q;
  const bool negative = n < 0;
  switch (mode) {
    case RoundingMode::kTruncate:
      return q;
    case RoundingMode::kDown:
      return negative ? q - 1 : q;
    case RoundingMode::kHalfUp:
    case RoundingMode::kHalfEven: {
      const i128 twice = (r < 0 ? -r : r) * 2;
      const bool away = twice > d || (twice == d && (mode == RoundingMode::kHalfUp || (q % 2 != 0)));
      if (!away) return q;
      return negative ? q - 1 : q + 1;
    }
  }
  return q;
}

Result<Money> FromWide(i128 fen) {
  if (fen > std::numeric_limits<std::int64_t>::max() ||
      fen < std::numeric_limits<std::int64_t>::min()) {
    return MakeError(ErrorCode::kOverflow, "", "result exceeds the largest representable amount");
  }
  return Money::FromFen(static_cast<std::int64_t>(fen));
}

Rate Reduced(std::int64_t num, std::int64_t den) {
  const std::int64_t g = std::gcd(num, den);
  return g > 1 ? Rate{num / g, den / g} : Rate{num, den};
}

// Parses an unsigned decimal "12.5" into num/10^k. Returns false on syntax error.
bool ParseDecimal(std::string_view s, std::int64_t* num, std::int64_t* den) {
  if (s.empty()) return false;
  std::int64_t n = 0, d = 1;
  bool point = false, digits = false;
  for (char c : s) {
    if (c == '.') {
      if (point) return false;
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    digits = true;
    if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, c - '0', &n)) return false;
    if (point && __builtin_mul_overflow(d, 10, &d)) return false;
  }
  *num = n;
  *den = d;
  return digits;
}

}  // namespace

Result<Rate> Rate::Parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  const auto bad = [&](std::string why) {
    return MakeError(ErrorCode::kParse, f, "not a rate: '" + std::string(text) + "' (" + why +
                                               "; write \"50%\", \"0.5\" or \"305/729\")");
  };
  std::int64_t num = 0, den = 1;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    std::int64_t n2 = 0, d2 = 0, one = 1;
    if (!ParseDecimal(text.substr(0, slash), &num, &one) || one != 1) return bad("bad numerator");
    if (!ParseDecimal(text.substr(slash + 1), &d2, &one) || one != 1) return bad("bad denominator");
    if (d2 == 0) return bad("zero denominator");
    (void)n2;
    return Reduced(num, d2);
  }
  if (!text.empty() && text.back() == '%') {
    if (!ParseDecimal(text.substr(0, text.size() - 1), &num, &den)) return bad("bad percentage");
    if (__builtin_mul_overflow(den, 100, &den)) return bad("too many decimals");
    return Reduced(num, den);
  }
  if (!ParseDecimal(text, &num, &den)) return bad("bad decimal");
  return Reduced(num, den);
}

std::string Rate::ToString() const {
  // Whole or decimal percentage when den divides a power of ten times 100.
  for (std::int64_t scale = 1; scale <= 10000; scale *= 10) {
    const i128 hundred_num = static_cast<i128>(num) * 100 * scale;
    if (hundred_num % den == 0) {
      const i128 v = hundred_num / den;  // percentage × scale
      std::string digits = std::to_string(static_cast<long long>(v / scale));
      const long long frac = static_cast<long long>(v % scale);
      if (scale > 1) {
        std::string f = std::to_string(frac);
        std::string pad(std::to_string(scale).size() - 1 - f.size(), '0');
        digits += "." + pad + f;
      }
      return digits + "%";
    }
  }
  return std::to_string(num) + "/" + std::to_string(den);
}

std::optional<std::string> Rate::ToDecimal() const {
  std::int64_t scale = 100;  // 10^decimals
  for (int decimals = 2; decimals <= 9; ++decimals, scale *= 10) {
    const i128 scaled = static_cast<i128>(num) * scale;
    if (scaled % den != 0) continue;
    const i128 v = scaled / den;
    const std::string frac = std::to_string(static_cast<long long>(v % scale));
    return std::to_string(static_cast<long long>(v / scale)) + "." +
           std::string(static_cast<std::size_t>(decimals) - frac.size(), '0') + frac;
  }
  return std::nullopt;
}

bool Rate::operator==(const Rate& o) const {
  return static_cast<i128>(num) * o.den == static_cast<i128>(o.num) * den;
}

bool Rate::LessThan(const Rate& o) const {
  return static_cast<i128>(num) * o.den < static_cast<i128>(o.num) * den;
}

Result<Rounding> Rounding::Parse(std::string_view name, std::string_view field) {
  struct Named {
    std::string_view name;
    Rounding rounding;
  };
  static constexpr Named kNamed[] = {
      {"down_fen", {RoundingMode::kDown, 1}},
      {"half_up_fen", {RoundingMode::kHalfUp, 1}},
      {"half_even_fen", {RoundingMode::kHalfEven, 1}},
      {"truncate_fen", {RoundingMode::kTruncate, 1}},
      {"down_yuan", {RoundingMode::kDown, 100}},
      {"half_up_yuan", {RoundingMode::kHalfUp, 100}},
      {"truncate_yuan", {RoundingMode::kTruncate, 100}},
      {"truncate_wan_4dp", {RoundingMode::kTruncate, 100}},
  };
  for (const auto& n : kNamed) {
    if (n.name == name) return n.rounding;
  }
  return MakeError(ErrorCode::kParse, std::string(field),
                   "unknown rounding '" + std::string(name) +
                       "' (one of down_fen, half_up_fen, half_even_fen, truncate_fen, "
                       "down_yuan, half_up_yuan, truncate_yuan, truncate_wan_4dp)");
}

std::string Rounding::Name() const {
  std::string m;
  switch (mode) {
    case RoundingMode::kDown: m = "down"; break;
    case RoundingMode::kHalfUp: m = "half_up"; break;
    case RoundingMode::kHalfEven: m = "half_even"; break;
    case RoundingMode::kTruncate: m = "truncate"; break;
  }
  if (unit_fen == 1) return m + "_fen";
  if (unit_fen == 100) return mode == RoundingMode::kTruncate ? "truncate_wan_4dp" : m + "_yuan";
  return m + "_" + std::to_string(unit_fen) + "fen";
}

Result<Money> MulRate(Money amount, Rate rate, Rounding rounding) {
  const i128 exact_num = static_cast<i128>(amount.fen()) * rate.num;
  const i128 den = static_cast<i128>(rate.den) * rounding.unit_fen;
  const i128 units = DivRound(exact_num, den, rounding.mode);
  return FromWide(units * rounding.unit_fen);
}

Result<Money> RoundTo(Money amount, Rounding rounding) {
  const i128 units = DivRound(amount.fen(), rounding.unit_fen, rounding.mode);
  return FromWide(units * rounding.unit_fen);
}

}  // namespace suanli
