#pragma once

#include "blindspot/data/label_set.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::teach {

// An annotation campaign of human teachers (docs/web.md): the UUs annotators are shown, in
// serving order, and the task's labels. A campaign is identified by a run id: the scan, attack or
// eval run whose stored UUs are annotated (`serve --run RUN`), or the `serve` run that imported a
// UU file (`serve --uus FILE`). Its UUs are a snapshot in the store (campaign_uus), so what
// annotators saw stays known even if the source changes.
struct Campaign {
  std::int64_t run_id = 0;
  data::LabelSet labels;
  std::vector<discover::Uu> uus;
  std::string source_json = "{}";  // {"run":N} or {"file":..,"sha256":..}
};

// Throws Error{bad_input} if any UU comes from the test split ("test:<row>:..."): teachers,
// humans included, never see test.
void check_no_test_uus(const std::vector<discover::Uu>& uus);

// Stores a campaign under `campaign.run_id` (a run that exists). Throws Error{bad_input} for test
// UUs, an empty UU list, a UU whose label is outside the labels, or a run that already holds one.
void create_campaign(store::Database& db, const Campaign& campaign);
// nullopt if the run holds no campaign. Throws Error{bad_input} if its UUs are on test.
std::optional<Campaign> load_campaign(store::Database& db, std::int64_t run_id);

// A UU as one JSON object (the campaign snapshot's format) and back; uu_from_json throws
// Error{bad_input} naming the field for malformed input.
std::string uu_to_json(const discover::Uu& uu);
discover::Uu uu_from_json(const std::string& json);

}  // namespace blindspot::teach
