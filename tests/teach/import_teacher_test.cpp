#include "blindspot/teach/import_teacher.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace blindspot::teach {
namespace {

using ::testing::HasSubstr;

TEST(ImportTeacher, ReadsHypothesesWithProvenanceAndTasks) {
  test::TempDir dir;
  test::write_text(dir / "crowd.csv",
                   "hypothesis,reasoning,uu_id,task,worker,seconds\n"
                   "\"Negations like \"\"not bad\"\" read as negative\",saw it twice,dev:3:natural,,w17,95\n"
                   "Sarcasm flips the label,,dev:3:natural,extrapolation,w17,40\n");
  ImportTeacher teacher(dir / "crowd.csv", {});
  EXPECT_EQ(teacher.name(), "import:crowd.csv");
  const auto abstractions = teacher.abstract({});
  ASSERT_EQ(abstractions.size(), 1u);
  EXPECT_EQ(abstractions[0].id, "I:crowd:2");
  EXPECT_EQ(abstractions[0].task, kAbstraction);
  EXPECT_EQ(abstractions[0].text, "Negations like \"not bad\" read as negative");
  EXPECT_EQ(abstractions[0].reasoning, "saw it twice");
  EXPECT_EQ(abstractions[0].uu_id, "dev:3:natural");
  const auto provenance = nlohmann::json::parse(abstractions[0].provenance_json);
  EXPECT_EQ(provenance["line"], 2);
  EXPECT_EQ(provenance["columns"]["worker"], "w17");
  EXPECT_EQ(provenance["columns"]["seconds"], "95");
  EXPECT_EQ(provenance["sha256"].get<std::string>().size(), 64u);
  const auto extrapolations = teacher.extrapolate({}, abstractions);
  ASSERT_EQ(extrapolations.size(), 1u);
  EXPECT_EQ(extrapolations[0].task, kExtrapolation);
  EXPECT_TRUE(teacher.generate(abstractions, 2).empty());
}

TEST(ImportTeacher, ReadsSamplesKeepingUnknownLabelsForTheFilters) {
  test::TempDir dir;
  test::write_text(dir / "s.jsonl",
                   R"({"text":"not bad at all, I liked it","label":"positive","hypothesis_id":"I:crowd:2","annotator":7})"
                   "\n"
                   R"({"text":"meh","label":"neutral","id":"mine-1"})"
                   "\n");
  ImportTeacher teacher({}, dir / "s.jsonl");
  const auto samples = teacher.generate({}, 2);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].id, "I:s:1");
  EXPECT_EQ(samples[0].hypothesis_id, "I:crowd:2");
  EXPECT_EQ(samples[0].label, "positive");
  EXPECT_EQ(nlohmann::json::parse(samples[0].provenance_json)["columns"]["annotator"], "7");
  EXPECT_EQ(samples[1].id, "mine-1");
  EXPECT_EQ(samples[1].label, "neutral");
  EXPECT_TRUE(samples[1].accepted);
}

TEST(ImportTeacher, BadFilesAreErrorsNamingTheLine) {
  test::TempDir dir;
  test::write_text(dir / "h.csv", "hypothesis,task\nfine,abstraction\nodd,summary\n");
  auto error = test::expect_error([&] { ImportTeacher(dir / "h.csv", {}); });
  EXPECT_THAT(error.what(), HasSubstr("h.csv:3: column \"task\": task must be \"abstraction\" or \"extrapolation\""));
  test::write_text(dir / "s.csv", "text,label\n\"unclosed,positive\n");
  error = test::expect_error([&] { ImportTeacher({}, dir / "s.csv"); });
  EXPECT_THAT(error.what(), HasSubstr("s.csv:2"));
  test::write_text(dir / "nohyp.csv", "text\nx\n");
  error = test::expect_error([&] { ImportTeacher(dir / "nohyp.csv", {}); });
  EXPECT_THAT(error.what(), HasSubstr("no such column"));
  error = test::expect_error([&] { ImportTeacher({}, {}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
}

}  // namespace
}  // namespace blindspot::teach
