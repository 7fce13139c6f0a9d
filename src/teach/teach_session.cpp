#include "blindspot/teach/teach_session.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/teach/llm_teacher.hpp"

#include <map>
#include <tuple>

namespace blindspot::teach {

std::vector<discover::Uu> select_uus(const std::vector<discover::Uu>& uus, std::size_t max_uus, std::uint64_t seed) {
  if (max_uus == 0 || max_uus >= uus.size()) return uus;
  // Ordered keys make the group order (and so the pick) independent of the input's order of groups.
  using GroupKey = std::tuple<int, int, std::string, std::string>;
  std::map<GroupKey, std::vector<const discover::Uu*>> groups;
  for (const discover::Uu& uu : uus) {
    const GroupKey key = uu.blind_spot >= 0 ? GroupKey{uu.blind_spot, 0, "", ""}
                                            : GroupKey{-1, static_cast<int>(uu.kind), uu.true_label, uu.predicted_label};
    groups[key].push_back(&uu);
  }
  core::Rng rng(seed);
  for (auto& [key, members] : groups) {
    for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
  }
  std::vector<discover::Uu> picked;
  for (std::size_t round = 0; picked.size() < max_uus; ++round) {
    for (auto& [key, members] : groups) {
      if (round < members.size() && picked.size() < max_uus) picked.push_back(*members[round]);
    }
  }
  return picked;
}

std::vector<discover::Uu> teachable_uus(const std::vector<discover::Uu>& uus, bool teach_label_issues) {
  if (teach_label_issues) return uus;
  std::vector<discover::Uu> teachable;
  for (const discover::Uu& uu : uus) {
    if (!uu.label_issue) teachable.push_back(uu);
  }
  if (teachable.empty() && !uus.empty()) {
    throw core::Error(core::ErrorKind::bad_input,
                      "all " + std::to_string(uus.size()) +
                          " UUs are flagged as probable label issues (scan --label-issues), so none is left to "
                          "teach; --teach-label-issues teaches them anyway");
  }
  return teachable;
}

TeachResult teach(Teacher& teacher, const std::vector<discover::Uu>& uus, const SampleFilter& filter,
                  const TeachOptions& options, LlmTeacher* verifier) {
  TeachResult result;
  const std::vector<discover::Uu> teachable = teachable_uus(uus, options.teach_label_issues);
  result.label_issues_left_out = uus.size() - teachable.size();
  result.taught = select_uus(teachable, options.max_uus, options.seed);
  result.hypotheses = teacher.abstract(result.taught);
  if (options.extrapolate) {
    std::vector<Hypothesis> abstractions;
    for (const Hypothesis& h : result.hypotheses) {
      if (h.task == kAbstraction) abstractions.push_back(h);
    }
    for (Hypothesis& h : teacher.extrapolate(result.taught, abstractions)) result.hypotheses.push_back(std::move(h));
  }
  result.samples = teacher.generate(result.hypotheses, options.samples_per_hypothesis);
  filter.apply(result.samples);
  if (verifier != nullptr) verifier->verify_labels(result.samples);
  result.failures = teacher.failures();
  if (verifier != nullptr && verifier != &teacher) {
    for (TaskFailure& failure : verifier->failures()) result.failures.push_back(std::move(failure));
  }
  result.budget_reached = teacher.budget_reached() || (verifier != nullptr && verifier->budget_reached());
  return result;
}

}  // namespace blindspot::teach
