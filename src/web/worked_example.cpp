#include "blindspot/web/worked_example.hpp"

#include "blindspot/core/error.hpp"

#include <fmt/core.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>

namespace blindspot::web {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;

constexpr std::array<std::string_view, 6> kKeys = {"text",          "label",     "explanation", "predicted_label",
                                                   "original_text", "confidence"};

Error file_error(const std::filesystem::path& file, const toml::node* node, const std::string& key,
                 const std::string& message) {
  const std::int64_t line = node != nullptr ? static_cast<std::int64_t>(node->source().begin.line) : 0;
  return Error(ErrorKind::usage, message + " (docs/web.md, \"Worked example\")", InputLocation{file, line, key});
}

toml::table parse(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) {
    throw Error(ErrorKind::usage, "--worked-example " + file.string() + ": no such file");
  }
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::usage, std::string(e.description()),
                InputLocation{file, static_cast<std::int64_t>(e.source().begin.line), ""});
  }
}

std::string string_key(const std::filesystem::path& file, const toml::table& table, const char* key, bool required) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    if (required) throw file_error(file, &table, key, std::string("[worked_example] needs ") + key);
    return {};
  }
  const auto value = node->value<std::string>();
  if (!value || (required && value->empty())) {
    throw file_error(file, node, key, std::string(key) + " must be a non-empty string");
  }
  return *value;
}

// The UU an example is best made of: adversarial before natural (its original text shows what the
// model gets right), then not flagged as a probable label error, then the most confident.
const discover::Uu& example_uu(const std::vector<discover::Uu>& uus) {
  const auto rank = [](const discover::Uu& uu) {
    return std::make_tuple(uu.kind == discover::UuKind::adversarial && !uu.edits.empty(), !uu.label_issue,
                           uu.confidence);
  };
  return *std::max_element(uus.begin(), uus.end(),
                           [&](const discover::Uu& a, const discover::Uu& b) { return rank(a) < rank(b); });
}

std::string adversarial_explanation(const discover::Uu& uu) {
  const discover::UuEdit& edit = uu.edits.front();
  return fmt::format(
      "The model reads the original text correctly as {0}. After \"{1}\" became \"{2}\" it says {3} with "
      "confidence {4:.2f}: it seems to rely on \"{1}\" and not to recognise the changed word. A hypothesis names "
      "the pattern rather than this text, for example: when a word that carries the {0} label is misspelt or "
      "replaced, the model misses it and reads the text as {3}.",
      uu.true_label, edit.original, edit.replacement, uu.predicted_label, uu.confidence);
}

std::string natural_explanation(const discover::Uu& uu) {
  return fmt::format(
      "The correct label is {0}, but the model says {1} with confidence {2:.2f}. A hypothesis names what in texts "
      "like this one misleads the model (a word it links with {1}, a negation, sarcasm, an unusual topic or form) "
      "in a way that would fool it on other texts too, not just this one.",
      uu.true_label, uu.predicted_label, uu.confidence);
}

}  // namespace

WorkedExample read_worked_example(const std::filesystem::path& file, const data::LabelSet& labels) {
  const toml::table root = parse(file);
  const toml::node* node = root.get("worked_example");
  if (node == nullptr || !node->is_table()) {
    throw file_error(file, node, "worked_example", "the file needs a [worked_example] table");
  }
  const toml::table& table = *node->as_table();
  for (const auto& [key, value] : table) {
    if (std::find(kKeys.begin(), kKeys.end(), key.str()) == kKeys.end()) {
      throw file_error(file, &value, std::string(key.str()),
                       "unknown key (known: text, label, explanation, predicted_label, original_text, confidence)");
    }
  }
  WorkedExample example;
  example.text = string_key(file, table, "text", true);
  example.label = string_key(file, table, "label", true);
  example.explanation = string_key(file, table, "explanation", true);
  example.predicted_label = string_key(file, table, "predicted_label", false);
  example.original_text = string_key(file, table, "original_text", false);
  for (const std::string* label : {&example.label, &example.predicted_label}) {
    if (!label->empty() && !labels.index_of(*label)) {
      throw file_error(file, table.get(label == &example.label ? "label" : "predicted_label"), *label,
                       "\"" + *label + "\" is not one of the task's labels (" + labels.joined() + ")");
    }
  }
  if (const toml::node* confidence = table.get("confidence")) {
    const auto value = confidence->value<double>();
    if (!value || !(*value >= 0 && *value <= 1)) {
      throw file_error(file, confidence, "confidence", "confidence must be a number from 0 to 1");
    }
    example.confidence = *value;
  }
  return example;
}

WorkedExample worked_example_from_campaign(const teach::Campaign& campaign) {
  if (campaign.uus.empty()) throw Error(ErrorKind::bad_input, "a campaign without UUs has no worked example");
  const discover::Uu& uu = example_uu(campaign.uus);
  WorkedExample example;
  example.text = uu.text;
  example.label = uu.true_label;
  example.predicted_label = uu.predicted_label;
  example.confidence = uu.confidence;
  const bool adversarial = uu.kind == discover::UuKind::adversarial && !uu.edits.empty();
  example.original_text = adversarial ? uu.original_text : "";
  example.explanation = adversarial ? adversarial_explanation(uu) : natural_explanation(uu);
  return example;
}

}  // namespace blindspot::web
