// The annotation web app in a real browser: headless Chromium driven by playwright-core
// (tests/web/e2e/annotate.js) against the server on an ephemeral loopback port, invitations made
// and submissions exported with the blindspot binary. ctest label e2e.

#include "model_feedback.hpp"
#include "web_fixture.hpp"

#include "blindspot/store/annotations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>

using namespace blindspot;
using testing::HasSubstr;

namespace {

const std::filesystem::path kE2eDir = BLINDSPOT_WEB_E2E_DIR;

double system_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Why the browser test cannot run here, or "" (scripts/setup.sh installs all three).
std::string missing_tools() {
  if (test::run_command("command -v node").exit_code != 0) return "node is not installed";
  if (!std::filesystem::exists("/usr/bin/chromium")) return "/usr/bin/chromium is not installed";
  if (!std::filesystem::exists(kE2eDir / "node_modules" / "playwright-core")) {
    return "playwright-core is not installed (npm ci in tests/web/e2e)";
  }
  return {};
}

// An invitation URL made by `blindspot annotators add`.
std::string invite_with_cli(test::WebFixture& f) {
  const auto result = test::run_command(quoted(test::blindspot_binary().string()) + " --workspace " +
                                        quoted(f.dir.path().string()) + " --json annotators add --run " +
                                        std::to_string(f.run) + " --name browser --url " + f.server->url());
  EXPECT_EQ(result.exit_code, 0) << result.errors;
  return nlohmann::json::parse(result.output).at(0).at("url").get<std::string>();
}

test::CommandResult node(const std::string& arguments) {
  return test::run_command("cd " + quoted(kE2eDir.string()) + " && node annotate.js " + arguments);
}

}  // namespace

TEST(BrowserE2e, AnnotatorCompletesTwoTasksAndTheStoreHasThem) {
  if (const auto why = missing_tools(); !why.empty()) {
    // scripts/setup.sh installs node, chromium and the package: after it (CI) a missing tool fails.
    if (const char* ci = std::getenv("CI"); ci != nullptr && *ci != '\0') FAIL() << why << " (CI is set)";
    GTEST_SKIP() << why << "; set CI=1 to make this a failure";
  }
  web::ServerOptions options;
  options.assignment.per_annotator = 2;
  options.clock = system_now;
  test::WebFixture f(test::synthetic_uus(4), options);
  const std::string url = invite_with_cli(f);
  ASSERT_THAT(url, HasSubstr("/invite/"));

  const auto started = std::chrono::steady_clock::now();
  const auto result = node("flow " + quoted(url) + " 2");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(result.exit_code, 0) << result.errors << result.output;
  const auto report = nlohmann::json::parse(result.output);
  std::cout << "browser flow: " << seconds << " s (in the browser " << report["seconds"] << " s)\n";

  const auto submissions = store::list_submissions(f.db, f.run);
  ASSERT_EQ(submissions.size(), 2U);
  for (int i = 0; i < 2; ++i) {
    const auto& s = submissions[static_cast<std::size_t>(i)];
    EXPECT_THAT(s.abstraction, testing::MatchesRegex("Task [12]: misspelt sentiment words are read as unknown"));
    EXPECT_EQ(s.abstraction_reasoning, "The changed word carried the label.");
    EXPECT_THAT(s.extrapolation, testing::MatchesRegex("Task [12]: other misspelt negative words"));
    const auto samples = nlohmann::json::parse(s.samples_json);
    ASSERT_EQ(samples.size(), 2U);
    EXPECT_EQ(samples[1]["label"], "negative");
    EXPECT_THAT(samples[0]["text"].get<std::string>(), HasSubstr("borring and the acting awfull"));
    // Each step had 0.7 s of typing pause plus page loads; a browser run takes seconds, not minutes.
    EXPECT_GT(s.abstraction_seconds, 0.6);
    EXPECT_GT(s.generation_seconds, 0.6);
    EXPECT_GT(s.active_seconds, 2.0);
    EXPECT_LT(s.active_seconds, 60.0);
    EXPECT_DOUBLE_EQ(s.active_seconds, s.abstraction_seconds + s.extrapolation_seconds + s.generation_seconds);
    std::cout << s.uu_id << ": active " << s.active_seconds << " s (" << s.abstraction_seconds << " + "
              << s.extrapolation_seconds << " + " << s.generation_seconds << ")\n";
  }
  const auto annotator = store::list_annotators(f.db, f.run).at(0);
  EXPECT_EQ(annotator.name, "browser");
  EXPECT_EQ(annotator.familiarity_json, R"({"version":"familiarity-v1","labelling":3,"task":4,"ml":2})");
  EXPECT_EQ(annotator.completion_code, report["completion_code"].get<std::string>());

  // The export writes them: one JSONL line per submission, one CSV row per sample.
  const std::string cli = quoted(test::blindspot_binary().string()) + " --workspace " + quoted(f.dir.path().string());
  const auto jsonl = f.dir / "human.jsonl";
  auto exported =
      test::run_command(cli + " export --run " + std::to_string(f.run) + " --out " + quoted(jsonl.string()));
  ASSERT_EQ(exported.exit_code, 0) << exported.errors;
  const std::string lines = test::read_text(jsonl);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
  EXPECT_THAT(lines, HasSubstr("\"active_seconds\":{\"abstraction\":"));
  const auto csv = f.dir / "human.csv";
  exported =
      test::run_command(cli + " export --run " + std::to_string(f.run) + " --format csv --out " + quoted(csv.string()));
  ASSERT_EQ(exported.exit_code, 0) << exported.errors;
  const std::string rows = test::read_text(csv);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 1 + 4);
  // Every text cell is quoted (the export's spreadsheet-safe CSV, docs/web.md "Export").
  EXPECT_THAT(rows, HasSubstr("\"id\",\"hypothesis_id\",\"text\",\"label\",\"reasoning\","));
}

TEST(BrowserE2e, DatasetAndAnnotatorTextIsShownAsTextNeverRun) {
  if (const auto why = missing_tools(); !why.empty()) {
    // scripts/setup.sh installs node, chromium and the package: after it (CI) a missing tool fails.
    if (const char* ci = std::getenv("CI"); ci != nullptr && *ci != '\0') FAIL() << why << " (CI is set)";
    GTEST_SKIP() << why << "; set CI=1 to make this a failure";
  }
  const std::vector<std::string> payloads = {
      "<script>window.__xss='script';alert('script')</script>",
      "<img src=x onerror=\"window.__xss='img';alert('img')\">",
      "\"'><svg onload=alert('svg')>",
      "<br /><b>bold</b> & <iframe src=javascript:alert('iframe')></iframe>",
  };
  std::string all;
  for (const auto& p : payloads) all += p + " ";
  auto uus = test::synthetic_uus(2);
  uus[0].text = "A review: " + all;
  uus[1].original_text = "Original: " + all;
  uus[1].text = "Perturbed: " + all;
  uus[1].marked_text = "Perturbed: [[" + payloads[1] + "]] " + payloads[0] + " " + payloads[2] + " " + payloads[3];
  uus[1].edits = {{payloads[0], payloads[2], "swap"}};
  web::ServerOptions options;
  options.assignment.per_annotator = 2;
  options.clock = system_now;
  test::WebFixture f(uus, options);
  const std::string url = invite_with_cli(f);
  const auto payload_file = f.dir / "payloads.json";
  test::write_text(payload_file, nlohmann::json(payloads).dump());
  const auto result = node("xss " + quoted(url) + " " + quoted(payload_file.string()));
  ASSERT_EQ(result.exit_code, 0) << result.errors << result.output;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["dialogs"], 0);
  // The annotator's own payload was stored as typed and shown back as text.
  const auto stored = store::list_submissions(f.db, f.run, true);
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored[0].abstraction, all.substr(0, all.size() - 1));
}

TEST(BrowserE2e, AnnotatorsAskTheModelAboutASampleWithAndWithoutJavaScript) {
  if (const auto why = missing_tools(); !why.empty()) {
    if (const char* ci = std::getenv("CI"); ci != nullptr && *ci != '\0') FAIL() << why << " (CI is set)";
    GTEST_SKIP() << why << "; set CI=1 to make this a failure";
  }
  const auto model = test::tiny_sentiment_model();
  web::ServerOptions options;
  options.assignment.per_annotator = 1;
  options.clock = system_now;
  options.model = model;
  test::WebFixture f(test::synthetic_uus(4), options);
  const std::string first = invite_with_cli(f);
  const std::string second = invite_with_cli(f);
  const auto result = node("feedback " + quoted(first) + " " + quoted(second));
  ASSERT_EQ(result.exit_code, 0) << result.errors << result.output;
  const auto report = nlohmann::json::parse(result.output);
  const std::string text = "a terrible and boring film";
  const web::ModelScore expected = web::score_text(*model, text);
  EXPECT_EQ(report["js_score"], web::score_sentence(expected));
  EXPECT_EQ(report["nojs_score"], web::score_sentence(expected));
  // The JavaScript annotator's submission keeps the score it saw; the other's pressing is recorded.
  const auto submissions = store::list_submissions(f.db, f.run);
  ASSERT_EQ(submissions.size(), 1U);
  const auto samples = nlohmann::json::parse(submissions[0].samples_json);
  EXPECT_EQ(samples[0]["text"], text);
  EXPECT_EQ(samples[0]["model_label"], expected.label);
  EXPECT_DOUBLE_EQ(samples[0]["model_probability"].get<double>(), expected.probability);
  EXPECT_TRUE(samples[1]["model_label"].is_null());
  EXPECT_EQ(f.count("SELECT count(*) FROM model_feedback"), 2);
}
