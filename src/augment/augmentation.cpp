#include "blindspot/augment/augmentation.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/data/csv_writer.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/discover/attack/words.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace blindspot::augment {

std::vector<teach::Sample> pick_samples(const std::vector<teach::Sample>& samples, const data::LabelSet& labels,
                                        std::size_t budget) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const teach::Sample*>> by_hypothesis;
  for (const teach::Sample& sample : samples) {
    if (!sample.accepted || !labels.index_of(sample.label)) continue;
    auto& group = by_hypothesis[sample.hypothesis_id];
    if (group.empty()) order.push_back(sample.hypothesis_id);
    group.push_back(&sample);
  }
  std::vector<teach::Sample> picked;
  for (std::size_t round = 0;; ++round) {
    bool any = false;
    for (const std::string& hypothesis : order) {
      const auto& group = by_hypothesis[hypothesis];
      if (round >= group.size()) continue;
      if (budget != 0 && picked.size() == budget) return picked;
      picked.push_back(*group[round]);
      any = true;
    }
    if (!any) return picked;
  }
}

data::Split augmented_split(const data::Split& train, const std::vector<teach::Sample>& samples) {
  data::Split out = train;
  out.name = train.name + "+augmented";
  out.content_hash.clear();
  for (const teach::Sample& sample : samples) {
    const auto label = train.labels.index_of(sample.label);
    if (!label) {
      throw core::Error(core::ErrorKind::bad_input, "sample " + sample.id + " has label \"" + sample.label +
                                                        "\", which the training split does not have (labels: " +
                                                        train.labels.joined() + ")");
    }
    out.examples.push_back({sample.text, *label, 0});
  }
  return out;
}

namespace {

// A random edit of one word with DeepWordBug's operations (swap, substitute, delete, insert).
std::string edited(const std::string& text, const discover::AttackRecipe& recipe, std::size_t edits,
                   core::Rng& rng) {
  std::vector<discover::WordSpan> words;
  for (const discover::WordSpan& span : discover::find_words(text)) {
    const std::string_view word = std::string_view(text).substr(span.offset, span.size);
    if (span.size > 1 && !discover::is_stopword(word)) words.push_back(span);
  }
  // Partial Fisher-Yates: the first `edits` positions are the words to edit.
  const std::size_t chosen = std::min(edits, words.size());
  for (std::size_t i = 0; i < chosen; ++i) std::swap(words[i], words[i + rng.below(words.size() - i)]);
  words.resize(chosen);
  std::sort(words.begin(), words.end(),
            [](const discover::WordSpan& a, const discover::WordSpan& b) { return a.offset > b.offset; });
  std::string out = text;
  for (const discover::WordSpan& span : words) {  // right to left, so offsets stay valid
    const auto candidates = recipe.candidates(std::string_view(text).substr(span.offset, span.size), rng);
    if (candidates.empty()) continue;
    out.replace(span.offset, span.size, candidates[rng.below(candidates.size())].replacement);
  }
  return out;
}

// The words of `text` before (first half) or from (second half) its middle word, as a byte range.
std::string_view half(const std::string& text, bool first) {
  const auto words = discover::find_words(text);
  if (words.size() < 2) return text;
  const std::size_t cut = words[words.size() / 2].offset;
  return first ? std::string_view(text).substr(0, cut) : std::string_view(text).substr(cut);
}

}  // namespace

std::vector<teach::Sample> untargeted_samples(const data::Split& train, std::size_t count, std::uint64_t seed,
                                              std::size_t edits) {
  if (train.examples.empty() || count == 0) return {};
  const auto recipe = discover::make_recipe("deepwordbug");
  std::vector<std::vector<std::size_t>> rows_of_label(train.labels.size());
  for (std::size_t row = 0; row < train.examples.size(); ++row) {
    rows_of_label[static_cast<std::size_t>(train.examples[row].label)].push_back(row);
  }
  core::Rng pick(seed);
  std::vector<std::size_t> rows(train.examples.size());
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  std::vector<teach::Sample> samples;
  for (std::size_t n = 0; n < count; ++n) {
    // A fresh permutation whenever the rows run out, so rows repeat only when count > train size.
    const std::size_t position = n % rows.size();
    if (position == 0) {
      for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[pick.below(i)]);
    }
    const data::Example& first = train.examples[rows[position]];
    core::Rng rng(core::derive_seed(seed, n));
    // The first half of one training text and the second half of another of the same label:
    // a lightly edited copy of one text would be a near duplicate of it, which the filters
    // rightly reject (the automatic teacher builds its samples the same way, but aimed at UUs).
    const auto& same_label = rows_of_label[static_cast<std::size_t>(first.label)];
    const data::Example& second = train.examples[same_label[rng.below(same_label.size())]];
    std::string text(half(first.text, true));
    text += half(second.text, false);
    teach::Sample sample;
    sample.id = "untargeted#" + std::to_string(n + 1);
    sample.text = edited(text, *recipe, edits, rng);
    sample.label = train.labels.name(static_cast<std::size_t>(first.label));
    sample.reasoning = "train lines " + std::to_string(first.line) + " and " + std::to_string(second.line) +
                      " (halves), with random character edits";
    sample.teacher = "untargeted";
    sample.prompt_version = kUntargetedVersion;
    sample.provenance_json =
        "{\"train_lines\":[" + std::to_string(first.line) + "," + std::to_string(second.line) + "]}";
    samples.push_back(std::move(sample));
  }
  return samples;
}

void write_split_csv(const std::filesystem::path& file, const data::Split& split) {
  core::AtomicFile out(file);
  data::write_csv_row(out.stream(), {"text", "label"});
  for (const data::Example& example : split.examples) {
    data::write_csv_row(out.stream(), {example.text, split.labels.name(static_cast<std::size_t>(example.label))});
  }
  out.commit();
}

}  // namespace blindspot::augment
