#pragma once

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/teach/teaching.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace blindspot::teach {

// Hypotheses and/or samples written elsewhere (a crowd platform's export, another tool),
// read from CSV, TSV or JSONL (docs/teach.md, "Imported teacher"):
//  - a hypotheses file has a column "hypothesis" and optionally "reasoning", "uu_id", "task"
//    ("abstraction" or "extrapolation"; default abstraction) and "id";
//  - a samples file has the columns "text" and "label" and optionally "reasoning",
//    "hypothesis_id" and "id".
// Every other column (worker id, time spent, ...) is kept in the provenance, with the file,
// its SHA-256 and the line. Labels are not checked here: the filters reject bad ones with a
// reason, as for every teacher.
class ImportTeacher : public Teacher {
 public:
  // Either file may be empty (not imported). Throws Error{bad_input} naming file and line for
  // malformed files, as the dataset readers do.
  ImportTeacher(const std::filesystem::path& hypotheses_file, const std::filesystem::path& samples_file);

  std::string name() const override;
  // The imported abstraction hypotheses, whichever UUs are given (they were written elsewhere).
  std::vector<Hypothesis> abstract(const std::vector<discover::Uu>& uus) override;
  // The imported extrapolation hypotheses.
  std::vector<Hypothesis> extrapolate(const std::vector<discover::Uu>& uus, const std::vector<Hypothesis>& abstractions) override;
  // Every imported sample, whatever `per_hypothesis` says.
  std::vector<Sample> generate(const std::vector<Hypothesis>& hypotheses, int per_hypothesis) override;

 private:
  std::string source_;
  std::vector<Hypothesis> hypotheses_;
  std::vector<Sample> samples_;
};

}  // namespace blindspot::teach
