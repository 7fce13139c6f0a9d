#include "blindspot/discover/uu_output.hpp"
#include "blindspot/discover/uu_records.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/store/runs.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace blindspot;

namespace {

// A classifier whose probabilities are looked up by text, so that every UU is known in advance.
class TableClassifier final : public model::Classifier {
 public:
  TableClassifier(data::LabelSet labels, std::map<std::string, model::Probabilities> table)
      : labels_(std::move(labels)), table_(std::move(table)) {}
  std::string kind() const override { return "table"; }
  std::string options_json() const override { return "{}"; }
  void train(const data::Split&, const core::ProgressCallback&) override {}
  const data::LabelSet& labels() const override { return labels_; }
  model::Probabilities probabilities(std::string_view text) const override { return table_.at(std::string(text)); }
  std::vector<float> sentence_vector(std::string_view) const override { return {}; }
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}

 private:
  data::LabelSet labels_;
  std::map<std::string, model::Probabilities> table_;
};

const data::LabelSet kLabels({"negative", "positive"});

data::Split make_split() {
  data::Split split;
  split.name = "dev";
  split.file = "dev.csv";
  split.labels = kLabels;
  // label: 0 negative, 1 positive; line = row + 2 (after the header)
  const std::vector<std::pair<std::string, int>> rows = {
      {"correct and sure", 1},     // p(pos) 0.99: correct
      {"wrong and sure", 0},       // p(pos) 0.95: UU at every threshold up to 0.95
      {"wrong, just past", 0},     // p(pos) 0.55: a flip below 0.65 is not a UU
      {"wrong at tau", 1},         // p(neg) 0.65 exactly: a UU (>= tau)
      {"wrong, quite sure", 1},    // p(neg) 0.85
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    split.examples.push_back({rows[i].first, rows[i].second, static_cast<std::int64_t>(i) + 2});
  }
  return split;
}

TableClassifier make_model() {
  return TableClassifier(kLabels, {{"correct and sure", {0.01, 0.99}},
                                   {"wrong and sure", {0.05, 0.95}},
                                   {"wrong, just past", {0.45, 0.55}},
                                   {"wrong at tau", {0.65, 0.35}},
                                   {"wrong, quite sure", {0.85, 0.15}}});
}

TEST(UuScan, PicksConfidentErrorsOnly) {
  const auto model = make_model();
  const auto result = discover::scan(model, make_split(), {});
  ASSERT_EQ(result.scored.size(), 5u);
  EXPECT_EQ(result.uus, (std::vector<std::size_t>{1, 3, 4}));
  EXPECT_EQ(result.scored[2].predicted_label, 1);
  EXPECT_FALSE(result.scored[2].is_uu(0.65));  // misclassified, but only 0.55 sure
  EXPECT_DOUBLE_EQ(result.scored[3].confidence, 0.65);
}

TEST(UuScan, CountsAtEveryReportedThreshold) {
  const auto model = make_model();
  const auto result = discover::scan(model, make_split(), {});
  std::vector<std::pair<double, std::int64_t>> counts;
  for (const auto& count : result.counts) counts.emplace_back(count.threshold, count.count);
  const std::vector<std::pair<double, std::int64_t>> expected = {{0.5, 4}, {0.65, 3}, {0.8, 2}, {0.9, 1}, {0.95, 1}};
  EXPECT_EQ(counts, expected);
}

TEST(UuScan, CustomThresholdIsAddedToTheCounts) {
  const auto model = make_model();
  discover::ScanOptions options;
  options.threshold = 0.7;
  const auto result = discover::scan(model, make_split(), options);
  EXPECT_EQ(result.uus, (std::vector<std::size_t>{1, 4}));
  EXPECT_EQ(result.counts.size(), 6u);
  EXPECT_DOUBLE_EQ(result.counts[2].threshold, 0.7);
  EXPECT_EQ(result.counts[2].count, 2);
}

TEST(UuScan, LabelSetMismatchIsBadInput) {
  const TableClassifier model(data::LabelSet({"ham", "spam"}), {});
  const auto error = test::expect_error([&] { discover::scan(model, make_split(), {}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("labels of the data (negative, positive) differ from the model's (ham, spam)"));
}

TEST(UuOutput, JsonlAndCsvHoldExactlyTheUus) {
  test::TempDir dir;
  const auto model = make_model();
  const auto split = make_split();
  const auto result = discover::scan(model, split, {});
  discover::write_uus_jsonl(dir / "uus.jsonl", split, result);
  discover::write_uus_csv(dir / "uus.csv", split, result);

  const std::string jsonl = test::read_text(dir / "uus.jsonl");
  std::istringstream lines(jsonl);
  std::string line;
  std::vector<nlohmann::json> records;
  while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 3u);
  // Most confident first: 0.95, 0.85, 0.65.
  EXPECT_EQ(records[1]["text"], "wrong, quite sure");
  EXPECT_EQ(records[2]["text"], "wrong at tau");
  EXPECT_FALSE(records[0].contains("label_issue"));  // not estimated: no verdict written
  EXPECT_EQ(records[0]["text"], "wrong and sure");
  EXPECT_EQ(records[0]["line"], 3);
  EXPECT_EQ(records[0]["true_label"], "negative");
  EXPECT_EQ(records[0]["predicted_label"], "positive");
  EXPECT_DOUBLE_EQ(records[0]["confidence"].get<double>(), 0.95);
  EXPECT_DOUBLE_EQ(records[0]["probabilities"]["negative"].get<double>(), 0.05);

  EXPECT_EQ(test::read_text(dir / "uus.csv"),
            "text,true_label,predicted_label,confidence,line,p_negative,p_positive\n"
            "wrong and sure,negative,positive,0.95,3,0.05,0.95\n"
            "\"wrong, quite sure\",positive,negative,0.85,6,0.85,0.15\n"
            "wrong at tau,positive,negative,0.65,5,0.65,0.35\n");
}

TEST(UuOutput, SplitOrderKeepsTheRowsInTheirPlaces) {
  test::TempDir dir;
  const auto model = make_model();
  const auto split = make_split();
  const auto result = discover::scan(model, split, {});
  discover::write_uus_csv(dir / "uus.csv", split, result, discover::UuOrder::split);
  EXPECT_EQ(test::read_text(dir / "uus.csv"),
            "text,true_label,predicted_label,confidence,line,p_negative,p_positive\n"
            "wrong and sure,negative,positive,0.95,3,0.05,0.95\n"
            "wrong at tau,positive,negative,0.65,5,0.65,0.35\n"
            "\"wrong, quite sure\",positive,negative,0.85,6,0.85,0.15\n");
}

TEST(UuOutput, EqualConfidencesKeepSplitOrder) {
  discover::ScanResult result;
  for (double confidence : {0.7, 0.9, 0.7, 0.9}) {
    discover::ScoredExample scored;
    scored.row = result.scored.size();
    scored.true_label = 0;
    scored.predicted_label = 1;
    scored.confidence = confidence;
    result.uus.push_back(scored.row);
    result.scored.push_back(scored);
  }
  EXPECT_EQ(discover::uus_most_confident_first(result), (std::vector<std::size_t>{1, 3, 0, 2}));
}

TEST(UuOutput, LabelIssueVerdictsAreWrittenWhenEstimated) {
  test::TempDir dir;
  const auto model = make_model();
  const auto split = make_split();
  auto result = discover::scan(model, split, {});
  result.label_issues_estimated = true;
  for (auto& scored : result.scored) scored.label_quality = scored.probabilities[static_cast<std::size_t>(scored.true_label)];
  result.scored[4].label_issue = true;  // "wrong, quite sure"
  discover::write_uus_jsonl(dir / "uus.jsonl", split, result);
  discover::write_uus_csv(dir / "uus.csv", split, result);

  std::istringstream lines(test::read_text(dir / "uus.jsonl"));
  std::string line;
  std::vector<nlohmann::json> records;
  while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["label_issue"], false);
  EXPECT_DOUBLE_EQ(records[0]["label_quality"].get<double>(), 0.05);
  EXPECT_EQ(records[1]["text"], "wrong, quite sure");
  EXPECT_EQ(records[1]["label_issue"], true);
  EXPECT_DOUBLE_EQ(records[1]["label_quality"].get<double>(), 0.15);
  EXPECT_EQ(test::read_text(dir / "uus.csv"),
            "text,true_label,predicted_label,confidence,line,p_negative,p_positive,label_issue,label_quality\n"
            "wrong and sure,negative,positive,0.95,3,0.05,0.95,false,0.05\n"
            "\"wrong, quite sure\",positive,negative,0.85,6,0.85,0.15,true,0.15\n"
            "wrong at tau,positive,negative,0.65,5,0.65,0.35,false,0.35\n");
}

TEST(UuScan, AccuracyIsTheShareReadRight) {
  const auto model = make_model();
  EXPECT_DOUBLE_EQ(discover::accuracy(discover::scan(model, make_split(), {})), 0.2);  // 1 of 5
  EXPECT_DOUBLE_EQ(discover::accuracy(discover::ScanResult{}), 0.0);
}

TEST(UuRecords, StoresPredictionsAndUus) {
  test::TempDir dir;
  auto db = store::Database::open(dir / "store.db");
  const auto run_id = store::begin_run(db, "scan", "{}", "{}");
  const auto model = make_model();
  const auto split = make_split();
  discover::record_scan(db, run_id, split, discover::scan(model, split, {}));

  auto predictions = db.prepare("SELECT COUNT(*) FROM predictions WHERE run_id = ?");
  predictions.bind(1, run_id);
  ASSERT_TRUE(predictions.step());
  EXPECT_EQ(predictions.column_int64(0), 5);
  const auto counts = discover::stored_uu_counts(db, run_id);
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].split, "dev");
  EXPECT_EQ(counts[0].kind, "natural");
  EXPECT_EQ(counts[0].count, 3);
}

}  // namespace
