#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu_scan.hpp"

#include <filesystem>

namespace blindspot::discover {

// The order of the UUs in the files: a user reads the surest mistakes first; the loop keeps split
// order, on which its grouping and picks were measured.
enum class UuOrder { most_confident_first, split };

// Writes the UUs of `result` (examples of `split`) as JSON Lines, one object per UU:
// {"split","row","line","text","true_label","predicted_label","confidence","probabilities":{label: p}},
// plus "label_issue" (true/false) and "label_quality" when result.label_issues_estimated.
// The file is replaced atomically.
void write_uus_jsonl(const std::filesystem::path& file, const data::Split& split, const ScanResult& result,
                     UuOrder order = UuOrder::most_confident_first);

// The same as CSV with header text,true_label,predicted_label,confidence,line,p_<label>...
// (then label_issue,label_quality when estimated).
void write_uus_csv(const std::filesystem::path& file, const data::Split& split, const ScanResult& result,
                   UuOrder order = UuOrder::most_confident_first);

}  // namespace blindspot::discover
