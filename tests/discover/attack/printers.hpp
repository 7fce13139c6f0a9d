#pragma once

// Readable GoogleTest failure messages for the attack types (found by argument-dependent
// lookup, so they live in the types' namespace).

#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/wordnet.hpp"

#include <ostream>

namespace blindspot::discover {

inline void PrintTo(const Candidate& candidate, std::ostream* out) {
  *out << '{' << candidate.replacement << ", " << to_string(candidate.operation) << '}';
}

inline void PrintTo(const BaseForm& base, std::ostream* out) {
  *out << '{' << base.lemma << ", " << to_string(base.part_of_speech) << ", -" << base.removed_suffix << " +"
       << base.added_suffix << (base.irregular ? ", irregular" : "") << '}';
}

inline void PrintTo(const AppliedEdit& edit, std::ostream* out) {
  *out << '{' << edit.word_index << '@' << edit.offset << ' ' << edit.original << " -> " << edit.replacement << ' '
       << to_string(edit.operation) << '}';
}

inline void PrintTo(const AttackResult& result, std::ostream* out) {
  *out << "{row " << result.row << ", " << to_string(result.outcome) << ", label " << result.final_label << " at "
       << result.final_confidence << ", " << result.edits.size() << " edits, " << result.queries << " queries: \""
       << result.perturbed_text << "\"}";
}

}  // namespace blindspot::discover
