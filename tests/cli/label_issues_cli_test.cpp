// scan --label-issues end to end on a copy of a shared dataset whose dev split has a known, seeded
// set of flipped labels: the flags must find the flips far better than chance (docs/label-issues.md
// gives the measured precision and recall; bench/label_issues.sh measures them on more data).

#include "blindspot/core/random.hpp"
#include "blindspot/data/csv_writer.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

// Which rows of dev.csv were flipped: 5% of them, picked with a fixed seed.
constexpr double kFlippedShare = 0.05;
constexpr std::uint64_t kFlipSeed = 14;

// Copies train.csv and test.csv of `dataset` to `folder`, and dev.csv with the labels of a seeded
// kFlippedShare of its rows moved to the other label (two-label datasets). Returns the flipped rows.
std::set<std::size_t> copy_with_flipped_dev(const std::string& dataset, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  for (const char* split : {"train.csv", "test.csv"}) {
    std::filesystem::copy_file(test::shared_data(dataset) / split, folder / split);
  }
  auto records = data::read_records(test::shared_data(dataset) / "dev.csv");
  std::set<std::string> labels;
  for (const auto& record : records) labels.insert(record.label);
  EXPECT_EQ(labels.size(), 2u);
  std::vector<std::size_t> rows(records.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  core::Rng rng(kFlipSeed);
  for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.below(i)]);
  const auto flips = static_cast<std::size_t>(kFlippedShare * static_cast<double>(records.size()) + 0.5);
  const std::set<std::size_t> flipped(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(flips));
  std::ostringstream dev;
  data::write_csv_row(dev, {"text", "label"});
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string label = records[i].label;
    if (flipped.count(i)) label = label == *labels.begin() ? *labels.rbegin() : *labels.begin();
    data::write_csv_row(dev, {records[i].text, label});
  }
  test::write_text(folder / "dev.csv", dev.str());
  return flipped;
}

test::CommandResult blindspot(const test::TempDir& dir, const std::string& arguments) {
  return test::run_command("'" + test::blindspot_binary().string() + "' --workspace '" + (dir / "ws").string() + "' " +
                           arguments);
}

TEST(LabelIssuesCli, FlagsFindFlippedLabelsFarAboveChance) {
  test::TempDir dir;
  const auto data = dir / "sms-spam";
  const std::set<std::size_t> flipped = copy_with_flipped_dev("sms-spam", data);
  const std::string model = "'" + (dir / "model.bin").string() + "'";
  auto result = blindspot(dir, "train --data '" + data.string() + "' --model " + model + " --json");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  result = blindspot(dir, "scan --model " + model + " --data '" + data.string() +
                              "' --split dev --label-issues --json --out '" + (dir / "dev").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["label_issues"]["method"], "cross_validation");
  EXPECT_EQ(report["label_issues"]["folds"], 5);
  EXPECT_GT(report["accuracy"].get<double>(), 0.8);

  std::ifstream jsonl(dir / "dev.uus.jsonl");
  std::string line;
  std::size_t uus = 0, flipped_uus = 0, flagged = 0, flagged_flipped = 0;
  double previous_confidence = 1.0;
  while (std::getline(jsonl, line)) {
    const auto uu = nlohmann::json::parse(line);
    const bool was_flipped = flipped.count(uu["row"].get<std::size_t>()) > 0;
    const bool is_flagged = uu["label_issue"].get<bool>();
    EXPECT_LE(uu["confidence"].get<double>(), previous_confidence);  // most confident first
    previous_confidence = uu["confidence"].get<double>();
    ++uus;
    flipped_uus += was_flipped ? 1 : 0;
    flagged += is_flagged ? 1 : 0;
    flagged_flipped += is_flagged && was_flipped ? 1 : 0;
  }
  ASSERT_EQ(uus, report["uus"].get<std::size_t>());
  EXPECT_EQ(flagged, report["label_issues"]["uus_flagged"].get<std::size_t>());
  ASSERT_GT(flagged, 0u);
  const double precision = static_cast<double>(flagged_flipped) / static_cast<double>(flagged);
  const double recall = static_cast<double>(flagged_flipped) / static_cast<double>(flipped.size());
  // Chance: as many dev rows flagged at random.
  const double dev_rows = report["examples"].get<double>();
  const double chance_precision = static_cast<double>(flipped.size()) / dev_rows;
  const double chance_recall = static_cast<double>(flagged) / dev_rows;
  std::cout << "label issues on sms-spam dev, " << flipped.size() << " of " << dev_rows << " labels flipped: " << uus
            << " UUs (" << flipped_uus << " flipped), " << flagged << " flagged, precision " << precision << ", recall "
            << recall << " (chance " << chance_precision << ", " << chance_recall << ")\n";
  EXPECT_GE(precision, 0.6);
  EXPECT_GE(recall, 0.6);
  EXPECT_GT(precision, 5 * chance_precision);
  EXPECT_GT(recall, 3 * chance_recall);
  // Rerunning with the same seed gives the same flags.
  const auto first = test::read_text(dir / "dev.uus.jsonl");
  result = blindspot(dir, "scan --model " + model + " --data '" + data.string() +
                              "' --split dev --label-issues --out '" + (dir / "dev").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_EQ(test::read_text(dir / "dev.uus.jsonl"), first);
  EXPECT_THAT(result.output, HasSubstr("UUs flagged as probable label issues"));
  EXPECT_THAT(result.output, HasSubstr("most confident UUs (* probable label issue):"));
  EXPECT_THAT(result.output, HasSubstr("accuracy "));
}

TEST(LabelIssuesCli, APredictionsFileGivesTheProbabilities) {
  test::TempDir dir;
  // Two rows per label, the last positive row confidently negative.
  test::write_text(dir / "dev.csv", "text,label\na,negative\nb,negative\nc,positive\nd,positive\n");
  test::write_text(dir / "pred.csv", "text,negative,positive\na,0.9,0.1\nb,0.8,0.2\nc,0.2,0.8\nd,0.95,0.05\n");
  const auto result =
      blindspot(dir, "scan --predictions '" + (dir / "pred.csv").string() + "' --data '" + (dir / "dev.csv").string() +
                         "' --label-issues --json --out '" + (dir / "dev").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["label_issues"]["method"], "predictions");
  // t_negative = 0.85, t_positive = (0.8 + 0.05) / 2 = 0.425: row d is confidently negative.
  EXPECT_NEAR(report["label_issues"]["class_thresholds"]["positive"].get<double>(), 0.425, 1e-12);
  EXPECT_EQ(report["label_issues"]["uus_flagged"], 1);
  const auto uu = nlohmann::json::parse(test::read_text(dir / "dev.uus.jsonl"));
  EXPECT_EQ(uu["text"], "d");
  EXPECT_EQ(uu["label_issue"], true);
  EXPECT_DOUBLE_EQ(uu["label_quality"].get<double>(), 0.05);
}

TEST(LabelIssuesCli, AnAdapterModelNeedsAPredictionsFile) {
  test::TempDir dir;
  test::write_text(dir / "dev.csv", "text,label\na,negative\nb,positive\n");
  const std::string adapter = "'cmd:python3 " + test::fixture("adapters/fixture_adapter.py").string() + " good'";
  const auto result =
      blindspot(dir, "scan --model " + adapter + " --data '" + (dir / "dev.csv").string() + "' --label-issues");
  EXPECT_EQ(result.exit_code, 2) << result.errors;
  EXPECT_THAT(result.errors, HasSubstr("--label-issues needs out-of-sample probabilities"));
  EXPECT_THAT(result.errors, HasSubstr("adapter command cmd:python3"));
  EXPECT_THAT(result.errors, HasSubstr("--predictions FILE instead of --model"));
  const auto folds = blindspot(dir, "scan --model m.bin --data '" + (dir / "dev.csv").string() + "' --label-folds 3");
  EXPECT_EQ(folds.exit_code, 2);
  EXPECT_THAT(folds.errors, HasSubstr("--label-folds requires --label-issues"));
}

}  // namespace
