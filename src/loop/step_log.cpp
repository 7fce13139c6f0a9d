#include "step_log.hpp"

#include "blindspot/core/sha256.hpp"
#include "blindspot/store/runs.hpp"

namespace blindspot::loop::detail {

std::optional<StepRecord> find_step(store::Database& db, const std::string& key, const std::string& step) {
  auto query = db.prepare("SELECT run_id, outputs, seconds FROM loop_steps WHERE loop_key = ? AND step = ?");
  query.bind(1, key).bind(2, step);
  if (!query.step()) return std::nullopt;
  StepRecord record{query.column_int64(0), nlohmann::json::parse(query.column_text(1)), query.column_double(2)};
  const auto files = record.outputs.find("files");
  if (files == record.outputs.end()) return record;
  for (const auto& file : *files) {
    const std::filesystem::path path = file.at("path").get<std::string>();
    if (!std::filesystem::exists(path) || core::sha256_file(path) != file.at("sha256").get<std::string>()) {
      return std::nullopt;
    }
  }
  return record;
}

void record_step(store::Database& db, const std::string& key, const std::string& step, std::int64_t run_id,
                 const nlohmann::json& outputs, double seconds) {
  db.prepare(
        "INSERT OR REPLACE INTO loop_steps (loop_key, step, run_id, outputs, seconds, finished_at) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, key)
      .bind(2, step)
      .bind(3, run_id)
      .bind(4, outputs.dump())
      .bind(5, seconds)
      .bind(6, store::utc_timestamp())
      .run();
}

nlohmann::json file_entry(const std::filesystem::path& file) {
  return {{"path", std::filesystem::absolute(file).string()}, {"sha256", core::sha256_file(file)}};
}

}  // namespace blindspot::loop::detail
