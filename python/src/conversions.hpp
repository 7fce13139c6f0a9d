#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/uu.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/teach/teaching.hpp"

#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <vector>

// Between the library's types and the plain Python objects of the module (dicts, lists, str).
namespace blindspot::python {

// The pseudo file name of data given as Python lists, in errors ("<list>:3: ...": the 3rd item).
inline constexpr const char* kListSource = "<list>";

// Where a split comes from: `texts` and `labels` (lists), or `data` (a file, or a dataset folder
// with `split`). Exactly one of the two must be given.
struct SplitSource {
  std::optional<std::vector<std::string>> texts;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::string> data;
  std::string split = "dev";
};

// The split with its labels resolved against `labels`; nullopt labels: the sorted distinct labels
// of the data (a training split). Throws Error{usage} for a missing or doubled source or lists of
// different lengths, Error{bad_input} for an empty text or an unknown label (file "<list>", line:
// the 1-based position), and what the readers throw for files.
data::Split read_source(const SplitSource& source, const std::optional<data::LabelSet>& labels);

// A UU as a dict: id, kind, row, line, text, true_label, predicted_label, confidence,
// probabilities ({label: p}), original_text, marked_text, edits, blind_spot, label_issue,
// label_quality. `row`, `line` and `probabilities` are None when unknown.
pybind11::dict uu_dict(const discover::Uu& uu, std::optional<std::size_t> row, std::optional<std::int64_t> line,
                       const std::optional<model::Probabilities>& probabilities, const data::LabelSet& labels);
// The natural UUs of a scan, most confident first (ties: split order).
pybind11::list natural_uus(const data::Split& split, const discover::ScanResult& result);
// The adversarial UUs of an attack run (its succeeded attacks), most confident first.
pybind11::list adversarial_uus(const data::Split& split, const discover::AttackRun& run);
// A UU from a dict as uu_dict() makes it (only id, text, true_label, predicted_label and
// confidence are required). Throws Error{bad_input} naming the item ("<list>", its 1-based
// position, the key) for a missing or mistyped key or a label outside `labels`.
discover::Uu uu_from_dict(const pybind11::handle& item, std::int64_t position, const data::LabelSet& labels);

pybind11::dict hypothesis_dict(const teach::Hypothesis& hypothesis);
pybind11::dict sample_dict(const teach::Sample& sample);

}  // namespace blindspot::python
