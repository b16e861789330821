// Time in China Standard Time (UTC+8, no daylight saving). An Instant is a point in time
// (microseconds since the Unix epoch); a Date is a civil day in CST. Program notices speak in
// CST dates: "截至24:00" on a day means up to the end of that day, i.e. the instant before the
// next day's 00:00 CST, which is what EndOfDay() returns (as an exclusive bound).
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace suanli {

inline constexpr std::int64_t kMicrosPerSecond = 1000000;
inline constexpr std::int64_t kSecondsPerDay = 86400;
inline constexpr std::int64_t kMicrosPerDay = kMicrosPerSecond * kSecondsPerDay;
inline constexpr std::int64_t kCstOffsetSeconds = 8 * 3600;

class Date {
 public:
  constexpr Date() = default;
  // Days since 1970-01-01.
  static constexpr Date FromDays(std::int32_t days) { return Date(days); }
  // Errors when the day does not exist (2023-02-29) or the year is outside 1900..2199.
  static Result<Date> FromYmd(int year, int month, int day, std::string_view field = "date");
  // "2024-11-29" exactly (ISO 8601 calendar date).
  static Result<Date> Parse(std::string_view text, std::string_view field = "date");

  constexpr std::int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  int quarter() const { return (month() - 1) / 3 + 1; }
  std::string ToString() const;

  constexpr Date AddDays(std::int32_t n) const { return Date(days_ + n); }
  // The same day-of-month n months later, clamped to the month's last day (01-31 + 1 → 02-28/29).
  Date AddMonths(int n) const;

  auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(std::int32_t days) : days_(days) {}
  std::int32_t days_ = 0;
};

// b − a in days (the bureau's day-count: 2025-03-01 → 2025-12-31 is 305).
constexpr std::int64_t DaysBetween(Date a, Date b) { return std::int64_t{b.days()} - a.days(); }

// A calendar quarter: Q1 = Jan–Mar.
struct Quarter {
  int year = 0;
  int q = 1;  // 1..4
  static Quarter Of(Date d) { return Quarter{d.year(), d.quarter()}; }
  // "2024Q3" exactly, the year within Date's 1900..2199; kParse on `field` otherwise.
  static Result<Quarter> Parse(std::string_view text, std::string_view field = "quarter");
  Date FirstDay() const;
  Date LastDay() const;
  std::string ToString() const;  // "2024Q3"
  auto operator<=>(const Quarter&) const = default;
};

class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant FromMicros(std::int64_t us) { return Instant(us); }
  static constexpr Instant FromUnixSeconds(std::int64_t s) { return Instant(s * kMicrosPerSecond); }
  // 00:00:00 CST of the day.
  static constexpr Instant StartOfDay(Date d) {
    return Instant((std::int64_t{d.days()} * kSecondsPerDay - kCstOffsetSeconds) * kMicrosPerSecond);
  }
  // "截至24:00": the exclusive end of the day, i.e. StartOfDay(d + 1). An instant t lies on or
  // before the deadline iff t < EndOfDay(d).
  static constexpr Instant EndOfDay(Date d) { return StartOfDay(d.AddDays(1)); }

  // ISO 8601 with an offset or Z: "2024-03-15T10:00:00+08:00", "2024-03-15T02:00:00Z",
  // optional fraction ".123456". A bare date "2024-03-15" means its 00:00 CST.
  static Result<Instant> Parse(std::string_view text, std::string_view field = "time");

  constexpr std::int64_t micros() const { return us_; }
  // The civil day in CST.
  Date CstDate() const;
  // "2024-03-15T10:00:00+08:00" (microseconds shown only when non-zero).
  std::string ToString() const;

  constexpr Instant AddMicros(std::int64_t us) const { return Instant(us_ + us); }
  constexpr Instant AddSeconds(std::int64_t s) const { return Instant(us_ + s * kMicrosPerSecond); }

  auto operator<=>(const Instant&) const = default;

 private:
  constexpr explicit Instant(std::int64_t us) : us_(us) {}
  std::int64_t us_ = 0;
};

// A clock, injected everywhere time matters so simulations run deterministically.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  Instant Now() override;
};

// A clock that moves only when told; for tests, simulations and a server started with a
// simulated clock. Thread-safe: a server's threads read it while a test moves it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_us_(start.micros()) {}
  Instant Now() override { return Instant::FromMicros(now_us_.load(std::memory_order_acquire)); }
  void Set(Instant t) { now_us_.store(t.micros(), std::memory_order_release); }
  void Advance(std::int64_t us) { now_us_.fetch_add(us, std::memory_order_acq_rel); }

 private:
  std::atomic<std::int64_t> now_us_;
};

}  // namespace suanli
