#include "blindspot/teach/teach_session.hpp"

#include "blindspot/store/runs.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace blindspot::teach {
namespace {

discover::Uu make_uu(const std::string& id, const std::string& truth, const std::string& predicted, int blind_spot = -1) {
  discover::Uu uu;
  uu.id = id;
  uu.text = "text of " + id;
  uu.true_label = truth;
  uu.predicted_label = predicted;
  uu.confidence = 0.9;
  uu.blind_spot = blind_spot;
  return uu;
}

TEST(SelectUus, SpreadsThePickOverBlindSpotsRoundRobin) {
  std::vector<discover::Uu> uus;
  for (int i = 0; i < 6; ++i) uus.push_back(make_uu("a" + std::to_string(i), "neg", "pos", 0));
  uus.push_back(make_uu("b0", "pos", "neg", 1));
  for (int i = 0; i < 3; ++i) uus.push_back(make_uu("c" + std::to_string(i), "pos", "neg", 2));
  const auto picked = select_uus(uus, 5, 42);
  ASSERT_EQ(picked.size(), 5u);
  std::map<int, int> per_group;
  for (const auto& uu : picked) ++per_group[uu.blind_spot];
  // Round 1 takes one of each group; round 2 one more from groups 0 and 2 (group 1 is spent).
  EXPECT_EQ(per_group[0], 2);
  EXPECT_EQ(per_group[1], 1);
  EXPECT_EQ(per_group[2], 2);
  const auto again = select_uus(uus, 5, 42);
  for (std::size_t i = 0; i < picked.size(); ++i) EXPECT_EQ(picked[i].id, again[i].id);
  const auto other_seed = select_uus(uus, 5, 43);
  bool differs = false;
  for (std::size_t i = 0; i < picked.size(); ++i) differs = differs || picked[i].id != other_seed[i].id;
  EXPECT_TRUE(differs);
  EXPECT_EQ(select_uus(uus, 0, 1).size(), uus.size());
  EXPECT_EQ(select_uus(uus, 100, 1).size(), uus.size());
}

TEST(SelectUus, UngroupedUusAreGroupedByKindAndLabels) {
  std::vector<discover::Uu> uus = {make_uu("n1", "neg", "pos"), make_uu("n2", "neg", "pos"), make_uu("n3", "neg", "pos"),
                         make_uu("p1", "pos", "neg")};
  const auto picked = select_uus(uus, 2, 7);
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_NE(picked[0].true_label, picked[1].true_label);
}

// Records the UUs it is asked to abstract; writes nothing.
class RecordingTeacher final : public Teacher {
 public:
  std::string name() const override { return "recording"; }
  std::vector<Hypothesis> abstract(const std::vector<discover::Uu>& uus) override {
    for (const auto& uu : uus) abstracted.push_back(uu.id);
    return {};
  }
  std::vector<Hypothesis> extrapolate(const std::vector<discover::Uu>&, const std::vector<Hypothesis>&) override {
    return {};
  }
  std::vector<Sample> generate(const std::vector<Hypothesis>&, int) override { return {}; }
  std::vector<std::string> abstracted;
};

// The filter's length rule needs some training rows.
data::Split a_train_split() {
  data::Split train;
  train.name = "train";
  train.labels = data::LabelSet({"neg", "pos"});
  train.examples = {{"a film I did not like at all", 0, 2}, {"a film I liked very much indeed", 1, 3}};
  return train;
}

std::vector<discover::Uu> uus_with_two_label_issues() {
  std::vector<discover::Uu> uus = {make_uu("u1", "neg", "pos"), make_uu("u2", "neg", "pos"), make_uu("u3", "pos", "neg"),
                                   make_uu("u4", "pos", "neg")};
  uus[1].label_issue = true;
  uus[3].label_issue = true;
  return uus;
}

TEST(Teach, LabelIssuesAreNotTaughtByDefault) {
  RecordingTeacher teacher;
  const data::Split train = a_train_split();
  const SampleFilter filter(train.labels, train, nullptr);
  TeachOptions options;
  options.max_uus = 0;
  const TeachResult result = teach(teacher, uus_with_two_label_issues(), filter, options);
  EXPECT_EQ(teacher.abstracted, (std::vector<std::string>{"u1", "u3"}));
  EXPECT_EQ(result.taught.size(), 2u);
  EXPECT_EQ(result.label_issues_left_out, 2u);
}

TEST(Teach, TeachLabelIssuesTeachesThemToo) {
  RecordingTeacher teacher;
  const data::Split train = a_train_split();
  const SampleFilter filter(train.labels, train, nullptr);
  TeachOptions options;
  options.max_uus = 0;
  options.teach_label_issues = true;
  const TeachResult result = teach(teacher, uus_with_two_label_issues(), filter, options);
  EXPECT_EQ(teacher.abstracted, (std::vector<std::string>{"u1", "u2", "u3", "u4"}));
  EXPECT_EQ(result.label_issues_left_out, 0u);
}

TEST(Teach, OnlyLabelIssuesLeaveNothingToTeach) {
  auto uus = uus_with_two_label_issues();
  for (auto& uu : uus) uu.label_issue = true;
  const auto error = test::expect_error([&] { teachable_uus(uus, false); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("all 4 UUs are flagged as probable label issues"));
  EXPECT_EQ(teachable_uus(uus, true).size(), 4u);
  EXPECT_TRUE(teachable_uus({}, false).empty());
}

TEST(TeachOutput, StoredAndWrittenHypothesesAndSamplesRoundTrip) {
  test::TempDir dir;
  TeachResult result;
  Hypothesis h;
  h.id = "A:dev:1:natural";
  h.task = kAbstraction;
  h.uu_id = "dev:1:natural";
  h.text = "The classifier reads \"not bad\" as negative.";
  h.reasoning = "negation";
  h.teacher = "auto (baseline)";
  h.prompt_version = "auto-v1";
  h.details_json = R"({"tokens":["bad"]})";
  result.hypotheses.push_back(h);
  Sample s;
  s.id = h.id + "#1";
  s.hypothesis_id = h.id;
  s.text = "not bad, really, a fine film";
  s.label = "positive";
  s.teacher = h.teacher;
  s.accepted = false;
  s.rejection = "too_short";
  s.rejection_detail = "2 words";
  result.samples.push_back(s);

  write_hypotheses_jsonl(dir / "h.jsonl", result.hypotheses, true);
  const auto line = nlohmann::json::parse(test::read_text(dir / "h.jsonl"));
  EXPECT_EQ(line["id"], h.id);
  EXPECT_EQ(line["baseline"], true);
  EXPECT_EQ(line["details"]["tokens"][0], "bad");
  write_samples_csv(dir / "s.csv", result.samples, true);
  EXPECT_EQ(test::read_text(dir / "s.csv"),
            "id,hypothesis_id,teacher,baseline,prompt_version,text,label,reasoning,accepted,rejection,"
            "rejection_detail,provenance\n"
            "A:dev:1:natural#1,A:dev:1:natural,auto (baseline),true,,\"not bad, really, a fine film\",positive,,false,"
            "too_short,2 words,{}\n");

  auto db = store::Database::open(dir / "s.db");
  const auto run = store::begin_run(db, "teach", "{}", "{}");
  record_teaching(db, run, result);
  record_teaching(db, run, result);  // replaces, does not duplicate
  const auto hypotheses = stored_hypotheses(db, run);
  ASSERT_EQ(hypotheses.size(), 1u);
  EXPECT_EQ(hypotheses[0].text, h.text);
  EXPECT_EQ(hypotheses[0].details_json, h.details_json);
  const auto samples = stored_samples(db, run);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_FALSE(samples[0].accepted);
  EXPECT_EQ(samples[0].rejection, "too_short");
  EXPECT_EQ(samples[0].text, s.text);
}

}  // namespace
}  // namespace blindspot::teach
