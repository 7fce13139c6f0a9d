#include "small_dataset.hpp"

#include <array>
#include <fstream>
#include <string>

namespace blindspot::test {

void write_small_split(const std::filesystem::path& file, int rows, int flip_every, int offset) {
  static const std::array<const char*, 10> kPositive = {"good",      "great",  "excellent", "fun",        "lovely",
                                                        "wonderful", "superb", "charming",  "delightful", "brilliant"};
  static const std::array<const char*, 10> kNegative = {"bad",  "awful", "boring",  "dull",   "terrible",
                                                        "poor", "weak",  "tedious", "clumsy", "bland"};
  static const std::array<const char*, 12> kNeutral = {"the",  "movie",  "film",   "plot",  "story", "acting",
                                                       "cast", "script", "scenes", "music", "with",  "this"};
  std::ofstream out(file);
  out << "text,label\n";
  for (int i = 0; i < rows; ++i) {
    const int n = i + offset;
    const bool positive = n % 2 == 0;
    const auto& words = positive ? kPositive : kNegative;
    std::string text;
    for (int w = 0; w < 3; ++w) text += std::string(words[static_cast<std::size_t>((n / 2 + 3 * w) % 10)]) + " ";
    for (int w = 0; w < 3 + (n * 5) % 16; ++w)
      text += std::string(kNeutral[static_cast<std::size_t>((n * 7 + 5 * w) % 12)]) + " ";
    text += "number" + std::to_string(n);
    const bool flipped = is_flipped_row(i, flip_every, offset);
    out << text << "," << ((positive != flipped) ? "positive" : "negative") << "\n";
  }
}

bool is_flipped_row(long long row, int flip_every, int offset) {
  return flip_every > 0 && (row + offset) % flip_every == 0;
}

}  // namespace blindspot::test
