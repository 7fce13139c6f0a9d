#pragma once

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstddef>
#include <vector>

namespace blindspot::augment {

// Version of the adversarial-training construction (part of a loop's key).
inline constexpr const char* kAdversarialTrainingVersion = "adversarial-training-v1";

// The adversarial-training control (docs/augment.md): training examples attacked with DeepWordBug,
// the attack that finds the loop's adversarial UUs, against `model` until it is confidently wrong,
// each labelled with its true label. It needs no teacher and sees no dev UU, so it tells what
// misspelling data of the same size can do for this model at best. Rows are drawn with
// attack.seed (discover::sample_rows) in rounds until `count` attacks succeeded or every row was
// tried; attack.max_examples is ignored. Sample ids "adversarial#<row>" in row order, teacher
// "adversarial training", provenance the row, its line and the edits.
std::vector<teach::Sample> adversarial_training_samples(const model::Classifier& model, const data::Split& train,
                                                        std::size_t count, const discover::AttackOptions& attack);

// The adversarial-training control as a teacher: generate() attacks `train` with `model`.
class AdversarialTrainingTeacher final : public ControlTeacher {
 public:
  // `model` and `train` must outlive the teacher.
  AdversarialTrainingTeacher(const model::Classifier& model, const data::Split& train, std::size_t count,
                             const discover::AttackOptions& attack)
      : model_(model), train_(train), count_(count), attack_(attack) {}
  std::string name() const override { return "adversarial training"; }
  std::vector<teach::Sample> generate(const std::vector<teach::Hypothesis>&, int) override {
    return adversarial_training_samples(model_, train_, count_, attack_);
  }

 private:
  const model::Classifier& model_;
  const data::Split& train_;
  std::size_t count_;
  discover::AttackOptions attack_;
};

}  // namespace blindspot::augment
