#include "security/throttle.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace suanli::security {
namespace {

constexpr std::int64_t kMinute = 60;
const Instant kStart = Instant::FromUnixSeconds(1'730'000'000);

// Fails `n` times, one second apart, advancing the clock.
void FailTimes(LoginThrottle& t, ManualClock& clock, int n, std::string_view account,
               std::string_view address) {
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(t.Check(account, address, clock.Now()).allowed) << "attempt " << i;
    t.RecordFailure(account, address, clock.Now());
    clock.Advance(kMicrosPerSecond);
  }
}

TEST(LoginThrottle, FifthFailureLocksForAMinute) {
  ManualClock clock(kStart);
  LoginThrottle t;
  FailTimes(t, clock, 4, "alice", "10.0.0.1");
  EXPECT_TRUE(t.Check("alice", "10.0.0.1", clock.Now()).allowed);
  t.RecordFailure("alice", "10.0.0.1", clock.Now());
  const Instant locked_at = clock.Now();

  auto d = t.Check("alice", "10.0.0.1", clock.Now());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 60);
  // The same account from anywhere else is refused too.
  EXPECT_FALSE(t.Check("alice", "192.0.2.7", clock.Now()).allowed);

  clock.Set(locked_at.AddMicros(59 * kMicrosPerSecond + 1));
  d = t.Check("alice", "192.0.2.7", clock.Now());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 1);  // rounded up
  EXPECT_EQ(d.locked_by, LoginThrottle::LockedBy::kAccount);

  clock.Set(locked_at.AddSeconds(60));
  EXPECT_TRUE(t.Check("alice", "10.0.0.1", clock.Now()).allowed);
}

TEST(LoginThrottle, LockTimeDoublesUpToAnHour) {
  ManualClock clock(kStart);
  LoginThrottle t;
  const std::int64_t kExpected[] = {1, 2, 4, 8, 16, 32, 60, 60};
  for (const std::int64_t minutes : kExpected) {
    FailTimes(t, clock, 5, "bob", "");
    const auto d = t.Check("bob", "", clock.Now());
    ASSERT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after_s, minutes * kMinute - 1);  // FailTimes stepped one second on
    clock.Advance(d.retry_after_s * kMicrosPerSecond);
    EXPECT_TRUE(t.Check("bob", "", clock.Now()).allowed);
  }
}

TEST(LoginThrottle, FailuresSpreadBeyondTheWindowNeverLock) {
  ManualClock clock(kStart);
  LoginThrottle t;
  // One failure every 3m45s: never 5 within 15 minutes (the 5th comes exactly 15 minutes
  // after the 1st, when the 1st has left the window).
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(t.Check("carol", "10.0.0.3", clock.Now()).allowed) << i;
    t.RecordFailure("carol", "10.0.0.3", clock.Now());
    clock.Advance((3 * kMinute + 45) * kMicrosPerSecond);
  }
  // But 5 within 15 minutes do: the 5th comes 14m56s after the 1st.
  clock.Advance(kMinute * 60 * kMicrosPerSecond);
  for (int i = 0; i < 5; ++i) {
    if (i > 0) clock.Advance((3 * kMinute + 44) * kMicrosPerSecond);
    t.RecordFailure("carol", "10.0.0.3", clock.Now());
  }
  EXPECT_EQ(t.Check("carol", "", clock.Now()).retry_after_s, kMinute);
}

TEST(LoginThrottle, FailuresDuringALockAreNotCounted) {
  ManualClock clock(kStart);
  LoginThrottle t;
  FailTimes(t, clock, 5, "dave", "");
  const auto before = t.Check("dave", "", clock.Now());
  for (int i = 0; i < 20; ++i) t.RecordFailure("dave", "", clock.Now());
  EXPECT_EQ(t.Check("dave", "", clock.Now()).retry_after_s, before.retry_after_s);
}

TEST(LoginThrottle, SuccessClearsTheAccountButNotTheAddress) {
  ManualClock clock(kStart);
  LoginThrottle t;
  // Two lock rounds on erin raise her next lock to 4 minutes...
  for (int round = 0; round < 2; ++round) {
    FailTimes(t, clock, 5, "erin", "");
    clock.Advance(2 * kMinute * kMicrosPerSecond);
  }
  FailTimes(t, clock, 4, "erin", "");
  t.RecordSuccess("erin", "", clock.Now());
  // ...but after a success she starts from nothing: 4 failures allowed, the 5th locks 1 minute.
  FailTimes(t, clock, 5, "erin", "");
  EXPECT_EQ(t.Check("erin", "", clock.Now()).retry_after_s, kMinute - 1);

  // An address that fails against several accounts stays counted after one success.
  FailTimes(t, clock, 4, "", "203.0.113.9");
  t.RecordSuccess("mallory", "203.0.113.9", clock.Now());
  t.RecordFailure("frank", "203.0.113.9", clock.Now());
  const auto d = t.Check("grace", "203.0.113.9", clock.Now());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.locked_by, LoginThrottle::LockedBy::kAddress);
  EXPECT_EQ(d.retry_after_s, kMinute);
  EXPECT_TRUE(t.Check("grace", "198.51.100.1", clock.Now()).allowed);
}

TEST(LoginThrottle, AccountsAndAddressesAreSeparateKeys) {
  ManualClock clock(kStart);
  LoginThrottle t;
  // One address trying five accounts: the address locks, none of the accounts does.
  const char* kAccounts[] = {"u1", "u2", "u3", "u4", "u5"};
  for (const char* account : kAccounts) {
    t.RecordFailure(account, "203.0.113.50", clock.Now());
  }
  EXPECT_FALSE(t.Check("u6", "203.0.113.50", clock.Now()).allowed);
  for (const char* account : kAccounts) {
    EXPECT_TRUE(t.Check(account, "203.0.113.51", clock.Now()).allowed);
  }
  // An account name equal to an address string is still a different key.
  EXPECT_TRUE(t.Check("203.0.113.50", "", clock.Now()).allowed);
}

TEST(LoginThrottle, LockCountIsForgottenAfterADayWithoutFailures) {
  ManualClock clock(kStart);
  LoginThrottle t;
  FailTimes(t, clock, 5, "heidi", "");
  clock.Advance(2 * kMinute * kMicrosPerSecond);
  FailTimes(t, clock, 5, "heidi", "");
  EXPECT_EQ(t.Check("heidi", "", clock.Now()).retry_after_s, 2 * kMinute - 1);
  clock.Advance(24 * 3600 * kMicrosPerSecond);
  FailTimes(t, clock, 5, "heidi", "");
  EXPECT_EQ(t.Check("heidi", "", clock.Now()).retry_after_s, kMinute - 1);
}

TEST(LoginThrottle, TrackedKeysAreBoundedAndTheStalestIsEvicted) {
  ManualClock clock(kStart);
  LoginThrottleOptions options;
  options.tracked_keys_max = 4;
  LoginThrottle t(options);
  FailTimes(t, clock, 5, "victim", "");
  ASSERT_FALSE(t.Check("victim", "", clock.Now()).allowed);
  // Three more keys fit beside it...
  for (const char* account : {"k1", "k2", "k3"}) t.RecordFailure(account, "", clock.Now());
  EXPECT_EQ(t.tracked_keys(), 4u);
  EXPECT_FALSE(t.Check("victim", "", clock.Now()).allowed);
  // ...a fourth evicts the key that failed least recently.
  t.RecordFailure("k4", "", clock.Now());
  EXPECT_EQ(t.tracked_keys(), 4u);
  EXPECT_TRUE(t.Check("victim", "", clock.Now()).allowed);
  // A failure refreshes a key: k1 fails again, so k2 goes next, not k1.
  for (int i = 0; i < 4; ++i) t.RecordFailure("k1", "", clock.Now());
  t.RecordFailure("k5", "", clock.Now());
  EXPECT_FALSE(t.Check("k1", "", clock.Now()).allowed);
  EXPECT_EQ(t.tracked_keys(), 4u);
  // Check never adds keys.
  for (int i = 0; i < 100; ++i) (void)t.Check("new" + std::to_string(i), "x", clock.Now());
  EXPECT_EQ(t.tracked_keys(), 4u);
  // A success removes a key.
  t.RecordSuccess("k1", "", clock.Now());
  EXPECT_EQ(t.tracked_keys(), 3u);
}

TEST(LoginThrottle, ManyThreadsStayWithinTheBound) {
  LoginThrottleOptions options;
  options.tracked_keys_max = 100;
  LoginThrottle t(options);
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n) {
    threads.emplace_back([&t, n] {
      for (int i = 0; i < 2000; ++i) {
        const std::string account = "user" + std::to_string((i * 7 + n) % 300);
        const Instant now = kStart.AddSeconds(i);
        (void)t.Check(account, "10.1.0." + std::to_string(n), now);
        t.RecordFailure(account, "10.1.0." + std::to_string(n), now);
        if (i % 13 == 0) t.RecordSuccess(account, "", now);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(t.tracked_keys(), 100u);
  // Still consistent afterwards: a fresh key locks on its fifth failure. (Which keys survived
  // the churn depends on scheduling, so nothing is asserted about them.)
  ManualClock clock(kStart.AddSeconds(5000));
  FailTimes(t, clock, 5, "after", "");
  EXPECT_FALSE(t.Check("after", "", clock.Now()).allowed);
  EXPECT_LE(t.tracked_keys(), 100u);
}

}  // namespace
}  // namespace suanli::security
