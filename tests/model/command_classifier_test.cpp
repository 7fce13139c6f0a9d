// Adapter commands ("cmd:...", docs/model-protocol.md) through open_model: a well-behaved
// fixture adapter, one misbehaving fixture per way an adapter can break the protocol, and the
// example scikit-learn and torch adapters on sst2 (e2e).
#include "blindspot/model/model_source.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace blindspot;
using core::ErrorKind;
using model::RemoteOptions;
using testing::HasSubstr;
using testing::Not;

namespace {

const std::string kPython = BLINDSPOT_ADAPTER_PYTHON;

std::string fixture_command(const std::string& mode) {
  return kPython + " " + test::fixture("adapters/fixture_adapter.py").string() + " " + mode;
}

std::string fixture_spec(const std::string& mode) { return "cmd:" + fixture_command(mode); }

RemoteOptions quick_options() {
  RemoteOptions options;
  options.batch_size = 2;
  options.timeout_seconds = 10;
  options.start_timeout_seconds = 20;
  return options;
}

std::vector<std::string> some_texts(std::size_t count) {
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < count; ++i) texts.push_back("text number " + std::to_string(i) + " is fine");
  return texts;
}

// The fixture's probabilities (fixture_adapter.py: probabilities()).
model::Probabilities expected_probabilities(const std::string& text) {
  int sum = 0;
  for (const char c : text) sum += static_cast<unsigned char>(c);
  const double positive = (sum % 97 + 1) / 99.0;
  return {1 - positive, positive};
}

// Opens the adapter in `mode`, scores `texts` in one call and returns the error that must come,
// checking it is a remote error naming the command and that it came without a hang.
core::Error adapter_error(const std::string& mode, const RemoteOptions& options = quick_options(),
                          std::size_t texts = 3) {
  const auto start = std::chrono::steady_clock::now();
  const auto error = test::expect_error([&] {
    const auto model = model::open_model(fixture_spec(mode), options);
    model->predict_batch(some_texts(texts), 1);
  });
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 8);
  EXPECT_EQ(error.kind(), ErrorKind::remote) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("adapter cmd:" + fixture_command(mode) + ": "));
  return error;
}

bool process_exists(int pid) { return std::filesystem::exists("/proc/" + std::to_string(pid)); }

std::vector<int> read_pids(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<int> pids;
  for (int pid = 0; in >> pid;) pids.push_back(pid);
  return pids;
}

}  // namespace

// --- a well-behaved adapter -------------------------------------------------------------------

TEST(CommandModel, HandshakeGivesIdentityAndLabels) {
  const auto model = model::open_model(fixture_spec("good"), quick_options());
  EXPECT_EQ(model->kind(), "command");
  EXPECT_FALSE(model->trainable());
  EXPECT_EQ(model->labels().names(), (std::vector<std::string>{"negative", "positive"}));
  const auto identity = model->identity();
  EXPECT_EQ(identity.source, fixture_spec("good"));
  EXPECT_EQ(identity.name, "fixture");
  EXPECT_EQ(identity.version, "1.0");
  EXPECT_EQ(identity.description, "a fixture for tests");
}

TEST(CommandModel, DescriptionOptionOverridesTheHandshake) {
  auto options = quick_options();
  options.description = "a sentiment model fine-tuned on product reviews";
  const auto model = model::open_model(fixture_spec("good"), options);
  EXPECT_EQ(model->identity().description, options.description);
}

TEST(CommandModel, ModelLabelsAgreeingAsASetAreAccepted) {
  auto options = quick_options();
  options.labels = {"positive", "negative"};
  const auto model = model::open_model(fixture_spec("good"), options);
  EXPECT_EQ(model->labels().size(), 2u);
}

TEST(CommandModel, ScoresTextsInOrder) {
  const auto model = model::open_model(fixture_spec("good"), quick_options());
  const auto texts = some_texts(7);
  const auto scores = model->predict_batch(texts, 1);
  ASSERT_EQ(scores.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(scores[i], expected_probabilities(texts[i])) << texts[i];
  }
  EXPECT_EQ(model->probabilities("héllo wörld"), expected_probabilities("héllo wörld"));
}

TEST(CommandModel, ReportsTheTextsOfLargeRequestsBatchByBatch) {
  RemoteOptions options = quick_options();
  options.batch_size = 3;
  std::vector<std::pair<std::size_t, std::size_t>> reports;  // done, total
  options.progress = [&](const core::ProgressUpdate& update) {
    EXPECT_EQ(update.stage, "querying the model");
    reports.emplace_back(update.done, update.total);
  };
  const auto model = model::open_model(fixture_spec("good"), options);
  model->predict_batch(some_texts(3), 1);  // one batch: not reported
  EXPECT_TRUE(reports.empty());
  model->predict_batch(some_texts(7), 1);
  model->predict_batch(some_texts(5), 1);
  // 7 texts in batches of 3 (3, 3, 1), then 5 more (3, 2): done and total only grow.
  EXPECT_EQ(reports, (std::vector<std::pair<std::size_t, std::size_t>>{
                         {0, 7}, {3, 7}, {6, 7}, {7, 7}, {7, 12}, {10, 12}, {12, 12}}));
}

TEST(CommandModel, ConcurrentCallersShareOneAdapterAndGetTheSameResults) {
  test::TempDir dir;
  auto options = quick_options();
  options.batch_size = 16;
  options.log_file = dir / "model.log";
  const auto spec = "cmd:" + fixture_command("good") + " --count " + (dir / "starts").string();
  const auto texts = some_texts(400);
  std::vector<int> pids;
  {
    const auto model = model::open_model(spec, options);
    const auto together = model->predict_batch(texts, 1);
    // 8 threads each asking for every 8th text, a few at a time, as an attack's examples do.
    std::vector<std::vector<model::Probabilities>> per_thread(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t i = t; i < texts.size(); i += 8) {
          per_thread[t].push_back(model->predict_batch({texts[i]}, 1).front());
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (std::size_t i = 0; i < texts.size(); ++i) {
      EXPECT_EQ(per_thread[i % 8][i / 8], together[i]) << i;
      EXPECT_EQ(together[i], expected_probabilities(texts[i])) << i;
    }
    pids = read_pids(dir / "starts");
    ASSERT_EQ(pids.size(), 1u);  // started once, handshaken once
    EXPECT_TRUE(process_exists(pids.front()));
  }
  // Stopped through the end of its input (it says so on stderr) and reaped: no process, no zombie.
  EXPECT_FALSE(process_exists(pids.front()));
  const auto log = test::read_text(dir / "model.log");
  EXPECT_THAT(log, HasSubstr("fixture adapter good starting"));
  EXPECT_THAT(log, HasSubstr("batch 1 of 16 texts"));
  EXPECT_THAT(log, HasSubstr("end of input, exiting"));
}

TEST(CommandModel, EmptyCommandIsAUsageError) {
  const auto error = test::expect_error([] { model::open_model("cmd:  "); });
  EXPECT_EQ(error.kind(), ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("needs a command"));
}

// --- adapters failing at start ----------------------------------------------------------------

TEST(CommandModelError, ExitAtStartGivesStatusAndStderr) {
  const auto error = adapter_error("exit_at_start");
  EXPECT_THAT(error.what(), HasSubstr("exited with status 3 before its handshake"));
  EXPECT_THAT(error.what(), HasSubstr("| FileNotFoundError: model.pkl"));
}

TEST(CommandModelError, CommandNotFound) {
  const auto error = test::expect_error([] { model::open_model("cmd:blindspot-no-such-adapter serve m.pkl"); });
  EXPECT_EQ(error.kind(), ErrorKind::remote);
  EXPECT_THAT(error.what(), HasSubstr("adapter cmd:blindspot-no-such-adapter serve m.pkl: "));
  EXPECT_THAT(error.what(), HasSubstr("exited with status 127 (command not found) before its handshake"));
  EXPECT_THAT(error.what(), HasSubstr("blindspot-no-such-adapter: not found"));
}

TEST(CommandModelError, NoHandshakeWithinTheStartTimeout) {
  auto options = quick_options();
  options.start_timeout_seconds = 0.5;
  const auto error = adapter_error("hang_at_start", options);
  EXPECT_THAT(error.what(), HasSubstr("no handshake within 0.5 s (--model-start-timeout)"));
  EXPECT_THAT(error.what(), HasSubstr("fixture adapter hang_at_start starting"));
}

TEST(CommandModelError, NonJsonOnStdout) {
  const auto error = adapter_error("noise_at_start");
  EXPECT_THAT(error.what(), HasSubstr("not JSON: \"Loading model...\""));
  EXPECT_THAT(error.what(), HasSubstr("it logs to stderr"));
}

TEST(CommandModelError, UnknownProtocolVersion) {
  const auto error = adapter_error("version_2");
  EXPECT_THAT(error.what(), HasSubstr("asks for protocol version 2; blindspot speaks version 1 only"));
}

TEST(CommandModelError, WrongProtocolName) {
  const auto error = adapter_error("wrong_protocol");
  EXPECT_THAT(error.what(),
              HasSubstr("names the protocol \"some-other-protocol\"; blindspot speaks \"blindspot-model\""));
}

TEST(CommandModelError, HandshakeWithoutLabels) {
  const auto error = adapter_error("no_labels");
  EXPECT_THAT(error.what(), HasSubstr("its handshake has no \"labels\""));
}

TEST(CommandModelError, LabelsDifferFromModelLabels) {
  auto options = quick_options();
  options.labels = {"neg", "pos"};
  const auto error = adapter_error("good", options);
  EXPECT_THAT(error.what(), HasSubstr("its labels (negative, positive) differ from --model-labels (neg, pos)"));
}

// --- adapters failing on a batch --------------------------------------------------------------

TEST(CommandModelError, ExitMidRunGivesStatusBatchAndStderr) {
  auto options = quick_options();
  options.batch_size = 2;
  const auto error = test::expect_error([&] {
    const auto model = model::open_model(fixture_spec("exit_after --after 2"), options);
    model->predict_batch(some_texts(4), 1);  // batches 1 and 2 are answered
    model->predict_batch(some_texts(2), 1);
  });
  EXPECT_EQ(error.kind(), ErrorKind::remote);
  EXPECT_THAT(error.what(), HasSubstr("adapter cmd:" + fixture_command("exit_after --after 2") + ": "));
  EXPECT_THAT(error.what(), HasSubstr("exited with status 1 before answering batch 3 (2 texts)"));
  EXPECT_THAT(error.what(), HasSubstr("| out of memory"));
}

TEST(CommandModelError, NoReplyWithinTheTimeout) {
  auto options = quick_options();
  options.timeout_seconds = 0.5;
  const auto start = std::chrono::steady_clock::now();
  const auto error = adapter_error("hang", options);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3);
  EXPECT_THAT(error.what(), HasSubstr("no reply within 0.5 s (--model-timeout) to batch 1 (2 texts); stopped it"));
  EXPECT_THAT(error.what(), HasSubstr("| batch 1 of 2 texts"));
}

TEST(CommandModelError, NonJsonReply) {
  const auto error = adapter_error("not_json");
  EXPECT_THAT(error.what(), HasSubstr("not JSON: \"ok\""));
  EXPECT_THAT(error.what(), HasSubstr("in reply to batch 1"));
}

TEST(CommandModelError, MismatchedId) {
  const auto error = adapter_error("wrong_id");
  EXPECT_THAT(error.what(), HasSubstr("answered with id 2 (expected 1;"));
}

TEST(CommandModelError, WrongNumberOfVectors) {
  const auto error = adapter_error("wrong_count");
  EXPECT_THAT(error.what(), HasSubstr("1 probability vectors for 2 texts"));
}

TEST(CommandModelError, WrongNumberOfProbabilities) {
  const auto error = adapter_error("wrong_length");
  EXPECT_THAT(error.what(), HasSubstr("vector 0 has 3 probabilities, the model has 2 labels (negative, positive)"));
}

TEST(CommandModelError, NanProbability) {
  const auto error = adapter_error("nan");
  EXPECT_THAT(error.what(), HasSubstr("[NaN, 0.5]"));
  EXPECT_THAT(error.what(), HasSubstr("every probability must be a finite number"));
}

TEST(CommandModelError, NegativeProbability) {
  const auto error = adapter_error("negative");
  EXPECT_THAT(error.what(), HasSubstr("vector 0 holds a negative probability -0.25"));
}

TEST(CommandModelError, ProbabilitiesNotSummingToOne) {
  const auto error = adapter_error("bad_sum");
  EXPECT_THAT(error.what(), HasSubstr("vector 0 sums to 0.5 (not 1 within 1e-3)"));
}

TEST(CommandModelError, ErrorReplyGivesItsMessageAndStderr) {
  const auto error = adapter_error("error_reply");
  EXPECT_THAT(error.what(), HasSubstr("reported an error: CUDA out of memory in reply to batch 1 (2 texts)"));
  EXPECT_THAT(error.what(), HasSubstr("| batch 1 of 2 texts"));
}

TEST(CommandModelError, LaterCallsFailFastWithTheSameError) {
  const auto model = model::open_model(fixture_spec("error_reply"), quick_options());
  const auto first = test::expect_error([&] { model->predict_batch(some_texts(2), 1); });
  const auto start = std::chrono::steady_clock::now();
  const auto second = test::expect_error([&] { model->predict_batch(some_texts(2), 1); });
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1);
  EXPECT_STREQ(second.what(), first.what());
}

// --- the example adapters on real data (e2e) --------------------------------------------------

namespace {

// The first `rows` records of a CSV file (one record per line in ../shared/data).
void write_head(const std::filesystem::path& from, const std::filesystem::path& to, std::size_t rows) {
  std::ifstream in(from);
  std::ofstream out(to);
  std::string line;
  for (std::size_t i = 0; i <= rows && std::getline(in, line); ++i) out << line << '\n';
}

// Trains the example adapter on 3000 sst2 rows, serves it and checks it against its own
// predict subcommand on 300 dev texts.
void check_example_adapter(const std::string& adapter) {
  test::TempDir dir;
  write_head(test::shared_data("sst2") / "train.csv", dir / "train.csv", 3000);
  write_head(test::shared_data("sst2") / "dev.csv", dir / "dev.csv", 300);
  const auto script = (std::filesystem::path(BLINDSPOT_EXAMPLES_DIR) / "adapters" / adapter).string();
  const auto model_file = dir / "model.bin";
  const auto trained = test::run_command(kPython + " " + script + " train --train " + (dir / "train.csv").string() +
                                         " --out " + model_file.string() + " --seed 7");
  ASSERT_EQ(trained.exit_code, 0) << trained.errors;
  const auto predicted = test::run_command(kPython + " " + script + " predict " + model_file.string() + " --data " +
                                           (dir / "dev.csv").string() + " --out " + (dir / "pred.csv").string());
  ASSERT_EQ(predicted.exit_code, 0) << predicted.errors;

  // The dev texts and labels, through Python's csv module (quoted fields), one per line as JSON.
  const auto records = test::run_command(kPython +
                                         " -c \"import csv, json, sys; [print(json.dumps([r['text'], r['label']])) "
                                         "for r in csv.DictReader(open(sys.argv[1]))]\" " +
                                         (dir / "dev.csv").string());
  ASSERT_EQ(records.exit_code, 0) << records.errors;
  std::vector<std::string> texts;
  std::vector<std::string> labels;
  std::istringstream lines(records.output);
  for (std::string line; std::getline(lines, line);) {
    const auto record = nlohmann::json::parse(line);
    texts.push_back(record[0].get<std::string>());
    labels.push_back(record[1].get<std::string>());
  }
  ASSERT_EQ(texts.size(), 300u);

  auto options = quick_options();
  options.batch_size = 64;
  options.log_file = dir / "model.log";
  const auto model = model::open_model("cmd:" + kPython + " " + script + " serve " + model_file.string(), options);
  EXPECT_EQ(model->labels().names(), (std::vector<std::string>{"negative", "positive"}));
  const auto scores = model->predict_batch(texts, 1);

  // Same probabilities as the predict subcommand's file (id,negative,positive).
  std::istringstream file(test::read_text(dir / "pred.csv"));
  std::string line;
  std::getline(file, line);
  EXPECT_EQ(line, "id,negative,positive");
  std::size_t rows = 0;
  for (; std::getline(file, line); ++rows) {
    std::istringstream fields(line);
    std::string id, negative, positive;
    std::getline(fields, id, ',');
    std::getline(fields, negative, ',');
    std::getline(fields, positive, ',');
    const auto i = std::stoul(id);
    ASSERT_LT(i, scores.size());
    EXPECT_NEAR(scores[i][0], std::stod(negative), 1e-12);
    EXPECT_NEAR(scores[i][1], std::stod(positive), 1e-12);
  }
  EXPECT_EQ(rows, texts.size());
  // Better than chance on held-out sentences (sst2 dev is about balanced).
  std::size_t correct = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    correct += model->labels().names().at(static_cast<std::size_t>(model::argmax(scores[i]))) == labels[i] ? 1 : 0;
  }
  EXPECT_GT(static_cast<double>(correct) / static_cast<double>(texts.size()), 0.65);
}

}  // namespace

TEST(SklearnAdapter, TrainServeAndPredictAgreeOnSst2) { check_example_adapter("sklearn_adapter.py"); }

TEST(TorchAdapter, TrainServeAndPredictAgreeOnSst2) { check_example_adapter("torch_adapter.py"); }
