#include "blindspot/discover/attack/wordnet.hpp"

#include "utf8_chars.hpp"

#include <algorithm>

namespace blindspot::discover {
namespace {

enum class Casing { lower, capitalised, upper };

// How the word is written, so that a synonym can be written the same way ("Good" -> "Well").
Casing casing_of(std::string_view word) {
  std::size_t letters = 0;
  std::size_t upper = 0;
  for (char c : word) {
    if (!detail::is_ascii_letter(c)) continue;
    ++letters;
    if (c >= 'A' && c <= 'Z') ++upper;
  }
  if (letters >= 2 && upper == letters) return Casing::upper;
  if (!word.empty() && word.front() >= 'A' && word.front() <= 'Z') return Casing::capitalised;
  return Casing::lower;
}

std::string with_casing(std::string word, Casing casing) {
  if (casing == Casing::upper) {
    for (char& c : word) c = detail::ascii_upper(c);
  } else if (casing == Casing::capitalised && !word.empty()) {
    word.front() = detail::ascii_upper(word.front());
  }
  return word;
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = detail::ascii_lower(c);
  return result;
}

}  // namespace

WordNetRecipe::WordNetRecipe(std::filesystem::path directory) : directory_(std::move(directory)) {}

const WordNet& WordNetRecipe::wordnet() const {
  // call_once leaves the flag unset if load() throws, so a later call retries.
  std::call_once(loaded_, [this] { wordnet_ = std::make_unique<WordNet>(WordNet::load(directory_)); });
  return *wordnet_;
}

std::vector<Candidate> WordNetRecipe::candidates(std::string_view word, core::Rng& /*rng*/) const {
  const WordNet& dictionary = wordnet();
  const Casing casing = casing_of(word);
  const std::string folded_word = lower(word);
  std::vector<Candidate> result;
  std::vector<std::string> seen = {folded_word};
  for (PartOfSpeech part_of_speech :
       {PartOfSpeech::noun, PartOfSpeech::verb, PartOfSpeech::adjective, PartOfSpeech::adverb}) {
    for (const BaseForm& base : dictionary.base_forms(word, part_of_speech)) {
      if (base.irregular) continue;
      for (const std::string& synonym : dictionary.synonyms(base.lemma, part_of_speech)) {
        if (synonym.find('_') != std::string::npos) continue;  // multi-word lemma
        // Re-inflect by the rule that led to the lemma: "film" + ("movies": "s" -> "") = "films".
        if (!synonym.ends_with(base.added_suffix)) continue;
        std::string inflected = synonym.substr(0, synonym.size() - base.added_suffix.size()) + base.removed_suffix;
        std::string folded = lower(inflected);
        if (std::find(seen.begin(), seen.end(), folded) != seen.end()) continue;
        seen.push_back(std::move(folded));
        result.push_back({with_casing(std::move(inflected), casing), EditOperation::synonym});
      }
    }
  }
  return result;
}

}  // namespace blindspot::discover
