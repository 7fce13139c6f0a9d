// The LLM teacher against our protocol test server: the three tasks and verification, re-asks
// after unusable replies, a run with injected faults that ends exactly like a fault-free one,
// and the budget.

#include "blindspot/teach/llm_teacher.hpp"

#include "blindspot/core/sha256.hpp"
#include "blindspot/core/utf8.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "support/protocol_server.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>

namespace blindspot::teach {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const data::LabelSet kLabels({"negative", "positive"});

std::string last_message(const json& request) { return request["messages"].back()["content"].get<std::string>(); }

// A deterministic "LLM": the reply depends only on the prompt (never on the seed), so a run whose
// calls were retried or re-asked ends with the same results as one that was not.
std::string good_reply(const json& request) {
  const std::string name = request["response_format"]["json_schema"]["name"];
  const std::string prompt = last_message(request);
  const std::string tag = core::sha256_hex(prompt).substr(0, 8);
  if (name == "hypothesis") {
    return json{{"reasoning", "pattern " + tag}, {"hypothesis", "The classifier misreads pattern " + tag + "."}}.dump();
  }
  if (name == "samples") {
    const int k = request["response_format"]["json_schema"]["schema"]["properties"]["samples"]["minItems"];
    json samples = json::array();
    for (int i = 0; i < k; ++i) {
      samples.push_back({{"reasoning", "because"},
                         {"text", "a fresh sample number " + std::to_string(i) + " about pattern " + tag +
                                      " with enough words to pass"},
                         {"label", i % 2 == 0 ? "negative" : "positive"}});
    }
    return json{{"samples", samples}}.dump();
  }
  // Verification: agrees with even samples' labels ("negative"), disputes odd ones.
  return json{{"reasoning", "it reads negative"}, {"label", "negative"}}.dump();
}

test::ProtocolServerOptions serving(test::Responder responder) {
  test::ProtocolServerOptions options;
  options.responder = std::move(responder);
  return options;
}

discover::Uu natural_uu(int row) {
  discover::Uu uu;
  uu.id = "dev:" + std::to_string(row) + ":natural";
  uu.text = "review number " + std::to_string(row) + " which is not bad at all";
  uu.true_label = "positive";
  uu.predicted_label = "negative";
  uu.confidence = 0.9;
  return uu;
}

discover::Uu adversarial_uu(int row) {
  discover::Uu uu;
  uu.id = "dev:" + std::to_string(row) + ":deepwordbug";
  uu.kind = discover::UuKind::adversarial;
  uu.original_text = "a terrible film " + std::to_string(row);
  uu.text = "a terirble film " + std::to_string(row);
  uu.marked_text = "a [[terirble]] film " + std::to_string(row);
  uu.edits = {{"terrible", "terirble", "swap"}};
  uu.true_label = "negative";
  uu.predicted_label = "positive";
  uu.confidence = 0.8;
  return uu;
}

data::Split tiny_train() {
  data::Split split;
  split.name = "train";
  split.labels = kLabels;
  for (int i = 0; i < 40; ++i) {
    split.examples.push_back({"training review " + std::to_string(i) + " of ordinary length for a sentence here",
                              i % 2, i + 2});
  }
  return split;
}

class LlmTeacherTest : public ::testing::Test {
 protected:
  struct Workspace {
    test::TempDir dir;
    store::Database db = store::Database::open(dir / "blindspot.db");
    std::int64_t run = store::begin_run(db, "teach", "{}", "{}");
  };

  static llm::Endpoint endpoint(const test::ProtocolServer& server) {
    llm::Endpoint e;
    e.base_url = server.base_url();
    e.model = "test-model";
    e.timeout_seconds = 0.5;
    e.max_retries = 30;
    e.backoff_initial_seconds = 0.005;
    e.backoff_max_seconds = 0.02;
    e.max_in_flight = 4;
    return e;
  }

  static LlmTeacherOptions options(int content_retries = 2) {
    LlmTeacherOptions o;
    o.labels = kLabels;
    o.task_description = "Classify movie reviews by sentiment.";
    o.content_retries = content_retries;
    return o;
  }

  static std::vector<discover::Uu> uus(int natural, int adversarial) {
    std::vector<discover::Uu> out;
    for (int i = 0; i < natural; ++i) out.push_back(natural_uu(i));
    for (int i = 0; i < adversarial; ++i) out.push_back(adversarial_uu(100 + i));
    return out;
  }
};

TEST_F(LlmTeacherTest, DoesTheThreeTasksWithVersionedPromptsAndProvenance) {
  test::ProtocolServer server(serving(good_reply));
  Workspace ws;
  llm::ChatClient client(endpoint(server), ws.db, ws.run, llm::PriceTable());
  LlmTeacher teacher(client, options());
  EXPECT_EQ(teacher.name(), "llm:test-model");
  const auto given = uus(2, 1);
  const auto abstractions = teacher.abstract(given);
  ASSERT_EQ(abstractions.size(), 3u);
  EXPECT_EQ(abstractions[0].id, "A:dev:0:natural");
  EXPECT_EQ(abstractions[0].task, kAbstraction);
  EXPECT_THAT(abstractions[0].text, StartsWith("The classifier misreads pattern "));
  EXPECT_THAT(abstractions[0].reasoning, StartsWith("pattern "));
  EXPECT_THAT(abstractions[0].prompt_version, StartsWith("abstraction-v2@"));
  const auto provenance = json::parse(abstractions[0].provenance_json);
  EXPECT_EQ(provenance["llm_calls"].size(), 1u);
  EXPECT_EQ(provenance["structured"], true);

  // The adversarial UU's prompt shows the original, the marked perturbation and the edit.
  const auto stats = server.stats();
  bool saw_adversarial = false;
  for (const auto& [prompt, count] : stats.by_prompt) {
    if (prompt.find("a [[terirble]] film 100") != std::string::npos) {
      saw_adversarial = true;
      EXPECT_THAT(prompt, HasSubstr("\"terrible\" -> \"terirble\" (swap)"));
      EXPECT_THAT(prompt, HasSubstr("The classifier predicted: positive (confidence 0.80)"));
    }
  }
  EXPECT_TRUE(saw_adversarial);

  const auto extrapolations = teacher.extrapolate(given, abstractions);
  ASSERT_EQ(extrapolations.size(), 3u);
  EXPECT_EQ(extrapolations[2].id, "E:dev:100:deepwordbug");
  EXPECT_EQ(extrapolations[2].parent_id, "A:dev:100:deepwordbug");
  EXPECT_THAT(extrapolations[2].prompt_version, StartsWith("extrapolation-v2@"));

  const auto samples = teacher.generate(abstractions, 2);
  ASSERT_EQ(samples.size(), 6u);
  EXPECT_EQ(samples[0].id, "A:dev:0:natural#1");
  EXPECT_EQ(samples[1].id, "A:dev:0:natural#2");
  EXPECT_EQ(samples[0].label, "negative");
  EXPECT_EQ(samples[1].label, "positive");
  EXPECT_THAT(samples[0].prompt_version, StartsWith("generation-v2@"));
  EXPECT_TRUE(teacher.failures().empty());

  auto verified = samples;
  teacher.verify_labels(verified);
  EXPECT_TRUE(verified[0].accepted);
  EXPECT_FALSE(verified[1].accepted);
  EXPECT_EQ(verified[1].rejection, kLabelDisputed);
  EXPECT_THAT(verified[1].rejection_detail, HasSubstr("labels it \"negative\": it reads negative"));
}

TEST_F(LlmTeacherTest, PromptsDescribeTheModelBeingExamined) {
  // The system prompts of the three tasks say what kind of model the classifier is.
  std::mutex mutex;
  std::vector<std::string> systems;
  test::ProtocolServer server(serving([&](const json& request) {
    {
      const std::lock_guard lock(mutex);
      systems.push_back(request["messages"][0]["content"].get<std::string>());
    }
    return good_reply(request);
  }));
  Workspace ws;
  llm::ChatClient client(endpoint(server), ws.db, ws.run, llm::PriceTable());
  auto described = options();
  described.model_description = "a fine-tuned BERT classifier";
  LlmTeacher teacher(client, described);
  const auto abstractions = teacher.abstract(uus(1, 0));
  teacher.extrapolate(uus(1, 0), abstractions);
  teacher.generate(abstractions, 1);
  ASSERT_EQ(systems.size(), 3u);
  EXPECT_THAT(systems[0], HasSubstr("makes the classifier, a fine-tuned BERT classifier, confidently wrong"));
  EXPECT_THAT(systems[1], HasSubstr("The classifier is a fine-tuned BERT classifier."));
  EXPECT_THAT(systems[2], HasSubstr("The classifier is a fine-tuned BERT classifier."));
  for (const auto& system : systems) EXPECT_THAT(system, Not(HasSubstr("fastText")));

  // Nobody said: a generic description, never fastText's.
  systems.clear();
  Workspace other;
  llm::ChatClient other_client(endpoint(server), other.db, other.run, llm::PriceTable());
  LlmTeacher generic(other_client, options());
  generic.abstract(uus(1, 0));
  ASSERT_EQ(systems.size(), 1u);
  EXPECT_THAT(systems[0], HasSubstr("makes the classifier, a text classifier, confidently wrong"));
}

TEST_F(LlmTeacherTest, UnusableRepliesAreAskedAgainWithAnotherSeedThenRecorded) {
  // Seed 0 gets prose without JSON, seed 1 a proper reply; "hopeless" prompts never get one.
  test::ProtocolServer server(serving([](const json& request) -> std::string {
    if (last_message(request).find("hopeless") != std::string::npos) return "I cannot help with that.";
    if (request.value("seed", 0) == 0) return "Sure! Here is my analysis, in words.";
    return good_reply(request);
  }));
  Workspace ws;
  llm::ChatClient client(endpoint(server), ws.db, ws.run, llm::PriceTable());
  LlmTeacher teacher(client, options(2));
  auto given = uus(2, 0);
  given[1].text = "a hopeless case";
  const auto abstractions = teacher.abstract(given);
  ASSERT_EQ(abstractions.size(), 1u);
  EXPECT_EQ(json::parse(abstractions[0].provenance_json)["llm_calls"].size(), 2u);
  ASSERT_EQ(teacher.failures().size(), 1u);
  EXPECT_EQ(teacher.failures()[0].item_id, "dev:1:natural");
  EXPECT_FALSE(teacher.failures()[0].retryable);
  EXPECT_THAT(teacher.failures()[0].reason, HasSubstr("unusable reply after 3 attempts: the reply is not a JSON object"));
  EXPECT_EQ(server.stats().requests, 2 + 3);
}

TEST_F(LlmTeacherTest, LabelsOutsideTheSetAreAskedAgainThenLeftToTheFilters) {
  test::ProtocolServer server(serving([](const json& request) -> std::string {
    json reply = json::parse(good_reply(request));
    if (reply.contains("samples")) {
      for (auto& s : reply["samples"]) s["label"] = "neutral";
    }
    return reply.dump();
  }));
  Workspace ws;
  llm::ChatClient client(endpoint(server), ws.db, ws.run, llm::PriceTable());
  LlmTeacher teacher(client, options(1));
  Hypothesis h;
  h.id = "A:dev:0:natural";
  h.text = "The classifier misreads negations.";
  auto samples = teacher.generate({h}, 2);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].label, "neutral");
  EXPECT_EQ(server.stats().requests, 2);  // asked once more, then kept
  const SampleFilter filter(kLabels, tiny_train(), nullptr);
  filter.apply(samples);
  EXPECT_FALSE(samples[0].accepted);
  EXPECT_EQ(samples[0].rejection, kInvalidLabel);
}

// The whole teach session (three tasks, filters, verification) under 30% injected HTTP faults and
// 30% unusable replies ends with exactly the stored hypotheses and samples of a fault-free run.
TEST_F(LlmTeacherTest, ThirtyPercentFaultsEndWithTheResultsOfAFaultFreeRun) {
  const auto run_session = [](test::ProtocolServer& server, LlmTeacherOptions teacher_options) {
    Workspace ws;
    llm::ChatClient client(endpoint(server), ws.db, ws.run, llm::PriceTable());
    LlmTeacher teacher(client, std::move(teacher_options));
    const SampleFilter filter(kLabels, tiny_train(), nullptr);
    TeachOptions teach_options;
    teach_options.max_uus = 0;
    const TeachResult result = teach(teacher, uus(6, 4), filter, teach_options, &teacher);
    EXPECT_TRUE(result.failures.empty()) << result.failures.front().reason;
    record_teaching(ws.db, ws.run, result);
    json stored = {{"hypotheses", json::array()}, {"samples", json::array()}};
    for (const auto& h : stored_hypotheses(ws.db, ws.run)) {
      stored["hypotheses"].push_back({h.id, h.text, h.reasoning, h.prompt_version, h.parent_id});
    }
    for (const auto& s : stored_samples(ws.db, ws.run)) {
      stored["samples"].push_back({s.id, s.text, s.label, s.accepted, s.rejection});
    }
    return stored;
  };
  test::ProtocolServer clean(serving(good_reply));
  const json expected = run_session(clean, options(2));
  EXPECT_EQ(expected["hypotheses"].size(), 20u);
  EXPECT_EQ(expected["samples"].size(), 40u);

  // Content faults come from the prompt and seed, so which calls fail is reproducible.
  std::atomic<int> content_faults = 0;
  auto faulty_options = serving([&](const json& request) -> std::string {
    const auto draw = core::sha256_hex(last_message(request) + std::to_string(request.value("seed", 0)));
    if (std::stoul(draw.substr(0, 4), nullptr, 16) % 10 < 3) {
      ++content_faults;
      return "{\"hypothesis\": \"cut off";
    }
    return good_reply(request);
  });
  faulty_options.fault_probability = 0.3;
  faulty_options.fault_seed = 7;
  faulty_options.slow_seconds = 1.0;
  test::ProtocolServer faulty(faulty_options);
  const json actual = run_session(faulty, options(8));
  EXPECT_EQ(actual, expected);
  const auto stats = faulty.stats();
  EXPECT_GT(content_faults.load(), 5);
  int injected = 0;
  for (const auto& [fault, count] : stats.faults) injected += count;
  EXPECT_GT(injected, 10);
  EXPECT_GT(stats.requests, clean.stats().requests + injected / 2);
}

TEST_F(LlmTeacherTest, TheBudgetStopsTheTeacherAndKeepsWhatIsDone) {
  test::ProtocolServer server(serving(good_reply));
  Workspace ws;
  // Worst case of one abstraction call: ~250 prompt tokens + 800 completion tokens.
  llm::PriceTable prices({{"test-model", 1000.0, 1000.0, "2026-01-01"}});
  llm::ChatClient client(endpoint(server), ws.db, ws.run, prices, llm::ClientOptions{2.5, 0});
  LlmTeacher teacher(client, options());
  const auto abstractions = teacher.abstract(uus(8, 0));
  EXPECT_TRUE(teacher.budget_reached());
  EXPECT_LT(abstractions.size(), 8u);
  EXPECT_GE(abstractions.size(), 1u);
  ASSERT_FALSE(teacher.failures().empty());
  EXPECT_TRUE(teacher.failures()[0].retryable);
  EXPECT_THAT(teacher.failures()[0].reason, HasSubstr("budget"));
  EXPECT_LE(client.ledger().cost_usd, 2.5);
  EXPECT_EQ(server.stats().requests, static_cast<int>(abstractions.size()));
}

TEST_F(LlmTeacherTest, PromptsShortenLongTexts) {
  std::string text(10000, 'a');
  text += "END";
  const std::string shortened = shorten(text, 3000);
  EXPECT_LE(shortened.size(), 3000u);
  EXPECT_THAT(shortened, HasSubstr(" [...] "));
  EXPECT_TRUE(shortened.ends_with("END"));
  EXPECT_EQ(shorten("short", 3000), "short");
  // Never cuts inside a UTF-8 sequence.
  std::string accents;
  for (int i = 0; i < 3000; ++i) accents += "\xC3\xA9";
  EXPECT_TRUE(core::is_valid_utf8(shorten(accents, 1001)));
}

}  // namespace
}  // namespace blindspot::teach
