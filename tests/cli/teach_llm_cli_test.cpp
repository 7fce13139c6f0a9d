// `blindspot teach --teacher llm` end to end against our protocol test server (in this
// process): a kill mid-way and a rerun that pays for nothing twice, a dead endpoint, the
// budget, and the key that never reaches the run store.

#include "blindspot/store/database.hpp"
#include "support/protocol_server.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

using namespace blindspot;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string reply_for(const nlohmann::json& request) {
  const std::string name = request["response_format"]["json_schema"]["name"];
  const std::string prompt = request["messages"].back()["content"];
  // The whole hash: with 150 UUs, tags modulo 100000 collided (two hypotheses alike, so two identical
  // later requests, one sent and one shared, which the resume test counted as an extra cached call).
  const std::string tag = std::to_string(std::hash<std::string>{}(prompt));
  if (name == "hypothesis") return nlohmann::json{{"reasoning", "r"}, {"hypothesis", "The classifier misreads " + tag}}.dump();
  if (name == "label") return nlohmann::json{{"reasoning", "r"}, {"label", "positive"}}.dump();
  nlohmann::json samples = nlohmann::json::array();
  for (int i = 0; i < 2; ++i) {
    samples.push_back({{"reasoning", "r"},
                       {"text", "an invented movie review sentence number " + std::to_string(i) + " on " + tag},
                       {"label", i == 0 ? "positive" : "negative"}});
  }
  return nlohmann::json{{"samples", samples}}.dump();
}

class TeachLlmCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    auto result = blindspot("train --data " + shared("sst2") + " --model " + path("m.bin") + " --quiet");
    ASSERT_EQ(result.exit_code, 0) << result.errors;
    result = blindspot("scan --model " + path("m.bin") + " --data " + shared("sst2") + " --split dev --quiet --out " +
                       path("dev"));
    ASSERT_EQ(result.exit_code, 0) << result.errors;
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string shared(const std::string& name) { return "'" + test::shared_data(name).string() + "'"; }
  static std::string path(const std::string& name) { return "'" + (dir_->path() / name).string() + "'"; }
  static std::string command(const std::string& arguments, const std::string& workspace = "ws") {
    return "'" + test::blindspot_binary().string() + "' --workspace " + path(workspace) + " " + arguments;
  }
  static test::CommandResult blindspot(const std::string& arguments, const std::string& workspace = "ws") {
    return test::run_command(command(arguments, workspace));
  }
  static std::string teach(const std::string& base_url, int max_uus = 6) {
    return "teach --uus " + path("dev.uus.jsonl") + " --model " + path("m.bin") + " --data " + shared("sst2") +
           " --teacher llm --base-url " + base_url + " --llm-model test-model --max-uus " + std::to_string(max_uus) + " --timeout 5 --quiet";
  }

  static test::TempDir* dir_;
};

test::TempDir* TeachLlmCli::dir_ = nullptr;

TEST_F(TeachLlmCli, AKilledRunResumesWithoutPayingTwiceForAStoredReply) {
  test::ProtocolServerOptions options;
  options.responder = reply_for;
  options.latency_seconds = 0.25;
  test::ProtocolServer server(options);
  const auto pid_file = dir_->path() / "teach.pid";
  std::system(("(" + command(teach(server.base_url()) + " --max-in-flight 2 --out " + path("killed"), "resume") +
               " >/dev/null 2>&1 & echo $! > '" + pid_file.string() + "')")
                  .c_str());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server.stats().requests < 8 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const pid_t pid = std::stoi(test::read_text(pid_file));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::int64_t stored_before = 0;
  {
    auto db = store::Database::open(dir_->path() / "resume" / "blindspot.db");
    auto count = db.prepare("SELECT count(*) FROM llm_calls");
    count.step();
    stored_before = count.column_int64(0);
  }
  EXPECT_GE(stored_before, 4);
  const int requests_before = server.stats().requests;
  // 6 abstractions + 6 extrapolations + 12 generations: the run was stopped part-way.
  EXPECT_LT(stored_before, 24);

  const auto result =
      blindspot(teach(server.base_url()) + " --max-in-flight 2 --json --out " + path("resumed"), "resume");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["hypotheses"], 12);
  EXPECT_EQ(report["samples"], 24);
  // Every reply stored before the kill came from the store; only the rest was sent.
  EXPECT_EQ(report["llm"]["cached_calls"].get<std::int64_t>(), stored_before);
  EXPECT_EQ(report["llm"]["http_calls"].get<std::int64_t>(), 24 - stored_before);
  const auto stats = server.stats();
  int repeated = 0;
  for (const auto& [prompt, count] : stats.by_prompt) repeated += count > 1 ? count - 1 : 0;
  // Only calls in flight at the kill (at most --max-in-flight) were ever sent twice.
  EXPECT_LE(repeated, 2);
  EXPECT_EQ(stats.requests - requests_before, 24 - stored_before);

  // And a third run pays for nothing.
  const auto third = blindspot(teach(server.base_url()) + " --json --out " + path("third"), "resume");
  ASSERT_EQ(third.exit_code, 0) << third.errors;
  EXPECT_EQ(nlohmann::json::parse(third.output)["llm"]["http_calls"], 0);
  EXPECT_EQ(test::read_text(dir_->path() / "resumed.samples.jsonl"), test::read_text(dir_->path() / "third.samples.jsonl"));
}

TEST_F(TeachLlmCli, ADeadEndpointFailsNamingTheRequestAndKeepsNothingHalfWritten) {
  // A port nothing listens on: connection refused on every attempt.
  test::ProtocolServer server;
  const std::string url = server.base_url();
  server.stop();
  const auto result = blindspot(teach(url) + " --max-retries 1 --out " + path("dead"), "dead");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.errors, HasSubstr(url + "/chat/completions"));
  EXPECT_THAT(result.errors, HasSubstr("rerun the same command to retry only the failed ones"));
  // Outputs are complete files (possibly empty), never partial ones.
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "dead.samples.jsonl"));
}

TEST_F(TeachLlmCli, TheApiKeyComesFromTheEnvironmentAndIsNeverStored) {
  test::ProtocolServerOptions options;
  options.responder = reply_for;
  options.api_key = "sk-test-secret";
  test::ProtocolServer server(options);
  const auto result = test::run_command("MY_KEY=sk-test-secret " +
                                        command(teach(server.base_url(), 1) + " --no-extrapolation "
                                                "--api-key-env MY_KEY --json --out " + path("keyed"),
                                                "keyed"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_EQ(server.stats().by_status.count(401), 0u);
  // Every byte the store holds (the WAL too, if it was not checkpointed).
  std::string bytes;
  for (const char* name : {"blindspot.db", "blindspot.db-wal"}) {
    const auto file = dir_->path() / "keyed" / name;
    if (std::filesystem::exists(file)) bytes += test::read_text(file);
  }
  EXPECT_THAT(bytes, Not(HasSubstr("sk-test-secret")));
  EXPECT_THAT(bytes, HasSubstr("MY_KEY"));
}

TEST_F(TeachLlmCli, TheBudgetStopsCleanlyAndARerunWithMoreContinues) {
  test::ProtocolServerOptions options;
  options.responder = reply_for;
  test::ProtocolServer server(options);
  test::write_text(dir_->path() / "prices.toml",
                   "[models.\"test-model\"]\ninput_usd_per_million = 100.0\noutput_usd_per_million = 100.0\n"
                   "as_of = \"2026-11-01\"\n");
  const std::string args = teach(server.base_url()) + " --prices " + path("prices.toml") + " --out " + path("budget");
  auto result = blindspot(args + " --max-usd 0.5", "budget");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.errors, HasSubstr("stopped at the --max-usd budget of $0.5000"));
  const int first = server.stats().requests;
  EXPECT_GT(first, 0);
  result = blindspot(args + " --max-usd 100 --json", "budget");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["llm"]["cached_calls"].get<int>(), first);
  EXPECT_GT(report["llm"]["cost_usd"].get<double>(), 0.0);
}

// Issue 13, finding 3: with the server killed early in a teach of 150 UUs, the command slept
// through 7 attempts a call for 21 minutes; the circuit breaker reports it within seconds.
TEST_F(TeachLlmCli, AServerKilledMidwayIsReportedWithinThirtySecondsAndTheRerunMakesOnlyTheMissingCalls) {
  test::ProtocolServerOptions options;
  options.responder = reply_for;
  options.latency_seconds = 0.05;
  auto server = std::make_unique<test::ProtocolServer>(options);
  const std::string url = server->base_url();
  // The product's retry settings: no --timeout, --max-retries or backoff flags.
  const std::string args = "teach --uus " + path("dev.uus.jsonl") + " --model " + path("m.bin") + " --data " +
                           shared("sst2") + " --teacher llm --base-url " + url +
                           " --llm-model test-model --max-uus 150 --quiet";
  auto run = std::async(std::launch::async, [&] { return blindspot(args + " --out " + path("dead150"), "dead150"); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (server->stats().by_status[200] < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->stop();
  const auto killed = std::chrono::steady_clock::now();
  const bool reported = run.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  const auto result = run.get();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  std::cout << "teach reported the dead server " << seconds << " s after the kill\n";
  EXPECT_TRUE(reported) << "after " << seconds << " s";
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.errors, HasSubstr("the server at " + url + "/chat/completions stopped answering: cannot connect"));
  EXPECT_THAT(result.errors, HasSubstr("replies received are stored, rerun to resume"));
  std::int64_t stored = 0;
  {
    auto db = store::Database::open(dir_->path() / "dead150" / "blindspot.db");
    auto count = db.prepare("SELECT count(*) FROM llm_calls");
    count.step();
    stored = count.column_int64(0);
  }
  EXPECT_GE(stored, 10);

  test::ProtocolServerOptions restarted_options = options;
  restarted_options.latency_seconds = 0;
  restarted_options.port = server->port();
  test::ProtocolServer restarted(restarted_options);
  const auto rerun = blindspot(args + " --json --out " + path("dead150"), "dead150");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.errors;
  const auto report = nlohmann::json::parse(rerun.output);
  EXPECT_EQ(report["llm"]["cached_calls"].get<std::int64_t>(), stored);
  EXPECT_EQ(report["llm"]["http_calls"].get<int>(), restarted.stats().requests);
}

}  // namespace
