#pragma once
// Private to src/loop: the loop_steps table. A step counts as done only while every output file
// it recorded still has the recorded hash, so a deleted or replaced output makes it run again.

#include "blindspot/store/database.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace blindspot::loop::detail {

struct StepRecord {
  std::int64_t run_id = 0;
  nlohmann::json outputs;  // {"files": {name: {"path", "sha256"}}, ...values}
  double seconds = 0;
};

// The step's record if it is done and its files are intact.
std::optional<StepRecord> find_step(store::Database& db, const std::string& key, const std::string& step);

void record_step(store::Database& db, const std::string& key, const std::string& step, std::int64_t run_id,
                 const nlohmann::json& outputs, double seconds);

// {"path": file, "sha256": its hash}, for the "files" member of a step's outputs.
nlohmann::json file_entry(const std::filesystem::path& file);

}  // namespace blindspot::loop::detail
