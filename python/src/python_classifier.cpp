#include "python_classifier.hpp"

#include "blindspot/core/error.hpp"

#include <fmt/core.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace blindspot::python {

namespace py = pybind11;
using core::Error;
using core::ErrorKind;

namespace {

// As RemoteClassifier's check of an adapter's reply: a row must sum to 1 within this.
constexpr double kSumTolerance = 1e-3;

}  // namespace

PythonClassifier::PythonClassifier(py::object predict_proba, data::LabelSet labels, std::size_t batch_size,
                                   model::ModelIdentity identity)
    : predict_proba_(std::move(predict_proba)),
      labels_(std::move(labels)),
      batch_size_(batch_size),
      identity_(std::move(identity)) {
  if (batch_size_ == 0) throw Error(ErrorKind::usage, "batch_size must be at least 1");
  if (labels_.size() < 2) {
    throw Error(ErrorKind::usage, "a model needs at least 2 labels, got " + std::to_string(labels_.size()) +
                                      (labels_.empty() ? "" : " (" + labels_.joined() + ")"));
  }
}

PythonClassifier::~PythonClassifier() = default;

std::string PythonClassifier::options_json() const { return fmt::format("{{\"batch_size\":{}}}", batch_size_); }

void PythonClassifier::train(const data::Split& /*train*/, const core::ProgressCallback& /*progress*/) {
  throw Error(ErrorKind::usage, identity_.source +
                                    ": blindspot does not train a Python model; train it in Python and wrap it again");
}

void PythonClassifier::save(const std::filesystem::path& /*file*/) const {
  throw Error(ErrorKind::usage, identity_.source + ": a Python model is saved by its own library (pickle, joblib)");
}

void PythonClassifier::load(const std::filesystem::path& /*file*/) {
  throw Error(ErrorKind::usage, identity_.source + ": a Python model is loaded by its own library (pickle, joblib)");
}

model::Probabilities PythonClassifier::probabilities(std::string_view text) const {
  return predict_batch({std::string(text)}, 1).front();
}

std::vector<model::Probabilities> PythonClassifier::predict_batch(const std::vector<std::string>& texts,
                                                                  int /*threads*/) const {
  std::vector<model::Probabilities> rows;
  rows.reserve(texts.size());
  for (std::size_t begin = 0; begin < texts.size(); begin += batch_size_) {
    const auto end = begin + std::min(batch_size_, texts.size() - begin);
    const std::vector<std::string> chunk(texts.begin() + static_cast<std::ptrdiff_t>(begin),
                                         texts.begin() + static_cast<std::ptrdiff_t>(end));
    auto chunk_rows = predict_chunk(chunk);
    std::move(chunk_rows.begin(), chunk_rows.end(), std::back_inserter(rows));
  }
  return rows;
}

// One call of the callable, holding the GIL only for the call and the conversion of its reply.
std::vector<model::Probabilities> PythonClassifier::predict_chunk(const std::vector<std::string>& texts) const {
  // The call lock before the GIL: a thread waiting for its turn must not hold the GIL, which the
  // running call needs back after any part of it that releases the GIL (numpy, torch, sleep).
  const std::lock_guard turn(call_mutex_);
  py::gil_scoped_acquire gil;
  try {
    py::object reply = predict_proba_(py::cast(texts));
    // numpy arrays and torch tensors become nested lists of Python floats (exact doubles).
    if (py::hasattr(reply, "tolist")) reply = reply.attr("tolist")();
    if (!py::isinstance<py::sequence>(reply) || py::isinstance<py::str>(reply)) {
      fail("returned " + std::string(py::str(py::type::handle_of(reply).attr("__name__"))) +
           ", not a sequence of probability rows");
    }
    const auto rows = py::reinterpret_borrow<py::sequence>(reply);
    if (rows.size() != texts.size()) fail(fmt::format("returned {} rows for {} texts", rows.size(), texts.size()));
    std::vector<model::Probabilities> result;
    result.reserve(texts.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto row = rows[i].cast<std::vector<double>>();
      if (row.size() != labels_.size()) {
        fail(fmt::format("row {} has {} probabilities for {} labels ({})", i, row.size(), labels_.size(),
                         labels_.joined()));
      }
      double sum = 0;
      for (const double p : row) {
        if (!std::isfinite(p)) fail(fmt::format("row {} holds {} (not a finite number)", i, p));
        if (p < 0) fail(fmt::format("row {} holds a negative probability {}", i, p));
        sum += p;
      }
      if (std::abs(sum - 1.0) > kSumTolerance) fail(fmt::format("row {} sums to {} (not 1 within 1e-3)", i, sum));
      result.push_back(std::move(row));
    }
    return result;
  } catch (py::error_already_set& error) {
    const std::string what = error.what();
    {
      const std::lock_guard lock(error_mutex_);
      if (!python_error_) python_error_.emplace(std::move(error));
    }
    throw Error(ErrorKind::remote, identity_.source + ": predict_proba raised " + what);
  } catch (const py::cast_error& error) {
    fail(std::string("returned a row that is not a sequence of numbers (") + error.what() + ")");
  }
}

void PythonClassifier::fail(const std::string& what) const {
  throw Error(ErrorKind::remote, identity_.source + ": predict_proba " + what);
}

std::optional<py::error_already_set> PythonClassifier::take_python_error() const {
  const std::lock_guard lock(error_mutex_);
  auto error = std::move(python_error_);
  python_error_.reset();
  return error;
}

}  // namespace blindspot::python
