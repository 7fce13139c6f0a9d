#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::discover {

// Stores every attack of `run` under `run_id` (table `attacks`, docs/store.md; skipped examples
// included) and every adversarial UU in table `uus` (kind 'adversarial', text = the perturbed
// text, predicted_label/confidence/probabilities = the final prediction), in one transaction.
// Rows already stored for the same run, split, row and recipe (or kind) are replaced.
void record_attacks(store::Database& db, std::int64_t run_id, const data::Split& split, const AttackRun& run);

struct StoredAttackCount {
  std::string split;
  std::string recipe;
  std::string outcome;
  std::int64_t count = 0;
};
// Attacks stored under `run_id`, counted per split, recipe and outcome (sorted by those).
std::vector<StoredAttackCount> stored_attack_counts(store::Database& db, std::int64_t run_id);

}  // namespace blindspot::discover
