#include "llm_arguments.hpp"
#include "operations.hpp"
#include "workspace_run.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/loop/experiment.hpp"
#include "blindspot/loop/llm_teacher_settings.hpp"
#include "blindspot/loop/loop_records.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace blindspot::python {

namespace py = pybind11;

namespace {

std::string path_of(const py::handle& value) { return value.is_none() ? std::string() : py::str(value).cast<std::string>(); }

loop::BaselineTuning::Mode tuning_mode(const std::string& name) {
  if (name == "off") return loop::BaselineTuning::Mode::off;
  if (name == "always") return loop::BaselineTuning::Mode::always;
  if (name == "when_short" || name == "when-short") return loop::BaselineTuning::Mode::when_short;
  throw core::Error(core::ErrorKind::usage, "tuning must be off, when_short or always, got \"" + name + "\"");
}

loop::LoopOptions loop_options(const py::dict& kwargs) {
  loop::LoopOptions options;
  options.data = path_of(kwargs["data"]);
  options.seed = kwargs["seed"].cast<std::uint64_t>();
  options.model.seed = static_cast<int>(options.seed);
  options.threshold = kwargs["threshold"].cast<double>();
  options.dev_attack_rows = kwargs["dev_attack_rows"].cast<std::size_t>();
  options.attack_budget = kwargs["attack_budget"].cast<std::size_t>();
  if (!kwargs["max_uus"].is_none()) options.max_uus = kwargs["max_uus"].cast<std::size_t>();
  options.samples_per_hypothesis = kwargs["samples_per_hypothesis"].cast<int>();
  options.sample_budget = kwargs["sample_budget"].is_none()
                              ? loop::sample_budget_for_share(options.data, kwargs["budget_share"].cast<double>())
                              : kwargs["sample_budget"].cast<std::size_t>();
  options.test_attack_rows = kwargs["test_attack_rows"].cast<std::size_t>();
  options.threads = kwargs["threads"].cast<int>();
  options.rounds = kwargs["rounds"].cast<int>();
  options.tuning.mode = tuning_mode(kwargs["tuning"].cast<std::string>());
  options.external.spec = path_of(kwargs["model"]);
  options.external.train_command = path_of(kwargs["train_command"]);
  options.baseline_model = path_of(kwargs["baseline_model"]);
  options.label_issues = kwargs["label_issues"].cast<bool>();
  options.label_folds = kwargs["label_folds"].cast<int>();
  options.teach_label_issues = kwargs["teach_label_issues"].cast<bool>();
  return options;
}

// What `blindspot run` does (cli/commands/run.cpp) with the automatic or the LLM teacher: the
// loop's result as `run --json` prints it.
std::string run_operation(const py::dict& kwargs) {
  loop::LoopOptions options = loop_options(kwargs);
  loop::LlmSettings llm = llm_settings_of(kwargs["llm"]);
  loop::TeacherSettings teacher;
  teacher.kind = loop::resolve_teacher(llm, kwargs["teacher"].cast<std::string>(), "teacher",
                                       {loop::TeacherKind::automatic, loop::TeacherKind::llm}, python_llm_names());
  teacher.seed = options.seed;
  teacher.threshold = options.threshold;
  teacher.threads = options.threads;
  options.teacher = loop::teacher_version(teacher.kind);
  // What changes an LLM teacher's output is part of the loop's identity (never the key).
  if (teacher.kind == loop::TeacherKind::llm) options.teacher_settings_json = loop::llm_teacher_settings_json(llm);
  const std::filesystem::path root = path_of(kwargs["workspace"]);
  return without_gil(nullptr, [&] {
    Workspace workspace = open_workspace(root);
    if (!options.external.spec.empty()) {
      std::filesystem::create_directories(root / "logs");
      options.external.remote.log_file = root / "logs" / "python-run-model.log";
      options.external.train_log = root / "logs" / "python-run-train.log";
    }
    return recorded_run(workspace, "run", "{\"interface\":\"python\"}", [&](std::int64_t run_id) {
      std::unique_ptr<llm::ChatClient> client;
      if (teacher.kind == loop::TeacherKind::llm) {
        client = loop::make_llm_client(llm, workspace.store, run_id, options.seed);
        teacher.client = client.get();
        teacher.llm = llm.teacher;
      }
      const loop::LoopResult result =
          loop::run_loop(options, {root / "loops", workspace.store, run_id, loop::teacher_factory(teacher)});
      loop::record_loop_metrics(workspace.store, run_id, result);
      return loop::loop_result_json(result, run_id, loop::to_string(teacher.kind));
    });
  });
}

// `label_issues`, `label_folds` and `teach_label_issues` of experiment(): each set overrides the
// experiment file's. Error{usage} for a triage setting without the triage, as the CLI.
void override_label_issues(const py::dict& kwargs, loop::LoopOptions& loop) {
  if (!kwargs["label_issues"].is_none()) loop.label_issues = kwargs["label_issues"].cast<bool>();
  if (!kwargs["label_folds"].is_none()) loop.label_folds = kwargs["label_folds"].cast<int>();
  if (!kwargs["teach_label_issues"].is_none()) loop.teach_label_issues = kwargs["teach_label_issues"].cast<bool>();
  if (loop.label_issues) return;
  const char* setting = loop.teach_label_issues ? "teach_label_issues=True"
                        : !kwargs["label_folds"].is_none() ? "label_folds"
                                                           : nullptr;
  if (setting != nullptr) {
    throw core::Error(core::ErrorKind::usage, std::string(setting) +
                                                  " needs label_issues=True (or label_issues = true in the "
                                                  "experiment file)");
  }
}

// What `blindspot experiment` does (cli/commands/experiment.cpp): the report's three files in
// `out` (default <workspace>/experiments/<name>), and report.json's path.
py::dict experiment_operation(const py::dict& kwargs) {
  const std::filesystem::path config_file = path_of(kwargs["config"]);
  const std::filesystem::path root = path_of(kwargs["workspace"]);
  const std::string out = path_of(kwargs["out"]);
  const int threads = kwargs["threads"].is_none() ? -1 : kwargs["threads"].cast<int>();
  loop::LlmSettings llm = llm_settings_of(kwargs["llm"]);
  loop::ExperimentConfig config = without_gil(nullptr, [&] { return loop::read_experiment_config(config_file); });
  if (threads >= 0) config.loop.threads = threads;
  override_label_issues(kwargs, config.loop);
  const bool uses_llm =
      std::find(config.conditions.begin(), config.conditions.end(), loop::TeacherKind::llm) != config.conditions.end();
  // Checks the endpoint when a condition needs it.
  loop::LlmSettingNames names = python_llm_names();
  names.llm_teacher = "the experiment's llm condition";
  loop::resolve_teacher(llm, uses_llm ? "llm" : "auto", "conditions", loop::teacher_kinds(), names);
  if (uses_llm) config.loop.teacher_settings_json = loop::llm_teacher_settings_json(llm);
  auto [run_id, folder, findings] = without_gil(nullptr, [&] {
    Workspace workspace = open_workspace(root);
    return recorded_run(workspace, "experiment", "{\"interface\":\"python\"}", [&](std::int64_t id) {
      std::unique_ptr<llm::ChatClient> client;
      if (uses_llm) client = loop::make_llm_client(llm, workspace.store, id, config.seeds.front());
      loop::ExperimentContext context{.root = root / "loops", .store = workspace.store, .run_id = id};
      context.client = client.get();
      context.llm = llm.teacher;
      const loop::ExperimentOutcome outcome = loop::run_experiment(config, context);
      const std::filesystem::path report_folder = out.empty() ? root / "experiments" / config.name : std::filesystem::path(out);
      report::write_report_files(report_folder, outcome.report);
      loop::record_experiment_metrics(workspace.store, id, outcome.report);
      return std::tuple{id, report_folder, outcome.report.findings};
    });
  });
  return py::dict(py::arg("run") = run_id, py::arg("html") = (folder / "report.html").string(),
                  py::arg("markdown") = (folder / "report.md").string(),
                  py::arg("json") = (folder / "report.json").string(), py::arg("findings") = findings);
}

}  // namespace

void bind_loop(py::module_& module) {
  module.def("run", &run_operation, py::arg("kwargs"));
  module.def("experiment", &experiment_operation, py::arg("kwargs"));
}

}  // namespace blindspot::python
