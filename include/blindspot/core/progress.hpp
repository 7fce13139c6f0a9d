#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace blindspot::core {

// One report of a long operation. `fraction` is in [0, 1]; `stage` names the work ("training",
// "scanning dev", "teaching abstraction"). Work made of countable items (LLM calls, texts sent to
// a model) also gives `done` of `total`; other work leaves total at 0 (no counts).
struct ProgressUpdate {
  std::string_view stage;
  double fraction = 0;
  std::size_t done = 0;
  std::size_t total = 0;

  bool counted() const noexcept { return total > 0; }
};

// Long library operations report progress through this callback (the library never prints).
// Reporters call progress(stage, fraction) or, for countable work, progress(stage, done, total).
// A receiver may take (std::string_view stage, double fraction), as it always could, or the whole
// ProgressUpdate to see the counts.
class ProgressCallback {
 public:
  ProgressCallback() = default;
  ProgressCallback(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): as std::function

  template <class Receiver>
    requires(!std::is_same_v<std::remove_cvref_t<Receiver>, ProgressCallback> &&
             std::is_invocable_v<Receiver&, std::string_view, double>)
  ProgressCallback(Receiver receiver)  // NOLINT(google-explicit-constructor): lambdas convert as before
      : receive_([receiver = std::move(receiver)](const ProgressUpdate& update) mutable {
          receiver(update.stage, update.fraction);
        }) {}

  template <class Receiver>
    requires(!std::is_same_v<std::remove_cvref_t<Receiver>, ProgressCallback> &&
             !std::is_invocable_v<Receiver&, std::string_view, double> &&
             std::is_invocable_v<Receiver&, const ProgressUpdate&>)
  ProgressCallback(Receiver receiver)  // NOLINT(google-explicit-constructor)
      : receive_(std::move(receiver)) {}

  void operator()(std::string_view stage, double fraction) const { receive_(ProgressUpdate{stage, fraction, 0, 0}); }
  // `done` of `total` items; the fraction is done / total (1 for an empty total).
  void operator()(std::string_view stage, std::size_t done, std::size_t total) const {
    const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    receive_(ProgressUpdate{stage, fraction, done, total});
  }
  void operator()(const ProgressUpdate& update) const { receive_(update); }

  explicit operator bool() const noexcept { return static_cast<bool>(receive_); }

 private:
  std::function<void(const ProgressUpdate&)> receive_;
};

}  // namespace blindspot::core
