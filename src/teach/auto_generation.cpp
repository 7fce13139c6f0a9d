// Generation: label-preserving recombinations of two confidently correct training examples,
// with the hypothesis' edits (adversarial) or carrier sentences (natural) added
// (docs/auto-teacher.md, "Generation").

#include "blindspot/teach/auto_teacher.hpp"

#include "auto_teacher_impl.hpp"
#include "sentences.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/discover/attack/words.hpp"
#include "blindspot/model/text_normaliser.hpp"
#include "blindspot/teach/text_similarity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace blindspot::teach {
namespace {

using detail::Json;
using detail::Span;
using detail::split_sentences;
using detail::stable_hash;
using detail::token_hits;
using discover::EditOperation;
using core::Rng;

// TaskFailure::task of generate() (teaching.hpp names the other tasks).
constexpr const char* kGeneration = "generation";
// Second sources tried before a sample is given up (max_source_similarity).
constexpr std::size_t kSourceAttempts = 8;

std::size_t word_count(std::string_view text) { return discover::find_words(text).size(); }

// A run of whole sentences holding about half of `text`'s words (all of a one-sentence text),
// as a byte range. With `tokens`, a run with the most hypothesis tokens; else a random one.
Span choose_passage(std::string_view text, core::Rng& rng, const std::set<std::string, std::less<>>* tokens) {
  const auto sentences = split_sentences(text);
  if (sentences.empty()) return {0, text.size()};
  std::vector<std::size_t> words;
  std::vector<std::size_t> hits;
  for (const auto& sentence : sentences) {
    const std::string_view part = text.substr(sentence.offset, sentence.size);
    words.push_back(word_count(part));
    hits.push_back(tokens ? token_hits(part, *tokens) : 0);
  }
  const std::size_t total = std::accumulate(words.begin(), words.end(), std::size_t{0});
  const std::size_t target = (total + 1) / 2;
  struct Window {
    std::size_t first = 0, last = 0, hits = 0;
  };
  std::vector<Window> windows;
  for (std::size_t first = 0; first < sentences.size(); ++first) {
    std::size_t sum = 0;
    std::size_t found = 0;
    for (std::size_t last = first; last < sentences.size(); ++last) {
      sum += words[last];
      found += hits[last];
      if (sum >= target) {
        windows.push_back({first, last, found});
        break;
      }
    }
  }
  if (tokens) {
    const std::size_t best = std::max_element(windows.begin(), windows.end(), [](const Window& a, const Window& b) {
                               return a.hits < b.hits;
                             })->hits;
    std::erase_if(windows, [&](const Window& window) { return window.hits != best; });
  }
  const Window& chosen = windows[rng.below(windows.size())];
  const std::size_t begin = sentences[chosen.first].offset;
  return {begin, sentences[chosen.last].offset + sentences[chosen.last].size - begin};
}

std::optional<EditOperation> parse_operation(std::string_view name) {
  for (const auto operation : {EditOperation::swap, EditOperation::substitute, EditOperation::deletion,
                               EditOperation::insertion, EditOperation::synonym}) {
    if (name == discover::to_string(operation)) return operation;
  }
  return std::nullopt;
}

struct Carrier {
  std::string text;
  std::string source;
  std::int64_t row = -1;  // train row it came from, -1 for a UU
};

// What generate() needs from a hypothesis, read back from its details_json.
struct Plan {
  std::string kind;
  std::string label;
  int label_index = 0;
  std::vector<std::string> tokens;
  std::vector<std::pair<EditOperation, std::int64_t>> operations;
  std::size_t edits_per_sample = 0;
  std::vector<Carrier> carriers;
  std::size_t carriers_per_sample = 0;
};

std::string splice(std::string_view text, const std::vector<std::pair<discover::WordSpan, std::string>>& edits) {
  std::string result;
  std::size_t at = 0;
  for (const auto& [span, replacement] : edits) {
    result.append(text.substr(at, span.offset - at));
    result += replacement;
    at = span.offset + span.size;
  }
  result.append(text.substr(at));
  return result;
}

std::optional<Plan> parse_plan(const Hypothesis& hypothesis, const data::LabelSet& labels, std::string& why) {
  if (hypothesis.teacher != kAutoTeacherName) {
    why = "written by " + hypothesis.teacher + ", not by the automatic teacher";
    return std::nullopt;
  }
  const Json details = Json::parse(hypothesis.details_json, nullptr, false);
  if (!details.is_object() || details.value("version", "") != kAutoTeacherVersion) {
    why = "its details_json is not of " + std::string(kAutoTeacherVersion);
    return std::nullopt;
  }
  Plan plan;
  plan.kind = details.value("kind", "");
  plan.label = details.value("label", "");
  const auto index = labels.index_of(plan.label);
  if (!index) {
    why = "unknown label \"" + plan.label + "\"";
    return std::nullopt;
  }
  plan.label_index = *index;
  for (const auto& token : details.value("tokens", Json::array())) plan.tokens.push_back(token.value("token", ""));
  const Json operations = details.value("operations", Json::object());
  for (const auto& [name, count] : operations.items()) {
    const auto operation = parse_operation(name);
    if (operation && count.get<std::int64_t>() > 0)
      plan.operations.emplace_back(*operation, count.get<std::int64_t>());
  }
  plan.edits_per_sample = details.value("edits_per_sample", std::size_t{0});
  for (const auto& carrier : details.value("carriers", Json::array())) {
    plan.carriers.push_back(
        {carrier.value("text", ""), carrier.value("source", ""), carrier.value("row", std::int64_t{-1})});
  }
  plan.carriers_per_sample = details.value("carriers_per_sample", std::size_t{0});
  if (plan.kind == "adversarial" && plan.operations.empty()) {
    why = "it names no edit operation";
    return std::nullopt;
  }
  return plan;
}

// The plan of `hypothesis`, or nullopt with `why` set: generate() leaves out hypotheses it did
// not write rather than guess at their meaning.
std::optional<Plan> read_plan(const Hypothesis& hypothesis, const data::LabelSet& labels, std::string& why) {
  try {
    return parse_plan(hypothesis, labels, why);
  } catch (const nlohmann::json::exception& error) {
    why = std::string("its details_json is malformed: ") + error.what();
    return std::nullopt;
  }
}

// `word` changed by `operation` with the attack's own functions (DeepWordBug's character edits,
// WordNet synonyms), or nullopt when the operation cannot change it.
std::optional<std::string> apply_operation(EditOperation operation, std::string_view word, core::Rng& rng,
                                           const discover::AttackRecipe& wordnet) {
  switch (operation) {
    case EditOperation::swap: return discover::swap_neighbours(word, rng);
    case EditOperation::substitute: return discover::substitute_character(word, rng);
    case EditOperation::deletion: return discover::delete_character(word, rng);
    case EditOperation::insertion: return discover::insert_character(word, rng);
    case EditOperation::synonym:
      try {
        auto candidates = wordnet.candidates(word, rng);
        if (!candidates.empty()) return candidates[rng.below(candidates.size())].replacement;
      } catch (const core::Error&) {
        // No WordNet files: synonyms are unavailable, the other operations still apply.
      }
      break;
  }
  return std::nullopt;
}

// `word` changed by one of the plan's operations, drawn by frequency; the others are tried
// in order when the drawn one cannot change the word.
std::optional<std::pair<std::string, EditOperation>> edit_word(std::string_view word, const Plan& plan, core::Rng& rng,
                                                               const discover::AttackRecipe& wordnet) {
  std::int64_t total = 0;
  for (const auto& entry : plan.operations) total += entry.second;
  std::size_t first = 0;
  if (total > 0) {
    auto draw = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(total)));
    while (draw >= plan.operations[first].second) draw -= plan.operations[first++].second;
  }
  for (std::size_t attempt = 0; attempt < plan.operations.size(); ++attempt) {
    const EditOperation operation = plan.operations[(first + attempt) % plan.operations.size()].first;
    auto replacement = apply_operation(operation, word, rng, wordnet);
    if (replacement && *replacement != word) return std::make_pair(std::move(*replacement), operation);
  }
  return std::nullopt;
}

// The words to edit in `text`: occurrences of the plan's tokens (token order, then text
// order), then the most important other words (drop of p(label) when the word is deleted).
std::vector<std::size_t> edit_targets(std::string_view text, const std::vector<discover::WordSpan>& words,
                                      const Plan& plan, const model::Classifier& model) {
  std::vector<std::size_t> targets;
  std::vector<bool> taken(words.size(), false);
  std::vector<std::string> normalised(words.size());
  for (std::size_t i = 0; i < words.size(); ++i)
    normalised[i] = model::normalise_text(text.substr(words[i].offset, words[i].size));
  const auto editable = [&](std::size_t i) {
    return !taken[i] && words[i].size >= 2 && !discover::is_stopword(text.substr(words[i].offset, words[i].size));
  };
  for (const auto& token : plan.tokens) {
    for (std::size_t i = 0; i < words.size() && targets.size() < plan.edits_per_sample; ++i) {
      if (editable(i) && normalised[i] == token) {
        taken[i] = true;
        targets.push_back(i);
      }
    }
  }
  if (targets.size() >= plan.edits_per_sample) return targets;
  std::vector<std::size_t> others;
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!editable(i)) continue;
    others.push_back(i);
    texts.push_back(splice(text, {{words[i], ""}}));
  }
  if (others.empty()) return targets;
  const auto label = static_cast<std::size_t>(plan.label_index);
  const double base = model.probabilities(text)[label];
  const auto without = model.predict_batch(texts, 1);
  std::vector<std::size_t> order(others.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return base - without[a][label] > base - without[b][label]; });
  for (std::size_t k = 0; k < order.size() && targets.size() < plan.edits_per_sample; ++k) {
    targets.push_back(others[order[k]]);
  }
  return targets;
}

}  // namespace

AutoTeacher::Impl::HypothesisOutput AutoTeacher::Impl::generate_for(const Hypothesis& hypothesis,
                                                                    std::size_t count) const {
  HypothesisOutput output;
  std::string why;
  const auto plan = read_plan(hypothesis, model.labels(), why);
  if (!plan) {
    output.failures.push_back({kGeneration, hypothesis.id, why + "; no samples", false});
    return output;
  }
  const bool adversarial = plan->kind == "adversarial";
  const auto& pool = pools[static_cast<std::size_t>(plan->label_index)];
  std::set<std::size_t> used;
  for (const auto& carrier : plan->carriers) {
    if (carrier.row >= 0) used.insert(static_cast<std::size_t>(carrier.row));
  }
  std::vector<std::size_t> preferred;
  const std::set<std::string, std::less<>> token_set(plan->tokens.begin(), plan->tokens.end());
  if (adversarial) {
    for (const auto& token : plan->tokens) {
      const auto found = postings.find(token);
      if (found == postings.end()) continue;
      for (const std::uint32_t row : found->second) {
        if (row_label[row] == plan->label_index) preferred.push_back(row);
      }
    }
    std::sort(preferred.begin(), preferred.end());
    preferred.erase(std::unique(preferred.begin(), preferred.end()), preferred.end());
  }
  const auto draw = [&](const std::vector<std::size_t>& rows, const std::set<std::size_t>& also_excluded,
                        core::Rng& rng) -> std::optional<std::size_t> {
    std::vector<std::size_t> available;
    for (const std::size_t row : rows) {
      if (used.count(row) == 0 && also_excluded.count(row) == 0) available.push_back(row);
    }
    if (available.empty()) return std::nullopt;
    return available[rng.below(available.size())];
  };
  const std::uint64_t hypothesis_seed = core::derive_seed(options.seed, stable_hash(hypothesis.id));
  for (std::size_t n = 0; n < count; ++n) {
    const std::uint64_t sample_seed = core::derive_seed(hypothesis_seed, n);
    core::Rng rng(sample_seed);
    std::optional<std::size_t> first = preferred.empty() ? std::nullopt : draw(preferred, {}, rng);
    if (!first) first = draw(pool, {}, rng);
    if (!first) {
      output.failures.push_back({kGeneration, hypothesis.id,
                                 fmt::format("only {} confidently correct {} training texts left for {} samples",
                                             pool.size(), plan->label, count),
                                 false});
      break;
    }
    used.insert(*first);
    const std::string& first_text = train.examples[*first].text;
    const Span first_passage = choose_passage(first_text, rng, adversarial ? &token_set : nullptr);
    std::vector<const Carrier*> carriers;
    for (std::size_t c = 0; c < plan->carriers_per_sample && !plan->carriers.empty(); ++c) {
      carriers.push_back(&plan->carriers[(n * plan->carriers_per_sample + c) % plan->carriers.size()]);
    }
    std::string text;
    std::optional<std::size_t> second;
    std::pair<double, double> similarity{1, 1};
    std::set<std::size_t> rejected;
    const auto first_shingles = word_shingles(first_text, SimilarityOptions{});
    // Hard natural samples: every second source that passes the cap is a candidate, and the one
    // the model is least sure of wins (ties: the first drawn).
    const bool pick_hardest = options.hard_samples && !adversarial;
    double hardest = 2;
    for (std::size_t attempt = 0; attempt < kSourceAttempts; ++attempt) {
      const auto candidate = draw(pool, rejected, rng);
      if (!candidate) break;
      rejected.insert(*candidate);
      const std::string& second_text = train.examples[*candidate].text;
      const Span second_passage = choose_passage(second_text, rng, nullptr);
      std::string candidate_text = first_text.substr(first_passage.offset, first_passage.size);
      for (const Carrier* carrier : carriers) candidate_text += " " + carrier->text;
      candidate_text += " " + second_text.substr(second_passage.offset, second_passage.size);
      const auto shingles = word_shingles(candidate_text, SimilarityOptions{});
      const std::pair<double, double> candidate_similarity{
          jaccard(shingles, first_shingles), jaccard(shingles, word_shingles(second_text, SimilarityOptions{}))};
      if (std::max(candidate_similarity.first, candidate_similarity.second) > options.max_source_similarity) continue;
      const double p =
          pick_hardest ? model.probabilities(candidate_text)[static_cast<std::size_t>(plan->label_index)] : 0;
      if (!second || p < hardest) {
        second = candidate;
        text = std::move(candidate_text);
        similarity = candidate_similarity;
        hardest = p;
      }
      if (!pick_hardest) break;
    }
    if (!second) {
      output.failures.push_back(
          {kGeneration, hypothesis.id,
           fmt::format("sample {}: no second source keeps it under similarity {:.2f} to train line {}", n + 1,
                       options.max_source_similarity, train.examples[*first].line),
           false});
      continue;
    }
    used.insert(*second);

    Json edits = Json::array();
    std::string edit_summary;
    if (adversarial) {
      const auto words = discover::find_words(text);
      std::vector<std::pair<discover::WordSpan, std::string>> replacements;
      for (const std::size_t index : edit_targets(text, words, *plan, model)) {
        const std::string_view word = std::string_view(text).substr(words[index].offset, words[index].size);
        core::Rng word_rng(core::derive_seed(sample_seed, index));
        const auto edit = edit_word(word, *plan, word_rng, *wordnet);
        if (!edit) continue;
        replacements.emplace_back(words[index], edit->first);
        edits.push_back(
            {{"original", word}, {"replacement", edit->first}, {"operation", discover::to_string(edit->second)}});
        edit_summary += fmt::format("{}'{}' -> '{}' ({})", edit_summary.empty() ? "" : ", ", word, edit->first,
                                    discover::to_string(edit->second));
      }
      std::sort(replacements.begin(), replacements.end(),
                [](const auto& a, const auto& b) { return a.first.offset < b.first.offset; });
      text = splice(text, replacements);
      if (options.hard_samples) {
        // Still read right: the attack edits more words until the model is confidently wrong.
        discover::AttackOptions attack;
        attack.threshold = options.threshold;
        attack.budget = options.hard_budget;
        const auto label = static_cast<std::size_t>(plan->label_index);
        const auto hardened = discover::attack_text(model, *deepwordbug, text, plan->label_index, attack,
                                                    core::derive_seed(sample_seed, 0x68617264));
        if (hardened.final_label != plan->label_index || hardened.final_probabilities[label] < options.threshold) {
          for (const auto& edit : hardened.edits) {
            // The attack may edit a word the hypothesis' edits made: one edit from the original word.
            const auto earlier = std::find_if(edits.begin(), edits.end(), [&](const Json& e) {
              return e.value("replacement", "") == edit.original && !e.contains("added_by");
            });
            const std::string original =
                earlier != edits.end() ? (*earlier)["original"].get<std::string>() : edit.original;
            if (earlier != edits.end()) edits.erase(earlier);
            edits.push_back({{"original", original},
                             {"replacement", edit.replacement},
                             {"operation", discover::to_string(edit.operation)},
                             {"added_by", "attack"}});
            edit_summary += fmt::format("{}'{}' -> '{}' ({}, attack)", edit_summary.empty() ? "" : ", ", original,
                                        edit.replacement, discover::to_string(edit.operation));
          }
          text = hardened.perturbed_text;
        }
      }
    }

    const auto line_of = [&](std::size_t row) { return train.examples[row].line; };
    Json carrier_sources = Json::array();
    std::string carrier_summary;
    for (const Carrier* carrier : carriers) {
      carrier_sources.push_back(carrier->source);
      if (carrier_summary.find(carrier->source) == std::string::npos) {
        carrier_summary += (carrier_summary.empty() ? "" : ", ") + carrier->source;
      }
    }
    Sample sample;
    sample.id = fmt::format("{}#{}", hypothesis.id, n + 1);
    sample.hypothesis_id = hypothesis.id;
    sample.text = std::move(text);
    sample.label = plan->label;
    sample.teacher = kAutoTeacherName;
    sample.prompt_version = kAutoTeacherVersion;
    if (adversarial) {
      sample.reasoning = fmt::format(
          "Passages of {} lines {} and {} (both {}, classified correctly with p >= {:.2f}) with {} words edited "
          "as in the hypothesis: {}. The edits do not change what a reader understands, so the label stays {}.",
          train.name, line_of(*first), line_of(*second), plan->label, options.threshold, edits.size(),
          edit_summary.empty() ? std::string("none applicable") : edit_summary, plan->label);
    } else {
      sample.reasoning = fmt::format(
          "A passage of {} line {}, the sentence(s) carrying the hypothesis' tokens (from {}), and a passage of {} "
          "line {}; every part comes from a text labelled {}.",
          train.name, line_of(*first), carrier_summary, train.name, line_of(*second), plan->label);
    }
    sample.provenance_json = Json{
        {"teacher", kAutoTeacherName},
        {"baseline", true},
        {"version", kAutoTeacherVersion},
        {"construction", adversarial ? "recombination + edits" : "recombination + carrier sentences"},
        {"sources", Json::array({{{"split", train.name}, {"line", line_of(*first)}},
                                 {{"split", train.name}, {"line", line_of(*second)}}})},
        {"source_similarity", {similarity.first, similarity.second}},
        {"hard_samples", options.hard_samples},
        {"carriers", carrier_sources},
        {"edits", edits}}.dump();
    output.samples.push_back(std::move(sample));
  }
  if (output.samples.size() < count && output.failures.empty()) {
    output.failures.push_back(
        {kGeneration, hypothesis.id, fmt::format("{} of {} samples", output.samples.size(), count), false});
  }
  return output;
}

std::vector<Sample> AutoTeacher::generate(const std::vector<Hypothesis>& hypotheses, int per_hypothesis) {
  if (per_hypothesis <= 0) return {};
  std::vector<Impl::HypothesisOutput> outputs(hypotheses.size());
  // One hypothesis per task: its random choices come from its own id, so the samples are the
  // same whatever the thread count.
  core::parallel_for(hypotheses.size(), impl_->options.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      outputs[i] = impl_->generate_for(hypotheses[i], static_cast<std::size_t>(per_hypothesis));
    }
  });
  std::vector<Sample> samples;
  for (auto& output : outputs) {
    for (auto& sample : output.samples) samples.push_back(std::move(sample));
    for (auto& failure : output.failures) impl_->failures.push_back(std::move(failure));
  }
  return samples;
}

}  // namespace blindspot::teach
