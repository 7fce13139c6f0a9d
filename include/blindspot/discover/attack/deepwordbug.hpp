#pragma once

#include "blindspot/core/random.hpp"
#include "blindspot/discover/attack/recipe.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::discover {

// The four character edits of DeepWordBug (Gao et al. 2018) as TextAttack implements them
// with random_one=True: one random position per edit, characters are Unicode code points, new
// letters are drawn from the 52 ASCII letters (TextAttack's string.ascii_letters). Like
// TextAttack, each returns nullopt for a word of fewer than 2 characters.

// Exchanges the characters at a random position i and i + 1.
std::optional<std::string> swap_neighbours(std::string_view word, core::Rng& rng);
// Replaces the character at a random position by a random letter (possibly the same one).
std::optional<std::string> substitute_character(std::string_view word, core::Rng& rng);
// Removes the character at a random position.
std::optional<std::string> delete_character(std::string_view word, core::Rng& rng);
// Inserts a random letter before a random position (never after the last character).
std::optional<std::string> insert_character(std::string_view word, core::Rng& rng);

// TextAttack's DeepWordBug transformation with use_all_transformations=True: one random
// candidate from each of the four edits, in the order swap, substitute, delete, insert
// (candidates equal to the word or to an earlier candidate are dropped). The search keeps the
// one that most lowers the true-class probability.
class DeepWordBugRecipe final : public AttackRecipe {
 public:
  std::string name() const override { return "deepwordbug"; }
  std::vector<Candidate> candidates(std::string_view word, core::Rng& rng) const override;
};

}  // namespace blindspot::discover
