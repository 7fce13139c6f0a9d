#pragma once

#include "blindspot/discover/attack/recipe.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::discover {

enum class PartOfSpeech { noun, verb, adjective, adverb };

// "noun", "verb", "adjective", "adverb".
const char* to_string(PartOfSpeech part_of_speech) noexcept;

// A lemma that an inflected word comes from, and how (see WordNet::base_forms()).
struct BaseForm {
  std::string lemma;
  PartOfSpeech part_of_speech = PartOfSpeech::noun;
  // The regular suffix rule that led from the word to the lemma: the word minus
  // `removed_suffix` plus `added_suffix` ("movies": "s" -> ""); both empty when the word is
  // itself a lemma or the lemma comes from an exception list.
  std::string removed_suffix;
  std::string added_suffix;
  // The lemma comes from an exception list ("ran" -> "run").
  bool irregular = false;

  bool operator==(const BaseForm& other) const = default;
};

// A reader of the WordNet 3.0 database files (index.<pos>, data.<pos>, <pos>.exc; format of
// WordNet's wndb(5WN) and morphy(7WN) manual pages). The data files are kept in memory and
// synsets are parsed on demand; every query is const and safe from several threads.
class WordNet {
 public:
  // Reads the files of the four parts of speech from `directory`. Throws Error{io} naming a
  // missing or unreadable file, Error{bad_input} naming file and line of a malformed entry.
  static WordNet load(const std::filesystem::path& directory);

  WordNet(WordNet&&) noexcept;
  WordNet& operator=(WordNet&&) noexcept;
  ~WordNet();

  // True if `lemma` (any case; spaces written as '_') is in index.<pos>.
  bool contains(std::string_view lemma, PartOfSpeech part_of_speech) const;

  // The lemmas of `part_of_speech` that `word` is a form of, as WordNet's morphy (and NLTK's
  // _morphy) finds them: if the word is in the exception list, the word and its listed base
  // forms; else the word and the results of each regular suffix rule applied once (nouns
  // ending in "ss" or of 2 letters or fewer get no rule) - each kept only if it is a lemma.
  // `word` is compared in lower case; order: the word, then exceptions or rules in WordNet's
  // order; no duplicates.
  std::vector<BaseForm> base_forms(std::string_view word, PartOfSpeech part_of_speech) const;

  // The other lemmas of every synset of `lemma` in `part_of_speech`, in WordNet's sense order
  // (most frequent sense first), as written in the data file (case kept, '_' for spaces,
  // adjective markers such as "(a)" removed); without `lemma` itself (any case) and without
  // duplicates. Empty if `lemma` is not in the index.
  std::vector<std::string> synonyms(std::string_view lemma, PartOfSpeech part_of_speech) const;

 private:
  struct Impl;
  explicit WordNet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Word-level attack: replaces a word by a one-word WordNet synonym. Part-of-speech aware as
// far as a dictionary allows without a tagger: only synsets of the parts of speech the word
// can have (its morphy base forms) are used, and a regularly inflected word gets its synonyms
// inflected by the same rule ("movies" -> "films", "moving" -> "displacing"; a synonym the
// rule cannot be reversed on is dropped). Irregular forms ("ran") get no candidates, because
// their synonyms cannot be inflected reliably. Multi-word lemmas are skipped, as in
// TextAttack's WordSwapWordNet. The word's capitalisation (Capitalised, UPPER) is kept.
// The database is read on the first call of candidates(), once, and shared.
class WordNetRecipe final : public AttackRecipe {
 public:
  explicit WordNetRecipe(std::filesystem::path directory = std::filesystem::path(kDefaultWordNetDirectory));

  std::string name() const override { return "wordnet"; }
  // Deterministic: `rng` is not used. Throws what WordNet::load() throws.
  std::vector<Candidate> candidates(std::string_view word, core::Rng& rng) const override;

 private:
  const WordNet& wordnet() const;

  std::filesystem::path directory_;
  mutable std::once_flag loaded_;
  mutable std::unique_ptr<WordNet> wordnet_;
};

}  // namespace blindspot::discover
