#include "blindspot/llm/prices.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using llm::PriceTable;
using testing::HasSubstr;

namespace {

core::Error load_error(const std::string& toml) {
  test::TempDir dir;
  const auto file = dir / "prices.toml";
  test::write_text(file, toml);
  return test::expect_error([&] { PriceTable::load(file); });
}

}  // namespace

TEST(PriceTable, ShippedTableLoadsWithDatedOpenAiPrices) {
  const PriceTable table = PriceTable::load(llm::default_price_file());
  EXPECT_GE(table.prices().size(), 6U);
  for (const char* model : {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3-mini"}) {
    const auto price = table.find(model);
    ASSERT_TRUE(price.has_value()) << model;
    EXPECT_GT(price->input_usd_per_million, 0) << model;
    EXPECT_GT(price->output_usd_per_million, price->input_usd_per_million) << model;
    EXPECT_EQ(price->as_of.size(), 10U) << model;
  }
  EXPECT_DOUBLE_EQ(table.find("gpt-4o-mini")->input_usd_per_million, 0.15);
  EXPECT_DOUBLE_EQ(table.find("gpt-4o-mini")->output_usd_per_million, 0.60);
  EXPECT_EQ(table.find("tiny-random"), std::nullopt);
}

TEST(PriceTable, LoadsQuotedAndBareDatesAndIntegerPrices) {
  test::TempDir dir;
  const auto file = dir / "prices.toml";
  test::write_text(file, R"(
[models."local"]
input_usd_per_million = 0
output_usd_per_million = 0
as_of = 2025-01-02

[models."paid"]
input_usd_per_million = 1.5
output_usd_per_million = 6
as_of = "2024-12-31"
)");
  const PriceTable table = PriceTable::load(file);
  ASSERT_EQ(table.prices().size(), 2U);
  EXPECT_EQ(table.find("local")->as_of, "2025-01-02");
  EXPECT_DOUBLE_EQ(table.find("paid")->output_usd_per_million, 6.0);
  EXPECT_EQ(table.find("paid")->as_of, "2024-12-31");
}

TEST(PriceTable, PrefixMatchTakesTheLongestEntryFollowedByDash) {
  const PriceTable table({{"gpt-4o", 2.5, 10, "2024-10-02"}, {"gpt-4o-mini", 0.15, 0.6, "2024-07-18"}});
  EXPECT_EQ(table.find("gpt-4o-mini-2024-07-18")->model, "gpt-4o-mini");
  EXPECT_EQ(table.find("gpt-4o-2024-08-06")->model, "gpt-4o");
  EXPECT_EQ(table.find("gpt-4o")->model, "gpt-4o");
  EXPECT_EQ(table.find("gpt-4omini"), std::nullopt);
  EXPECT_EQ(table.find("gpt-4"), std::nullopt);
  EXPECT_EQ(table.find(""), std::nullopt);
}

TEST(PriceTable, CostIsTokensTimesPricePerMillion) {
  const PriceTable table({{"gpt-4o-mini", 0.15, 0.60, "2024-07-18"}});
  const auto cost = table.cost("gpt-4o-mini-2024-07-18", llm::Usage{1'000'000, 500'000});
  ASSERT_TRUE(cost.has_value());
  EXPECT_DOUBLE_EQ(*cost, 0.15 + 0.30);
  EXPECT_DOUBLE_EQ(*table.cost("gpt-4o-mini", llm::Usage{1000, 200}), (1000 * 0.15 + 200 * 0.60) / 1e6);
  EXPECT_EQ(table.cost("llama", llm::Usage{10, 10}), std::nullopt);
}

TEST(PriceTable, ErrorsNameTheFileLineAndEntry) {
  struct Case {
    const char* toml;
    const char* message;
  };
  const Case cases[] = {
      {"[models.\"a\"]\ninput_usd_per_million = 1\nas_of = \"2024-01-01\"\n",
       "prices.toml:1: models.\"a\": missing \"output_usd_per_million\""},
      {"[models.\"a\"]\ninput_usd_per_million = -1\noutput_usd_per_million = 1\nas_of = \"2024-01-01\"\n",
       "prices.toml:2: models.\"a\": \"input_usd_per_million\" must not be negative (got -1)"},
      {"[models.\"a\"]\ninput_usd_per_million = \"cheap\"\noutput_usd_per_million = 1\nas_of = \"2024-01-01\"\n",
       "prices.toml:2: models.\"a\": \"input_usd_per_million\" must be a number"},
      {"[models.\"a\"]\ninput_usd_per_million = 1\noutput_usd_per_million = 1\nas_of = \"July 2024\"\n",
       "prices.toml:4: models.\"a\": \"as_of\" must be a date YYYY-MM-DD (got \"July 2024\")"},
      {"[models.\"a\"]\ninput_usd_per_million = 1\noutput_usd_per_million = 1\n",
       "prices.toml:1: models.\"a\": missing \"as_of\""},
      {"[models.\"a\"]\ninput_usd_per_milion = 1\noutput_usd_per_million = 1\nas_of = \"2024-01-01\"\n",
       "prices.toml:2: models.\"a\": unknown field \"input_usd_per_milion\" (did you mean \"input_usd_per_million\"?)"},
      {"[models]\na = 3\n", "prices.toml:2: models.\"a\": must be a table"},
      {"[prices.\"a\"]\nx = 1\n", "prices.toml: no [models.\"NAME\"] tables"},
      {"[models.\"a\"\ninput = 1\n", "prices.toml:1: "},
  };
  for (const Case& c : cases) {
    const core::Error error = load_error(c.toml);
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input) << c.toml;
    EXPECT_THAT(error.what(), HasSubstr(c.message)) << c.toml;
  }
}

TEST(PriceTable, MissingFileIsBadInputNamingIt) {
  const core::Error error = test::expect_error([] { PriceTable::load("/nonexistent/prices.toml"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("/nonexistent/prices.toml: the price table does not exist"));
}
