// Held-out dev UUs (docs/run.md): the split of each blind spot's dev UUs into taught and held-out
// ones, the number of UUs a sample budget needs, and a loop whose held-out counts add up.

#include "held_out.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/loop/loop_records.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "blindspot/teach/uu_source.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace blindspot::loop {
namespace {

using detail::DevUuSplit;
using detail::split_held_out;
using detail::uus_to_teach;
using ::testing::HasSubstr;

// `count` UUs of blind spot `blind_spot`, ids "dev:<first + i>:natural".
std::vector<discover::Uu> uus_of(int blind_spot, int count, int first) {
  std::vector<discover::Uu> uus;
  for (int i = 0; i < count; ++i) {
    discover::Uu uu;
    uu.id = "dev:" + std::to_string(first + i) + ":natural";
    uu.text = "text " + std::to_string(first + i);
    uu.blind_spot = blind_spot;
    uus.push_back(uu);
  }
  return uus;
}

// Blind spot 0: 5 UUs, 1: 2, 2: 1, ungrouped (-1): 4.
std::vector<discover::Uu> mixed_uus() {
  std::vector<discover::Uu> uus;
  for (const auto& [blind_spot, count, first] : {std::tuple{0, 5, 0}, {1, 2, 10}, {2, 1, 20}, {-1, 4, 30}}) {
    for (auto& uu : uus_of(blind_spot, count, first)) uus.push_back(uu);
  }
  return uus;
}

std::map<int, std::size_t> per_blind_spot(const std::vector<discover::Uu>& uus) {
  std::map<int, std::size_t> counts;
  for (const auto& uu : uus) ++counts[uu.blind_spot];
  return counts;
}

std::set<std::string> ids(const std::vector<discover::Uu>& uus) {
  std::set<std::string> out;
  for (const auto& uu : uus) out.insert(uu.id);
  return out;
}

TEST(HeldOut, EachBlindSpotIsSplitByShareWithOneOnEachSide) {
  const DevUuSplit half = split_held_out(mixed_uus(), 0.5, 3);
  // round(2.5) = 3 of 5, 1 of 2, none of a single UU, 2 of 4.
  EXPECT_EQ(per_blind_spot(half.held_out), (std::map<int, std::size_t>{{-1, 2}, {0, 3}, {1, 1}}));
  EXPECT_EQ(per_blind_spot(half.taught), (std::map<int, std::size_t>{{-1, 2}, {0, 2}, {1, 1}, {2, 1}}));

  // A share near 1 or near 0 still leaves one on each side of a blind spot of two or more.
  const DevUuSplit most = split_held_out(mixed_uus(), 0.9, 3);
  EXPECT_EQ(per_blind_spot(most.held_out), (std::map<int, std::size_t>{{-1, 3}, {0, 4}, {1, 1}}));
  const DevUuSplit few = split_held_out(mixed_uus(), 0.1, 3);
  EXPECT_EQ(per_blind_spot(few.held_out), (std::map<int, std::size_t>{{-1, 1}, {0, 1}, {1, 1}}));

  // 0 holds out none.
  const DevUuSplit none = split_held_out(mixed_uus(), 0, 3);
  EXPECT_TRUE(none.held_out.empty());
  EXPECT_EQ(none.taught.size(), 12u);
}

TEST(HeldOut, TheSplitDependsOnTheSeedNotOnTheInputOrder) {
  const std::vector<discover::Uu> uus = uus_of(0, 40, 0);
  const DevUuSplit first = split_held_out(uus, 0.5, 7);
  EXPECT_EQ(first.held_out.size(), 20u);
  std::vector<discover::Uu> reversed(uus.rbegin(), uus.rend());
  const DevUuSplit again = split_held_out(reversed, 0.5, 7);
  EXPECT_EQ(ids(again.held_out), ids(first.held_out));
  // Both sides keep the input's order.
  const auto position = [&](const std::string& id) {
    return std::find_if(reversed.begin(), reversed.end(), [&](const auto& uu) { return uu.id == id; }) -
           reversed.begin();
  };
  for (const auto* side : {&again.taught, &again.held_out}) {
    for (std::size_t i = 1; i < side->size(); ++i) EXPECT_LT(position((*side)[i - 1].id), position((*side)[i].id));
  }
  const DevUuSplit other_seed = split_held_out(uus, 0.5, 8);
  EXPECT_NE(ids(other_seed.held_out), ids(first.held_out));
  EXPECT_EQ(other_seed.held_out.size(), 20u);
}

TEST(HeldOut, AShareOfOneOrMoreIsAUsageError) {
  const core::Error error = test::expect_error([] { split_held_out(mixed_uus(), 1.0, 0); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("held-out share must be in [0, 1), got 1"));
}

TEST(HeldOut, UusToTeachFollowTheSampleBudget) {
  LoopOptions options;
  options.sample_budget = 300;
  // 2 hypotheses x 2 samples per UU, 1.5 x for rejections: ceil(300 x 1.5 / 4) = 113.
  EXPECT_EQ(uus_to_teach(options, 4), 113u);
  EXPECT_EQ(uus_to_teach(options, 150), 150u);  // one per blind spot at least
  options.extrapolate = false;                  // 1 hypothesis x 2 samples: ceil(450 / 2)
  EXPECT_EQ(uus_to_teach(options, 4), 225u);
  options.sample_budget = 0;  // no budget: a fixed default
  EXPECT_EQ(uus_to_teach(options, 4), detail::kUusWithoutBudget);
  options.max_uus = 7;  // a number is a cap, 0 all
  EXPECT_EQ(uus_to_teach(options, 4), 7u);
  options.max_uus = 0;
  EXPECT_EQ(uus_to_teach(options, 4), 0u);
}

std::unique_ptr<teach::Teacher> auto_teacher(const TeacherInputs& inputs) {
  teach::AutoTeacherOptions options;
  options.seed = 4;
  options.threads = 2;
  return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, options);
}

// The automatic teacher splices a natural UU's sentences into its samples ("carriers"). Given the
// held-out UUs too (as the loop never does), every sample that carries a held-out UU's sentence is
// rejected as a dev leak, and no sample carrying only taught UUs' sentences is.
TEST(HeldOutLoop, TheAutoTeachersCarriersOfHeldOutUusAreDevLeaks) {
  LoopOptions options;
  options.data = test::shared_data("sst2");
  options.model.threads = 1;
  options.dev_attack_rows = 0;  // natural UUs: the ones with carriers
  options.seed = 4;
  options.threads = 2;
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const LoopResult grouped = run_loop(
      options, {dir / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher}, {.stop_after = "group"});
  const auto baseline = model::load_classifier(grouped.folder.parent_path() / "baseline.bin");
  const auto train = data::read_training_split(data::find_split_file(options.data, "train"), baseline->labels());
  const auto test_split = data::read_split(data::find_split_file(options.data, "test"), baseline->labels());
  const auto uus = teach::read_uus_jsonl(grouped.folder.parent_path() / "uus.jsonl", baseline->labels());
  const DevUuSplit split = split_held_out(uus, 0.5, 4);
  ASSERT_GE(split.held_out.size(), 10u);

  teach::AutoTeacherOptions teacher_options;
  teacher_options.seed = 4;
  teacher_options.threads = 2;
  teach::AutoTeacher teacher(train, *baseline, uus, teacher_options);
  std::vector<discover::Uu> shown(split.held_out.begin(), split.held_out.begin() + 10);
  shown.insert(shown.end(), split.taught.begin(), split.taught.begin() + 10);
  auto samples = teacher.generate(teacher.abstract(shown), 2);
  teach::SampleFilter filter(baseline->labels(), train, &test_split);
  filter.hold_out(split.held_out);
  filter.apply(samples);

  const std::set<std::string> held = ids(split.held_out);
  std::size_t carrying_held_out = 0;
  std::size_t carrying_taught = 0;
  for (const auto& sample : samples) {
    bool held_out_carrier = false;
    for (const auto& carrier :
         nlohmann::json::parse(sample.provenance_json).value("carriers", nlohmann::json::array())) {
      const std::string source = carrier.get<std::string>();  // "uu <id>"
      held_out_carrier = held_out_carrier || (source.rfind("uu ", 0) == 0 && held.contains(source.substr(3)));
    }
    // Checks 1-6 (format, length, test leaks) come first; whatever passes them is a dev leak.
    const bool earlier = sample.rejection == teach::kLengthOutlier || sample.rejection == teach::kTooShort ||
                         sample.rejection == teach::kLeaksTest;
    if (held_out_carrier) {
      ++carrying_held_out;
      if (!earlier) {
        EXPECT_EQ(sample.rejection, teach::kDevLeak) << sample.id << ": " << sample.text;
      }
    } else {
      ++carrying_taught;
      EXPECT_NE(sample.rejection, teach::kDevLeak) << sample.id << ": " << sample.rejection_detail;
    }
  }
  EXPECT_GE(carrying_held_out, 10u);
  EXPECT_GE(carrying_taught, 10u);
  EXPECT_GE(teach::rejection_counts(samples)[6].second, 5u);  // dev_leak
}

// The whole loop on sst2 with the automatic teacher, a budget of 300 and max_uus from it: the
// budget is filled, the held-out UUs are those of the split, no teacher saw them, no accepted
// sample contains one, and the counts add up in the result, metrics.json and the run's JSON.
TEST(HeldOutLoop, CountsAddUpAndTheAutoTeacherFillsTheBudget) {
  LoopOptions options;
  options.data = test::shared_data("sst2");
  options.model.threads = 1;
  options.sample_budget = 300;
  options.test_attack_rows = 40;
  options.seed = 4;
  options.threads = 2;
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const std::int64_t run = store::begin_run(db, "run", "{}", "{}");
  const LoopResult result = run_loop(options, {dir / "loop", db, run, auto_teacher});
  ASSERT_TRUE(result.complete);
  EXPECT_EQ(result.samples_added, 300);

  const data::LabelSet labels({"negative", "positive"});
  const auto uus = teach::read_uus_jsonl(result.folder.parent_path() / "uus.jsonl", labels);
  ASSERT_EQ(static_cast<std::int64_t>(uus.size()), result.dev_uus);
  const DevUuSplit split = split_held_out(uus, 0.5, 4);
  EXPECT_EQ(result.held_out_uus, static_cast<std::int64_t>(split.held_out.size()));
  EXPECT_EQ(result.held_out_uus + static_cast<std::int64_t>(split.taught.size()), result.dev_uus);
  EXPECT_GE(result.held_out_uus, result.dev_uus / 2 - result.blind_spots);
  const auto expected_taught =
      std::min(uus_to_teach(options, static_cast<std::size_t>(result.blind_spots)), split.taught.size());
  EXPECT_EQ(result.dev_uus_taught, static_cast<std::int64_t>(expected_taught));

  // No hypothesis was made from a held-out UU.
  const std::set<std::string> held = ids(split.held_out);
  const std::string hypotheses = test::read_text(result.folder / "hypotheses.jsonl");
  for (const auto& id : held) EXPECT_EQ(hypotheses.find("\"" + id + "\""), std::string::npos) << id;

  // No accepted sample holds a held-out UU's text.
  for (const auto& sample : teach::read_samples_jsonl(result.folder / "samples.jsonl")) {
    if (!sample.accepted) continue;
    for (const auto& uu : split.held_out) EXPECT_EQ(sample.text.find(uu.text), std::string::npos) << sample.id;
  }

  // Held-out UUs the retrained model no longer gets confidently wrong, counted here again.
  const auto retrained = model::load_classifier(result.folder / "retrained.bin");
  std::int64_t fixed = 0;
  for (const auto& uu : split.held_out) {
    const auto p = retrained->probabilities(uu.text);
    const auto predicted = static_cast<std::size_t>(model::argmax(p));
    fixed += retrained->labels().name(predicted) != uu.true_label && p[predicted] >= options.threshold ? 0 : 1;
  }
  EXPECT_EQ(result.held_out_fixed, fixed);
  EXPECT_LE(result.held_out_fixed, result.dev_uus_fixed);
  ASSERT_EQ(result.rounds.size(), 1u);
  EXPECT_EQ(result.rounds[0].held_out_fixed, fixed);
  EXPECT_EQ(result.rounds[0].held_out_uus, result.held_out_uus);
  EXPECT_EQ(result.rounds[0].dev_uus_taught, result.dev_uus_taught);

  const auto metrics = nlohmann::json::parse(test::read_text(result.folder / "metrics.json"));
  EXPECT_EQ(metrics["held_out_uus"], result.held_out_uus);
  EXPECT_EQ(metrics["held_out_fixed"], fixed);
  EXPECT_EQ(metrics["dev_uus_taught"], result.dev_uus_taught);
  const auto printed = nlohmann::json::parse(loop_result_json(result, run, "auto"));
  EXPECT_EQ(printed["held_out_uus"], result.held_out_uus);
  EXPECT_EQ(printed["held_out_fixed"], fixed);
  EXPECT_EQ(printed["dev_uus_taught"], result.dev_uus_taught);
  EXPECT_EQ(printed["rounds"][0]["held_out_fixed"], fixed);
  EXPECT_TRUE(printed["before"].contains("reachable_errors"));
  EXPECT_TRUE(printed["after"].contains("adversarial_uu_rate"));

  // The run store's metrics.
  record_loop_metrics(db, run, result);
  std::map<std::string, double> recorded;
  for (const auto& m : store::list_metrics(db, run)) recorded[m.split + "/" + m.name] = m.value;
  EXPECT_EQ(recorded.at("dev/held_out_uus"), static_cast<double>(result.held_out_uus));
  EXPECT_EQ(recorded.at("dev/held_out_fixed"), static_cast<double>(fixed));
  EXPECT_EQ(recorded.at("dev/uus_taught"), static_cast<double>(result.dev_uus_taught));
  EXPECT_EQ(recorded.at("test_after/reachable_errors"), static_cast<double>(result.after.reachable_errors));
  EXPECT_DOUBLE_EQ(
      recorded.at("test_before/adversarial_uu_rate"),
      static_cast<double>(result.before.adversarial_uus) / static_cast<double>(result.before.adversarial_attacked));

  // Resumed, the same numbers come from the records.
  const LoopResult again = run_loop(options, {dir / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher});
  for (const auto& step : again.steps) EXPECT_TRUE(step.reused) << step.step;
  EXPECT_EQ(again.held_out_fixed, fixed);
  EXPECT_EQ(again.dev_uus_taught, result.dev_uus_taught);
}

}  // namespace
}  // namespace blindspot::loop
