#include "blindspot/discover/attack/recipe.hpp"

#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/discover/attack/wordnet.hpp"

namespace blindspot::discover {

const char* to_string(EditOperation operation) noexcept {
  switch (operation) {
    case EditOperation::swap:
      return "swap";
    case EditOperation::substitute:
      return "substitute";
    case EditOperation::deletion:
      return "delete";
    case EditOperation::insertion:
      return "insert";
    case EditOperation::synonym:
      return "synonym";
  }
  return "unknown";
}

const std::vector<std::string>& recipe_names() {
  static const std::vector<std::string> names = {"deepwordbug", "wordnet"};
  return names;
}

std::unique_ptr<AttackRecipe> make_recipe(std::string_view name, const RecipeOptions& options) {
  if (name == "deepwordbug") return std::make_unique<DeepWordBugRecipe>();
  if (name == "wordnet") return std::make_unique<WordNetRecipe>(options.wordnet_directory);
  std::string names;
  for (const auto& known : recipe_names()) names += (names.empty() ? "" : ", ") + known;
  throw core::Error(core::ErrorKind::usage, "unknown attack recipe \"" + std::string(name) + "\" (recipes: " + names +
                                                ")" + core::did_you_mean(name, recipe_names()));
}

}  // namespace blindspot::discover
