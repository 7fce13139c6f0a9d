#include "model_feedback.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace blindspot::web {
namespace {

constexpr double kWindowSeconds = 60;

}  // namespace

ModelScore score_text(const model::Classifier& model, const std::string& text) {
  const model::Probabilities probabilities = model.probabilities(text);
  const int best = model::argmax(probabilities);
  return {model.labels().names().at(static_cast<std::size_t>(best)), probabilities.at(static_cast<std::size_t>(best))};
}

std::string score_sentence(const ModelScore& score) {
  return fmt::format("The model reads this as {}, {:.2f}", score.label, score.probability);
}

std::optional<double> FeedbackLimiter::admit(const std::string& session, double now_unix) {
  const std::lock_guard<std::mutex> lock(mutex_);
  // Sessions that asked nothing within the window are forgotten, so the map stays small.
  for (auto it = requests_.begin(); it != requests_.end();) {
    auto& times = it->second;
    while (!times.empty() && times.front() <= now_unix - kWindowSeconds) times.pop_front();
    it = times.empty() && it->first != session ? requests_.erase(it) : std::next(it);
  }
  auto& times = requests_[session];
  if (static_cast<int>(times.size()) >= per_minute_) {
    return std::max(1.0, std::ceil(times.front() + kWindowSeconds - now_unix));
  }
  times.push_back(now_unix);
  return std::nullopt;
}

}  // namespace blindspot::web
