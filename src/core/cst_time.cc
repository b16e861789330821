#include "core/cst_time.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace suanli {
namespace {

// Howard Hinnant's civil-calendar algorithms (public domain), days since 1970-01-01.
constexpr std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Ymd {
  int y;
  int m;
  int d;
};

constexpr Ymd CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Ymd{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

constexpr bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int DaysInMonth(int y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at s[*pos]; advances pos.
bool Digits(std::string_view s, std::size_t* pos, int n, int* out) {
  if (*pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[*pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += static_cast<std::size_t>(n);
  *out = v;
  return true;
}

bool Expect(std::string_view s, std::size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

std::string Two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// The formatters below write into a stack buffer and allocate once: every JSON reply carries
// times, and snprintf with a string per part was a tenth of a voucher read's CPU
// (docs/benchmarks-http.md).

// v in 0..99 as two digits at out.
char* PutTwo(char* out, int v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
  return out + 2;
}

// "Y-MM-DD" as std::to_string(y) + "-" + Two(m) + "-" + Two(d) spells it (the year unpadded,
// signed); out holds at least kMaxDateChars.
constexpr std::size_t kMaxDateChars = 20 + 6;
char* PutDate(char* out, const Ymd& c) {
  out = std::to_chars(out, out + 20, c.y).ptr;
  *out++ = '-';
  out = PutTwo(out, c.m);
  *out++ = '-';
  return PutTwo(out, c.d);
}

// ".ffffff" for 0 < frac < 10^6.
char* PutMicros(char* out, std::int64_t frac) {
  *out++ = '.';
  for (int i = 6; i >= 1; --i) {
    out[i - 1] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  return out + 6;
}

}  // namespace

Result<Date> Date::FromYmd(int year, int month, int day, std::string_view field) {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return MakeError(ErrorCode::kInvalidDate, std::string(field),
                     "no such date: " + std::to_string(year) + "-" + Two(month) + "-" + Two(day));
  }
  return Date(static_cast<std::int32_t>(
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))));
}

Result<Date> Date::Parse(std::string_view text, std::string_view field) {
  std::size_t pos = 0;
  int y = 0, m = 0, d = 0;
  if (!Digits(text, &pos, 4, &y) || !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &m) ||
      !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &d) || pos != text.size()) {
    return MakeError(ErrorCode::kInvalidDate, std::string(field),
                     "not a date: '" + std::string(text) + "' (write YYYY-MM-DD)");
  }
  return FromYmd(y, m, d, field);
}

int Date::year() const { return CivilFromDays(days_).y; }
int Date::month() const { return CivilFromDays(days_).m; }
int Date::day() const { return CivilFromDays(days_).d; }

std::string Date::ToString() const {
  char buf[kMaxDateChars];
  return std::string(buf, PutDate(buf, CivilFromDays(days_)));
}

Date Date::AddMonths(int n) const {
  const Ymd c = CivilFromDays(days_);
  int total = c.y * 12 + (c.m - 1) + n;
  const int y = total / 12;
  const int m = total % 12 + 1;
  const int d = c.d > DaysInMonth(y, m) ? DaysInMonth(y, m) : c.d;
  return Date(static_cast<std::int32_t>(
      DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))));
}

Date Quarter::FirstDay() const { return *Date::FromYmd(year, (q - 1) * 3 + 1, 1); }
Date Quarter::LastDay() const {
  const int m = q * 3;
  return *Date::FromYmd(year, m, DaysInMonth(year, m));
}
std::string Quarter::ToString() const { return std::to_string(year) + "Q" + std::to_string(q); }

Result<Quarter> Quarter::Parse(std::string_view text, std::string_view field) {
  std::size_t pos = 0;
  int year = 0, q = 0;
  if (!Digits(text, &pos, 4, &year) || !Expect(text, &pos, 'Q') || !Digits(text, &pos, 1, &q) ||
      pos != text.size() || q < 1 || q > 4 || year < 1900 || year > 2199) {
    return MakeError(ErrorCode::kParse, std::string(field),
                     "not a quarter: '" + std::string(text) + "' (write e.g. 2024Q3)");
  }
  return Quarter{year, q};
}

Result<Instant> Instant::Parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  const auto bad = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidDate, f,
                     "not a time: '" + std::string(text) + "' (" + why +
                         "; write e.g. 2024-03-15T10:00:00+08:00)");
  };
  if (text.size() == 10) {
    SUANLI_ASSIGN(Date d, Date::Parse(text, field));
    return StartOfDay(d);
  }
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(text, &pos, 4, &y) || !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &mo) ||
      !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &d) || !Expect(text, &pos, 'T') ||
      !Digits(text, &pos, 2, &h) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &mi) ||
      !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &s)) {
    return bad("malformed");
  }
  std::int64_t frac_us = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad("empty fraction");
    for (int k = digits; k < 6; ++k) frac_us *= 10;
  }
  std::int64_t offset_s = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!Digits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &om) ||
        oh > 23 || om > 59) {
      return bad("bad offset");
    }
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return bad("an offset (+08:00) or Z is required");
  }
  if (pos != text.size()) return bad("trailing characters");
  if (h > 24 || mi > 59 || s > 59 || (h == 24 && (mi != 0 || s != 0 || frac_us != 0))) {
    return bad("no such time of day");
  }
  SUANLI_ASSIGN(Date date, Date::FromYmd(y, mo, d, field));
  // 24:00 is the end of the day, as in the notices' "截至24:00".
  const std::int64_t secs = std::int64_t{date.days()} * kSecondsPerDay + h * 3600 + mi * 60 + s -
                            offset_s;
  return Instant(secs * kMicrosPerSecond + frac_us);
}

Date Instant::CstDate() const {
  std::int64_t secs = us_ / kMicrosPerSecond;
  if (us_ % kMicrosPerSecond < 0) --secs;
  std::int64_t local = secs + kCstOffsetSeconds;
  std::int64_t days = local / kSecondsPerDay;
  if (local % kSecondsPerDay < 0) --days;
  return Date::FromDays(static_cast<std::int32_t>(days));
}

std::string Instant::ToString() const {
  std::int64_t secs = us_ / kMicrosPerSecond;
  std::int64_t frac = us_ % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  const std::int64_t local = secs + kCstOffsetSeconds;
  std::int64_t days = local / kSecondsPerDay;
  std::int64_t sod = local % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  char buf[kMaxDateChars + 9 + 7 + 6];
  char* out = PutDate(buf, CivilFromDays(static_cast<std::int32_t>(days)));
  *out++ = 'T';
  out = PutTwo(out, static_cast<int>(sod / 3600));
  *out++ = ':';
  out = PutTwo(out, static_cast<int>(sod % 3600 / 60));
  *out++ = ':';
  out = PutTwo(out, static_cast<int>(sod % 60));
  if (frac != 0) out = PutMicros(out, frac);
  for (char c : std::string_view("+08:00")) *out++ = c;
  return std::string(buf, out);
}

Instant SystemClock::Now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Instant::FromMicros(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

}  // namespace suanli
