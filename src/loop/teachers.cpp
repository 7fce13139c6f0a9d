#include "blindspot/loop/teachers.hpp"

#include "blindspot/augment/adversarial_training.hpp"
#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "blindspot/teach/human_teacher.hpp"
#include "blindspot/teach/import_teacher.hpp"

#include <algorithm>

namespace blindspot::loop {
namespace {

using core::Error;
using core::ErrorKind;

std::unique_ptr<teach::Teacher> make_llm_teacher(const TeacherSettings& settings, const TeacherInputs& inputs) {
  if (settings.client == nullptr) throw Error(ErrorKind::usage, "the llm teacher needs an LLM endpoint");
  teach::LlmTeacherOptions options = settings.llm;
  options.labels = inputs.baseline.labels();
  if (options.model_description.empty()) options.model_description = inputs.baseline.identity().description;
  options.seed = static_cast<std::int64_t>(settings.seed);
  return std::make_unique<teach::LlmTeacher>(*settings.client, options);
}

std::unique_ptr<teach::Teacher> make_auto_teacher(const TeacherSettings& settings, const TeacherInputs& inputs) {
  teach::AutoTeacherOptions options;
  options.seed = settings.seed;
  options.threshold = settings.threshold;
  options.threads = settings.threads;
  return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, options);
}

std::unique_ptr<teach::Teacher> make_adversarial_training(const TeacherSettings& settings,
                                                          const TeacherInputs& inputs) {
  discover::AttackOptions attack;
  attack.threshold = settings.threshold;
  attack.budget = settings.attack_budget;
  attack.seed = settings.seed;
  attack.threads = settings.threads;
  return std::make_unique<augment::AdversarialTrainingTeacher>(inputs.baseline, inputs.train,
                                                               2 * settings.sample_budget, attack);
}

}  // namespace

const std::vector<TeacherKind>& teacher_kinds() {
  static const std::vector<TeacherKind> kinds = {
      TeacherKind::none,      TeacherKind::untargeted, TeacherKind::adversarial_training,
      TeacherKind::automatic, TeacherKind::llm,        TeacherKind::human,
      TeacherKind::import};
  return kinds;
}

const char* to_string(TeacherKind kind) noexcept {
  switch (kind) {
    case TeacherKind::none:
      return "none";
    case TeacherKind::untargeted:
      return "untargeted";
    case TeacherKind::adversarial_training:
      return "adversarial_training";
    case TeacherKind::automatic:
      return "auto";
    case TeacherKind::llm:
      return "llm";
    case TeacherKind::import:
      return "import";
    case TeacherKind::human:
      return "human";
  }
  return "none";
}

std::optional<TeacherKind> find_teacher_kind(std::string_view text) {
  for (const TeacherKind kind : teacher_kinds()) {
    if (text == to_string(kind)) return kind;
  }
  return std::nullopt;
}

TeacherKind parse_teacher_kind(std::string_view text, std::string_view option,
                               const std::vector<TeacherKind>& allowed) {
  const std::optional<TeacherKind> kind = find_teacher_kind(text);
  if (kind && std::find(allowed.begin(), allowed.end(), *kind) != allowed.end()) return *kind;
  std::vector<std::string> names;
  std::string list;
  for (const TeacherKind candidate : allowed) {
    names.emplace_back(to_string(candidate));
    list += (list.empty() ? "" : ", ") + names.back();
  }
  const std::optional<std::string> closest = core::closest_match(text, names);
  throw Error(ErrorKind::usage, std::string(option) + ": unknown teacher \"" + std::string(text) + "\" (" + list +
                                    (closest ? "; did you mean \"" + *closest + "\"?" : "") + ")");
}

std::string teacher_version(TeacherKind kind) {
  switch (kind) {
    case TeacherKind::automatic:
      return teach::kAutoTeacherVersion;
    case TeacherKind::untargeted:
      return augment::kUntargetedVersion;
    case TeacherKind::adversarial_training:
      return augment::kAdversarialTrainingVersion;
    default:
      return to_string(kind);
  }
}

std::unique_ptr<teach::Teacher> make_teacher(const TeacherSettings& settings, const TeacherInputs& inputs) {
  switch (settings.kind) {
    case TeacherKind::none:
      break;
    case TeacherKind::untargeted:
      return std::make_unique<augment::UntargetedTeacher>(inputs.train, 2 * settings.sample_budget, settings.seed);
    case TeacherKind::adversarial_training:
      return make_adversarial_training(settings, inputs);
    case TeacherKind::automatic:
      return make_auto_teacher(settings, inputs);
    case TeacherKind::llm:
      return make_llm_teacher(settings, inputs);
    case TeacherKind::import:
      return std::make_unique<teach::ImportTeacher>(settings.import_hypotheses, settings.import_samples);
    case TeacherKind::human:
      return std::make_unique<teach::HumanTeacher>(inputs.store, settings.human_campaign);
  }
  throw Error(ErrorKind::usage, "the condition none has no teacher");
}

TeacherFactory teacher_factory(TeacherSettings settings) {
  return [settings = std::move(settings)](const TeacherInputs& inputs) { return make_teacher(settings, inputs); };
}

}  // namespace blindspot::loop
