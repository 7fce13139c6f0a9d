// Private helpers of src/llm: their timing rules are easier to pin down here than through HTTP.
// They run on a fake clock, so the tests assert exact schedules and no wall-time bounds.
#include "backoff.hpp"

#include "clock.hpp"
#include "rate_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using namespace blindspot::llm::detail;

namespace {

// Exact to the nanosecond the fake clock counts in.
constexpr double kExact = 1e-9;

std::chrono::system_clock::time_point at_epoch(std::int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// A clock that moves only when someone sleeps on it: each sleep is recorded and, unless the
// clock is frozen, advances it by the requested time plus `oversleep_seconds` (a late wake-up).
class FakeClock {
 public:
  explicit FakeClock(double oversleep_seconds = 0, bool frozen = false)
      : oversleep_(oversleep_seconds), frozen_(frozen) {}

  Clock clock() {
    return {[this] {
              const std::lock_guard lock(mutex_);
              return now_;
            },
            [this](std::chrono::duration<double> duration) {
              const std::lock_guard lock(mutex_);
              sleeps_.push_back(duration.count());
              if (!frozen_) now_ += std::chrono::round<std::chrono::nanoseconds>(duration + oversleep_);
            }};
  }
  double seconds() {
    const std::lock_guard lock(mutex_);
    return std::chrono::duration<double>(now_ - Clock::TimePoint()).count();
  }
  std::vector<double> sleeps() {
    const std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  std::chrono::duration<double> oversleep_;
  bool frozen_;
  std::mutex mutex_;
  Clock::TimePoint now_;
  std::vector<double> sleeps_;
};

}  // namespace

TEST(ChatBackoff, FullJitterStaysBelowTheDoublingCeiling) {
  Backoff backoff(0.5, 4, 42);
  double largest_first = 0;
  for (int i = 0; i < 200; ++i) {
    const double first = backoff.delay_seconds(0, std::nullopt);
    EXPECT_GE(first, 0);
    EXPECT_LE(first, 0.5);
    largest_first = std::max(largest_first, first);
    EXPECT_LE(backoff.delay_seconds(2, std::nullopt), 2.0);
    EXPECT_LE(backoff.delay_seconds(30, std::nullopt), 4.0);
  }
  EXPECT_GT(largest_first, 0.4);  // uniform over the whole range, not a fixed fraction
}

TEST(ChatBackoff, SameSeedSameDelaysAndRetryAfterIsAFloor) {
  Backoff a(1, 60, 7);
  Backoff b(1, 60, 7);
  for (int retry = 0; retry < 6; ++retry) EXPECT_DOUBLE_EQ(a.delay_seconds(retry, {}), b.delay_seconds(retry, {}));
  Backoff c(0.01, 0.02, 1);
  EXPECT_DOUBLE_EQ(c.delay_seconds(0, 3.0), 3.0);
}

TEST(ChatBackoff, ParsesRetryAfterSecondsAndHttpDates) {
  const auto now = at_epoch(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("120", now), 120.0);
  EXPECT_EQ(parse_retry_after(" 0.25 ", now), 0.25);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), 30.0);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0.0);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-3", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

TEST(ChatRateLimiter, BurstOfOneSpacesCallsEvenly) {
  FakeClock fake;
  RateLimiter limiter(1200, 1, fake.clock());  // 20 a second: 50 ms apart
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    limiter.acquire(1);
    times.push_back(fake.seconds());
  }
  for (std::size_t i = 0; i < times.size(); ++i) EXPECT_NEAR(times[i], 0.05 * static_cast<double>(i), kExact) << i;
  EXPECT_EQ(fake.sleeps().size(), 4u);  // the first call goes at once
}

TEST(ChatRateLimiter, LateWakeUpsShortenTheNextGapNotTheSchedule) {
  FakeClock fake(0.01);  // every sleep wakes 10 ms late
  RateLimiter limiter(1200, 1, fake.clock());
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    limiter.acquire(1);
    times.push_back(fake.seconds());
  }
  // Slots are scheduled, not chained: call i still goes at its slot i * 50 ms, 10 ms late.
  EXPECT_NEAR(times[0], 0, kExact);
  for (std::size_t i = 1; i < times.size(); ++i)
    EXPECT_NEAR(times[i], 0.05 * static_cast<double>(i) + 0.01, kExact) << i;
  const std::vector<double> sleeps = fake.sleeps();
  ASSERT_EQ(sleeps.size(), 4u);
  EXPECT_NEAR(sleeps[0], 0.05, kExact);
  for (std::size_t i = 1; i < sleeps.size(); ++i) EXPECT_NEAR(sleeps[i], 0.04, kExact) << i;
}

TEST(ChatRateLimiter, ConcurrentCallersShareTheRate) {
  FakeClock fake(0, /*frozen=*/true);  // every caller arrives at the same instant
  RateLimiter limiter(1200, 1, fake.clock());
  std::vector<std::jthread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 2; ++j) limiter.acquire(1);
    });
  }
  threads.clear();
  // 8 acquisitions at 20/s: one goes at once, the others wait for slots 1..7, 50 ms apart,
  // whichever thread takes which.
  std::vector<double> sleeps = fake.sleeps();
  std::sort(sleeps.begin(), sleeps.end());
  ASSERT_EQ(sleeps.size(), 7u);
  for (std::size_t i = 0; i < sleeps.size(); ++i)
    EXPECT_NEAR(sleeps[i], 0.05 * static_cast<double>(i + 1), kExact) << i;
}

TEST(ChatRateLimiter, LargeAmountsGoIntoDebtAndAdjustRefunds) {
  FakeClock fake;
  RateLimiter tokens(60'000, 100, fake.clock());  // 1000 a second, bucket of 100
  // A full bucket: 300 go at once, 200 in debt.
  tokens.acquire(300);
  EXPECT_TRUE(fake.sleeps().empty());
  // Waits for the debt plus its own 100: 0.3 s.
  tokens.acquire(100);
  ASSERT_EQ(fake.sleeps().size(), 1u);
  EXPECT_NEAR(fake.sleeps()[0], 0.3, kExact);
  tokens.adjust(-1000);  // the calls used far less than estimated: back to a full bucket
  tokens.acquire(100);
  EXPECT_EQ(fake.sleeps().size(), 1u);
  EXPECT_NEAR(fake.seconds(), 0.3, kExact);
}

TEST(ChatClock, SteadyClockSleepsAtLeastTheRequestedTime) {
  const Clock clock = Clock::steady();
  const auto start = clock.now();
  clock.sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(clock.now() - start, std::chrono::milliseconds(5));  // a lower bound only: never flaky when loaded
}
