// Held-out dev UUs (docs/run.md): a teacher that copies the UUs it is shown into its samples
// "fixes" them by memorisation, so fixing is measured on UUs of the same blind spots that no
// teacher saw, and samples that contain their texts are rejected (teach::kDevLeak).

#include "held_out.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/random.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace blindspot::loop::detail {
namespace {

// A stream of the loop's seed of its own, so that the split does not move with the other draws
// of the seed (the teacher's UU pick, the attacks).
constexpr std::uint64_t kHeldOutStream = 0x68656c642d6f7574ULL;  // "held-out"

std::size_t held_out_count(std::size_t members, double share) {
  if (share <= 0 || members < 2) return 0;
  const auto rounded = static_cast<std::size_t>(std::llround(share * static_cast<double>(members)));
  return std::clamp<std::size_t>(rounded, 1, members - 1);
}

}  // namespace

DevUuSplit split_held_out(const std::vector<discover::Uu>& uus, double share, std::uint64_t seed) {
  if (!(share >= 0 && share < 1)) {
    throw core::Error(core::ErrorKind::usage, fmt::format("held-out share must be in [0, 1), got {}", share));
  }
  std::map<int, std::vector<std::size_t>> blind_spots;  // blind spot -> UUs (indexes), ordered by id
  for (std::size_t i = 0; i < uus.size(); ++i) blind_spots[uus[i].blind_spot].push_back(i);
  std::vector<bool> held(uus.size(), false);
  for (auto& [blind_spot, members] : blind_spots) {
    std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) { return uus[a].id < uus[b].id; });
    core::Rng rng(core::derive_seed(seed ^ kHeldOutStream, static_cast<std::uint64_t>(blind_spot + 1)));
    for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
    const std::size_t count = held_out_count(members.size(), share);
    for (std::size_t i = 0; i < count; ++i) held[members[i]] = true;
  }
  DevUuSplit split;
  for (std::size_t i = 0; i < uus.size(); ++i) (held[i] ? split.held_out : split.taught).push_back(uus[i]);
  return split;
}

std::size_t uus_to_teach(const LoopOptions& options, std::size_t blind_spots) {
  if (options.max_uus) return *options.max_uus;
  if (options.sample_budget == 0) return kUusWithoutBudget;
  const double samples_per_uu =
      static_cast<double>((options.extrapolate ? 2 : 1) * std::max(options.samples_per_hypothesis, 1));
  const auto needed = static_cast<std::size_t>(
      std::ceil(static_cast<double>(options.sample_budget) * kRejectionMargin / samples_per_uu));
  return std::max({needed, blind_spots, std::size_t{1}});
}

}  // namespace blindspot::loop::detail
