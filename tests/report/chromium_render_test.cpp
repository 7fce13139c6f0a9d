// Renders the HTML report in headless Chromium (Debian's chromium, installed by
// scripts/setup.sh) and checks what a reader would see: a non-blank screenshot with the charts'
// colours in it, and no console message (in particular no Content-Security-Policy violation).
// docs/report.md describes the checks.
#include "png_pixels.hpp"
#include "report_fixture.hpp"

#include "blindspot/report/experiment_report.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

using namespace blindspot;
using namespace blindspot::test;

namespace {

constexpr int kWidth = 1200;
constexpr int kHeight = 2000;
constexpr Rgb kWhite{255, 255, 255};

// Lines of Chromium's stderr log that mean the page misbehaved. The report has no script, so
// any console message at all is a problem: Chromium 156 logs CSP violations and failed loads as
// `INFO:CONSOLE:<line>] "... violates the following Content Security Policy directive ..."`.
// The other patterns catch older wordings ("Refused to ...") and script errors. D-Bus and GPU
// noise from the browser process is not from the page and is ignored.
std::vector<std::string> console_problems(const std::string& log) {
  static const std::vector<std::string> patterns = {
      ":CONSOLE", "Uncaught", "Refused to", "Content Security Policy", "Content-Security-Policy", "net::ERR_"};
  std::vector<std::string> problems;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    for (const auto& pattern : patterns) {
      if (line.find(pattern) != std::string::npos) {
        problems.push_back(line);
        break;
      }
    }
  }
  return problems;
}

class ChromiumRender : public ::testing::Test {
 protected:
  void SetUp() override {
    const CommandResult found = run_command("command -v chromium");
    if (found.exit_code == 0) {
      chromium_ = found.output.substr(0, found.output.find('\n'));
      return;
    }
    // scripts/setup.sh installs chromium, so in CI its absence is a failure; elsewhere (a
    // developer's machine without it) the test says what to install.
    const std::string message =
        "chromium is not installed: run scripts/setup.sh or `apt-get install --no-install-recommends chromium`";
    if (const char* ci = std::getenv("CI"); ci != nullptr && *ci != '\0') FAIL() << message << " (CI is set)";
    GTEST_SKIP() << message << "; set CI=1 to make this a failure";
  }

  // Screenshots `html` at kWidth x kHeight; returns Chromium's result (stderr holds its log).
  CommandResult render(const std::filesystem::path& html, const std::filesystem::path& png) {
    const std::string command =
        "timeout 120 '" + chromium_ +
        "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
        "--disable-component-update --disable-sync --user-data-dir='" +
        (dir_ / "profile").string() + "' --window-size=" + std::to_string(kWidth) + "," + std::to_string(kHeight) +
        " --virtual-time-budget=3000 --enable-logging=stderr --v=0 --screenshot='" + png.string() + "' 'file://" +
        html.string() + "'";
    return run_command(command);
  }

  TempDir dir_;
  std::string chromium_;
};

}  // namespace

TEST_F(ChromiumRender, ReportIsNonBlankAndRaisesNoConsoleErrors) {
  const auto html = dir_ / "report.html";
  const auto png = dir_ / "report.png";
  report::write_html(html, hostile_report());
  const CommandResult result = render(html, png);
  ASSERT_EQ(result.exit_code, 0) << result.output << result.errors;
  EXPECT_THAT(console_problems(result.errors), ::testing::IsEmpty()) << result.errors;

  const PngPixels image = read_png(png);
  EXPECT_EQ(image.width, kWidth);
  EXPECT_EQ(image.height, kHeight);
  const auto pixels = static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height);
  // Text, tables and charts: antialiased text alone gives hundreds of shades.
  EXPECT_GE(distinct_colours(image), 200U);
  // The page is mostly white, but well over 3% of it is ink.
  EXPECT_GE(pixels_unlike(image, kWhite, 8), pixels * 3 / 100);
  // The UU charts sit within the first 2000 px: their solid bars in `none` grey and in the
  // first treated condition's blue prove the inline SVG was drawn, not just the text.
  EXPECT_GE(pixels_like(image, {0x8c, 0x95, 0x9f}, 2), 1000U);
  EXPECT_GE(pixels_like(image, {0x00, 0x72, 0xb2}, 2), 1000U);
}

namespace {

// The widest report an experiment makes: every condition (7), long metric names (a challenge set's)
// and a blind-spot table with a "Fixed" column per condition.
report::ExperimentReport wide_report() {
  report::ExperimentReport wide = hostile_report();
  const report::ConditionResult taught = wide.conditions[1];
  for (const char* name : {"untargeted", "adversarial_training", "import", "human"}) {
    wide.conditions.push_back(taught);
    wide.conditions.back().name = name;
    wide.conditions.back().teacher = std::string(name) + " (a teacher with a long description)";
  }
  for (auto& condition : wide.conditions) {
    for (const char* metric : {"imdb-cad/test_counterfactual:accuracy", "imdb-cad/test_counterfactual:uus@0.65"}) {
      condition.metrics.push_back(condition.metrics[3]);
      condition.metrics.back().name = metric;
    }
    for (auto& spot : wide.blind_spots) spot.fixed_by_condition.emplace_back(condition.name, 1234.5);
  }
  return wide;
}

// `html` with its policy removed and a script that measures the layout at 1280 px: the document's
// scroll width, and every table wrapper that would scroll sideways (its content wider than it).
// The report itself runs no script; this copy exists only to be measured.
std::string measuring_copy(std::string html) {
  const auto policy = html.find("<meta http-equiv=\"Content-Security-Policy\"");
  html.erase(policy, html.find("/>", policy) + 2 - policy);
  const std::string script =
      "<script>window.addEventListener('load', () => {"
      "const wide = [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth)"
      ".map(w => (w.closest('section') || {}).id + ':' + w.scrollWidth + '>' + w.clientWidth);"
      "const out = document.createElement('pre'); out.id = 'measured';"
      "out.textContent = 'scroll-width=' + document.documentElement.scrollWidth + ' overflowing=[' + wide.join(' ') + "
      "']'; document.body.appendChild(out);});</script>";
  html.insert(html.rfind("</body>"), script);
  return html;
}

}  // namespace

TEST_F(ChromiumRender, TablesOfEveryConditionFitA1280PixelPage) {
  const auto html = dir_ / "wide.html";
  report::write_html(html, wide_report());
  const auto measured = dir_ / "measured.html";
  write_text(measured, measuring_copy(read_text(html)));
  const CommandResult result = run_command(
      "timeout 120 '" + chromium_ +
      "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --user-data-dir='" +
      (dir_ / "profile").string() + "' --window-size=1280,2000 --virtual-time-budget=3000 --dump-dom 'file://" +
      measured.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const std::string marker = "<pre id=\"measured\">";
  auto at = result.output.find(marker);
  ASSERT_NE(at, std::string::npos) << result.output.substr(0, 2000);
  at += marker.size();
  const std::string line = result.output.substr(at, result.output.find('<', at) - at);
  int scroll_width = 0;
  ASSERT_EQ(std::sscanf(line.c_str(), "scroll-width=%d", &scroll_width), 1) << line;
  EXPECT_LE(scroll_width, 1280) << line;
  EXPECT_THAT(line, ::testing::EndsWith("overflowing=[]"));
}

// The control: the same checks must fail on a blank page that breaks the policy, or passing
// them above would prove nothing.
TEST_F(ChromiumRender, ChecksCatchABlankPageThatBreaksThePolicy) {
  const auto html = dir_ / "bad.html";
  const auto png = dir_ / "bad.png";
  write_text(html,
             "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/><meta http-equiv=\"Content-Security-Policy\" "
             "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"/></head><body>"
             "<script>document.body.style.background='red'</script>"
             "<img src=\"http://127.0.0.1:9/x.png\" alt=\"\"/></body></html>");
  const CommandResult result = render(html, png);
  ASSERT_EQ(result.exit_code, 0) << result.output << result.errors;
  const auto problems = console_problems(result.errors);
  EXPECT_GE(problems.size(), 2U) << result.errors;
  const PngPixels image = read_png(png);
  EXPECT_LE(distinct_colours(image), 2U);
  EXPECT_EQ(pixels_unlike(image, kWhite, 8), 0U);
}
