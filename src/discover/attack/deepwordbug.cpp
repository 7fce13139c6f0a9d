#include "blindspot/discover/attack/deepwordbug.hpp"

#include "utf8_chars.hpp"

#include <algorithm>

namespace blindspot::discover {
namespace {

// TextAttack's _get_random_letter: random.choice(string.ascii_letters).
constexpr std::string_view kAsciiLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

char random_letter(core::Rng& rng) { return kAsciiLetters[rng.below(kAsciiLetters.size())]; }

std::string join(const std::vector<std::string_view>& chars) {
  std::string word;
  for (std::string_view c : chars) word += c;
  return word;
}

}  // namespace

std::optional<std::string> swap_neighbours(std::string_view word, core::Rng& rng) {
  auto chars = detail::split_chars(word);
  if (chars.size() < 2) return std::nullopt;
  const std::size_t i = rng.below(chars.size() - 1);
  std::swap(chars[i], chars[i + 1]);
  return join(chars);
}

std::optional<std::string> substitute_character(std::string_view word, core::Rng& rng) {
  auto chars = detail::split_chars(word);
  if (chars.size() < 2) return std::nullopt;
  const std::size_t i = rng.below(chars.size());
  const char letter = random_letter(rng);
  chars[i] = std::string_view(&letter, 1);
  return join(chars);
}

std::optional<std::string> delete_character(std::string_view word, core::Rng& rng) {
  auto chars = detail::split_chars(word);
  if (chars.size() < 2) return std::nullopt;
  chars.erase(chars.begin() + static_cast<std::ptrdiff_t>(rng.below(chars.size())));
  return join(chars);
}

std::optional<std::string> insert_character(std::string_view word, core::Rng& rng) {
  auto chars = detail::split_chars(word);
  if (chars.size() < 2) return std::nullopt;
  const std::size_t i = rng.below(chars.size());
  const char letter = random_letter(rng);
  chars.insert(chars.begin() + static_cast<std::ptrdiff_t>(i), std::string_view(&letter, 1));
  return join(chars);
}

std::vector<Candidate> DeepWordBugRecipe::candidates(std::string_view word, core::Rng& rng) const {
  using Edit = std::optional<std::string> (*)(std::string_view, core::Rng&);
  constexpr std::pair<Edit, EditOperation> kEdits[] = {
      {swap_neighbours, EditOperation::swap},
      {substitute_character, EditOperation::substitute},
      {delete_character, EditOperation::deletion},
      {insert_character, EditOperation::insertion},
  };
  std::vector<Candidate> result;
  result.reserve(std::size(kEdits));
  for (const auto& [edit, operation] : kEdits) {
    std::optional<std::string> replacement = edit(word, rng);
    if (!replacement || *replacement == word) continue;
    const bool seen =
        std::any_of(result.begin(), result.end(), [&](const Candidate& c) { return c.replacement == *replacement; });
    if (!seen) result.push_back({std::move(*replacement), operation});
  }
  return result;
}

}  // namespace blindspot::discover
