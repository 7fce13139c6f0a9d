// End to end against llama.cpp's real llama-server (tiny random-weight model): all three teacher
// tasks and label verification through our client, with json_schema-constrained replies. The
// model's text is meaningless, so what is checked is the protocol path and that the filters
// reject the gibberish with recorded reasons instead of anything crashing.

#include "blindspot/store/runs.hpp"
#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/llm_teacher.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "support/llama_server.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace blindspot::teach {
namespace {

using ::testing::StartsWith;

const data::LabelSet kLabels({"negative", "positive"});

class LlamaServerTeacher : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new test::LlamaServer("--ctx 8192"); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->available()) GTEST_SKIP() << server_->skip_reason();
  }
  static test::LlamaServer* server_;
};

test::LlamaServer* LlamaServerTeacher::server_ = nullptr;

std::vector<discover::Uu> some_uus() {
  discover::Uu natural;
  natural.id = "dev:4:natural";
  natural.text = "not a bad film at all, the cast is great";
  natural.true_label = "positive";
  natural.predicted_label = "negative";
  natural.confidence = 0.93;
  discover::Uu adversarial;
  adversarial.id = "dev:9:deepwordbug";
  adversarial.kind = discover::UuKind::adversarial;
  adversarial.original_text = "a dreadful, boring film";
  adversarial.text = "a dreadfl, bornig film";
  adversarial.marked_text = "a [[dreadfl]], [[bornig]] film";
  adversarial.edits = {{"dreadful", "dreadfl", "delete"}, {"boring", "bornig", "swap"}};
  adversarial.true_label = "negative";
  adversarial.predicted_label = "positive";
  adversarial.confidence = 0.81;
  return {natural, adversarial};
}

TEST_F(LlamaServerTeacher, AllThreeTasksRunAndTheFiltersRejectTheGibberishWithReasons) {
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const auto run = store::begin_run(db, "teach", "{}", "{}");
  llm::Endpoint endpoint;
  endpoint.base_url = server_->base_url();
  endpoint.model = "tiny-random";
  endpoint.timeout_seconds = 60;
  endpoint.max_in_flight = 2;
  LlmTeacherOptions options;
  options.labels = kLabels;
  options.task_description = "Classify movie reviews as positive or negative.";
  options.max_tokens = 200;

  data::Split train;
  train.name = "train";
  train.labels = kLabels;
  train.examples = {{"a wonderful film with a great cast and a moving story", 1, 2},
                    {"a dull film with a weak cast and a boring story", 0, 3}};
  const SampleFilter filter(kLabels, train, nullptr);
  TeachOptions teach_options;
  teach_options.max_uus = 0;

  TeachResult result;
  llm::Ledger first;
  {
    llm::ChatClient client(endpoint, db, run, llm::PriceTable());
    LlmTeacher teacher(client, options);
    result = teach(teacher, some_uus(), filter, teach_options, &teacher);
    first = client.ledger();
  }
  // Every task produced its outputs through the real protocol (json_schema keeps replies valid).
  ASSERT_EQ(result.hypotheses.size(), 4u);
  EXPECT_EQ(result.hypotheses[0].task, kAbstraction);
  EXPECT_EQ(result.hypotheses[3].task, kExtrapolation);
  for (const auto& h : result.hypotheses) EXPECT_FALSE(h.text.empty());
  ASSERT_EQ(result.samples.size(), 8u);
  for (const auto& s : result.samples) {
    EXPECT_TRUE(kLabels.index_of(s.label).has_value()) << s.label;  // the schema's enum held
    EXPECT_THAT(s.prompt_version, StartsWith("generation-v2@"));
    // "quick brown"-style gibberish: rejected, with a reason code and a readable detail.
    EXPECT_FALSE(s.accepted) << s.text;
    const auto& reasons = rejection_reasons();
    EXPECT_NE(std::find(reasons.begin(), reasons.end(), s.rejection), reasons.end()) << s.rejection;
    EXPECT_FALSE(s.rejection_detail.empty());
  }
  EXPECT_TRUE(result.failures.empty()) << result.failures.front().reason;
  // 4 hypotheses and 4 generations, but the random model gives every hypothesis the same text,
  // so the 4 generation requests are one request, sent once.
  EXPECT_GE(first.http_calls, 5);
  EXPECT_GT(first.usage.prompt_tokens, 0);
  EXPECT_GT(first.usage.completion_tokens, 0);
  EXPECT_EQ(first.cost_usd, 0.0);

  // The same session again: every reply comes from the store, no HTTP call is made.
  llm::ChatClient again(endpoint, db, run, llm::PriceTable());
  LlmTeacher teacher(again, options);
  const TeachResult rerun = teach(teacher, some_uus(), filter, teach_options, &teacher);
  EXPECT_EQ(again.ledger().http_calls, 0);
  EXPECT_EQ(again.ledger().cached_calls, first.http_calls + first.cached_calls);
  ASSERT_EQ(rerun.samples.size(), result.samples.size());
  for (std::size_t i = 0; i < rerun.samples.size(); ++i) EXPECT_EQ(rerun.samples[i].text, result.samples[i].text);
}

}  // namespace
}  // namespace blindspot::teach
