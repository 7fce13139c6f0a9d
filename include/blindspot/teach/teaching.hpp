#pragma once

#include "blindspot/discover/uu.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::teach {

// The three tasks of a teacher (BRIEF.md step 4).
inline constexpr const char* kAbstraction = "abstraction";
inline constexpr const char* kExtrapolation = "extrapolation";

// A pattern a teacher believes makes the model confidently wrong.
struct Hypothesis {
  std::string id;              // unique within a teach run, stable across reruns
  std::string task;            // kAbstraction or kExtrapolation
  std::string uu_id;           // the UU it was made from
  std::string parent_id;       // extrapolation: the abstraction it extends; else empty
  int blind_spot = -1;
  std::string text;            // the hypothesis, one or two sentences
  std::string reasoning;
  std::string teacher;         // "llm:<model>", "auto (baseline)", "import:<file>"
  std::string prompt_version;  // template version for llm, recipe version for auto, "" for import
  std::string details_json = "{}";     // machine-readable pattern (the automatic teacher's tokens, edits, labels)
  std::string provenance_json = "{}";  // where it came from (LLM call keys, source file and line, annotator)
};

// A labelled example a teacher wrote for a hypothesis, with the filters' verdict.
struct Sample {
  std::string id;              // unique within a teach run, stable across reruns
  std::string hypothesis_id;
  std::string text;
  std::string label;
  std::string reasoning;
  std::string teacher;
  std::string prompt_version;
  std::string provenance_json = "{}";
  bool accepted = true;
  std::string rejection;         // a reason code of filters.hpp when !accepted
  std::string rejection_detail;  // human-readable: which train line it duplicates, the length, ...
};

// An item a task could not be done for, and why.
struct TaskFailure {
  std::string task;     // "abstraction", "extrapolation", "generation", "verification"
  std::string item_id;  // the UU or hypothesis id
  std::string reason;
  // A rerun may succeed (the endpoint failed or the budget stopped it); false when the
  // teacher's reply itself was unusable.
  bool retryable = false;
};

// What a teacher's work cost in LLM tokens and USD. Replies served from the store count as they
// were paid when they were made, so a resumed run reports what its results cost.
struct TeachingCost {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double usd = 0;
  bool unpriced = false;  // some call's model has no price: usd is a lower bound
};

// A source of hypotheses and samples. Each call is a batch, so teachers that call a remote
// service can work on many items at once; results are aligned with the inputs. A teacher
// that cannot do a task for an item leaves it out (and says why in the result of the run).
class Teacher {
 public:
  virtual ~Teacher() = default;

  // "llm:<model>", "auto (baseline)", "import:<file>"
  virtual std::string name() const = 0;
  // True for the automatic (no-LLM) teacher, so every output can say it is a baseline.
  virtual bool is_baseline() const { return false; }

  // One abstraction hypothesis per UU (fewer if some failed).
  virtual std::vector<Hypothesis> abstract(const std::vector<discover::Uu>& uus) = 0;
  // One extrapolation per abstraction; `uus` holds the UU of each abstraction (by uu_id).
  virtual std::vector<Hypothesis> extrapolate(const std::vector<discover::Uu>& uus,
                                              const std::vector<Hypothesis>& abstractions) = 0;
  // `per_hypothesis` samples per hypothesis, unfiltered.
  virtual std::vector<Sample> generate(const std::vector<Hypothesis>& hypotheses, int per_hypothesis) = 0;

  // The items left out so far, with the reason.
  virtual std::vector<TaskFailure> failures() const { return {}; }
  // True once a spending limit stopped the teacher (later tasks then do nothing).
  virtual bool budget_reached() const { return false; }
  // The LLM cost of what this teacher did since it was made (zero for teachers without an LLM).
  virtual TeachingCost cost() const { return {}; }
};

}  // namespace blindspot::teach
