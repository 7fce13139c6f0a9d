#include "blindspot/teach/human_teacher.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/teach/campaign.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace blindspot::teach {
namespace {

using core::Error;
using core::ErrorKind;
using nlohmann::json;
using nlohmann::ordered_json;

ordered_json provenance(std::int64_t run, const store::SubmissionRecord& s,
                        const std::optional<std::string>& familiarity) {
  return {{"campaign", run},
          {"annotator", s.annotator_id},
          {"assignment", s.assignment_id},
          {"familiarity", familiarity ? json::parse(*familiarity, nullptr, false) : json(nullptr)},
          {"active_seconds",
           {{"abstraction", s.abstraction_seconds},
            {"extrapolation", s.extrapolation_seconds},
            {"generation", s.generation_seconds},
            {"total", s.active_seconds}}},
          {"submitted_at", s.submitted_at.value_or("")}};
}

json parse_samples(const store::SubmissionRecord& s) {
  json samples = json::parse(s.samples_json, nullptr, false);
  return samples.is_array() ? samples : json::array();
}

std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

HumanTeacher::HumanTeacher(store::Database& db, std::int64_t campaign_run) : run_(campaign_run) {
  const auto campaign = load_campaign(db, campaign_run);
  if (!campaign) {
    throw Error(ErrorKind::bad_input, "run " + std::to_string(campaign_run) +
                                          " holds no annotation campaign (start one with `blindspot serve --run " +
                                          std::to_string(campaign_run) + "`)");
  }
  std::map<std::int64_t, std::optional<std::string>> familiarity;
  for (const auto& annotator : store::list_annotators(db, campaign_run)) {
    familiarity[annotator.id] = annotator.familiarity_json;
  }
  std::map<std::string, std::vector<store::SubmissionRecord>> by_uu;
  for (auto& s : store::list_submissions(db, campaign_run)) by_uu[s.uu_id].push_back(std::move(s));

  const std::string teacher = name();
  for (const discover::Uu& uu : campaign->uus) {
    const auto it = by_uu.find(uu.id);
    if (it == by_uu.end()) continue;
    annotated_.push_back(uu);
    for (const store::SubmissionRecord& s : it->second) {
      const std::string suffix = uu.id + ":" + std::to_string(s.annotator_id);
      const std::string origin = provenance(run_, s, familiarity[s.annotator_id]).dump();
      Hypothesis abstraction;
      abstraction.id = "human:A:" + suffix;
      abstraction.task = kAbstraction;
      abstraction.uu_id = uu.id;
      abstraction.blind_spot = uu.blind_spot;
      abstraction.text = s.abstraction;
      abstraction.reasoning = s.abstraction_reasoning;
      abstraction.teacher = teacher;
      abstraction.prompt_version = kHumanFormVersion;
      abstraction.provenance_json = origin;
      Hypothesis extrapolation = abstraction;
      extrapolation.id = "human:E:" + suffix;
      extrapolation.task = kExtrapolation;
      extrapolation.parent_id = abstraction.id;
      extrapolation.text = s.extrapolation;
      extrapolation.reasoning = s.extrapolation_reasoning;
      int n = 0;
      for (const json& item : parse_samples(s)) {
        if (!item.is_object()) continue;
        Sample sample;
        sample.id = abstraction.id + "#" + std::to_string(++n);
        sample.hypothesis_id = abstraction.id;
        sample.text = text_of(item, "text");
        sample.label = text_of(item, "label");
        sample.reasoning = text_of(item, "reasoning");
        sample.teacher = teacher;
        sample.prompt_version = kHumanFormVersion;
        sample.provenance_json = origin;
        samples_.push_back(std::move(sample));
      }
      abstractions_.push_back(std::move(abstraction));
      if (!extrapolation.text.empty()) extrapolations_.push_back(std::move(extrapolation));
    }
  }
}

std::string HumanTeacher::name() const { return "human:run-" + std::to_string(run_); }

std::vector<Hypothesis> HumanTeacher::abstract(const std::vector<discover::Uu>& uus) {
  std::map<std::string, std::size_t> order;
  for (const discover::Uu& uu : uus) order.emplace(uu.id, order.size());
  std::vector<const Hypothesis*> picked;
  for (const Hypothesis& h : abstractions_) {
    if (order.contains(h.uu_id)) picked.push_back(&h);
  }
  // Stable: within a UU the constructor's annotator order stays.
  std::stable_sort(picked.begin(), picked.end(),
                   [&](const Hypothesis* a, const Hypothesis* b) { return order[a->uu_id] < order[b->uu_id]; });
  std::vector<Hypothesis> out;
  for (const Hypothesis* h : picked) out.push_back(*h);
  return out;
}

std::vector<Hypothesis> HumanTeacher::extrapolate(const std::vector<discover::Uu>&, const std::vector<Hypothesis>& abstractions) {
  std::map<std::string, std::size_t> order;
  for (const Hypothesis& h : abstractions) order.emplace(h.id, order.size());
  std::vector<Hypothesis> out;
  for (const Hypothesis& h : extrapolations_) {
    if (order.contains(h.parent_id)) out.push_back(h);
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](const Hypothesis& a, const Hypothesis& b) { return order[a.parent_id] < order[b.parent_id]; });
  return out;
}

std::vector<Sample> HumanTeacher::generate(const std::vector<Hypothesis>& hypotheses, int) {
  std::vector<Sample> out;
  for (const Hypothesis& h : hypotheses) {
    for (const Sample& s : samples_) {
      if (s.hypothesis_id == h.id) out.push_back(s);
    }
  }
  return out;
}

HumanCampaignCost human_campaign_cost(store::Database& db, std::int64_t campaign_run) {
  HumanCampaignCost cost;
  std::map<std::int64_t, AnnotatorTime> by_annotator;
  for (const auto& s : store::list_submissions(db, campaign_run, /*include_incomplete=*/true)) {
    AnnotatorTime& time = by_annotator[s.annotator_id];
    time.annotator_id = s.annotator_id;
    time.active_seconds += s.active_seconds;
    if (!s.submitted_at) {
      cost.incomplete_active_seconds += s.active_seconds;
      continue;
    }
    ++time.submissions;
    ++cost.submissions;
    cost.active_seconds += s.active_seconds;
    cost.hypotheses += (s.abstraction.empty() ? 0 : 1) + (s.extrapolation.empty() ? 0 : 1);
    cost.samples += static_cast<std::int64_t>(parse_samples(s).size());
  }
  for (auto& [id, time] : by_annotator) cost.by_annotator.push_back(time);
  return cost;
}

double human_cost_usd(double active_seconds, double hourly_wage_usd, double platform_fee) {
  if (active_seconds < 0 || hourly_wage_usd < 0 || platform_fee < 0) {
    throw Error(ErrorKind::bad_input, "human cost: active seconds, hourly wage and platform fee must not be negative");
  }
  return active_seconds / 3600.0 * hourly_wage_usd * (1.0 + platform_fee);
}

}  // namespace blindspot::teach
