#include "blindspot/llm/prices.hpp"

#include "blindspot/core/data_files.hpp"
#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace blindspot::llm {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorKind;

constexpr const char* kInput = "input_usd_per_million";
constexpr const char* kOutput = "output_usd_per_million";
constexpr const char* kAsOf = "as_of";

[[noreturn]] void bad_entry(const fs::path& file, const toml::node& node, const std::string& message) {
  throw Error(ErrorKind::bad_input, message, core::InputLocation{file, node.source().begin.line, {}});
}

std::string entry_name(std::string_view model) { return fmt::format("models.\"{}\"", model); }

double read_price(const fs::path& file, const toml::table& entry, std::string_view model, const char* field) {
  const toml::node* node = entry.get(field);
  if (node == nullptr) bad_entry(file, entry, fmt::format("{}: missing \"{}\"", entry_name(model), field));
  const std::optional<double> value = node->value<double>();
  if (!value) bad_entry(file, *node, fmt::format("{}: \"{}\" must be a number", entry_name(model), field));
  if (!std::isfinite(*value) || *value < 0) {
    bad_entry(file, *node, fmt::format("{}: \"{}\" must not be negative (got {})", entry_name(model), field, *value));
  }
  return *value;
}

std::string type_name(const toml::node& node) {
  std::ostringstream out;
  out << node.type();
  return out.str();
}

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t at : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (std::isdigit(static_cast<unsigned char>(text[at])) == 0) return false;
  }
  const int month = std::stoi(std::string(text.substr(5, 2)));
  const int day = std::stoi(std::string(text.substr(8, 2)));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// A quoted "2024-07-18" and a bare TOML date 2024-07-18 both work: people write either.
std::string read_date(const fs::path& file, const toml::table& entry, std::string_view model) {
  const toml::node* node = entry.get(kAsOf);
  if (node == nullptr) bad_entry(file, entry, fmt::format("{}: missing \"{}\" (YYYY-MM-DD)", entry_name(model), kAsOf));
  if (const auto date = node->value<toml::date>()) {
    return fmt::format("{:04}-{:02}-{:02}", date->year, date->month, date->day);
  }
  const std::optional<std::string> text = node->value<std::string>();
  if (!text || !is_date(*text)) {
    bad_entry(file, *node,
              fmt::format("{}: \"{}\" must be a date YYYY-MM-DD (got {})", entry_name(model), kAsOf,
                          text ? "\"" + *text + "\"" : "a " + type_name(*node)));
  }
  return *text;
}

Price read_entry(const fs::path& file, std::string_view model, const toml::node& node) {
  const toml::table* entry = node.as_table();
  if (entry == nullptr) bad_entry(file, node, fmt::format("{}: must be a table", entry_name(model)));
  const std::vector<std::string> known = {kInput, kOutput, kAsOf};
  for (const auto& [key, value] : *entry) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      bad_entry(file, value,
                fmt::format("{}: unknown field \"{}\"{}", entry_name(model), key.str(),
                            core::did_you_mean(key.str(), known)));
    }
  }
  Price price;
  price.model = std::string(model);
  price.input_usd_per_million = read_price(file, *entry, model, kInput);
  price.output_usd_per_million = read_price(file, *entry, model, kOutput);
  price.as_of = read_date(file, *entry, model);
  return price;
}

}  // namespace

PriceTable::PriceTable(std::vector<Price> prices) : prices_(std::move(prices)) {}

PriceTable PriceTable::load(const fs::path& file) {
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    throw Error(ErrorKind::bad_input, "the price table does not exist or is not a file",
                core::InputLocation{file, 0, {}});
  }
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& parse_error) {
    throw Error(ErrorKind::bad_input, std::string(parse_error.description()),
                core::InputLocation{file, parse_error.source().begin.line, {}});
  }
  const toml::node* models_node = root.get("models");
  if (models_node == nullptr || !models_node->is_table()) {
    throw Error(ErrorKind::bad_input, "no [models.\"NAME\"] tables (see docs/llm.md)",
                core::InputLocation{file, 0, {}});
  }
  std::vector<Price> prices;
  for (const auto& [model, node] : *models_node->as_table()) {
    prices.push_back(read_entry(file, model.str(), node));
  }
  return PriceTable(std::move(prices));
}

std::optional<Price> PriceTable::find(std::string_view model) const {
  const Price* best = nullptr;
  for (const Price& price : prices_) {
    if (price.model == model) return price;
    // Providers answer with dated snapshots ("gpt-4o-mini-2024-07-18") of a priced alias.
    const bool is_prefix =
        model.size() > price.model.size() && model.starts_with(price.model) && model[price.model.size()] == '-';
    if (is_prefix && (best == nullptr || price.model.size() > best->model.size())) best = &price;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::optional<double> PriceTable::cost(std::string_view model, const Usage& usage) const {
  const std::optional<Price> price = find(model);
  if (!price) return std::nullopt;
  return (static_cast<double>(usage.prompt_tokens) * price->input_usd_per_million +
          static_cast<double>(usage.completion_tokens) * price->output_usd_per_million) /
         1e6;
}

fs::path default_price_file() { return core::data_file("config/prices.toml"); }

}  // namespace blindspot::llm
