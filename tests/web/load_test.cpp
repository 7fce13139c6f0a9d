// Load: 50 simulated annotators, each a thread with its own keep-alive httplib client doing one
// request at a time, work through tasks for a minute (BLINDSPOT_LOAD_SECONDS overrides) against
// the server on loopback. Every completed task must be stored exactly once and no request may
// fail; throughput and latency percentiles are printed (bench/README.md). ctest label e2e.

#include "web_fixture.hpp"

#include "blindspot/store/annotations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

using namespace blindspot;

namespace {

using Clock = std::chrono::steady_clock;

double load_seconds() {
  const char* value = std::getenv("BLINDSPOT_LOAD_SECONDS");
  return value != nullptr ? std::max(1.0, std::atof(value)) : 60.0;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

struct AnnotatorResult {
  std::int64_t tasks = 0;  // generation steps the server answered 303 to
  std::int64_t requests = 0;
  std::vector<std::string> errors;
  std::vector<double> latency_ms;
};

// One annotator: invitation, questionnaire, then get-task -> submit until the deadline.
AnnotatorResult annotate(int port, const std::string& token, Clock::time_point deadline) {
  AnnotatorResult result;
  test::Browser browser(port);
  const auto timed = [&](auto&& request, int expected, const char* what) -> bool {
    const auto start = Clock::now();
    const httplib::Result res = request();
    result.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    ++result.requests;
    if (!res) {
      result.errors.push_back(std::string(what) + ": " + httplib::to_string(res.error()));
      return false;
    }
    if (res->status != expected) {
      result.errors.push_back(std::string(what) + ": status " + std::to_string(res->status));
      return false;
    }
    return true;
  };
  if (!timed([&] { return browser.get("/invite/" + token); }, 303, "invite")) return result;
  if (!timed([&] { return browser.get("/questionnaire"); }, 200, "questionnaire page")) return result;
  if (!timed(
          [&] {
            return browser.post("/questionnaire", {{"labelling", "2"}, {"task", "3"}, {"ml", "4"}});
          },
          303, "questionnaire")) {
    return result;
  }
  while (Clock::now() < deadline) {
    for (const char* step : {"abstraction", "extrapolation", "generation"}) {
      if (!timed([&] { return browser.get("/task"); }, 200, "task page")) return result;
      const std::string path = "/task/" + std::to_string(browser.assignment_in_page()) + "/" + step;
      std::vector<std::pair<std::string, std::string>> fields;
      if (std::string(step) == "generation") {
        fields = {{"text_1", "the film was borring and the acting awfull"},
                  {"label_1", "negative"},
                  {"text_2", "a dissapointing sequel with flat jokes"},
                  {"label_2", "negative"}};
      } else {
        fields = {{"hypothesis", std::string("load test ") + step}};
      }
      if (!timed([&] { return browser.post(path, fields); }, 303, step)) return result;
    }
    ++result.tasks;
  }
  return result;
}

}  // namespace

TEST(WebLoad, FiftyAnnotatorsForAMinuteStoreEverySubmissionOnce) {
  constexpr int kAnnotators = 50;
  web::ServerOptions options;
  options.assignment.per_uu = 50;        // 2,000 UUs x 50 = room for 100,000 tasks
  options.assignment.per_annotator = 0;  // no quota: work until the deadline
  // All 50 simulated annotators share the loopback address, as annotators behind one NAT would:
  // no per-address limit (docs/web.md), or their first requests meet 503s.
  options.max_connections_per_client = 0;
  options.clock = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  test::WebFixture f(test::synthetic_uus(2000), options);
  std::vector<std::string> tokens;
  for (int i = 0; i < kAnnotators; ++i) tokens.push_back(f.invite("load-" + std::to_string(i)));

  const double seconds = load_seconds();
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<AnnotatorResult> results(kAnnotators);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAnnotators; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<std::size_t>(i)] = annotate(f.port, tokens[static_cast<std::size_t>(i)], deadline);
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

  std::int64_t tasks = 0;
  std::int64_t requests = 0;
  std::vector<double> latencies;
  std::vector<std::string> errors;
  for (const auto& r : results) {
    tasks += r.tasks;
    requests += r.requests;
    latencies.insert(latencies.end(), r.latency_ms.begin(), r.latency_ms.end());
    errors.insert(errors.end(), r.errors.begin(), r.errors.end());
  }
  std::printf(
      "load: %d annotators, %.1f s: %lld requests (%.0f/s), %lld tasks submitted (%.1f/s); latency ms "
      "p50 %.2f, p95 %.2f, p99 %.2f, max %.2f\n",
      kAnnotators, elapsed, static_cast<long long>(requests), static_cast<double>(requests) / elapsed,
      static_cast<long long>(tasks), static_cast<double>(tasks) / elapsed, percentile(latencies, 0.5),
      percentile(latencies, 0.95), percentile(latencies, 0.99), percentile(latencies, 1.0));

  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  EXPECT_GT(tasks, 0);
  // Every task the clients saw accepted is stored, exactly once, complete.
  const auto stored = f.count("SELECT count(*) FROM human_submissions WHERE submitted_at IS NOT NULL");
  std::printf("load: submissions stored %lld, sent and accepted %lld\n", static_cast<long long>(stored),
              static_cast<long long>(tasks));
  EXPECT_EQ(stored, tasks);
  EXPECT_EQ(f.count("SELECT count(*) FROM assignments WHERE submitted_at IS NOT NULL"), tasks);
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions WHERE submitted_at IS NOT NULL AND "
                    "(json_array_length(samples) != 2 OR abstraction != 'load test abstraction' OR "
                    "extrapolation != 'load test extrapolation')"),
            0);
  // Nobody had a UU twice, and no UU went to more than per_uu annotators.
  EXPECT_EQ(
      f.count("SELECT count(*) FROM (SELECT annotator_id, uu_id FROM assignments GROUP BY 1, 2 HAVING count(*) > 1)"),
      0);
  EXPECT_EQ(f.count("SELECT count(*) FROM (SELECT uu_id FROM assignments WHERE released_at IS NULL GROUP BY uu_id "
                    "HAVING count(*) > 50)"),
            0);
}
