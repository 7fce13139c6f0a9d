// The samples file written by teach and read back by the loop: a written file reads back as it
// was, and a malformed line is bad input naming the file, the line and the key (issue 13,
// finding 4: numbers that overflow a double and values of the wrong type).

#include "blindspot/teach/teach_output.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace blindspot::teach {
namespace {

using ::testing::HasSubstr;

Sample sample() {
  Sample s;
  s.id = "h1:s1";
  s.hypothesis_id = "h1";
  s.text = "a film that drags";
  s.label = "negative";
  s.reasoning = "slow";
  s.teacher = "auto";
  s.prompt_version = "v1";
  s.provenance_json = R"({"seed":3})";
  s.accepted = false;
  s.rejection = "duplicate";
  s.rejection_detail = "train line 4";
  return s;
}

TEST(ReadSamplesJsonl, ReadsBackWhatWasWritten) {
  test::TempDir dir;
  write_samples_jsonl(dir / "samples.jsonl", {sample()}, false);
  const auto samples = read_samples_jsonl(dir / "samples.jsonl");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].id, "h1:s1");
  EXPECT_EQ(samples[0].text, "a film that drags");
  EXPECT_FALSE(samples[0].accepted);
  EXPECT_EQ(samples[0].rejection_detail, "train line 4");
  EXPECT_EQ(samples[0].provenance_json, R"({"seed":3})");
}

TEST(ReadSamplesJsonl, MalformedLinesNameLineAndKey) {
  test::TempDir dir;
  write_samples_jsonl(dir / "good.jsonl", {sample()}, false);
  const std::string good = test::read_text(dir / "good.jsonl");
  const auto error_for = [&](const std::string& from, const std::string& to) {
    std::string line = good;
    line.replace(line.find(from), from.size(), to);
    test::write_text(dir / "s.jsonl", good + line);
    return test::expect_error([&] { read_samples_jsonl(dir / "s.jsonl"); });
  };
  for (const std::string number : {"1e999", "1e400", "-1e999"}) {
    SCOPED_TRACE(number);
    const core::Error error = error_for("\"seed\":3", "\"seed\":" + number);
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
    EXPECT_EQ(std::string(error.what()), (dir / "s.jsonl").string() + ":2: column \"provenance\": number " + number +
                                             " is out of range (a JSON number must fit a double, below 1.8e308)");
  }
  EXPECT_EQ(std::string(error_for("\"a film that drags\"", "5").what()),
            (dir / "s.jsonl").string() + ":2: column \"text\": must be a JSON string, got a number");
  EXPECT_EQ(std::string(error_for("\"accepted\":false", "\"accepted\":\"no\"").what()),
            (dir / "s.jsonl").string() + ":2: column \"accepted\": must be true or false, got a string");
  EXPECT_EQ(std::string(error_for("\"teacher\":\"auto\",", "").what()),
            (dir / "s.jsonl").string() + ":2: column \"teacher\": key is missing");
  EXPECT_THAT(error_for("{", "[").what(), HasSubstr("s.jsonl:2: invalid JSON at byte column"));
}

}  // namespace
}  // namespace blindspot::teach
