// --progress-json through the executable: `scan` of an adapter model (its texts counted as their
// batches are answered) and `teach --teacher llm` against the protocol test server (each LLM call
// counted); and no bar, no escape codes when stderr is not a terminal.
#include "support/protocol_server.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace blindspot {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kTexts = 40;

// The JSON events of stderr (other lines, like warnings, are skipped), in order.
std::vector<nlohmann::json> progress_events(const std::string& errors) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(errors);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("{")) events.push_back(nlohmann::json::parse(line));
  }
  return events;
}

std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& events, const std::string& stage) {
  std::vector<nlohmann::json> out;
  for (const auto& event : events) {
    if (event["stage"] == stage) out.push_back(event);
  }
  return out;
}

// One complete counted stage: start, progress with done and total never going down and the last
// one done == total, then a completed end. Returns the total.
std::size_t expect_complete_counted_stage(const std::vector<nlohmann::json>& events, const std::string& stage) {
  const auto mine = events_of(events, stage);
  EXPECT_GE(mine.size(), 3U) << stage;
  if (mine.size() < 3) return 0;
  EXPECT_EQ(mine.front()["event"], "start");
  EXPECT_EQ(mine.back()["event"], "end");
  EXPECT_EQ(mine.back()["completed"], true);
  std::size_t done = 0;
  std::size_t total = 0;
  for (std::size_t i = 1; i + 1 < mine.size(); ++i) {
    EXPECT_EQ(mine[i]["event"], "progress");
    EXPECT_GE(mine[i]["done"].get<std::size_t>(), done) << mine[i];
    EXPECT_GE(mine[i]["total"].get<std::size_t>(), total) << mine[i];
    EXPECT_GE(mine[i]["elapsed_s"].get<double>(), 0.0);
    done = mine[i]["done"];
    total = mine[i]["total"];
  }
  EXPECT_EQ(done, total) << stage;
  EXPECT_EQ(mine.back()["done"], total);
  return total;
}

std::string llm_reply(const nlohmann::json& request) {
  const std::string name = request["response_format"]["json_schema"]["name"];
  const std::string prompt = request["messages"].back()["content"];
  const std::string tag = std::to_string(std::hash<std::string>{}(prompt) % 100000);
  if (name == "hypothesis") return nlohmann::json{{"reasoning", "r"}, {"hypothesis", "It misreads " + tag}}.dump();
  nlohmann::json samples = nlohmann::json::array();
  for (int i = 0; i < 2; ++i) {
    samples.push_back({{"reasoning", "r"},
                       {"text", "an invented review, sentence " + std::to_string(i) + " about " + tag},
                       {"label", i == 0 ? "positive" : "negative"}});
  }
  return nlohmann::json{{"samples", samples}}.dump();
}

class ProgressCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<std::string> words = {"gripping", "dull", "tender", "lifeless", "warm", "tedious", "funny", "flat"};
    std::string csv = "text,label\n";
    for (int i = 0; i < kTexts; ++i) {
      csv += "\"a " + words[i % 8] + " and " + words[(i * 3 + 1) % 8] + " film number " + std::to_string(i) + "\"," +
             (i % 2 ? "negative" : "positive") + "\n";
    }
    test::write_text(dir_.path() / "data" / "dev.csv", csv);
    test::write_text(dir_.path() / "data" / "train.csv", csv);
    test::write_text(dir_.path() / "data" / "test.csv", csv);
  }

  std::string adapter_model() const {
    return "--model 'cmd:python3 " + test::fixture("adapters/fixture_adapter.py").string() +
           " good' --model-batch-size 4";
  }
  std::string data() const { return "--data '" + (dir_.path() / "data").string() + "'"; }
  std::string path(const std::string& name) const { return "'" + (dir_.path() / name).string() + "'"; }
  test::CommandResult blindspot(const std::string& arguments) const {
    return test::run_command("'" + test::blindspot_binary().string() + "' --workspace " + path("ws") + " " + arguments);
  }

  test::TempDir dir_;
};

TEST_F(ProgressCli, ScanOfAnAdapterModelCountsItsTextsAsJsonEvents) {
  const auto result = blindspot("--json --progress-json scan " + adapter_model() + " " + data() + " --out " + path("dev"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  // stdout keeps the command's result.
  EXPECT_TRUE(nlohmann::json::parse(result.output).contains("uus")) << result.output;
  const auto events = progress_events(result.errors);
  EXPECT_EQ(expect_complete_counted_stage(events, "querying the model"), static_cast<std::size_t>(kTexts));
  const auto scanning = events_of(events, "scanning dev");
  ASSERT_FALSE(scanning.empty()) << result.errors;
  EXPECT_EQ(scanning.back()["event"], "end");
  EXPECT_EQ(scanning.back()["fraction"], 1.0);
  // Not a terminal: JSON lines only, no bar.
  EXPECT_THAT(result.errors, Not(HasSubstr("\r")));
  EXPECT_THAT(result.errors, Not(HasSubstr("\x1b")));
}

TEST_F(ProgressCli, WithoutTheFlagANonTerminalStderrGetsNoBarNorEvents) {
  const auto result = blindspot("scan " + adapter_model() + " " + data() + " --out " + path("dev"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_THAT(result.errors, Not(HasSubstr("\r")));
  EXPECT_THAT(result.errors, Not(HasSubstr("\x1b")));
  EXPECT_THAT(result.errors, Not(HasSubstr("\"event\"")));
  EXPECT_THAT(result.errors, Not(HasSubstr("querying the model")));
}

TEST_F(ProgressCli, TeachWithTheLlmTeacherCountsEveryCall) {
  const auto scan = blindspot("scan " + adapter_model() + " " + data() + " --threshold 0.6 --out " + path("dev"));
  ASSERT_EQ(scan.exit_code, 0) << scan.errors;
  test::ProtocolServerOptions options;
  options.responder = llm_reply;
  test::ProtocolServer server(options);
  const auto result =
      blindspot("--json --progress-json teach --uus " + path("dev.uus.jsonl") + " " + adapter_model() + " " + data() +
                " --teacher llm --base-url " + server.base_url() +
                " --llm-model test-model --max-uus 4 --timeout 5 --max-in-flight 2 --out " + path("taught"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  const auto events = progress_events(result.errors);
  // One abstraction and one extrapolation per UU, one generation per hypothesis.
  EXPECT_EQ(expect_complete_counted_stage(events, "teaching abstraction"), 4U);
  EXPECT_EQ(expect_complete_counted_stage(events, "teaching extrapolation"), 4U);
  EXPECT_EQ(expect_complete_counted_stage(events, "teaching generation"), report["hypotheses"].get<std::size_t>());
  EXPECT_EQ(server.stats().requests, 16);
}

}  // namespace
}  // namespace blindspot
