#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::data {

// An ordered set of label names. Index i of a probability vector is the probability of
// name(i). Sets built from data are sorted by byte order, so the order never depends on
// which example came first.
class LabelSet {
 public:
  LabelSet() = default;
  // Keeps `names` in the given order; throws Error{bad_input} on a duplicate or empty name.
  explicit LabelSet(std::vector<std::string> names);
  // The distinct names, sorted.
  static LabelSet sorted_from(const std::vector<std::string>& names);

  std::size_t size() const noexcept { return names_.size(); }
  bool empty() const noexcept { return names_.empty(); }
  const std::string& name(std::size_t index) const { return names_.at(index); }
  const std::vector<std::string>& names() const noexcept { return names_; }
  std::optional<int> index_of(std::string_view name) const noexcept;
  // "negative, positive"
  std::string joined(std::string_view separator = ", ") const;

  bool operator==(const LabelSet& other) const = default;

 private:
  std::vector<std::string> names_;
};

}  // namespace blindspot::data
