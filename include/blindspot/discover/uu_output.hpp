#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu_scan.hpp"

#include <filesystem>

namespace blindspot::discover {

// Writes the UUs of `result` (examples of `split`) as JSON Lines, one object per UU:
// {"split","row","line","text","true_label","predicted_label","confidence","probabilities":{label: p}}.
// The file is replaced atomically.
void write_uus_jsonl(const std::filesystem::path& file, const data::Split& split, const ScanResult& result);

// The same as CSV with header text,true_label,predicted_label,confidence,line,p_<label>...
void write_uus_csv(const std::filesystem::path& file, const data::Split& split, const ScanResult& result);

}  // namespace blindspot::discover
