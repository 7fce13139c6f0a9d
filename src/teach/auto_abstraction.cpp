// Abstraction and extrapolation: the statistics of a UU's blind spot (auto_teacher.cpp) worded
// as a hypothesis, and its mirror for the other label (docs/auto-teacher.md).

#include "auto_teacher_impl.hpp"
#include "sentences.hpp"

#include "blindspot/model/text_normaliser.hpp"
#include "blindspot/teach/auto_teacher.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace blindspot::teach {
namespace {

using core::Rng;
using detail::GroupKey;
using detail::GroupStats;
using detail::Json;
using detail::key_of;
using detail::split_sentences;
using detail::stable_hash;
using detail::token_hits;

// Sentences from this many distinct training texts carry a mirror (extrapolated natural)
// hypothesis, one per sample, so that two samples never share their added sentence.
constexpr std::size_t kMirrorCarriers = 4;
// Tokens named in a hypothesis sentence; details_json lists all top_tokens.
constexpr std::size_t kTokensInSentence = 3;

// "a", "a and b", "a, b and c": hypotheses are read as sentences.
std::string joined_list(const std::vector<std::string>& items) {
  std::string result;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) result += i + 1 == items.size() ? " and " : ", ";
    result += items[i];
  }
  return result;
}

// The first `limit` items, quoted and joined: "'a', 'b' and 'c'".
std::string quoted_list(const std::vector<std::string>& items, std::size_t limit) {
  std::vector<std::string> quoted;
  for (std::size_t i = 0; i < std::min(items.size(), limit); ++i) quoted.push_back("'" + items[i] + "'");
  return joined_list(quoted);
}

const char* operation_phrase(const std::string& operation) {
  if (operation == "swap") return "character swaps";
  if (operation == "substitute") return "character substitutions";
  if (operation == "delete") return "character deletions";
  if (operation == "insert") return "character insertions";
  return "synonym replacements";
}

// "are misspelt (character swaps and deletions)" for the operations, most frequent first.
std::string edit_clause(const std::vector<std::pair<std::string, std::int64_t>>& operations) {
  std::vector<std::string> phrases;
  bool synonyms = false;
  bool characters = false;
  for (const auto& [operation, count] : operations) {
    phrases.push_back(operation_phrase(operation));
    (operation == "synonym" ? synonyms : characters) = true;
  }
  if (!characters) return "are replaced by synonyms";
  return (synonyms ? "are misspelt or replaced (" : "are misspelt (") + joined_list(phrases) + ")";
}

// The first keys of every details_json this teacher writes; generation reads "version", "kind"
// and "label" back (auto_generation.cpp). `label` is what the hypothesis' samples are labelled.
Json details_of(discover::UuKind kind, const std::string& label, const std::string& read_as) {
  return Json{{"baseline", true},
              {"version", kAutoTeacherVersion},
              {"kind", to_string(kind)},
              {"label", label},
              {"read_as", read_as}};
}

// details_of() an abstraction, with the size and confidence range of the UU's blind spot.
Json abstraction_details(const discover::Uu& uu, const GroupStats& stats) {
  Json details = details_of(uu.kind, uu.true_label, uu.predicted_label);
  details["group_size"] = stats.members.size();
  details["confidence"] = {{"min", stats.min_confidence}, {"max", stats.max_confidence}};
  return details;
}

// Words an adversarial sample edits: as many as its UU's edits, at least one, at most
// `max_edits` (AutoTeacherOptions).
std::size_t edits_per_sample(const discover::Uu& uu, std::size_t max_edits) {
  return std::clamp<std::size_t>(uu.edits.size(), 1, std::max<std::size_t>(1, max_edits));
}

std::string describe_group(const GroupKey& key, std::size_t size) {
  if (key.blind_spot >= 0) return fmt::format("blind spot {} ({} {} UUs)", key.blind_spot, size, to_string(key.kind));
  return fmt::format("the {} {} UUs labelled {} and read as {}", size, to_string(key.kind), key.true_label,
                     key.predicted_label);
}

// The carriers of a natural abstraction: the sentences of the first of `sources` that has any
// with the most of `tokens` (at most `limit`, in text order).
Json uu_carriers(const std::vector<const discover::Uu*>& sources, const std::set<std::string, std::less<>>& tokens,
                 std::size_t limit) {
  Json carriers = Json::array();
  for (const discover::Uu* source : sources) {
    const auto sentences = split_sentences(source->text);
    std::vector<std::pair<std::size_t, std::size_t>> ranked;  // (hits, sentence)
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      const std::size_t hits =
          token_hits(std::string_view(source->text).substr(sentences[i].offset, sentences[i].size), tokens);
      if (hits > 0) ranked.emplace_back(hits, i);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (ranked.size() > limit) ranked.resize(limit);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& [hits, i] : ranked) {
      carriers.push_back({{"text", source->text.substr(sentences[i].offset, sentences[i].size)},
                          {"source", "uu " + source->id},
                          {"row", -1}});
    }
    if (!carriers.empty()) break;
  }
  return carriers;
}

}  // namespace

Json AutoTeacher::Impl::provenance(const char* task) const {
  return Json{{"teacher", kAutoTeacherName},
              {"baseline", true},
              {"version", kAutoTeacherVersion},
              {"task", task},
              {"seed", options.seed},
              {"threshold", options.threshold},
              {"train", {{"file", train.file.string()}, {"content_hash", train.content_hash}}}};
}

Hypothesis AutoTeacher::Impl::make_hypothesis(const discover::Uu& uu, const char* task) const {
  Hypothesis hypothesis;
  hypothesis.id = fmt::format("auto:{}:{}", task, uu.id);
  hypothesis.task = task;
  hypothesis.uu_id = uu.id;
  hypothesis.blind_spot = uu.blind_spot;
  hypothesis.teacher = kAutoTeacherName;
  hypothesis.prompt_version = kAutoTeacherVersion;
  hypothesis.provenance_json = provenance(task).dump();
  return hypothesis;
}

std::optional<Hypothesis> AutoTeacher::Impl::abstract_natural(const discover::Uu& uu) {
  const GroupStats& stats = group_of(uu);
  const GroupKey key = key_of(uu);
  if (stats.tokens.empty()) {
    failures.push_back(
        {kAbstraction, uu.id, "no token of its blind spot is over-represented (z > 0); no hypothesis", false});
    return std::nullopt;
  }
  const auto own = group::content_tokens(uu.text);
  const std::set<std::string, std::less<>> own_set(own.begin(), own.end());
  std::vector<const group::TokenScore*> chosen;
  for (const bool contained : {true, false}) {
    for (const auto& score : stats.tokens) {
      if ((own_set.count(score.token) != 0) == contained && chosen.size() < options.top_tokens)
        chosen.push_back(&score);
    }
  }
  std::vector<std::string> names;
  std::vector<std::string> in_uu;
  Json tokens = Json::array();
  std::string evidence;
  for (const group::TokenScore* score : chosen) {
    names.push_back(score->token);
    if (own_set.count(score->token) != 0) in_uu.push_back(score->token);
    tokens.push_back({{"token", score->token},
                      {"z", score->z},
                      {"uu_texts", score->target_count},
                      {"reference_texts", score->reference_count},
                      {"in_uu", own_set.count(score->token) != 0}});
    evidence += fmt::format("{}'{}' {} vs {} (z = {:.2f})", evidence.empty() ? "" : ", ", score->token,
                            score->target_count, score->reference_count, score->z);
  }
  // The UU's sentences with the most hypothesis tokens; another member's if it has none.
  const std::set<std::string, std::less<>> token_set(names.begin(), names.end());
  std::vector<const discover::Uu*> sources = {&uu};
  for (const std::size_t index : stats.members) sources.push_back(&uus[index]);
  const Json carriers = uu_carriers(sources, token_set, options.carrier_sentences);
  Hypothesis hypothesis = make_hypothesis(uu, kAbstraction);
  hypothesis.text =
      fmt::format("Texts labelled {} that contain {} are read as {} with confidence >= {:.2f}.", uu.true_label,
                  quoted_list(names, kTokensInSentence), uu.predicted_label, stats.min_confidence);
  const std::size_t reference_texts = pool_sizes[static_cast<std::size_t>(label_index(uu.true_label))];
  hypothesis.reasoning = fmt::format(
      "Weighted log-odds with an informative Dirichlet prior (Monroe et al. 2008, alpha_0 = {:g}) of the texts "
      "containing each token: {} against the {} {} training texts the model classifies correctly with p >= {:.2f}; "
      "UU texts vs reference texts: {}. {}",
      options.log_odds.prior_strength, describe_group(key, stats.members.size()), reference_texts, uu.true_label,
      options.threshold, evidence,
      in_uu.empty() ? std::string("This UU contains none of them; its blind spot's UUs do.")
                    : "This UU contains " + quoted_list(in_uu, in_uu.size()) + ".");
  Json details = abstraction_details(uu, stats);
  details["statistic"] = "weighted log-odds, informative Dirichlet prior";
  details["prior_strength"] = options.log_odds.prior_strength;
  details["counts"] = "texts containing the token";
  details["uu_texts"] = stats.members.size();
  details["reference_texts"] = reference_texts;
  details["tokens"] = tokens;
  details["carriers"] = carriers;
  details["carriers_per_sample"] = carriers.size();
  hypothesis.details_json = details.dump();
  return hypothesis;
}

std::optional<Hypothesis> AutoTeacher::Impl::abstract_adversarial(const discover::Uu& uu) {
  const GroupStats& stats = group_of(uu);
  const GroupKey key = key_of(uu);
  if (stats.edits == 0) {
    failures.push_back({kAbstraction, uu.id, "no edits recorded in its blind spot; no hypothesis", false});
    return std::nullopt;
  }
  std::set<std::string, std::less<>> own;
  for (const auto& edit : uu.edits) own.insert(model::normalise_text(edit.original));
  std::vector<std::pair<std::string, std::int64_t>> chosen;
  for (const bool contained : {true, false}) {
    for (const auto& word : stats.edited_words) {
      if ((own.count(word.first) != 0) == contained && chosen.size() < options.top_tokens) chosen.push_back(word);
    }
  }
  const int truth = label_index(uu.true_label);
  const int predicted = label_index(uu.predicted_label);
  const auto& lean = class_tokens(truth, predicted).z;
  std::vector<std::string> names;
  Json tokens = Json::array();
  std::string evidence;
  for (const auto& [word, count] : chosen) {
    names.push_back(word);
    const auto z = lean.find(word);
    tokens.push_back({{"token", word},
                      {"edited", count},
                      {"in_uu", own.count(word) != 0},
                      {"class_z", z == lean.end() ? Json(nullptr) : Json(z->second)}});
    evidence += fmt::format("{}'{}' {}", evidence.empty() ? "" : ", ", word, count) +
                (z == lean.end() ? "" : fmt::format(" (z = {:.2f} for {})", z->second, uu.true_label));
  }
  std::string operation_counts;
  Json operations = Json::object();
  for (const auto& [operation, count] : stats.operations) {
    operation_counts += fmt::format("{}{} {}", operation_counts.empty() ? "" : ", ", operation, count);
    operations[operation] = count;
  }
  std::string own_edits;
  for (const auto& edit : uu.edits) {
    own_edits += fmt::format("{}'{}' -> '{}' ({})", own_edits.empty() ? "" : ", ", edit.original, edit.replacement,
                             edit.operation);
  }
  Hypothesis hypothesis = make_hypothesis(uu, kAbstraction);
  hypothesis.text = fmt::format(
      "Texts labelled {} in which words such as {} {} are read as {} with confidence >= {:.2f}.", uu.true_label,
      quoted_list(names, kTokensInSentence), edit_clause(stats.operations), uu.predicted_label, stats.min_confidence);
  hypothesis.reasoning = fmt::format(
      "Counts over {} (true {}, predicted {}, confidence {:.2f}-{:.2f}): {} edits by operation: {}; most edited "
      "words (times edited; z of the word for {} against {} in confidently correct training texts): {}. This UU: {}.",
      describe_group(key, stats.members.size()), uu.true_label, uu.predicted_label, stats.min_confidence,
      stats.max_confidence, stats.edits, operation_counts, uu.true_label, uu.predicted_label, evidence,
      own_edits.empty() ? std::string("no edits recorded") : own_edits);
  Json details = abstraction_details(uu, stats);
  details["statistic"] = "edit counts";
  details["tokens"] = tokens;
  details["operations"] = operations;
  details["edits_per_sample"] = edits_per_sample(uu, options.max_edits);
  hypothesis.details_json = details.dump();
  return hypothesis;
}

Json AutoTeacher::Impl::mirror_carriers(int label, const std::vector<std::string>& tokens, core::Rng& rng) const {
  Json carriers = Json::array();
  std::set<std::uint32_t> used;
  for (std::size_t round = 0; round < kMirrorCarriers && carriers.size() < kMirrorCarriers; ++round) {
    for (const auto& token : tokens) {
      if (carriers.size() >= kMirrorCarriers) break;
      const auto found = postings.find(token);
      if (found == postings.end()) continue;
      std::vector<std::uint32_t> rows;
      for (const std::uint32_t row : found->second) {
        if (row_label[row] == label && used.count(row) == 0) rows.push_back(row);
      }
      if (rows.empty()) continue;
      const std::uint32_t row = rows[rng.below(rows.size())];
      used.insert(row);
      const std::string& text = train.examples[row].text;
      const std::set<std::string, std::less<>> wanted = {token};
      for (const auto& sentence : split_sentences(text)) {
        const std::string_view part = std::string_view(text).substr(sentence.offset, sentence.size);
        if (token_hits(part, wanted) == 0) continue;
        carriers.push_back({{"text", std::string(part)},
                            {"source", fmt::format("{} line {}", train.name, train.examples[row].line)},
                            {"row", row}});
        break;
      }
    }
  }
  return carriers;
}

std::optional<Hypothesis> AutoTeacher::Impl::extrapolate_one(const discover::Uu& uu, const Hypothesis& abstraction) {
  const GroupStats& stats = group_of(uu);
  const GroupKey key = key_of(uu);
  const int truth = label_index(uu.true_label);
  const int predicted = label_index(uu.predicted_label);
  // The mirror: texts of the predicted label, pushed towards the true label.
  const bool adversarial = uu.kind == discover::UuKind::adversarial;
  const auto& scores = (adversarial ? class_tokens(predicted, truth) : class_tokens(truth, predicted)).ranked;
  if (scores.empty() || (adversarial && stats.edits == 0)) {
    failures.push_back({kExtrapolation, uu.id, "no tokens or edits to extrapolate from; no extrapolation", false});
    return std::nullopt;
  }
  std::vector<std::string> names;
  Json tokens = Json::array();
  std::string evidence;
  for (std::size_t i = 0; i < scores.size() && i < options.top_tokens; ++i) {
    names.push_back(scores[i].token);
    tokens.push_back({{"token", scores[i].token}, {"class_z", scores[i].z}});
    evidence += fmt::format("{}'{}' (z = {:.2f})", evidence.empty() ? "" : ", ", scores[i].token, scores[i].z);
  }
  const std::string typical_of = adversarial ? uu.predicted_label : uu.true_label;
  const std::string other = adversarial ? uu.true_label : uu.predicted_label;
  Hypothesis hypothesis = make_hypothesis(uu, kExtrapolation);
  hypothesis.parent_id = abstraction.id;
  Json details = details_of(uu.kind, uu.predicted_label, uu.true_label);
  details["mirror_of"] = abstraction.id;
  details["statistic"] =
      fmt::format("weighted log-odds of confidently correct {} against {} training texts", typical_of, other);
  details["tokens"] = tokens;
  if (adversarial) {
    Json operations = Json::object();
    for (const auto& [operation, count] : stats.operations) operations[operation] = count;
    details["operations"] = operations;
    details["edits_per_sample"] = edits_per_sample(uu, options.max_edits);
    hypothesis.text = fmt::format(
        "Texts labelled {} in which words typical of {} texts, such as {}, {} may be read as {}: the edits of {} "
        "applied to the other label.",
        uu.predicted_label, uu.predicted_label, quoted_list(names, kTokensInSentence), edit_clause(stats.operations),
        uu.true_label, describe_group(key, stats.members.size()));
    hypothesis.reasoning = fmt::format(
        "The edits of {} turn {} texts into confident {} predictions by breaking the words that carry {}. The words "
        "that most distinguish confidently correct {} training texts from {} ones are {}; the same edits on them "
        "should move {} texts towards {}.",
        describe_group(key, stats.members.size()), uu.true_label, uu.predicted_label, uu.true_label, uu.predicted_label,
        uu.true_label, evidence, uu.predicted_label, uu.true_label);
  } else {
    core::Rng rng(core::derive_seed(options.seed, stable_hash(hypothesis.id)));
    const Json carriers = mirror_carriers(predicted, names, rng);
    if (carriers.empty()) {
      failures.push_back({kExtrapolation, uu.id,
                          fmt::format("no {} training sentence contains {}; no extrapolation", uu.predicted_label,
                                      quoted_list(names, names.size())),
                          false});
      return std::nullopt;
    }
    details["carriers"] = carriers;
    details["carriers_per_sample"] = 1;
    std::vector<std::string> abstraction_tokens;
    for (std::size_t i = 0; i < stats.tokens.size() && i < kTokensInSentence; ++i) {
      abstraction_tokens.push_back(stats.tokens[i].token);
    }
    hypothesis.text = fmt::format(
        "Texts labelled {} that contain words typical of {} texts, such as {}, may be read as {}: the mirror of {} "
        "({} texts with {} read as {}).",
        uu.predicted_label, uu.true_label, quoted_list(names, kTokensInSentence), uu.true_label,
        describe_group(key, stats.members.size()), uu.true_label, quoted_list(abstraction_tokens, kTokensInSentence),
        uu.predicted_label);
    hypothesis.reasoning = fmt::format(
        "In {}, {} texts containing tokens more frequent in {} texts are read as {}. Mirrored: the tokens that most "
        "distinguish confidently correct {} training texts from {} ones are {}; {} {} training sentences "
        "containing them show the model such words inside {} texts.",
        describe_group(key, stats.members.size()), uu.true_label, uu.predicted_label, uu.predicted_label, uu.true_label,
        uu.predicted_label, evidence, carriers.size(), uu.predicted_label, uu.predicted_label);
  }
  hypothesis.details_json = details.dump();
  return hypothesis;
}

std::vector<Hypothesis> AutoTeacher::abstract(const std::vector<discover::Uu>& uus) {
  std::vector<Hypothesis> hypotheses;
  for (const discover::Uu& uu : uus) impl_->check_labels(uu);
  for (const discover::Uu& uu : uus) {
    auto hypothesis =
        uu.kind == discover::UuKind::natural ? impl_->abstract_natural(uu) : impl_->abstract_adversarial(uu);
    if (hypothesis) hypotheses.push_back(std::move(*hypothesis));
  }
  return hypotheses;
}

std::vector<Hypothesis> AutoTeacher::extrapolate(const std::vector<discover::Uu>& uus,
                                                 const std::vector<Hypothesis>& abstractions) {
  std::map<std::string, const discover::Uu*> by_id;
  for (const discover::Uu& uu : uus) {
    impl_->check_labels(uu);
    by_id.emplace(uu.id, &uu);
  }
  std::vector<Hypothesis> hypotheses;
  for (const Hypothesis& abstraction : abstractions) {
    const auto found = by_id.find(abstraction.uu_id);
    if (found == by_id.end()) {
      impl_->failures.push_back({kExtrapolation, abstraction.id,
                                 fmt::format("its UU {} was not given; no extrapolation", abstraction.uu_id), false});
      continue;
    }
    if (auto hypothesis = impl_->extrapolate_one(*found->second, abstraction))
      hypotheses.push_back(std::move(*hypothesis));
  }
  return hypotheses;
}

}  // namespace blindspot::teach
