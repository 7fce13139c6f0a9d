#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/llm/client.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/teach/llm_teacher.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::loop {

// Who writes what a loop adds to train: nobody (`none`), a hypothesis-free control
// (`untargeted`, `adversarial_training`; docs/augment.md) or a teacher (docs/teach.md). The names
// are those of `--teacher` and of an experiment's conditions.
enum class TeacherKind { none, untargeted, adversarial_training, automatic, llm, import, human };

// Every kind in the documented order: none, untargeted, adversarial_training, auto, llm, human, import.
const std::vector<TeacherKind>& teacher_kinds();
// "none", "untargeted", "adversarial_training", "auto", "llm", "import", "human".
const char* to_string(TeacherKind kind) noexcept;
// The kind named `text`, if any.
std::optional<TeacherKind> find_teacher_kind(std::string_view text);
// The kind named `text`, one of `allowed`. Throws Error{usage} naming `option` (e.g. "--teacher"),
// the allowed names and the closest one ("did you mean").
TeacherKind parse_teacher_kind(std::string_view text, std::string_view option, const std::vector<TeacherKind>& allowed);
// What a loop's key records of its teacher: the version of the automatic teacher's or a control's
// construction (a changed construction never reuses old samples), else the kind's name.
std::string teacher_version(TeacherKind kind);

// What the teach step gives a teacher.
struct TeacherInputs {
  const data::Split& train;
  const model::Classifier& baseline;
  const std::vector<discover::Uu>& uus;
  store::Database& store;
  std::int64_t run_id;
};
using TeacherFactory = std::function<std::unique_ptr<teach::Teacher>(const TeacherInputs&)>;

// Everything make_teacher() needs besides the inputs of the teach step.
struct TeacherSettings {
  TeacherKind kind = TeacherKind::automatic;
  std::uint64_t seed = 0;  // of every random choice (and the LLM's sampling seed)
  double threshold =
      discover::kDefaultUuThreshold;  // tau: the automatic teacher's and adversarial training's confidence
  int threads = 0;                    // 0: all cores
  std::size_t attack_budget = 30;     // adversarial_training: the DeepWordBug edit budget
  // The controls make twice this many samples: the filters may reject some (a short text with a
  // few edits can stay a near duplicate of its source), and the pick then takes exactly the budget.
  std::size_t sample_budget = 0;
  llm::ChatClient* client = nullptr;        // llm: the endpoint's client (not owned)
  teach::LlmTeacherOptions llm;             // llm: labels and seed are set from the inputs and `seed`
  std::filesystem::path import_hypotheses;  // import
  std::filesystem::path import_samples;     // import
  std::int64_t human_campaign = 0;          // human: the run id of an annotation campaign
};

// The teacher of `settings.kind`. Throws Error{usage} for `none` (which teaches nothing) and for
// llm without a client, and what each teacher's constructor throws (a missing import file, an
// unknown campaign, ...).
std::unique_ptr<teach::Teacher> make_teacher(const TeacherSettings& settings, const TeacherInputs& inputs);
// make_teacher() bound to `settings`, for run_loop().
TeacherFactory teacher_factory(TeacherSettings settings);

}  // namespace blindspot::loop
