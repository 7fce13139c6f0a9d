#include "blindspot/llm/chat.hpp"

#include <gtest/gtest.h>

using blindspot::llm::extract_json;

TEST(ChatExtractJson, BareObjectAndArray) {
  EXPECT_EQ(extract_json(R"({"label":"positive"})"), R"({"label":"positive"})");
  EXPECT_EQ(extract_json(R"([1, {"a": [2]}])"), R"([1, {"a": [2]}])");
}

TEST(ChatExtractJson, CodeFences) {
  EXPECT_EQ(extract_json("```json\n{\"label\": \"negative\"}\n```"), "{\"label\": \"negative\"}");
  EXPECT_EQ(extract_json("```\n[\"a\"]\n```\n"), "[\"a\"]");
}

TEST(ChatExtractJson, ProseBeforeAndAfter) {
  EXPECT_EQ(extract_json("Sure! Here is the answer: {\"label\": \"positive\"}. Hope it helps {smile}."),
            "{\"label\": \"positive\"}");
}

TEST(ChatExtractJson, BracesAndQuotesInsideStrings) {
  const std::string value = R"({"text": "a } tricky { string with \"quotes\" and ]", "n": {"m": [1]}})";
  EXPECT_EQ(extract_json("Result: " + value + " done"), value);
}

TEST(ChatExtractJson, SkipsBracketedProseThatIsNotJson) {
  EXPECT_EQ(extract_json("[note] see {this} then {\"ok\": true}"), "{\"ok\": true}");
}

TEST(ChatExtractJson, NoneWhenThereIsNoCompleteValue) {
  EXPECT_EQ(extract_json("no json here"), std::nullopt);
  EXPECT_EQ(extract_json(""), std::nullopt);
  EXPECT_EQ(extract_json(R"({"label": "positive")"), std::nullopt);
  // Trailing commas are not repaired.
  EXPECT_EQ(extract_json(R"({"a": 1,})"), std::nullopt);
}

TEST(ChatExtractJson, TakesTheFirstOfSeveral) { EXPECT_EQ(extract_json(R"({"a":1} {"b":2})"), R"({"a":1})"); }
