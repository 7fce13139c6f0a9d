#pragma once

#include "blindspot/store/database.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::teach {

// The version of the instructions and forms human teachers work with (docs/web.md); recorded as
// the prompt_version of their hypotheses and samples, as a template version is for the LLM.
inline constexpr const char* kHumanFormVersion = "human-form-v1";

// Human teachers: what annotators submitted through `blindspot serve` for a campaign (docs/web.md),
// read from the store. Only complete submissions (all three tasks done) count. For each
// submission (one UU, one annotator):
//  - an abstraction  `human:A:<uu id>:<annotator id>` (the hypothesis and its reasoning),
//  - an extrapolation `human:E:<uu id>:<annotator id>`, parent the abstraction,
//  - its k samples `human:A:<uu id>:<annotator id>#<n>` (n from 1), whose hypothesis is the
//    abstraction: annotators write them right after describing the blind spot the UU shows, so
//    they exercise the observed failure whether or not extrapolations are used.
// Ids are stable across reruns. A UU annotated by several annotators gets one hypothesis of each
// task per annotator. Provenance: campaign, annotator id (never the token), the familiarity
// answers, the assignment and the active seconds per task.
class HumanTeacher : public Teacher {
 public:
  // Reads the campaign of `campaign_run`. Throws Error{bad_input} if the run holds no campaign.
  HumanTeacher(store::Database& db, std::int64_t campaign_run);

  // "human:run-<campaign run>"
  std::string name() const override;
  // The abstractions of the given UUs, in the order of `uus`, then by annotator id.
  std::vector<Hypothesis> abstract(const std::vector<discover::Uu>& uus) override;
  // The extrapolations whose abstraction is among `abstractions`.
  std::vector<Hypothesis> extrapolate(const std::vector<discover::Uu>& uus, const std::vector<Hypothesis>& abstractions) override;
  // The samples of the given hypotheses: annotators wrote the campaign's k per submission,
  // whatever `per_hypothesis` says.
  std::vector<Sample> generate(const std::vector<Hypothesis>& hypotheses, int per_hypothesis) override;

  // The campaign's UUs that have at least one complete submission, in campaign order.
  const std::vector<discover::Uu>& annotated_uus() const noexcept { return annotated_; }

 private:
  std::int64_t run_;
  std::vector<discover::Uu> annotated_;
  std::vector<Hypothesis> abstractions_;
  std::vector<Hypothesis> extrapolations_;
  std::vector<Sample> samples_;
};

// Active time of one annotator of a campaign.
struct AnnotatorTime {
  std::int64_t annotator_id = 0;
  std::int64_t submissions = 0;  // complete
  double active_seconds = 0;     // every step the annotator submitted, complete or not
};

// The inputs of a campaign's human cost (docs/web.md, "Time and cost").
struct HumanCampaignCost {
  std::int64_t submissions = 0;  // complete submissions (one UU by one annotator)
  std::int64_t hypotheses = 0;   // non-empty abstractions and extrapolations of complete submissions
  std::int64_t samples = 0;      // samples of complete submissions
  double active_seconds = 0;     // active time of complete submissions
  // Active time of steps submitted on assignments never completed (abandoned or in progress):
  // annotators are paid for it, though it produced nothing the teacher uses.
  double incomplete_active_seconds = 0;
  std::vector<AnnotatorTime> by_annotator;  // by annotator id

  double paid_active_seconds() const noexcept { return active_seconds + incomplete_active_seconds; }
};

// Reads the campaign's submissions. A run without a campaign gives zeros.
HumanCampaignCost human_campaign_cost(store::Database& db, std::int64_t campaign_run);

// USD of `active_seconds` of human work: hours x hourly wage x (1 + platform fee), the fee a
// fraction of wages (0.2 = 20 %). Throws Error{bad_input} for a negative argument.
double human_cost_usd(double active_seconds, double hourly_wage_usd, double platform_fee);

}  // namespace blindspot::teach
