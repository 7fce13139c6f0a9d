#include "report_fixture.hpp"

#include "blindspot/report/experiment_report.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <tuple>

using namespace blindspot;
using namespace blindspot::test;
using ::testing::HasSubstr;

namespace {

// Equal, or both NaN (NaN is written as null and read back as NaN).
void expect_same(double actual, double expected, const std::string& what) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what;
  } else {
    EXPECT_DOUBLE_EQ(actual, expected) << what;
  }
}

}  // namespace

TEST(JsonReport, RoundTripsEveryField) {
  TempDir dir;
  const report::ExperimentReport original = hostile_report();
  report::write_json(dir / "report.json", original);
  const report::ExperimentReport loaded = report::read_json(dir / "report.json");

  EXPECT_EQ(loaded.title, original.title);
  EXPECT_EQ(loaded.dataset, original.dataset);
  EXPECT_EQ(loaded.created_at, original.created_at);
  EXPECT_EQ(loaded.seeds, original.seeds);
  EXPECT_EQ(loaded.sample_budget, 500);
  EXPECT_EQ(loaded.uus_removed_metric, "reachable_uus");
  EXPECT_EQ(loaded.findings, original.findings);
  ASSERT_EQ(loaded.conditions.size(), 3U);
  for (std::size_t c = 0; c < 3; ++c) {
    const auto& got = loaded.conditions[c];
    const auto& want = original.conditions[c];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.teacher, want.teacher);
    ASSERT_EQ(got.metrics.size(), want.metrics.size());
    for (std::size_t m = 0; m < got.metrics.size(); ++m) {
      const std::string what = want.name + "/" + want.metrics[m].name;
      EXPECT_EQ(got.metrics[m].name, want.metrics[m].name);
      EXPECT_EQ(got.metrics[m].lower_is_better, want.metrics[m].lower_is_better) << what;
      EXPECT_EQ(got.metrics[m].per_seed, want.metrics[m].per_seed) << what;
      expect_same(got.metrics[m].mean, want.metrics[m].mean, what);
      expect_same(got.metrics[m].sd, want.metrics[m].sd, what);
      expect_same(got.metrics[m].ci_low, want.metrics[m].ci_low, what);
      expect_same(got.metrics[m].ci_high, want.metrics[m].ci_high, what);
      EXPECT_EQ(got.metrics[m].varied_across_seeds, want.metrics[m].varied_across_seeds) << what;
      EXPECT_EQ(got.metrics[m].interval, want.metrics[m].interval) << what;
      ASSERT_EQ(got.metrics[m].effect_vs_none.has_value(), want.metrics[m].effect_vs_none.has_value()) << what;
      if (want.metrics[m].effect_vs_none) {
        const auto& got_effect = *got.metrics[m].effect_vs_none;
        const auto& want_effect = *want.metrics[m].effect_vs_none;
        expect_same(got_effect.estimate, want_effect.estimate, what);
        expect_same(got_effect.ci_low, want_effect.ci_low, what);
        expect_same(got_effect.ci_high, want_effect.ci_high, what);
        EXPECT_EQ(got_effect.p_value, want_effect.p_value) << what;
        EXPECT_EQ(got_effect.varied_across_seeds, want_effect.varied_across_seeds) << what;
        EXPECT_EQ(got_effect.method, want_effect.method) << what;
      }
    }
    ASSERT_EQ(got.reliability.size(), want.reliability.size());
    for (std::size_t b = 0; b < got.reliability.size(); ++b) {
      EXPECT_EQ(got.reliability[b].count, want.reliability[b].count);
      EXPECT_DOUBLE_EQ(got.reliability[b].accuracy, want.reliability[b].accuracy);
      EXPECT_DOUBLE_EQ(got.reliability[b].mean_confidence, want.reliability[b].mean_confidence);
      EXPECT_DOUBLE_EQ(got.reliability[b].upper, want.reliability[b].upper);
    }
    EXPECT_EQ(got.confidence_histogram, want.confidence_histogram);
    EXPECT_EQ(got.confidence_histogram_lower, 0.5);
    EXPECT_EQ(got.cost.llm_prompt_tokens, want.cost.llm_prompt_tokens);
    EXPECT_EQ(got.cost.llm_unpriced, want.cost.llm_unpriced);
    EXPECT_DOUBLE_EQ(got.cost.human_usd, want.cost.human_usd);
    EXPECT_DOUBLE_EQ(got.cost.uus_removed, want.cost.uus_removed);
    EXPECT_EQ(got.cost.usd_per_uu_removed, want.cost.usd_per_uu_removed);
    EXPECT_EQ(got.cost.usd_per_hypothesis, want.cost.usd_per_hypothesis);
  }
  ASSERT_EQ(loaded.blind_spots.size(), 2U);
  const auto& spot = loaded.blind_spots[0];
  EXPECT_EQ(spot.id, 1);
  EXPECT_EQ(spot.size, 12);
  EXPECT_EQ(spot.top_tokens, original.blind_spots[0].top_tokens);
  EXPECT_EQ(spot.hypotheses, original.blind_spots[0].hypotheses);
  // JSON keeps texts whole (the HTML cuts them), except invalid UTF-8, which becomes U+FFFD.
  EXPECT_EQ(spot.representatives[0], original.blind_spots[0].representatives[0]);
  EXPECT_EQ(spot.representatives[2], "bad bytes \xEF\xBF\xBD\xEF\xBF\xBD here \x01 end");
  ASSERT_EQ(spot.samples.size(), 2U);
  EXPECT_EQ(spot.samples[0].label, "pos<itive>");
  EXPECT_EQ(spot.samples[1].text, original.blind_spots[0].samples[1].text);
  EXPECT_EQ(spot.fixed_by_condition, original.blind_spots[0].fixed_by_condition);
  ASSERT_EQ(spot.attribution.size(), 2U);
  const auto& effect = spot.attribution[0];
  EXPECT_EQ(effect.hypothesis, original.blind_spots[0].attribution[0].hypothesis);
  EXPECT_EQ(std::tuple(effect.samples, effect.marginal_fixed, effect.fixed_only_with, effect.fixed_only_without,
                       effect.marginal_fixed_in_blind_spot, effect.source_uu_fixed, effect.source_uu_fixed_without),
            std::tuple(4, 3, 5, 2, 1, true, false));
  EXPECT_EQ(spot.attribution[1].marginal_fixed, -1);
  EXPECT_TRUE(loaded.blind_spots[1].attribution.empty());
}

TEST(JsonReport, IsPlainJsonWithNullForUndefinedNumbers) {
  TempDir dir;
  report::write_json(dir / "report.json", hostile_report());
  const auto json = nlohmann::json::parse(read_text(dir / "report.json"));
  EXPECT_EQ(json["format"], "blindspot-experiment-report");
  EXPECT_EQ(json["format_version"], 2);
  EXPECT_EQ(json["conditions"][0]["name"], "none");
  EXPECT_EQ(json["conditions"][0]["metrics"][0]["name"], "accuracy");
  EXPECT_TRUE(json["conditions"][0]["metrics"][0]["effect_vs_none"].is_null());
  EXPECT_DOUBLE_EQ(json["conditions"][1]["metrics"][3]["effect_vs_none"]["estimate"].get<double>(), -10);
  EXPECT_DOUBLE_EQ(json["conditions"][1]["metrics"][3]["effect_vs_none"]["p_value"].get<double>(), 0.03);
  EXPECT_TRUE(json["conditions"][1]["metrics"][1]["effect_vs_none"]["p_value"].is_null());
  EXPECT_TRUE(json["conditions"][1]["metrics"][5]["ci_low"].is_null());
  EXPECT_EQ(json["conditions"][1]["metrics"][5]["varied_across_seeds"], false);
  EXPECT_DOUBLE_EQ(json["conditions"][1]["metrics"][4]["mean"].get<double>(), 36.333333333333336);
  EXPECT_TRUE(json["conditions"][2]["metrics"][6]["mean"].is_null());
  EXPECT_EQ(json["conditions"][2]["cost"]["llm_prompt_tokens"], 123456);
  EXPECT_EQ(json["blind_spots"][0]["fixed_by_condition"][1]["condition"], "auto");
  EXPECT_EQ(json["blind_spots"][0]["samples"][0]["label"], "pos<itive>");
}

TEST(JsonReport, ReadErrorsNameTheKey) {
  TempDir dir;
  write_text(dir / "broken.json", "{\"format\": ");
  core::Error error = expect_error([&] { report::read_json(dir / "broken.json"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("broken.json: not valid JSON"));

  write_text(dir / "other.json", "{\"format\": \"something else\"}");
  error = expect_error([&] { report::read_json(dir / "other.json"); });
  EXPECT_THAT(error.what(), HasSubstr("not a blindspot experiment report"));

  report::write_json(dir / "report.json", hostile_report());
  auto json = nlohmann::json::parse(read_text(dir / "report.json"));
  json["conditions"][1]["metrics"][2]["mean"] = "high";
  write_text(dir / "report.json", json.dump());
  error = expect_error([&] { report::read_json(dir / "report.json"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("conditions[1].metrics[2].mean"));
  EXPECT_THAT(error.what(), HasSubstr("expected a number or null, got string"));

  json["conditions"][1]["metrics"][2]["mean"] = 0.5;
  json["format_version"] = 1;
  write_text(dir / "report.json", json.dump());
  error = expect_error([&] { report::read_json(dir / "report.json"); });
  EXPECT_THAT(error.what(), HasSubstr("unsupported version 1"));

  error = expect_error([&] { report::read_json(dir / "missing.json"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
}
