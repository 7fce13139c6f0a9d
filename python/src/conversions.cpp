#include "conversions.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/core/utf8.hpp"
#include "blindspot/data/dataset_reader.hpp"

#include <pybind11/stl.h>

#include <algorithm>
#include <numeric>

namespace blindspot::python {

namespace py = pybind11;
using core::Error;
using core::ErrorKind;
using core::InputLocation;

namespace {

data::Split split_from_lists(const SplitSource& source, const std::optional<data::LabelSet>& labels) {
  const auto& texts = *source.texts;
  const auto& names = *source.labels;
  if (texts.size() != names.size()) {
    throw Error(ErrorKind::usage, "texts and labels differ in length: " + std::to_string(texts.size()) + " texts, " +
                                      std::to_string(names.size()) + " labels");
  }
  std::vector<data::Record> records;
  records.reserve(texts.size());
  std::string hashed;  // the content hash covers texts and labels, as a file's covers its bytes
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto position = static_cast<std::int64_t>(i + 1);
    if (core::is_blank_text(texts[i])) throw Error(ErrorKind::bad_input, "text is empty", InputLocation{kListSource, position, "text"});
    if (names[i].empty()) throw Error(ErrorKind::bad_input, "label is empty", InputLocation{kListSource, position, "label"});
    records.push_back({texts[i], names[i], position});
    hashed.append(texts[i]).push_back('\0');
    hashed.append(names[i]).push_back('\n');
  }
  std::vector<std::string> distinct = names;
  const data::LabelSet label_set = labels ? *labels : data::LabelSet::sorted_from(distinct);
  data::Split split = data::make_split(source.split, kListSource, records, label_set);
  split.content_hash = core::sha256_hex(hashed);
  return split;
}

py::dict probabilities_dict(const model::Probabilities& probabilities, const data::LabelSet& labels) {
  py::dict out;
  for (std::size_t i = 0; i < probabilities.size() && i < labels.size(); ++i) out[py::str(labels.name(i))] = probabilities[i];
  return out;
}

// Most confident first; a stable sort keeps split order among equals.
py::list by_confidence(std::vector<py::dict> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const py::dict& a, const py::dict& b) {
    return a["confidence"].cast<double>() > b["confidence"].cast<double>();
  });
  py::list out;
  for (auto& row : rows) out.append(std::move(row));
  return out;
}

// The value of `key` in a UU dict, or nullopt when absent or None.
std::optional<py::object> member(const py::dict& item, const char* key) {
  if (!item.contains(key)) return std::nullopt;
  py::object value = item[key];
  if (value.is_none()) return std::nullopt;
  return value;
}

}  // namespace

data::Split read_source(const SplitSource& source, const std::optional<data::LabelSet>& labels) {
  const bool lists = source.texts || source.labels;
  if (lists == source.data.has_value()) {
    throw Error(ErrorKind::usage, lists ? "give either texts and labels or data, not both"
                                        : "give the data: texts and labels (lists), or data (a file or dataset folder)");
  }
  if (lists) {
    if (!source.texts || !source.labels) throw Error(ErrorKind::usage, "texts and labels go together: give both");
    return split_from_lists(source, labels);
  }
  const auto file = data::resolve_split_file(*source.data, source.split);
  data::Split split = labels ? data::read_split(file, *labels) : data::read_training_split(file, std::nullopt);
  if (std::filesystem::is_directory(*source.data)) split.name = source.split;
  return split;
}

py::dict uu_dict(const discover::Uu& uu, std::optional<std::size_t> row, std::optional<std::int64_t> line,
                 const std::optional<model::Probabilities>& probabilities, const data::LabelSet& labels) {
  py::list edits;
  for (const auto& edit : uu.edits) {
    edits.append(py::dict(py::arg("original") = edit.original, py::arg("replacement") = edit.replacement,
                          py::arg("operation") = edit.operation));
  }
  py::dict out;
  out["id"] = uu.id;
  out["kind"] = discover::to_string(uu.kind);
  out["row"] = row ? py::object(py::int_(*row)) : py::none();
  out["line"] = line ? py::object(py::int_(*line)) : py::none();
  out["text"] = uu.text;
  out["true_label"] = uu.true_label;
  out["predicted_label"] = uu.predicted_label;
  out["confidence"] = uu.confidence;
  out["probabilities"] = probabilities ? py::object(probabilities_dict(*probabilities, labels)) : py::none();
  out["original_text"] = uu.original_text;
  out["marked_text"] = uu.marked_text;
  out["edits"] = edits;
  out["blind_spot"] = uu.blind_spot;
  out["label_issue"] = uu.label_issue;
  out["label_quality"] = uu.label_quality;
  return out;
}

py::list natural_uus(const data::Split& split, const discover::ScanResult& result) {
  std::vector<py::dict> rows;
  for (const std::size_t index : result.uus) {
    const discover::ScoredExample& scored = result.scored[index];
    discover::Uu uu;
    uu.id = split.name + ":" + std::to_string(scored.row) + ":natural";
    uu.text = split.examples[scored.row].text;
    uu.true_label = split.labels.name(static_cast<std::size_t>(scored.true_label));
    uu.predicted_label = split.labels.name(static_cast<std::size_t>(scored.predicted_label));
    uu.confidence = scored.confidence;
    if (result.label_issues_estimated) {
      uu.label_issue = scored.label_issue;
      uu.label_quality = scored.label_quality;
    }
    rows.push_back(uu_dict(uu, scored.row, scored.line, scored.probabilities, split.labels));
  }
  return by_confidence(std::move(rows));
}

py::list adversarial_uus(const data::Split& split, const discover::AttackRun& run) {
  std::vector<py::dict> rows;
  for (const discover::AttackResult& result : run.results) {
    if (!result.is_uu()) continue;
    const std::string& original = split.examples[result.row].text;
    discover::Uu uu;
    uu.id = split.name + ":" + std::to_string(result.row) + ":" + run.recipe;
    uu.kind = discover::UuKind::adversarial;
    uu.text = result.perturbed_text;
    uu.original_text = original;
    uu.marked_text = discover::mark_perturbed(original, result.edits);
    for (const auto& edit : result.edits) {
      uu.edits.push_back({edit.original, edit.replacement, discover::to_string(edit.operation)});
    }
    uu.true_label = split.labels.name(static_cast<std::size_t>(result.true_label));
    uu.predicted_label = split.labels.name(static_cast<std::size_t>(result.final_label));
    uu.confidence = result.final_confidence;
    rows.push_back(uu_dict(uu, result.row, result.line, result.final_probabilities, split.labels));
  }
  return by_confidence(std::move(rows));
}

discover::Uu uu_from_dict(const py::handle& handle, std::int64_t position, const data::LabelSet& labels) {
  const auto where = [position](const char* key) { return InputLocation{kListSource, position, key}; };
  if (!py::isinstance<py::dict>(handle)) throw Error(ErrorKind::bad_input, "a UU must be a dict", where(""));
  const auto item = py::reinterpret_borrow<py::dict>(handle);
  const auto required = [&](const char* key) {
    auto value = member(item, key);
    if (!value) throw Error(ErrorKind::bad_input, "key is missing", where(key));
    return *value;
  };
  const auto text_of = [&](const char* key, bool needed) -> std::string {
    const auto value = needed ? std::optional<py::object>(required(key)) : member(item, key);
    if (!value) return {};
    if (!py::isinstance<py::str>(*value)) throw Error(ErrorKind::bad_input, "must be a str", where(key));
    return value->cast<std::string>();
  };
  discover::Uu uu;
  uu.id = text_of("id", true);
  uu.text = text_of("text", true);
  if (core::is_blank_text(uu.text)) throw Error(ErrorKind::bad_input, "text is empty", where("text"));
  for (const auto& [key, label] : {std::pair{"true_label", &uu.true_label}, std::pair{"predicted_label", &uu.predicted_label}}) {
    *label = text_of(key, true);
    if (!labels.index_of(*label)) {
      throw Error(ErrorKind::bad_input, "unknown label \"" + *label + "\" (labels: " + labels.joined() + ")", where(key));
    }
  }
  try {
    uu.confidence = required("confidence").cast<double>();
    if (text_of("kind", false) == "adversarial") uu.kind = discover::UuKind::adversarial;
    uu.original_text = text_of("original_text", false);
    uu.marked_text = text_of("marked_text", false);
    if (auto edits = member(item, "edits")) {
      for (const auto& edit : *edits) {
        uu.edits.push_back({edit["original"].cast<std::string>(), edit["replacement"].cast<std::string>(),
                            edit["operation"].cast<std::string>()});
      }
    }
    if (auto spot = member(item, "blind_spot")) uu.blind_spot = spot->cast<int>();
    if (auto issue = member(item, "label_issue")) uu.label_issue = issue->cast<bool>();
    if (auto quality = member(item, "label_quality")) uu.label_quality = quality->cast<double>();
  } catch (const py::error_already_set& error) {
    throw Error(ErrorKind::bad_input, std::string("malformed UU: ") + error.what(), where(""));
  } catch (const py::cast_error& error) {
    throw Error(ErrorKind::bad_input, std::string("malformed UU: ") + error.what(), where(""));
  }
  if (!(uu.confidence >= 0 && uu.confidence <= 1)) {
    throw Error(ErrorKind::bad_input, "must be a probability in [0, 1]", where("confidence"));
  }
  return uu;
}

py::dict hypothesis_dict(const teach::Hypothesis& h) {
  return py::dict(py::arg("id") = h.id, py::arg("task") = h.task, py::arg("uu_id") = h.uu_id,
                  py::arg("parent_id") = h.parent_id, py::arg("blind_spot") = h.blind_spot, py::arg("text") = h.text,
                  py::arg("reasoning") = h.reasoning, py::arg("teacher") = h.teacher,
                  py::arg("prompt_version") = h.prompt_version, py::arg("details") = h.details_json,
                  py::arg("provenance") = h.provenance_json);
}

py::dict sample_dict(const teach::Sample& s) {
  return py::dict(py::arg("id") = s.id, py::arg("hypothesis_id") = s.hypothesis_id, py::arg("text") = s.text,
                  py::arg("label") = s.label, py::arg("accepted") = s.accepted, py::arg("rejection") = s.rejection,
                  py::arg("rejection_detail") = s.rejection_detail, py::arg("reasoning") = s.reasoning,
                  py::arg("teacher") = s.teacher, py::arg("prompt_version") = s.prompt_version,
                  py::arg("provenance") = s.provenance_json);
}

}  // namespace blindspot::python
