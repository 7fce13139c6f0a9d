#include "llm_arguments.hpp"
#include "operations.hpp"
#include "workspace_run.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/loop/llm_teacher_settings.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "blindspot/teach/uu_source.hpp"

#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>

namespace blindspot::python {

namespace py = pybind11;

namespace {

// The UUs to teach: a list of dicts (rows of scan or attack), or the UU files given as paths.
std::vector<discover::Uu> uus_of(const py::handle& uus, const data::LabelSet& labels) {
  std::vector<discover::Uu> out;
  if (py::isinstance<py::str>(uus)) return teach::read_uus_file(uus.cast<std::string>(), labels);
  std::int64_t position = 0;
  for (const py::handle item : uus) {
    ++position;
    if (py::isinstance<py::str>(item)) {
      for (auto& uu : teach::read_uus_file(item.cast<std::string>(), labels)) out.push_back(std::move(uu));
    } else {
      out.push_back(uu_from_dict(item, position, labels));
    }
  }
  if (out.empty()) throw core::Error(core::ErrorKind::bad_input, "no UUs to teach");
  return out;
}

struct TeachArguments {
  SplitSource train;
  loop::TeacherKind kind = loop::TeacherKind::automatic;
  std::filesystem::path import_hypotheses;
  std::filesystem::path import_samples;
  loop::LlmSettings llm;
  teach::TeachOptions teach;
  double threshold = 0.65;
  int threads = 0;
  std::filesystem::path workspace;
  std::string out;
};

struct Taught {
  std::int64_t run = 0;
  std::string teacher;
  bool baseline = false;
  std::size_t uus = 0;
  teach::TeachResult result;
  teach::TeachOutputFiles files;
  std::optional<llm::Ledger> ledger;  // with an LLM client
};

// The LLM client (for the llm teacher or verify_labels), the teacher and the label verifier of
// one teach run, as the CLI's teach makes them.
struct TeachingParts {
  std::unique_ptr<llm::ChatClient> client;
  std::unique_ptr<teach::Teacher> teacher;
  loop::LabelVerifier verifier;
};

TeachingParts make_teaching(const TeachArguments& arguments, const loop::TeacherInputs& inputs) {
  TeachingParts parts;
  if (arguments.kind == loop::TeacherKind::llm || arguments.llm.verify_labels) {
    parts.client = loop::make_llm_client(arguments.llm, inputs.store, inputs.run_id, arguments.teach.seed);
  }
  loop::TeacherSettings settings;
  settings.kind = arguments.kind;
  settings.seed = arguments.teach.seed;
  settings.threshold = arguments.threshold;
  settings.threads = arguments.threads;
  settings.client = parts.client.get();
  settings.llm = arguments.llm.teacher;
  settings.import_hypotheses = arguments.import_hypotheses;
  settings.import_samples = arguments.import_samples;
  parts.teacher = loop::make_teacher(settings, inputs);
  if (arguments.llm.verify_labels) {
    parts.verifier = loop::make_label_verifier(arguments.kind, *parts.teacher, *parts.client, arguments.llm,
                                               inputs.baseline.labels(), arguments.teach.seed);
  }
  return parts;
}

// What `blindspot teach` does (cli/commands/teach.cpp, for the auto, llm and import teachers), recorded
// as a run "teach" of the workspace.
Taught teach_uus(const model::Classifier& classifier, std::vector<discover::Uu> uus, const TeachArguments& arguments) {
  const data::Split train = read_source(arguments.train, classifier.labels());
  // The leakage guard reads the dataset folder's test split, as the CLI does.
  std::optional<data::Split> test;
  if (arguments.train.data && std::filesystem::is_directory(*arguments.train.data)) {
    test = data::read_split(data::find_split_file(*arguments.train.data, "test"), classifier.labels());
  }
  teach::FilterOptions filter_options;
  filter_options.threads = arguments.threads;
  const teach::SampleFilter filter(classifier.labels(), train, test ? &*test : nullptr, filter_options);
  Workspace workspace = open_workspace(arguments.workspace);
  return recorded_run(workspace, "teach", "{\"interface\":\"python\"}", [&](std::int64_t run_id) {
    // The teacher never sees the label issues teach() leaves out, as in the CLI.
    const auto teachable = teach::teachable_uus(uus, arguments.teach.teach_label_issues);
    TeachingParts parts = make_teaching(arguments, {train, classifier, teachable, workspace.store, run_id});
    Taught taught{run_id, parts.teacher->name(), parts.teacher->is_baseline(), uus.size(),
                  teach::teach(*parts.teacher, uus, filter, arguments.teach, parts.verifier.verifier), {}, {}};
    const std::filesystem::path prefix =
        arguments.out.empty() ? workspace.root / "teach" / ("run-" + std::to_string(run_id) + "-" + loop::to_string(arguments.kind))
                              : std::filesystem::path(arguments.out);
    taught.files = teach::teach_output_files(prefix);
    teach::write_teach_outputs(taught.files, taught.result, taught.baseline);
    teach::record_teaching(workspace.store, run_id, taught.result);
    if (parts.client) taught.ledger = parts.client->ledger();
    teach::record_teach_metrics(workspace.store, run_id, taught.result, taught.ledger.value_or(llm::Ledger{}));
    loop::check_teaching_complete(taught.result, arguments.llm, python_llm_names());
    return taught;
  });
}

py::dict taught_dict(const Taught& taught) {
  py::list hypotheses, samples, failures;
  for (const auto& h : taught.result.hypotheses) hypotheses.append(hypothesis_dict(h));
  for (const auto& s : taught.result.samples) samples.append(sample_dict(s));
  for (const auto& f : taught.result.failures) {
    failures.append(py::dict(py::arg("task") = f.task, py::arg("item") = f.item_id, py::arg("reason") = f.reason,
                             py::arg("retryable") = f.retryable));
  }
  py::dict rejections;
  for (const auto& [reason, count] : teach::rejection_counts(taught.result.samples)) rejections[py::str(reason)] = count;
  py::dict outputs(py::arg("hypotheses_jsonl") = taught.files.hypotheses_jsonl.string(),
                   py::arg("hypotheses_csv") = taught.files.hypotheses_csv.string(),
                   py::arg("samples_jsonl") = taught.files.samples_jsonl.string(),
                   py::arg("samples_csv") = taught.files.samples_csv.string());
  py::dict result(py::arg("run") = taught.run, py::arg("teacher") = taught.teacher,
                  py::arg("baseline") = taught.baseline, py::arg("uus") = taught.uus,
                  py::arg("uus_taught") = taught.result.taught.size(),
                  py::arg("label_issues_left_out") = taught.result.label_issues_left_out,
                  py::arg("hypotheses") = hypotheses, py::arg("samples") = samples,
                  py::arg("rejections") = rejections, py::arg("failures") = failures, py::arg("outputs") = outputs);
  if (taught.ledger) result["llm"] = ledger_dict(*taught.ledger);
  return result;
}

py::dict teach_operation(const Model& model, const py::dict& kwargs) {
  const model::Classifier& classifier = *model.classifier;
  TeachArguments arguments;
  arguments.train = split_source(kwargs["texts"], kwargs["labels"], kwargs["data"], "train");
  arguments.llm = llm_settings_of(kwargs["llm"]);
  arguments.kind = loop::resolve_teacher(arguments.llm, kwargs["teacher"].cast<std::string>(), "teacher",
                                         {loop::TeacherKind::automatic, loop::TeacherKind::llm, loop::TeacherKind::import},
                                         python_llm_names());
  if (!kwargs["import_hypotheses"].is_none()) arguments.import_hypotheses = py::str(kwargs["import_hypotheses"]).cast<std::string>();
  if (!kwargs["import_samples"].is_none()) arguments.import_samples = py::str(kwargs["import_samples"]).cast<std::string>();
  arguments.teach.max_uus = kwargs["max_uus"].cast<std::size_t>();
  arguments.teach.extrapolate = kwargs["extrapolate"].cast<bool>();
  arguments.teach.teach_label_issues = kwargs["teach_label_issues"].cast<bool>();
  arguments.teach.samples_per_hypothesis = kwargs["samples_per_hypothesis"].cast<int>();
  arguments.teach.seed = kwargs["seed"].cast<std::uint64_t>();
  arguments.threshold = kwargs["threshold"].cast<double>();
  arguments.threads = kwargs["threads"].cast<int>();
  arguments.workspace = py::str(kwargs["workspace"]).cast<std::string>();
  if (!kwargs["out"].is_none()) arguments.out = py::str(kwargs["out"]).cast<std::string>();
  std::vector<discover::Uu> uus = uus_of(kwargs["uus"], classifier.labels());
  const Taught taught =
      without_gil(&classifier, [&] { return teach_uus(classifier, std::move(uus), arguments); });
  return taught_dict(taught);
}

}  // namespace

void bind_teach(py::module_& module) { module.def("teach", &teach_operation, py::arg("model"), py::arg("kwargs")); }

}  // namespace blindspot::python
