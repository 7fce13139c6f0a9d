#pragma once
// Private to src/loop: reading back the JSONL files the loop's steps wrote.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace blindspot::loop::detail {

// Every non-empty line of `file`, parsed (a missing file gives none: a step
// that found no UUs writes none).
inline std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

}  // namespace blindspot::loop::detail
