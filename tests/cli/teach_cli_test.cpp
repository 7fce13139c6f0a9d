// `blindspot teach` end to end on sst2: the automatic and imported teachers, outputs, store
// records, reruns and the documented errors. The LLM teacher's CLI path is in teach_llm_cli_test.

#include "blindspot/data/label_set.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"
#include "blindspot/teach/human_teacher.hpp"
#include "blindspot/teach/uu_source.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

class TeachCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    auto result = blindspot("train --data " + shared("sst2") + " --model " + model() + " --quiet");
    ASSERT_EQ(result.exit_code, 0) << result.errors;
    result = blindspot("scan --model " + model() + " --data " + shared("sst2") + " --split dev --quiet --out " +
                       path("dev"));
    ASSERT_EQ(result.exit_code, 0) << result.errors;
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string shared(const std::string& name) { return "'" + test::shared_data(name).string() + "'"; }
  static std::string path(const std::string& name) { return "'" + (dir_->path() / name).string() + "'"; }
  static std::string model() { return path("sst2.bin"); }
  static test::CommandResult blindspot(const std::string& arguments) {
    return test::run_command("'" + test::blindspot_binary().string() + "' --workspace " + path("ws") + " " +
                             arguments);
  }
  static std::string teach_args(const std::string& uus = path("dev.uus.jsonl")) {
    return "teach --uus " + uus + " --model " + model() + " --data " + shared("sst2");
  }

  static test::TempDir* dir_;
};

test::TempDir* TeachCli::dir_ = nullptr;

TEST_F(TeachCli, AutomaticTeacherWritesBaselineHypothesesAndFilteredSamplesReproducibly) {
  auto result = blindspot(teach_args() + " --teacher auto --max-uus 6 --seed 3 --json --out " + path("auto1"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["teacher"], "auto (baseline)");
  EXPECT_EQ(report["baseline"], true);
  EXPECT_EQ(report["uus_taught"], 6);
  EXPECT_EQ(report["llm"]["http_calls"], 0);
  const auto hypotheses = read_jsonl(dir_->path() / "auto1.hypotheses.jsonl");
  ASSERT_FALSE(hypotheses.empty());
  EXPECT_EQ(report["hypotheses"], hypotheses.size());
  for (const auto& h : hypotheses) {
    EXPECT_EQ(h["baseline"], true);
    EXPECT_FALSE(h["text"].get<std::string>().empty());
  }
  const auto samples = read_jsonl(dir_->path() / "auto1.samples.jsonl");
  EXPECT_EQ(report["samples"], samples.size());
  int accepted = 0;
  for (const auto& s : samples) {
    accepted += s["accepted"].get<bool>() ? 1 : 0;
    if (!s["accepted"].get<bool>()) {
      EXPECT_FALSE(s["rejection"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(report["samples_accepted"], accepted);
  EXPECT_GT(accepted, 0);

  // Same seed, same outputs, byte for byte.
  result = blindspot(teach_args() + " --teacher auto --max-uus 6 --seed 3 --quiet --out " + path("auto2"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_EQ(test::read_text(dir_->path() / "auto1.samples.jsonl"), test::read_text(dir_->path() / "auto2.samples.jsonl"));
  EXPECT_EQ(test::read_text(dir_->path() / "auto1.hypotheses.csv"), test::read_text(dir_->path() / "auto2.hypotheses.csv"));
  EXPECT_THAT(result.output, HasSubstr("(a no-LLM baseline)"));

  // The run is recorded with its metrics.
  const auto show = blindspot("--json show " + std::to_string(report["run"].get<int>()));
  ASSERT_EQ(show.exit_code, 0) << show.errors;
  EXPECT_THAT(show.output, HasSubstr("samples_accepted"));
}

TEST_F(TeachCli, ImportedSamplesPassTheSameFiltersWithRecordedReasons) {
  // Line 2 of sst2's test split, copied: the leakage guard must reject it.
  std::ifstream test_file(test::shared_data("sst2") / "test.csv");
  std::string header;
  std::string first;
  std::getline(test_file, header);
  std::getline(test_file, first);
  const std::string test_text = first.substr(0, first.rfind(','));
  test::write_text(dir_->path() / "crowd.csv",
                   "text,label,worker\n"
                   "an utterly charming film that never lets its clever premise go to waste,positive,w1\n"
                   "an utterly charming film that never lets its clever premise go to waste,positive,w2\n"
                   "the plot is thin,neutral,w3\n"
                   "meh,negative,w4\n" +
                       test_text + ",positive,w5\n");
  const auto result = blindspot(teach_args() + " --teacher import --import-samples " + path("crowd.csv") +
                                " --json --out " + path("import"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto samples = read_jsonl(dir_->path() / "import.samples.jsonl");
  ASSERT_EQ(samples.size(), 5u);
  EXPECT_EQ(samples[0]["accepted"], true);
  EXPECT_EQ(samples[0]["provenance"]["columns"]["worker"], "w1");
  EXPECT_EQ(samples[1]["rejection"], "duplicate_in_batch");
  EXPECT_EQ(samples[2]["rejection"], "invalid_label");
  EXPECT_EQ(samples[3]["rejection"], "too_short");
  EXPECT_EQ(samples[4]["rejection"], "leaks_test");
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["samples_accepted"], 1);
  EXPECT_EQ(report["rejections"]["leaks_test"], 1);
}

TEST_F(TeachCli, HumanTeacherTeachesACampaignsSubmissionsAndRecordsTheirTime) {
  // A campaign over two dev UUs with one annotator's complete submissions, as `blindspot serve`
  // stores them (docs/web.md).
  const data::LabelSet labels({"negative", "positive"});
  const auto uus = teach::read_uus_file(dir_->path() / "dev.uus.jsonl", labels);
  ASSERT_GE(uus.size(), 2u);
  std::int64_t campaign = 0;
  {
    auto db = store::Database::open(dir_->path() / "ws" / "blindspot.db");
    campaign = store::begin_run(db, "serve", "{}", "{}");
    teach::create_campaign(db, {campaign, labels, {uus[0], uus[1]}, "{}"});
    const auto ada = store::add_annotator(db, campaign, "ada", std::string(64, 'b'));
    for (int u = 0; u < 2; ++u) {
      store::SubmissionRecord s;
      s.assignment_id = store::insert_assignment(db, {0, campaign, ada, uus[u].id, "done", "", 1.0, 0, {}, {}});
      s.run_id = campaign;
      s.annotator_id = ada;
      s.uu_id = uus[u].id;
      s.abstraction = "praise for one part hides a negative verdict";
      s.extrapolation = "criticism of one part hides a positive verdict";
      const std::string text = u == 0 ? "the cast is lovely , but the film itself is a tedious , empty exercise"
                                      : "gorgeous sets cannot save a script this lazy and a plot this thin";
      s.samples_json =
          nlohmann::json::array({{{"text", text}, {"label", "negative"}}, {{"text", "so good"}, {"label", "positive"}}})
              .dump();
      s.abstraction_seconds = 50;
      s.extrapolation_seconds = 20;
      s.generation_seconds = 70;
      s.active_seconds = 140;
      s.submitted_at = "2026-01-01T00:00:00Z";
      store::save_submission(db, s);
    }
  }
  const auto result = blindspot("teach --teacher human --run " + std::to_string(campaign) + " --model " + model() +
                                " --data " + shared("sst2") + " --json --out " + path("human"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["uus_taught"], 2);
  EXPECT_EQ(report["hypotheses"], 4);  // an abstraction and an extrapolation per submission
  EXPECT_EQ(report["samples"], 4);
  EXPECT_EQ(report["samples_accepted"], 2);  // the two-word samples are too short
  const auto samples = read_jsonl(dir_->path() / "human.samples.jsonl");
  ASSERT_EQ(samples.size(), 4u);
  for (const auto& sample : samples) {
    EXPECT_THAT(sample["id"].get<std::string>(), ::testing::StartsWith("human:A:"));
    EXPECT_EQ(sample["prompt_version"], teach::kHumanFormVersion);
    EXPECT_THAT(sample["provenance"].dump(), HasSubstr("\"annotator\""));
    EXPECT_EQ(sample["accepted"], sample["label"] == "negative") << sample.dump();
  }
  const auto show = blindspot("--json show " + std::to_string(report["run"].get<int>()));
  EXPECT_THAT(show.output, HasSubstr("\"active_seconds\""));
  EXPECT_THAT(show.output, HasSubstr("280"));  // 2 x 140 s of active time
}

TEST_F(TeachCli, BadInputAndUsageExitWithTwo) {
  auto result = blindspot(teach_args(path("missing.jsonl")) + " --teacher auto");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("missing.jsonl: --uus: no such file, and not a run id"));
  result = blindspot(teach_args("99999") + " --teacher auto");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("no run with this id"));
  result = test::run_command("env -u OPENAI_BASE_URL -u BLINDSPOT_BASE_URL '" + test::blindspot_binary().string() +
                             "' --workspace " + path("ws") + " " + teach_args() + " --teacher llm");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("--teacher llm and --verify-labels need an endpoint"));
  test::write_text(dir_->path() / "bad.jsonl", "{\"split\":\"dev\",\"row\":1,\"text\":\"x\",\"true_label\":\"meh\"}\n");
  result = blindspot(teach_args(path("bad.jsonl")) + " --teacher auto");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("bad.jsonl:1: column \"true_label\": unknown label \"meh\""));
}

}  // namespace
