#include "blindspot/data/label_set.hpp"

#include "blindspot/core/error.hpp"

#include <algorithm>

namespace blindspot::data {

using core::Error;
using core::ErrorKind;

LabelSet::LabelSet(std::vector<std::string> names) : names_(std::move(names)) {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i].empty()) {
      throw Error(ErrorKind::bad_input, "label " + std::to_string(i + 1) + " of the label set is empty");
    }
    if (std::find(names_.begin(), names_.begin() + static_cast<std::ptrdiff_t>(i), names_[i]) !=
        names_.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw Error(ErrorKind::bad_input, "label \"" + names_[i] + "\" appears twice in the label set");
    }
  }
}

LabelSet LabelSet::sorted_from(const std::vector<std::string>& names) {
  std::vector<std::string> distinct = names;
  // std::string compares as unsigned bytes, so the order is the same on every platform and
  // locale (and equals the code point order of UTF-8).
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  return LabelSet(std::move(distinct));
}

std::optional<int> LabelSet::index_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string LabelSet::joined(std::string_view separator) const {
  std::string out;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (i > 0) out += separator;
    out += names_[i];
  }
  return out;
}

}  // namespace blindspot::data
