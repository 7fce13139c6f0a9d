#pragma once
// Private to src/loop: reading back the JSONL files the loop's steps wrote.

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/line_reader.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

namespace blindspot::loop::detail {

// Every non-empty line of `file`, parsed (a missing file gives none: a step that found no UUs
// writes none).
inline std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file) {
  std::vector<nlohmann::json> lines;
  if (!std::filesystem::exists(file)) return lines;
  const std::string content = core::read_file(file);
  core::LineReader reader(content);
  while (const auto line = reader.next()) {
    if (!line->empty()) lines.push_back(nlohmann::json::parse(*line));
  }
  return lines;
}

}  // namespace blindspot::loop::detail
