// Every file in tests/fixtures/malformed/ must fail with the message in its .expected file
// ("{file}" standing for the fixture's path). Names carry the setup a case needs:
// unknown_label_* are read against the label set {negative, positive}, *huge_field* with
// max_field_bytes = 64.

#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using namespace blindspot;

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSmallFieldLimit = 64;

std::vector<fs::path> malformed_inputs() {
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(test::fixture("malformed"))) {
    const fs::path& path = entry.path();
    if (path.extension() == ".expected" || path.filename().string().starts_with(".")) continue;
    inputs.push_back(path);
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

fs::path expectation_of(const fs::path& input) {
  fs::path expected = input;
  return expected.replace_extension(".expected");
}

std::string expected_message(const fs::path& input) {
  std::string text = test::read_text(expectation_of(input));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const std::string placeholder = "{file}";
  if (const auto at = text.find(placeholder); at != std::string::npos) {
    text.replace(at, placeholder.size(), input.string());
  }
  return text;
}

// The line number a message claims: "path:12: ..." -> 12, "path: ..." -> 0.
std::int64_t line_in(const std::string& message, const fs::path& input) {
  const std::string rest = message.substr(input.string().size());
  if (!rest.starts_with(":") || rest.size() < 2 || !std::isdigit(static_cast<unsigned char>(rest[1]))) return 0;
  return std::stoll(rest.substr(1));
}

void read_like_the_case_says(const fs::path& input) {
  const std::string name = input.stem().string();
  data::ReadOptions options;
  if (name.find("huge_field") != std::string::npos) options.max_field_bytes = kSmallFieldLimit;
  if (name.starts_with("unknown_label")) {
    data::read_split(input, data::LabelSet({"negative", "positive"}), options);
  } else {
    data::read_records(input, options);
  }
}

std::string case_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string() + "_" + info.param.extension().string().substr(1);
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

class MalformedInput : public ::testing::TestWithParam<fs::path> {};

}  // namespace

TEST_P(MalformedInput, FailsWithTheExpectedMessageAndLine) {
  const fs::path& input = GetParam();
  ASSERT_TRUE(fs::exists(expectation_of(input))) << "no .expected file beside " << input;
  const std::string expected = expected_message(input);
  const core::Error error = test::expect_error([&] { read_like_the_case_says(input); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), expected);
  ASSERT_TRUE(error.where().has_value());
  EXPECT_EQ(error.where()->file, input);
  EXPECT_EQ(error.where()->line, line_in(expected, input));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MalformedInput, ::testing::ValuesIn(malformed_inputs()), case_name);

TEST(MalformedFixtures, EnoughCasesAndEveryExpectationHasAnInput) {
  const auto inputs = malformed_inputs();
  EXPECT_GE(inputs.size(), 20u);
  for (const auto& entry : fs::directory_iterator(test::fixture("malformed"))) {
    if (entry.path().extension() != ".expected") continue;
    const auto stem = entry.path().stem();
    const bool has_input =
        std::any_of(inputs.begin(), inputs.end(), [&](const fs::path& input) { return input.stem() == stem; });
    EXPECT_TRUE(has_input) << entry.path() << " has no input file";
  }
}
