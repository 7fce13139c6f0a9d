// Private helpers of src/llm: their timing rules are easier to pin down here than through HTTP.
#include "backoff.hpp"
#include "rate_limiter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

using namespace blindspot::llm::detail;
using Clock = std::chrono::steady_clock;

namespace {

std::chrono::system_clock::time_point at_epoch(std::int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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
  RateLimiter limiter(1200, 1);  // 20 a second: 50 ms apart
  const auto start = Clock::now();
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    limiter.acquire(1);
    times.push_back(seconds_since(start));
  }
  // Slots are scheduled, not chained: a late wake-up shortens the next gap, never the schedule.
  EXPECT_LT(times[0], 0.02);
  for (std::size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i], 0.05 * static_cast<double>(i) - 0.002) << i;
  EXPECT_LT(times.back(), 0.4);
}

TEST(ChatRateLimiter, ConcurrentCallersShareTheRate) {
  RateLimiter limiter(1200, 1);
  const auto start = Clock::now();
  std::vector<std::jthread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 2; ++j) limiter.acquire(1);
    });
  }
  threads.clear();
  // 8 acquisitions at 20/s: the last starts 7 intervals after the first.
  EXPECT_GE(seconds_since(start), 0.34);
  EXPECT_LT(seconds_since(start), 0.6);
}

TEST(ChatRateLimiter, LargeAmountsGoIntoDebtAndAdjustRefunds) {
  RateLimiter tokens(60'000, 100);  // 1000 a second, bucket of 100
  auto start = Clock::now();
  tokens.acquire(300);  // full bucket: goes at once, 200 in debt
  EXPECT_LT(seconds_since(start), 0.02);
  start = Clock::now();
  tokens.acquire(100);  // waits for the debt plus its own 100: 0.3 s
  EXPECT_GE(seconds_since(start), 0.28);
  tokens.adjust(-1000);  // the calls used far less than estimated: back to a full bucket
  start = Clock::now();
  tokens.acquire(100);
  EXPECT_LT(seconds_since(start), 0.02);
}
