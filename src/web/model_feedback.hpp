#pragma once

// Private to the web module: live model feedback (docs/web.md, "Live model feedback"). An
// annotator writing samples can ask the campaign's model how it reads one, as AdaTest lets its
// users do, so samples aim at real blind spots; each session may ask a limited number of times a
// minute, as every score is a model call (a remote model's costs money).

#include "blindspot/model/classifier.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace blindspot::web {

// How the model reads a text: its most probable label and that probability.
struct ModelScore {
  std::string label;
  double probability = 0;
};

// Throws what the model throws (Error{remote} for a command or server model that fails).
ModelScore score_text(const model::Classifier& model, const std::string& text);

// "The model reads this as positive, 0.93"
std::string score_sentence(const ModelScore& score);

// At most `per_minute` scores per session in any 60 s window.
class FeedbackLimiter {
 public:
  explicit FeedbackLimiter(int per_minute) : per_minute_(per_minute) {}
  // Counts a request of `session` at `now_unix` and returns nullopt if it is within the limit;
  // otherwise counts nothing and returns the seconds until the session may ask again.
  std::optional<double> admit(const std::string& session, double now_unix);

 private:
  int per_minute_;
  std::mutex mutex_;
  std::map<std::string, std::deque<double>> requests_;  // per session, times within the last minute
};

}  // namespace blindspot::web
