// The rules of the circuit breaker shared by the calls of one client.

#include "blindspot/llm/circuit_breaker.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace blindspot;
using llm::CircuitBreaker;
using llm::ServerStoppedAnswering;
using testing::ContainsRegex;
using testing::HasSubstr;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kUrl = "http://127.0.0.1:9/v1/chat/completions";
const std::string kRefused = "cannot connect to http://127.0.0.1:9 (refused or unreachable)";

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Records a failure of an attempt that began `seconds_ago`; true when the breaker opened.
bool fail(CircuitBreaker& breaker, double seconds_ago = 0, bool giving_up = false) {
  const auto began = Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds_ago));
  try {
    breaker.record_unreachable(kRefused, began, giving_up);
    return false;
  } catch (const ServerStoppedAnswering& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::remote);
    return true;
  }
}

}  // namespace

TEST(CircuitBreaker, OpensAfterEnoughFailuresInARowOverTheMinimumOutage) {
  CircuitBreaker breaker(kUrl, 3, 5);
  EXPECT_FALSE(fail(breaker, 6));
  EXPECT_FALSE(fail(breaker, 1));
  EXPECT_FALSE(breaker.is_open());
  EXPECT_EQ(breaker.outage(), "");
  EXPECT_TRUE(fail(breaker, 0));  // the third; the first began 6 s ago
  EXPECT_TRUE(breaker.is_open());
  EXPECT_THAT(breaker.outage(), HasSubstr("the server at " + kUrl + " stopped answering: " + kRefused + " since "));
  EXPECT_THAT(breaker.outage(), ContainsRegex("since [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$"));
  const core::Error error = test::expect_error([&] { breaker.throw_if_open(); });
  EXPECT_EQ(error.message(), breaker.outage());
}

TEST(CircuitBreaker, ManyQuickFailuresDoNotOpenItBeforeTheMinimumOutage) {
  CircuitBreaker breaker(kUrl, 3, 5);
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(fail(breaker));
  EXPECT_FALSE(breaker.is_open());
  EXPECT_NO_THROW(breaker.throw_if_open());
}

TEST(CircuitBreaker, AnAnswerStartsTheCountAgain) {
  CircuitBreaker breaker(kUrl, 3, 0);
  EXPECT_FALSE(fail(breaker));
  EXPECT_FALSE(fail(breaker));
  breaker.record_answer();
  EXPECT_FALSE(fail(breaker));
  EXPECT_FALSE(fail(breaker));
  EXPECT_TRUE(fail(breaker));
}

TEST(CircuitBreaker, ACallGivingUpOpensItWithoutWaitingForTheMinimumOutage) {
  CircuitBreaker breaker(kUrl, 3, 60);
  EXPECT_FALSE(fail(breaker));
  EXPECT_FALSE(fail(breaker, 0, /*giving_up=*/true));  // too few failures yet
  EXPECT_TRUE(fail(breaker, 0, /*giving_up=*/true));
}

TEST(CircuitBreaker, OpenItStaysOpenWhateverComesLater) {
  CircuitBreaker breaker(kUrl, 1, 0);
  EXPECT_TRUE(fail(breaker));
  breaker.record_answer();
  EXPECT_TRUE(breaker.is_open());
  EXPECT_TRUE(fail(breaker));
}

TEST(CircuitBreaker, ASleepEndsWhenTheOutageIsLongEnoughNotWhenTheBackoffDoes) {
  CircuitBreaker breaker(kUrl, 2, 0.3);
  EXPECT_FALSE(fail(breaker));
  EXPECT_FALSE(fail(breaker));
  const auto start = Clock::now();
  EXPECT_THROW(breaker.sleep_before_retry(30), ServerStoppedAnswering);
  EXPECT_LT(seconds_since(start), 2.0);
  EXPECT_TRUE(breaker.is_open());
}

TEST(CircuitBreaker, ASleepWithoutAnOutageLastsItsTime) {
  CircuitBreaker breaker(kUrl, 2, 0);
  EXPECT_FALSE(fail(breaker));
  const auto start = Clock::now();
  breaker.sleep_before_retry(0.05);
  EXPECT_GE(seconds_since(start), 0.05);
  EXPECT_FALSE(breaker.is_open());
}

// Calls sleeping between retries on other threads wake as soon as one call opens the breaker.
TEST(CircuitBreaker, SleepersOnOtherThreadsWakeWhenItOpens) {
  CircuitBreaker breaker(kUrl, 4, 0);
  std::atomic<int> failed{0};
  std::atomic<int> woken{0};
  std::vector<std::thread> sleepers;
  for (int i = 0; i < 3; ++i) {
    sleepers.emplace_back([&] {
      EXPECT_FALSE(fail(breaker));
      ++failed;
      try {
        breaker.sleep_before_retry(30);
      } catch (const ServerStoppedAnswering&) {
        ++woken;
      }
    });
  }
  while (failed.load() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let them fall asleep
  const auto start = Clock::now();
  EXPECT_TRUE(fail(breaker));
  for (std::thread& sleeper : sleepers) sleeper.join();
  EXPECT_LT(seconds_since(start), 2.0);
  EXPECT_EQ(woken.load(), 3);
}
