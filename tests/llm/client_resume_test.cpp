#include "blindspot/llm/client.hpp"

#include "llm_test_support.hpp"
#include "support/protocol_server.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <set>
#include <thread>

using namespace blindspot;
using test::ProtocolServer;
using test::ProtocolServerOptions;

namespace {

std::int64_t stored_rows(const std::filesystem::path& file) {
  auto db = store::Database::open(file);
  return test::count_rows(db, "llm_calls");
}

}  // namespace

// A process killed mid-batch keeps every reply it had received; the rerun asks only for the rest.
TEST(ChatClientResume, KilledProcessLosesOnlyCallsInFlight) {
  ProtocolServerOptions options;
  options.latency_seconds = 0.05;
  ProtocolServer server(options);
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  const auto requests = test::numbered_requests(40, "resume");
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.max_in_flight = 4;

  // The child opens its own connection: an SQLite connection must not cross a fork.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      auto db = store::Database::open(file);
      const auto run = store::begin_run(db, "teach", "{}", "{}");
      llm::ChatClient client(endpoint, db, run, {});
      client.complete_all(requests);
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  // 40 calls at 4 in flight take about 0.5 s; kill once a quarter is stored.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (stored_rows(file) < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed";

  auto db = store::Database::open(file);
  const auto before = test::stored_contents(db);
  ASSERT_GE(before.size(), 10U);
  ASSERT_LT(before.size(), 40U);
  const auto child_stats = server.stats();

  const auto run = store::begin_run(db, "teach", "{}", "{}");
  llm::ChatClient client(endpoint, db, run, {});
  const auto results = client.complete_all(requests);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << i;
    EXPECT_EQ(results[i].response->content, "echo: resume " + std::to_string(i));
    const bool was_stored = before.count(results[i].response->key) == 1;
    EXPECT_EQ(results[i].response->cached, was_stored) << i;
  }
  EXPECT_EQ(test::count_rows(db, "llm_calls"), 40);
  const auto stats = server.stats();
  EXPECT_EQ(stats.requests - child_stats.requests, static_cast<int>(40 - before.size()));
  EXPECT_EQ(client.ledger().http_calls, static_cast<std::int64_t>(40 - before.size()));
  // No stored reply was asked for again; only calls in flight at the kill were sent twice.
  int twice = 0;
  for (int i = 0; i < 40; ++i) {
    const int count = stats.by_prompt.at("resume " + std::to_string(i));
    EXPECT_LE(count, 2);
    if (count == 2) {
      ++twice;
      EXPECT_FALSE(results[static_cast<std::size_t>(i)].response->cached) << i;
    }
  }
  EXPECT_LE(twice, endpoint.max_in_flight);
}
