#pragma once

#include "blindspot/llm/chat.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::llm {

// USD per million tokens of one model, as of a date (prices change; the date says when the
// figure was right).
struct Price {
  std::string model;
  double input_usd_per_million = 0;
  double output_usd_per_million = 0;
  std::string as_of;  // YYYY-MM-DD
};

// The user-editable price table (TOML, docs/llm.md):
//   [models."gpt-4o-mini"]
//   input_usd_per_million = 0.15
//   output_usd_per_million = 0.60
//   as_of = "2024-07-18"
class PriceTable {
 public:
  PriceTable() = default;
  explicit PriceTable(std::vector<Price> prices);
  // Throws Error{bad_input} naming the file and entry (missing field, negative price, bad date).
  static PriceTable load(const std::filesystem::path& file);

  // The exact model name, else the longest entry that is a prefix of it followed by '-'
  // ("gpt-4o-mini-2024-07-18" uses "gpt-4o-mini"); nullopt when unpriced.
  std::optional<Price> find(std::string_view model) const;
  // Cost of `usage` for `model`; nullopt when unpriced.
  std::optional<double> cost(std::string_view model, const Usage& usage) const;

  const std::vector<Price>& prices() const noexcept { return prices_; }

 private:
  std::vector<Price> prices_;
};

// The table shipped with blindspot: config/prices.toml of its data folder (core::data_file; throws
// as it does when that folder is not found).
std::filesystem::path default_price_file();

}  // namespace blindspot::llm
