#include "blindspot/discover/attack/attack_records.hpp"

#include "blindspot/discover/attack/attack_output.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::discover {

void record_attacks(store::Database& db, std::int64_t run_id, const data::Split& split, const AttackRun& run) {
  const auto label = [&](int index) { return split.labels.name(static_cast<std::size_t>(index)); };
  db.transaction([&] {
    auto insert_attack = db.prepare(
        "INSERT OR REPLACE INTO attacks (run_id, split, row_index, recipe, outcome, true_label, final_label, "
        "final_confidence, queries, levenshtein, original_text, perturbed_text, marked_text, "
        "original_probabilities, final_probabilities, edits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    auto insert_uu = db.prepare(
        "INSERT OR REPLACE INTO uus (run_id, split, row_index, line, kind, text, true_label, predicted_label, "
        "confidence, probabilities) VALUES (?, ?, ?, ?, 'adversarial', ?, ?, ?, ?, ?)");
    for (const AttackResult& result : run.results) {
      const std::string& original = split.examples.at(result.row).text;
      const std::string final_probabilities = nlohmann::json(result.final_probabilities).dump();
      insert_attack.reset();
      insert_attack.bind(1, run_id)
          .bind(2, split.name)
          .bind(3, static_cast<std::int64_t>(result.row))
          .bind(4, run.recipe)
          .bind(5, to_string(result.outcome))
          .bind(6, label(result.true_label))
          .bind(7, label(result.final_label))
          .bind(8, result.final_confidence)
          .bind(9, static_cast<std::int64_t>(result.queries))
          .bind(10, static_cast<std::int64_t>(result.levenshtein))
          .bind(11, original)
          .bind(12, result.perturbed_text)
          .bind(13, mark_perturbed(original, result.edits))
          .bind(14, nlohmann::json(result.original_probabilities).dump())
          .bind(15, final_probabilities)
          .bind(16, edits_json(result.edits));
      insert_attack.run();
      if (!result.is_uu()) continue;
      insert_uu.reset();
      insert_uu.bind(1, run_id)
          .bind(2, split.name)
          .bind(3, static_cast<std::int64_t>(result.row))
          .bind(4, result.line)
          .bind(5, result.perturbed_text)
          .bind(6, label(result.true_label))
          .bind(7, label(result.final_label))
          .bind(8, result.final_confidence)
          .bind(9, final_probabilities);
      insert_uu.run();
    }
  });
}

std::vector<StoredAttackCount> stored_attack_counts(store::Database& db, std::int64_t run_id) {
  auto query = db.prepare(
      "SELECT split, recipe, outcome, COUNT(*) FROM attacks WHERE run_id = ? GROUP BY split, recipe, outcome "
      "ORDER BY split, recipe, outcome");
  query.bind(1, run_id);
  std::vector<StoredAttackCount> counts;
  while (query.step()) {
    counts.push_back({query.column_text(0), query.column_text(1), query.column_text(2), query.column_int64(3)});
  }
  return counts;
}

}  // namespace blindspot::discover
