#include "operations.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/model/fasttext_tuning.hpp"
#include "blindspot/model/model_source.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>

namespace blindspot::python {

namespace py = pybind11;

namespace {

std::optional<std::vector<std::string>> strings_or_none(const py::object& value) {
  if (value.is_none()) return std::nullopt;
  return value.cast<std::vector<std::string>>();
}

py::dict identity_dict(const model::Classifier& classifier) {
  const model::ModelIdentity identity = classifier.identity();
  return py::dict(py::arg("kind") = classifier.kind(), py::arg("source") = identity.source,
                  py::arg("name") = identity.name, py::arg("version") = identity.version,
                  py::arg("description") = identity.description);
}

Model open_model(const std::string& spec, std::size_t batch_size, const std::vector<std::string>& labels,
                 double timeout_seconds) {
  model::RemoteOptions options;
  options.batch_size = batch_size;
  options.labels = labels;
  options.timeout_seconds = timeout_seconds;
  auto classifier = without_gil(nullptr, [&] { return model::open_model(spec, options); });
  return Model{std::move(classifier), model::source_kind(spec) == model::SourceKind::file ? spec : ""};
}

Model wrap(py::object predict_proba, const std::vector<std::string>& labels, std::size_t batch_size,
           const std::string& name) {
  if (!PyCallable_Check(predict_proba.ptr())) {
    throw core::Error(core::ErrorKind::usage, "the model must be callable or have a predict_proba method");
  }
  model::ModelIdentity identity;
  identity.source = "python:" + name;
  identity.name = name;
  identity.description = "a classifier written in Python";
  return Model{std::make_shared<PythonClassifier>(std::move(predict_proba), data::LabelSet(labels), batch_size,
                                                  std::move(identity)),
               ""};
}

struct TrainArguments {
  SplitSource train;
  SplitSource dev;
  std::optional<std::vector<std::string>> label_names;
  model::FastTextOptions fasttext;
  bool tune = false;
  double tuning_seconds = 120;
  std::string model_path;
};

std::unique_ptr<model::FastTextClassifier> train_fasttext(const TrainArguments& arguments) {
  std::optional<data::LabelSet> labels;
  if (arguments.label_names) labels = data::LabelSet(*arguments.label_names);
  const data::Split train = read_source(arguments.train, labels);
  if (!arguments.tune) {
    auto classifier = std::make_unique<model::FastTextClassifier>(arguments.fasttext);
    classifier->train(train, {});
    return classifier;
  }
  const data::Split dev = read_source(arguments.dev, train.labels);
  model::FastTextTuningOptions tuning;
  tuning.seconds = arguments.tuning_seconds;
  return std::move(model::tune_fasttext(train, dev, arguments.fasttext, tuning).model);
}

Model train(const py::dict& kwargs) {
  TrainArguments arguments;
  arguments.train = split_source(kwargs["texts"], kwargs["labels"], kwargs["data"], "train");
  arguments.dev = split_source(kwargs["dev_texts"], kwargs["dev_labels"], kwargs["dev_data"], "dev");
  arguments.label_names = strings_or_none(kwargs["label_names"]);
  arguments.tune = kwargs["tune"].cast<bool>();
  arguments.tuning_seconds = kwargs["tuning_seconds"].cast<double>();
  arguments.model_path = kwargs["model_path"].is_none() ? "" : kwargs["model_path"].cast<std::string>();
  model::FastTextOptions& ft = arguments.fasttext;
  ft.seed = kwargs["seed"].cast<int>();
  ft.epochs = kwargs["epochs"].cast<int>();
  ft.learning_rate = kwargs["lr"].cast<double>();
  ft.dimension = kwargs["dim"].cast<int>();
  ft.word_ngrams = kwargs["word_ngrams"].cast<int>();
  ft.min_char_ngram = kwargs["minn"].cast<int>();
  ft.max_char_ngram = kwargs["maxn"].cast<int>();
  ft.threads = kwargs["threads"].cast<int>();
  std::shared_ptr<model::Classifier> classifier = without_gil(nullptr, [&] {
    auto trained = train_fasttext(arguments);
    if (!arguments.model_path.empty()) trained->save(arguments.model_path);
    return trained;
  });
  return Model{std::move(classifier), arguments.model_path};
}

}  // namespace

SplitSource split_source(const py::object& texts, const py::object& labels, const py::object& data,
                         const std::string& split) {
  SplitSource source;
  source.texts = strings_or_none(texts);
  source.labels = strings_or_none(labels);
  if (!data.is_none()) source.data = py::str(data).cast<std::string>();
  source.split = split;
  return source;
}

void bind_model(py::module_& module) {
  py::class_<Model>(module, "Model", "A classifier blindspot can query (see blindspot.Model)")
      .def_property_readonly("labels", [](const Model& m) { return m.classifier->labels().names(); })
      .def_property_readonly("kind", [](const Model& m) { return m.classifier->kind(); })
      .def_property_readonly("path", [](const Model& m) -> py::object {
        return m.path.empty() ? py::object(py::none()) : py::object(py::str(m.path));
      })
      .def_property_readonly("identity", [](const Model& m) { return identity_dict(*m.classifier); })
      .def(
          "predict_proba",
          [](const Model& m, const std::vector<std::string>& texts) {
            return without_gil(m.classifier.get(), [&] { return m.classifier->predict_batch(texts, 0); });
          },
          py::arg("texts"))
      .def(
          "save",
          [](const Model& m, const std::string& file) {
            without_gil(m.classifier.get(), [&] {
              m.classifier->save(file);
              return 0;
            });
          },
          py::arg("path"));
  module.def("open_model", &open_model, py::arg("spec"), py::arg("batch_size"), py::arg("labels"),
             py::arg("timeout_seconds"));
  module.def("wrap", &wrap, py::arg("predict_proba"), py::arg("labels"), py::arg("batch_size"), py::arg("name"));
  module.def("train", &train, py::arg("kwargs"));
}

}  // namespace blindspot::python
