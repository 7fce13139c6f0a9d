#include "blindspot/teach/prompt_template.hpp"

#include "blindspot/core/sha256.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace blindspot::teach {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::set<std::string> kAllowed = {"labels", "uu"};

TEST(PromptTemplate, ShippedTemplatesLoadWithTheirVersions) {
  const auto dir = default_prompt_directory();
  const auto abstraction = PromptTemplate::load(dir / "abstraction.txt",
                                                  {"task_description", "model_description", "labels", "uu"});
  EXPECT_THAT(abstraction.version(), StartsWith("abstraction-v2@"));
  const auto hash = core::sha256_file(dir / "abstraction.txt").substr(0, 12);
  EXPECT_EQ(abstraction.version(), "abstraction-v2@" + hash);
  for (const char* name : {"extrapolation.txt", "generation.txt", "verification.txt"}) {
    EXPECT_NO_THROW(PromptTemplate::load(
        dir / name,
        {"task_description", "model_description", "labels", "uu", "hypothesis", "k", "length_hint", "text"}))
        << name;
  }
}

TEST(PromptTemplate, RendersSystemAndUserMessages) {
  test::TempDir dir;
  test::write_text(dir / "t.txt",
                   "version: t-v3\n# a comment\n\n[system]\nLabels: {{labels}}.\n\n[user]\n{{uu}}\nEnd.\n");
  const auto prompt = PromptTemplate::load(dir / "t.txt", kAllowed);
  const auto messages = prompt.render({{"labels", "neg, pos"}, {"uu", "a {{uu}} text"}});
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_EQ(messages[0].content, "Labels: neg, pos.");
  EXPECT_EQ(messages[1].role, "user");
  // A value is inserted once, never expanded again.
  EXPECT_EQ(messages[1].content, "a {{uu}} text\nEnd.");
}

TEST(PromptTemplate, AnEditedTemplateGetsAnotherVersion) {
  test::TempDir dir;
  test::write_text(dir / "a.txt", "version: t-v1\n[user]\nHello {{uu}}\n");
  test::write_text(dir / "b.txt", "version: t-v1\n[user]\nHello there {{uu}}\n");
  EXPECT_NE(PromptTemplate::load(dir / "a.txt", kAllowed).version(),
            PromptTemplate::load(dir / "b.txt", kAllowed).version());
}

TEST(PromptTemplate, ErrorsNameFileAndLine) {
  test::TempDir dir;
  const auto check = [&](const std::string& content, const std::string& message) {
    test::write_text(dir / "bad.txt", content);
    const auto error = test::expect_error([&] { PromptTemplate::load(dir / "bad.txt", kAllowed); });
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
    EXPECT_THAT(error.what(), HasSubstr(message)) << content;
  };
  check("[user]\nhi\n", "bad.txt:1: the first line must be \"version: <name>\"");
  check("version: x\n[user]\nhi {{task}}\n", "bad.txt:3: unknown placeholder {{task}} (this template may use: labels, uu)");
  check("version: x\n[user]\nhi {{uu\n", "bad.txt:3: \"{{\" is never closed");
  check("version: x\n[system]\nhi\n", "bad.txt: no [user] section");
  check("version: x\nstray\n[user]\nhi\n", "bad.txt:2: text before the first section");
  check("version: x\n[assistant]\nhi\n", "bad.txt:2: unknown section [assistant]");
  check("", "bad.txt: file is empty");
}

}  // namespace
}  // namespace blindspot::teach
