#include "blindspot/teach/campaign.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/annotations.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::teach {
namespace {

using core::Error;
using core::ErrorKind;
using nlohmann::json;

std::string split_of(const std::string& uu_id) { return uu_id.substr(0, uu_id.find(':')); }

}  // namespace

void check_no_test_uus(const std::vector<discover::Uu>& uus) {
  for (const discover::Uu& uu : uus) {
    if (split_of(uu.id) == "test") {
      throw Error(ErrorKind::bad_input, "UU " + uu.id +
                                            " is on the test split: teachers, humans included, never see test "
                                            "(annotate UUs of dev, e.g. `blindspot scan --split dev`)");
    }
  }
}

std::string uu_to_json(const discover::Uu& uu) {
  json edits = json::array();
  for (const discover::UuEdit& edit : uu.edits) {
    edits.push_back({{"original", edit.original}, {"replacement", edit.replacement}, {"operation", edit.operation}});
  }
  const nlohmann::ordered_json out = {{"id", uu.id},
                                      {"kind", to_string(uu.kind)},
                                      {"text", uu.text},
                                      {"original_text", uu.original_text},
                                      {"marked_text", uu.marked_text},
                                      {"edits", edits},
                                      {"true_label", uu.true_label},
                                      {"predicted_label", uu.predicted_label},
                                      {"confidence", uu.confidence},
                                      {"blind_spot", uu.blind_spot},
                                      {"label_issue", uu.label_issue},
                                      {"label_quality", uu.label_quality}};
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

discover::Uu uu_from_json(const std::string& text) {
  const json value = json::parse(text, nullptr, false);
  if (!value.is_object())
    throw Error(ErrorKind::bad_input, "a campaign UU is not a JSON object: " + text.substr(0, 80));
  try {
    discover::Uu uu;
    uu.id = value.at("id").get<std::string>();
    uu.kind = value.at("kind").get<std::string>() == "adversarial" ? discover::UuKind::adversarial
                                                                   : discover::UuKind::natural;
    uu.text = value.at("text").get<std::string>();
    uu.original_text = value.at("original_text").get<std::string>();
    uu.marked_text = value.at("marked_text").get<std::string>();
    for (const json& edit : value.at("edits")) {
      uu.edits.push_back({edit.at("original").get<std::string>(), edit.at("replacement").get<std::string>(),
                          edit.at("operation").get<std::string>()});
    }
    uu.true_label = value.at("true_label").get<std::string>();
    uu.predicted_label = value.at("predicted_label").get<std::string>();
    uu.confidence = value.at("confidence").get<double>();
    uu.blind_spot = value.at("blind_spot").get<int>();
    // Snapshots stored before label-issue triage (issue 14) have neither key.
    uu.label_issue = value.value("label_issue", false);
    uu.label_quality = value.value("label_quality", -1.0);
    return uu;
  } catch (const json::exception& error) {
    throw Error(ErrorKind::bad_input, std::string("malformed campaign UU: ") + error.what());
  }
}

void create_campaign(store::Database& db, const Campaign& campaign) {
  if (campaign.uus.empty()) throw Error(ErrorKind::bad_input, "a campaign needs at least one UU");
  check_no_test_uus(campaign.uus);
  std::vector<store::CampaignItem> items;
  items.reserve(campaign.uus.size());
  for (const discover::Uu& uu : campaign.uus) {
    for (const std::string* label : {&uu.true_label, &uu.predicted_label}) {
      if (!campaign.labels.index_of(*label)) {
        throw Error(ErrorKind::bad_input, "UU " + uu.id + " has label \"" + *label +
                                              "\", which is not one of the task's labels (" + campaign.labels.joined() +
                                              ")");
      }
    }
    items.push_back({uu.id, uu_to_json(uu)});
  }
  const std::string labels = json(campaign.labels.names()).dump();
  store::create_campaign(db, {campaign.run_id, labels, campaign.source_json, "", {}}, items);
}

std::optional<Campaign> load_campaign(store::Database& db, std::int64_t run_id) {
  const auto record = store::find_campaign(db, run_id);
  if (!record) return std::nullopt;
  Campaign campaign;
  campaign.run_id = run_id;
  campaign.source_json = record->source_json;
  campaign.labels = data::LabelSet(json::parse(record->labels_json).get<std::vector<std::string>>());
  for (const store::CampaignItem& item : store::list_campaign_items(db, run_id)) {
    campaign.uus.push_back(uu_from_json(item.uu_json));
  }
  check_no_test_uus(campaign.uus);
  return campaign;
}

}  // namespace blindspot::teach
