#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::discover {

// Stores every prediction and every UU of a scan under `run_id` (tables `predictions` and
// `uus`, docs/store.md) in one transaction.
void record_scan(store::Database& db, std::int64_t run_id, const data::Split& split, const ScanResult& result);

struct StoredUuCount {
  std::string split;
  std::string kind;  // "natural", "adversarial"
  std::int64_t count = 0;
};
// UUs stored under `run_id`, counted per split and kind.
std::vector<StoredUuCount> stored_uu_counts(store::Database& db, std::int64_t run_id);

}  // namespace blindspot::discover
