#include "blindspot/discover/uu_records.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::discover {

void record_scan(store::Database& db, std::int64_t run_id, const data::Split& split, const ScanResult& result) {
  const auto label = [&](int index) { return split.labels.name(static_cast<std::size_t>(index)); };
  db.transaction([&] {
    auto insert_prediction = db.prepare(
        "INSERT OR REPLACE INTO predictions (run_id, split, row_index, line, true_label, predicted_label, "
        "confidence, probabilities) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const ScoredExample& scored : result.scored) {
      insert_prediction.reset();
      insert_prediction.bind(1, run_id)
          .bind(2, split.name)
          .bind(3, static_cast<std::int64_t>(scored.row))
          .bind(4, scored.line)
          .bind(5, label(scored.true_label))
          .bind(6, label(scored.predicted_label))
          .bind(7, scored.confidence)
          .bind(8, nlohmann::json(scored.probabilities).dump());
      insert_prediction.run();
    }
    auto insert_uu = db.prepare(
        "INSERT OR REPLACE INTO uus (run_id, split, row_index, line, kind, text, true_label, predicted_label, "
        "confidence, probabilities) VALUES (?, ?, ?, ?, 'natural', ?, ?, ?, ?, ?)");
    for (std::size_t index : result.uus) {
      const ScoredExample& scored = result.scored[index];
      insert_uu.reset();
      insert_uu.bind(1, run_id)
          .bind(2, split.name)
          .bind(3, static_cast<std::int64_t>(scored.row))
          .bind(4, scored.line)
          .bind(5, split.examples[scored.row].text)
          .bind(6, label(scored.true_label))
          .bind(7, label(scored.predicted_label))
          .bind(8, scored.confidence)
          .bind(9, nlohmann::json(scored.probabilities).dump());
      insert_uu.run();
    }
  });
}

std::vector<StoredUuCount> stored_uu_counts(store::Database& db, std::int64_t run_id) {
  auto query = db.prepare("SELECT split, kind, COUNT(*) FROM uus WHERE run_id = ? GROUP BY split, kind ORDER BY split, kind");
  query.bind(1, run_id);
  std::vector<StoredUuCount> counts;
  while (query.step()) counts.push_back({query.column_text(0), query.column_text(1), query.column_int64(2)});
  return counts;
}

}  // namespace blindspot::discover
