#pragma once

#include "blindspot/core/random.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::discover {

// How a word was changed.
enum class EditOperation {
  swap,        // two neighbouring characters exchanged
  substitute,  // one character replaced by a random ASCII letter
  deletion,    // one character removed
  insertion,   // one random ASCII letter inserted
  synonym,     // the word replaced by a WordNet synonym
};

// "swap", "substitute", "delete", "insert", "synonym".
const char* to_string(EditOperation operation) noexcept;

// One possible replacement of a word.
struct Candidate {
  std::string replacement;
  EditOperation operation = EditOperation::swap;

  bool operator==(const Candidate& other) const = default;
};

// A way of perturbing one word (TextAttack's "transformation"). The greedy search
// (attack.hpp) decides which words to perturb and which candidate to keep.
class AttackRecipe {
 public:
  virtual ~AttackRecipe() = default;

  // "deepwordbug", "wordnet".
  virtual std::string name() const = 0;
  // Candidate replacements of `word` (a word as found by find_words(), case kept). Never
  // `word` itself, no duplicates; may be empty. Random choices come from `rng` only, so the
  // same word and seed give the same candidates. Safe to call from several threads at once.
  virtual std::vector<Candidate> candidates(std::string_view word, core::Rng& rng) const = 0;
};

// Where Debian's wordnet-base package installs the WordNet 3.0 database files.
inline constexpr std::string_view kDefaultWordNetDirectory = "/usr/share/wordnet";

// Options of make_recipe().
struct RecipeOptions {
  // Folder of the WordNet database files (index.noun, data.noun, noun.exc, ...), read by the
  // wordnet recipe on its first use.
  std::filesystem::path wordnet_directory{kDefaultWordNetDirectory};
};

// The names make_recipe() accepts, in display order.
const std::vector<std::string>& recipe_names();

// The recipe called `name`. Throws Error{usage} for an unknown name, listing the known ones
// with a "did you mean" hint.
std::unique_ptr<AttackRecipe> make_recipe(std::string_view name, const RecipeOptions& options = {});

}  // namespace blindspot::discover
