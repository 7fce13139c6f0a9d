#pragma once

#include "conversions.hpp"
#include "python_classifier.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/model/classifier.hpp"

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>

// The functions of blindspot._native, one file per group, each filling the library's options,
// calling it with the GIL released and returning plain Python objects. blindspot/__init__.py
// is the documented front.
namespace blindspot::python {

// A model as Python holds it (blindspot.Model): shared, so that an operation running without the
// GIL keeps it alive whatever Python does with its object meanwhile.
struct Model {
  std::shared_ptr<model::Classifier> classifier;
  std::string path;  // the model file, for models blindspot trained or loaded from a file
};

// Runs `work` (library calls only: no Python object may be touched) with the GIL released. When
// it fails because a Python model's predict_proba raised, that Python exception is raised instead.
template <typename Work>
auto without_gil(const model::Classifier* classifier, Work&& work) {
  try {
    pybind11::gil_scoped_release release;
    return work();
  } catch (const core::Error&) {
    // The GIL is held again here (the release ended with the try block).
    if (const auto* python_model = dynamic_cast<const PythonClassifier*>(classifier)) {
      if (auto python_error = python_model->take_python_error()) throw std::move(*python_error);
    }
    throw;
  }
}

// The split of `texts`/`labels` or `data`/`split` with the model's labels.
SplitSource split_source(const pybind11::object& texts, const pybind11::object& labels, const pybind11::object& data,
                         const std::string& split);

void bind_model(pybind11::module_& module);
void bind_discover(pybind11::module_& module);
void bind_teach(pybind11::module_& module);
void bind_loop(pybind11::module_& module);

}  // namespace blindspot::python
