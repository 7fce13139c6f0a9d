// `blindspot experiment` end to end on sst2: every condition the command builds a teacher for
// (the LLM one against our protocol test server), equal budgets, the three report files, a rerun
// that pays for no LLM call twice, and a config error through the CLI.

#include "support/protocol_server.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

// A review sentence of 12 words drawn with `seed`: different prompts get different samples, so
// the filters do not reject them as near duplicates of each other.
std::string review(std::uint64_t seed) {
  static const std::vector<std::string> words = {
      "acting", "plot",    "score",  "camera",  "story",  "dialogue", "ending",  "cast",  "director", "pacing",
      "humor",  "visuals", "script", "tension", "tone",   "music",    "editing", "scene", "finale",   "twist",
      "heart",  "charm",   "lead",   "villain", "sequel", "effects",  "moment",  "mood",  "premise",  "writing"};
  std::mt19937_64 rng(seed);
  std::string text = "the";
  for (int i = 0; i < 12; ++i) text += " " + words[rng() % words.size()];
  return text;
}

std::string reply_for(const nlohmann::json& request) {
  const std::string name = request["response_format"]["json_schema"]["name"];
  const std::uint64_t tag = std::hash<std::string>{}(request["messages"].back()["content"].get<std::string>());
  if (name == "hypothesis") {
    return nlohmann::json{{"reasoning", "r"}, {"hypothesis", "The model misreads " + std::to_string(tag % 1000)}}
        .dump();
  }
  if (name == "label") return nlohmann::json{{"reasoning", "r"}, {"label", "positive"}}.dump();
  nlohmann::json samples = nlohmann::json::array();
  for (int i = 0; i < 2; ++i) {
    samples.push_back({{"reasoning", "r"}, {"text", review(tag + i)}, {"label", i == 0 ? "positive" : "negative"}});
  }
  return nlohmann::json{{"samples", samples}}.dump();
}

test::CommandResult blindspot(const test::TempDir& dir, const std::string& arguments) {
  return test::run_command("'" + test::blindspot_binary().string() + "' --workspace '" + (dir / "ws").string() + "' " +
                           arguments);
}

TEST(ExperimentCli, EveryConditionAtEqualBudgetsThenARerunPaysNothingTwice) {
  test::ProtocolServerOptions options;
  options.responder = reply_for;
  test::ProtocolServer server(options);
  test::TempDir dir;
  test::write_text(dir / "small.toml",
                   "data = \"" + test::shared_data("sst2").string() +
                       "\"\nseeds = [0, 1, 2]\n"
                       "conditions = [\"untargeted\", \"adversarial_training\", \"auto\", \"llm\"]\n"
                       "sample_budget = 6\nmax_uus = 4\ndev_attack_rows = 30\n"
                       "test_attack_rows = 20\nattribution = 1\nthreads = 2\n");
  const std::string command = "--quiet --json experiment '" + (dir / "small.toml").string() + "' --out '" +
                              (dir / "report").string() + "' --base-url " + server.base_url() +
                              " --llm-model test-model --timeout 5";
  const auto first = blindspot(dir, command);
  ASSERT_EQ(first.exit_code, 0) << first.errors;
  const auto calls = server.stats().requests;
  EXPECT_GT(calls, 0);
  for (const char* file : {"report.html", "report.md", "report.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / "report" / file)) << file;
  }
  const auto report = nlohmann::json::parse(test::read_text(dir / "report" / "report.json"));
  std::vector<std::string> names;
  for (const auto& condition : report["conditions"]) {
    names.push_back(condition["name"]);
    if (condition["name"] == "none") continue;
    // Equal budgets: 6 samples per seed for every condition.
    EXPECT_EQ(condition["cost"]["accepted_samples"], 18) << condition["name"];
    if (condition["name"] == "llm") {
      EXPECT_GT(condition["cost"]["llm_prompt_tokens"].get<std::int64_t>(), 0);
      EXPECT_EQ(condition["cost"]["llm_unpriced"], true);  // test-model is not in the price table
    } else {
      EXPECT_EQ(condition["cost"]["llm_prompt_tokens"], 0) << condition["name"];
    }
  }
  EXPECT_THAT(names, ::testing::ElementsAre("none", "untargeted", "adversarial_training", "auto", "llm"));
  EXPECT_THAT(test::read_text(dir / "report" / "report.md"), HasSubstr("## Which hypotheses helped"));

  // The same command again: every loop and LLM reply comes from the store.
  const auto second = blindspot(dir, command);
  ASSERT_EQ(second.exit_code, 0) << second.errors;
  EXPECT_EQ(server.stats().requests, calls);
  auto again = nlohmann::json::parse(test::read_text(dir / "report" / "report.json"));
  auto before = report;
  again.erase("created_at");
  before.erase("created_at");
  EXPECT_EQ(again, before);
}

TEST(ExperimentCli, AConfigErrorNamesFileLineAndKeyAndExitsWithTwo) {
  test::TempDir dir;
  test::write_text(dir / "bad.toml", "data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"human\"]\nsample_budget = 5\n");
  const auto result = blindspot(dir, "experiment '" + (dir / "bad.toml").string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("bad.toml:3"));
  EXPECT_THAT(result.errors, HasSubstr("human_campaign"));
}

}  // namespace
