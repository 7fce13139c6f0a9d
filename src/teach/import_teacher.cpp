#include "blindspot/teach/import_teacher.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::teach {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;

// Removes and returns the value of column `name` from the record's other fields.
std::string take_field(data::Record& record, const std::string& name) {
  for (auto it = record.other_fields.begin(); it != record.other_fields.end(); ++it) {
    if (it->first == name) {
      std::string value = std::move(it->second);
      record.other_fields.erase(it);
      return value;
    }
  }
  return {};
}

std::string provenance_of(const std::filesystem::path& file, const std::string& hash, const data::Record& record) {
  nlohmann::ordered_json provenance = {{"file", file.string()}, {"sha256", hash}, {"line", record.line}};
  for (const auto& [name, value] : record.other_fields) provenance["columns"][name] = value;
  return provenance.dump();
}

std::string teacher_name(const std::filesystem::path& hypotheses_file, const std::filesystem::path& samples_file) {
  std::string name = "import:";
  if (!hypotheses_file.empty()) name += hypotheses_file.filename().string();
  if (!hypotheses_file.empty() && !samples_file.empty()) name += "+";
  if (!samples_file.empty()) name += samples_file.filename().string();
  return name;
}

}  // namespace

ImportTeacher::ImportTeacher(const std::filesystem::path& hypotheses_file, const std::filesystem::path& samples_file)
    : source_(teacher_name(hypotheses_file, samples_file)) {
  if (hypotheses_file.empty() && samples_file.empty()) {
    throw Error(ErrorKind::usage, "the import teacher needs a hypotheses file, a samples file or both");
  }
  if (!hypotheses_file.empty()) {
    data::ReadOptions options;
    options.text_column = "hypothesis";
    options.label_column = "label";
    options.label_optional = true;
    options.keep_other_fields = true;
    const std::string hash = core::sha256_file(hypotheses_file);
    for (data::Record record : data::read_records(hypotheses_file, options)) {
      Hypothesis h;
      h.task = take_field(record, "task");
      if (h.task.empty()) h.task = kAbstraction;
      if (h.task != kAbstraction && h.task != kExtrapolation) {
        throw Error(ErrorKind::bad_input, "task must be \"abstraction\" or \"extrapolation\", got \"" + h.task + "\"",
                    InputLocation{hypotheses_file, record.line, "task"});
      }
      h.id = take_field(record, "id");
      if (h.id.empty()) h.id = "I:" + hypotheses_file.stem().string() + ":" + std::to_string(record.line);
      h.uu_id = take_field(record, "uu_id");
      h.reasoning = take_field(record, "reasoning");
      h.text = std::move(record.text);
      h.teacher = source_;
      h.provenance_json = provenance_of(hypotheses_file, hash, record);
      hypotheses_.push_back(std::move(h));
    }
  }
  if (!samples_file.empty()) {
    data::ReadOptions options;
    options.keep_other_fields = true;
    const std::string hash = core::sha256_file(samples_file);
    for (data::Record record : data::read_records(samples_file, options)) {
      Sample s;
      s.id = take_field(record, "id");
      if (s.id.empty()) s.id = "I:" + samples_file.stem().string() + ":" + std::to_string(record.line);
      s.hypothesis_id = take_field(record, "hypothesis_id");
      s.reasoning = take_field(record, "reasoning");
      s.text = std::move(record.text);
      s.label = std::move(record.label);
      s.teacher = source_;
      s.provenance_json = provenance_of(samples_file, hash, record);
      samples_.push_back(std::move(s));
    }
  }
}

std::string ImportTeacher::name() const { return source_; }

std::vector<Hypothesis> ImportTeacher::abstract(const std::vector<discover::Uu>&) {
  std::vector<Hypothesis> out;
  for (const Hypothesis& h : hypotheses_) {
    if (h.task == kAbstraction) out.push_back(h);
  }
  return out;
}

std::vector<Hypothesis> ImportTeacher::extrapolate(const std::vector<discover::Uu>&, const std::vector<Hypothesis>&) {
  std::vector<Hypothesis> out;
  for (const Hypothesis& h : hypotheses_) {
    if (h.task == kExtrapolation) out.push_back(h);
  }
  return out;
}

std::vector<Sample> ImportTeacher::generate(const std::vector<Hypothesis>&, int) { return samples_; }

}  // namespace blindspot::teach
