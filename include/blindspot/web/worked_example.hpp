#pragma once

#include "blindspot/teach/campaign.hpp"

#include <filesystem>
#include <string>

namespace blindspot::web {

// The worked example of the instructions page (docs/web.md, "What annotators see"): a text of the
// task the model gets confidently wrong, and what its blind spot might be. It comes from the
// campaign's own UUs or from a file the campaign's owner wrote, so annotators of a spam or topic
// task are not shown a movie review.
struct WorkedExample {
  std::string text;             // the text the model gets wrong
  std::string label;            // its correct label
  std::string predicted_label;  // the model's label; "" = not shown
  double confidence = -1;       // the model's probability of predicted_label; < 0 = not shown
  std::string original_text;    // an adversarial example's unperturbed text, which the model gets right; "" = none
  std::string explanation;      // the blind spot in an annotator's words, or how to describe it
};

// The [worked_example] table of a TOML file: text, label and explanation (strings, required);
// predicted_label, original_text (strings) and confidence (a number in [0, 1]) are optional.
// Throws Error{usage} naming the file (and line) for a missing file, a syntax error, a missing or
// mistyped key, or a label outside `labels`.
WorkedExample read_worked_example(const std::filesystem::path& file, const data::LabelSet& labels);

// An example taken from the campaign's own UUs: the most confident adversarial UU (its original
// text is one the model reads correctly), else the most confident natural one, skipping probable
// label errors when another UU exists; the explanation says what the model did and how to describe
// such a blind spot. Throws Error{bad_input} for a campaign without UUs.
WorkedExample worked_example_from_campaign(const teach::Campaign& campaign);

}  // namespace blindspot::web
