// Generation: label-preserving recombinations of two confidently correct training examples,
// with the hypothesis' edits (adversarial) or carrier sentences (natural) added
// (docs/auto-teacher.md, "Generation").

#include "auto_teacher_impl.hpp"
#include "sentences.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/discover/attack/words.hpp"
#include "blindspot/model/text_normaliser.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "blindspot/teach/text_similarity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace blindspot::teach {
namespace {

using core::Rng;
using detail::Json;
using detail::Span;
using detail::split_sentences;
using detail::stable_hash;
using detail::token_hits;
using discover::EditOperation;

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
    if (operation && count.get<std::int64_t>() > 0) plan.operations.emplace_back(*operation, count.get<std::int64_t>());
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
    case EditOperation::swap:
      return discover::swap_neighbours(word, rng);
    case EditOperation::substitute:
      return discover::substitute_character(word, rng);
    case EditOperation::deletion:
      return discover::delete_character(word, rng);
    case EditOperation::insertion:
      return discover::insert_character(word, rng);
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

// What the steps of generate_for() share: the teacher's inputs (read only), the hypothesis' plan
// and the training rows its samples have taken so far.
struct Generation {
  const data::Split& train;
  const model::Classifier& model;
  const AutoTeacherOptions& options;
  const discover::AttackRecipe& wordnet;
  const discover::AttackRecipe& deepwordbug;
  const Hypothesis& hypothesis;
  const Plan& plan;
  const std::vector<std::size_t>& pool;  // confidently correct rows of the plan's label, in row order
  bool adversarial = false;
  std::set<std::string, std::less<>> token_set;  // the plan's tokens
  std::vector<std::size_t> preferred;            // adversarial: pool rows that contain a token, sorted
  std::set<std::size_t> used;                    // rows of carriers and of earlier samples' sources
};

// One sample in the making.
struct Draft {
  std::size_t number = 0;  // 0-based sample number
  std::uint64_t seed = 0;  // of the sample's random choices
  std::size_t first = 0;   // train row of A
  std::size_t second = 0;  // train row of B
  std::vector<const Carrier*> carriers;
  std::string text;
  std::pair<double, double> similarity{1, 1};  // exact shingle Jaccard to A and to B
  Json edits = Json::array();
  std::string edit_summary;
};

// A row of `rows` that neither `used` nor `also_excluded` holds, drawn with `rng`.
std::optional<std::size_t> draw(const std::vector<std::size_t>& rows, const std::set<std::size_t>& used,
                                const std::set<std::size_t>& also_excluded, core::Rng& rng) {
  std::vector<std::size_t> available;
  for (const std::size_t row : rows) {
    if (used.count(row) == 0 && also_excluded.count(row) == 0) available.push_back(row);
  }
  if (available.empty()) return std::nullopt;
  return available[rng.below(available.size())];
}

// Rows of `label` that contain one of `tokens`, sorted, without duplicates.
std::vector<std::size_t> rows_with_tokens(const std::vector<std::string>& tokens, int label,
                                          const std::unordered_map<std::string, std::vector<std::uint32_t>>& postings,
                                          const std::vector<int>& row_label) {
  std::vector<std::size_t> rows;
  for (const auto& token : tokens) {
    const auto found = postings.find(token);
    if (found == postings.end()) continue;
    for (const std::uint32_t row : found->second) {
      if (row_label[row] == label) rows.push_back(row);
    }
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

// Rows the plan's carriers come from: a sample never takes them as a source.
std::set<std::size_t> carrier_rows(const Plan& plan) {
  std::set<std::size_t> rows;
  for (const auto& carrier : plan.carriers) {
    if (carrier.row >= 0) rows.insert(static_cast<std::size_t>(carrier.row));
  }
  return rows;
}

// Pick sources, first half: A, from the preferred rows if any; false when the pool is used up.
bool pick_first(Generation& state, Draft& draft, core::Rng& rng) {
  std::optional<std::size_t> first =
      state.preferred.empty() ? std::nullopt : draw(state.preferred, state.used, {}, rng);
  if (!first) first = draw(state.pool, state.used, {}, rng);
  if (!first) return false;
  state.used.insert(*first);
  draft.first = *first;
  return true;
}

// Pick sources, second half: A's passage, the sample's carriers, then B among up to
// kSourceAttempts drawn rows whose recombination stays under the similarity cap (hard natural
// samples: the one the model is least sure of, ties the first drawn; else the first that fits).
// False when no row fits.
bool pick_second(Generation& state, Draft& draft, core::Rng& rng) {
  const std::string& first_text = state.train.examples[draft.first].text;
  const Span first_passage = choose_passage(first_text, rng, state.adversarial ? &state.token_set : nullptr);
  const Plan& plan = state.plan;
  for (std::size_t c = 0; c < plan.carriers_per_sample && !plan.carriers.empty(); ++c) {
    draft.carriers.push_back(&plan.carriers[(draft.number * plan.carriers_per_sample + c) % plan.carriers.size()]);
  }
  // The fitting candidates are drawn first and scored in one predict_batch call (a remote model
  // answers one request, not eight); the model's answers do not steer the draws.
  struct Fitting {
    std::size_t row = 0;
    std::string text;
    std::pair<double, double> similarity;
  };
  std::vector<Fitting> fitting;
  std::set<std::size_t> rejected;
  const auto first_shingles = word_shingles(first_text, SimilarityOptions{});
  const bool pick_hardest = state.options.hard_samples && !state.adversarial;
  for (std::size_t attempt = 0; attempt < kSourceAttempts; ++attempt) {
    const auto candidate = draw(state.pool, state.used, rejected, rng);
    if (!candidate) break;
    rejected.insert(*candidate);
    const std::string& second_text = state.train.examples[*candidate].text;
    const Span second_passage = choose_passage(second_text, rng, nullptr);
    std::string candidate_text = first_text.substr(first_passage.offset, first_passage.size);
    for (const Carrier* carrier : draft.carriers) candidate_text += " " + carrier->text;
    candidate_text += " " + second_text.substr(second_passage.offset, second_passage.size);
    const auto shingles = word_shingles(candidate_text, SimilarityOptions{});
    const std::pair<double, double> candidate_similarity{
        jaccard(shingles, first_shingles), jaccard(shingles, word_shingles(second_text, SimilarityOptions{}))};
    if (std::max(candidate_similarity.first, candidate_similarity.second) > state.options.max_source_similarity) {
      continue;
    }
    fitting.push_back({*candidate, std::move(candidate_text), candidate_similarity});
    if (!pick_hardest) break;
  }
  if (fitting.empty()) return false;
  std::size_t chosen = 0;
  if (pick_hardest && fitting.size() > 1) {
    std::vector<std::string> texts;
    for (const Fitting& f : fitting) texts.push_back(f.text);
    const auto probabilities = state.model.predict_batch(texts, 1);
    const auto label = static_cast<std::size_t>(plan.label_index);
    for (std::size_t i = 1; i < fitting.size(); ++i) {
      if (probabilities[i][label] < probabilities[chosen][label]) chosen = i;
    }
  }
  const std::optional<std::size_t> second = fitting[chosen].row;
  draft.text = std::move(fitting[chosen].text);
  draft.similarity = fitting[chosen].similarity;
  if (!second) return false;
  state.used.insert(*second);
  draft.second = *second;
  return true;
}

// Apply edits (adversarial): the plan's operations on its edit targets, each word with its own
// generator.
void apply_edits(const Generation& state, Draft& draft) {
  const auto words = discover::find_words(draft.text);
  std::vector<std::pair<discover::WordSpan, std::string>> replacements;
  for (const std::size_t index : edit_targets(draft.text, words, state.plan, state.model)) {
    const std::string_view word = std::string_view(draft.text).substr(words[index].offset, words[index].size);
    core::Rng word_rng(core::derive_seed(draft.seed, index));
    const auto edit = edit_word(word, state.plan, word_rng, state.wordnet);
    if (!edit) continue;
    replacements.emplace_back(words[index], edit->first);
    draft.edits.push_back(
        {{"original", word}, {"replacement", edit->first}, {"operation", discover::to_string(edit->second)}});
    draft.edit_summary += fmt::format("{}'{}' -> '{}' ({})", draft.edit_summary.empty() ? "" : ", ", word, edit->first,
                                      discover::to_string(edit->second));
  }
  std::sort(replacements.begin(), replacements.end(),
            [](const auto& a, const auto& b) { return a.first.offset < b.first.offset; });
  draft.text = splice(draft.text, replacements);
}

// Harden (adversarial, hard samples): if the model still reads the sample right, the attack edits
// more words until it is confidently wrong; its edits are kept only if it gets there.
void harden(const Generation& state, Draft& draft) {
  discover::AttackOptions attack;
  attack.threshold = state.options.threshold;
  attack.budget = state.options.hard_budget;
  const int label_index = state.plan.label_index;
  const auto label = static_cast<std::size_t>(label_index);
  const auto hardened = discover::attack_text(state.model, state.deepwordbug, draft.text, label_index, attack,
                                              core::derive_seed(draft.seed, 0x68617264));
  if (hardened.final_label == label_index && hardened.final_probabilities[label] >= state.options.threshold) return;
  for (const auto& edit : hardened.edits) {
    // The attack may edit a word the hypothesis' edits made: one edit from the original word.
    const auto earlier = std::find_if(draft.edits.begin(), draft.edits.end(), [&](const Json& e) {
      return e.value("replacement", "") == edit.original && !e.contains("added_by");
    });
    const std::string original =
        earlier != draft.edits.end() ? (*earlier)["original"].get<std::string>() : edit.original;
    if (earlier != draft.edits.end()) draft.edits.erase(earlier);
    draft.edits.push_back({{"original", original},
                           {"replacement", edit.replacement},
                           {"operation", discover::to_string(edit.operation)},
                           {"added_by", "attack"}});
    draft.edit_summary += fmt::format("{}'{}' -> '{}' ({}, attack)", draft.edit_summary.empty() ? "" : ", ", original,
                                      edit.replacement, discover::to_string(edit.operation));
  }
  draft.text = hardened.perturbed_text;
}

// The sample's reasoning: how it was made, in words.
std::string sample_reasoning(const Generation& state, const Draft& draft) {
  const auto& train = state.train;
  const Plan& plan = state.plan;
  const std::int64_t first_line = train.examples[draft.first].line;
  const std::int64_t second_line = train.examples[draft.second].line;
  if (state.adversarial) {
    return fmt::format(
        "Passages of {} lines {} and {} (both {}, classified correctly with p >= {:.2f}) with {} words edited "
        "as in the hypothesis: {}. The edits do not change what a reader understands, so the label stays {}.",
        train.name, first_line, second_line, plan.label, state.options.threshold, draft.edits.size(),
        draft.edit_summary.empty() ? std::string("none applicable") : draft.edit_summary, plan.label);
  }
  std::string carrier_summary;
  for (const Carrier* carrier : draft.carriers) {
    if (carrier_summary.find(carrier->source) == std::string::npos) {
      carrier_summary += (carrier_summary.empty() ? "" : ", ") + carrier->source;
    }
  }
  return fmt::format(
      "A passage of {} line {}, the sentence(s) carrying the hypothesis' tokens (from {}), and a passage of {} "
      "line {}; every part comes from a text labelled {}.",
      train.name, first_line, carrier_summary, train.name, second_line, plan.label);
}

// Make the sample: its text, label, reasoning and provenance.
Sample make_sample(const Generation& state, Draft& draft) {
  const auto& train = state.train;
  Json carrier_sources = Json::array();
  for (const Carrier* carrier : draft.carriers) carrier_sources.push_back(carrier->source);
  Sample sample;
  sample.id = fmt::format("{}#{}", state.hypothesis.id, draft.number + 1);
  sample.hypothesis_id = state.hypothesis.id;
  sample.reasoning = sample_reasoning(state, draft);
  sample.text = std::move(draft.text);
  sample.label = state.plan.label;
  sample.teacher = kAutoTeacherName;
  sample.prompt_version = kAutoTeacherVersion;
  sample.provenance_json = Json{
      {"teacher", kAutoTeacherName},
      {"baseline", true},
      {"version", kAutoTeacherVersion},
      {"construction", state.adversarial ? "recombination + edits" : "recombination + carrier sentences"},
      {"sources", Json::array({{{"split", train.name}, {"line", train.examples[draft.first].line}},
                               {{"split", train.name}, {"line", train.examples[draft.second].line}}})},
      {"source_similarity", {draft.similarity.first, draft.similarity.second}},
      {"hard_samples", state.options.hard_samples},
      {"carriers", carrier_sources},
      {"edits", draft.edits}}.dump();
  return sample;
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
  const auto& pool = pools[static_cast<std::size_t>(plan->label_index)];
  const bool adversarial = plan->kind == "adversarial";
  Generation state{
      .train = train,
      .model = model,
      .options = options,
      .wordnet = *wordnet,
      .deepwordbug = *deepwordbug,
      .hypothesis = hypothesis,
      .plan = *plan,
      .pool = pool,
      .adversarial = adversarial,
      .token_set = {plan->tokens.begin(), plan->tokens.end()},
      .preferred = adversarial ? rows_with_tokens(plan->tokens, plan->label_index, postings, row_label)
                               : std::vector<std::size_t>{},
      .used = carrier_rows(*plan),
  };
  const std::uint64_t hypothesis_seed = core::derive_seed(options.seed, stable_hash(hypothesis.id));
  for (std::size_t n = 0; n < count; ++n) {
    Draft draft;
    draft.number = n;
    draft.seed = core::derive_seed(hypothesis_seed, n);
    core::Rng rng(draft.seed);
    if (!pick_first(state, draft, rng)) {
      output.failures.push_back({kGeneration, hypothesis.id,
                                 fmt::format("only {} confidently correct {} training texts left for {} samples",
                                             pool.size(), plan->label, count),
                                 false});
      break;
    }
    if (!pick_second(state, draft, rng)) {
      output.failures.push_back(
          {kGeneration, hypothesis.id,
           fmt::format("sample {}: no second source keeps it under similarity {:.2f} to train line {}", n + 1,
                       options.max_source_similarity, train.examples[draft.first].line),
           false});
      continue;
    }
    if (state.adversarial) {
      apply_edits(state, draft);
      if (options.hard_samples) harden(state, draft);
    }
    output.samples.push_back(make_sample(state, draft));
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
