#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/attack/attack.hpp"

#include <filesystem>
#include <string>

namespace blindspot::discover {

// One attack as a JSON object (one line, no trailing newline):
// {"split","row","line","recipe","goal","outcome","true_label","final_label","final_confidence",
//  "queries","levenshtein","original_text","perturbed_text","marked_original","marked_text",
//  "original_probabilities":{label: p},"final_probabilities":{label: p},
//  "edits":[{"word_index","offset","original","replacement","operation"}]}
// `result` must be an attack on a row of `split`.
std::string attack_json(const data::Split& split, const AttackRun& run, const AttackResult& result);

// The edits as a JSON array (the "edits" member above).
std::string edits_json(const std::vector<AppliedEdit>& edits);

// Every attack of `run` (skipped examples included, with their outcome), one attack_json()
// object per line. The file is replaced atomically.
void write_attacks_jsonl(const std::filesystem::path& file, const data::Split& split, const AttackRun& run);

// The same as CSV with header
// row,line,recipe,outcome,true_label,final_label,final_confidence,queries,levenshtein,edit_count,
// original_text,perturbed_text,marked_text,edits,p_original_<label>...,p_final_<label>...
// (`edits` holds the JSON array). The file is replaced atomically.
void write_attacks_csv(const std::filesystem::path& file, const data::Split& split, const AttackRun& run);

}  // namespace blindspot::discover
