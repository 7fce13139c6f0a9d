#include "blindspot/group/blind_spots.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/group/token_statistics.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>
#include <utility>

namespace blindspot::group {
namespace {

using core::Error;
using core::ErrorKind;

void check_options(const GroupOptions& options) {
  const auto check = [](std::int64_t value, const char* name) {
    if (value < 0) throw Error(ErrorKind::usage, std::string(name) + " must be >= 0, got " + std::to_string(value));
  };
  check(options.top_tokens, "top_tokens");
  check(options.min_token_uus, "min_token_uus");
  check(options.representatives, "representatives");
  if (!(options.prior_strength >= 0)) {
    throw Error(ErrorKind::usage, "prior_strength must be >= 0 (0 = the UUs' token count), got " +
                                      std::to_string(options.prior_strength));
  }
}

// Tokens whose z is this close to 0 are evenly spread: the log-odds of equal shares is 0 up to
// rounding, and such a token says nothing about the blind spot.
constexpr double kMinZ = 1e-9;

// Cluster numbers of the clustering -> blind spot ids: largest first, ties by first member (the
// clustering numbers clusters by first member already, so a stable sort keeps that order).
std::vector<int> ids_by_size(const std::vector<int>& assignments, int k) {
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(k), 0);
  for (const int c : assignments) ++sizes[static_cast<std::size_t>(c)];
  std::vector<int> order(static_cast<std::size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int left, int right) {
    return sizes[static_cast<std::size_t>(left)] > sizes[static_cast<std::size_t>(right)];
  });
  std::vector<int> ids(static_cast<std::size_t>(k));
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    ids[static_cast<std::size_t>(order[rank])] = static_cast<int>(rank);
  }
  return ids;
}

std::vector<LabelFlow> label_flows(const std::vector<discover::Uu>& uus, const std::vector<std::size_t>& members) {
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;
  for (const std::size_t i : members) ++counts[{uus[i].true_label, uus[i].predicted_label}];
  std::vector<LabelFlow> flows;
  for (const auto& [labels, count] : counts) flows.push_back({labels.first, labels.second, count});
  std::stable_sort(flows.begin(), flows.end(),
                   [](const LabelFlow& left, const LabelFlow& right) { return left.count > right.count; });
  return flows;
}

// Document frequencies (a UU counts a token once), as the automatic teacher counts them: one long
// UU repeating a name must not make the name a blind spot's token.
std::vector<BlindSpotToken> top_tokens(const std::vector<TokenCounts>& per_uu, const std::vector<std::size_t>& members,
                                       const std::vector<std::size_t>& others, const GroupOptions& options) {
  TokenCounts target;
  for (const std::size_t i : members) target.merge(per_uu[i]);
  TokenCounts reference;
  for (const std::size_t i : others) reference.merge(per_uu[i]);
  const std::int64_t min_uus = std::min<std::int64_t>(options.min_token_uus, static_cast<std::int64_t>(members.size()));
  std::vector<BlindSpotToken> tokens;
  if (others.empty()) {
    // The log-odds against an empty reference is 0 for every token; list the common ones instead.
    for (const auto& [token, count] : target.counts()) {
      if (count >= min_uus) tokens.push_back({token, count, 0, 0.0});
    }
    std::sort(tokens.begin(), tokens.end(), [](const BlindSpotToken& left, const BlindSpotToken& right) {
      return std::tie(right.uu_count, left.token) < std::tie(left.uu_count, right.token);
    });
  } else {
    LogOddsOptions log_odds;
    log_odds.prior_strength =
        options.prior_strength > 0 ? options.prior_strength : static_cast<double>(target.total() + reference.total());
    log_odds.min_count = std::max<std::int64_t>(min_uus, 1);
    for (const auto& score : weighted_log_odds(target, reference, log_odds)) {
      if (score.z <= kMinZ) break;  // sorted by z descending
      tokens.push_back({score.token, score.target_count, score.reference_count, score.z});
    }
  }
  if (tokens.size() > static_cast<std::size_t>(options.top_tokens)) {
    tokens.resize(static_cast<std::size_t>(options.top_tokens));
  }
  return tokens;
}

std::vector<std::string> representatives(const std::vector<discover::Uu>& uus, const Points& points,
                                         const std::vector<double>& centroid, const std::vector<std::size_t>& members,
                                         int count) {
  std::vector<std::pair<double, std::size_t>> by_distance;
  for (const std::size_t i : members) {
    double distance = 0;
    for (std::size_t d = 0; d < centroid.size(); ++d) {
      const double difference = points[i][d] - centroid[d];
      distance += difference * difference;
    }
    by_distance.emplace_back(distance, i);
  }
  std::sort(by_distance.begin(), by_distance.end());  // ties: input order
  std::vector<std::string> ids;
  for (std::size_t r = 0; r < by_distance.size() && r < static_cast<std::size_t>(count); ++r) {
    ids.push_back(uus[by_distance[r].second].id);
  }
  return ids;
}

}  // namespace

Grouping group_uus(const model::Classifier& model, std::vector<discover::Uu>& uus, const GroupOptions& options) {
  check_options(options);
  std::vector<std::vector<float>> vectors;
  vectors.reserve(uus.size());
  for (const discover::Uu& uu : uus) vectors.push_back(model.sentence_vector(uu.text));  // not thread-safe: one at a time
  return group_uus(vectors, uus, options);
}

Grouping group_uus(const std::vector<std::vector<float>>& vectors, std::vector<discover::Uu>& uus, const GroupOptions& options) {
  check_options(options);
  if (vectors.size() != uus.size()) {
    throw Error(ErrorKind::internal, "group_uus: " + std::to_string(vectors.size()) + " sentence vectors for " +
                                         std::to_string(uus.size()) + " UUs");
  }
  const Points points = l2_normalised(vectors);
  const Clustering clustering = cluster(points, options.clustering);
  Grouping grouping;
  grouping.k = clustering.result.k;
  grouping.selection = clustering.selection;
  grouping.scores = clustering.scores;
  if (uus.empty()) return grouping;

  const std::vector<int> ids = ids_by_size(clustering.result.assignments, grouping.k);
  std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(grouping.k));
  std::vector<TokenCounts> per_uu(uus.size());
  for (std::size_t i = 0; i < uus.size(); ++i) {
    const int id = ids[static_cast<std::size_t>(clustering.result.assignments[i])];
    uus[i].blind_spot = id;
    members[static_cast<std::size_t>(id)].push_back(i);
    per_uu[i].add_document(uus[i].text);
  }
  for (std::size_t c = 0; c < ids.size(); ++c) {
    const auto id = static_cast<std::size_t>(ids[c]);
    const auto& own = members[id];
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < uus.size(); ++i) {
      if (uus[i].blind_spot != static_cast<int>(id)) others.push_back(i);
    }
    BlindSpot spot;
    spot.id = static_cast<int>(id);
    spot.size = static_cast<std::int64_t>(own.size());
    double confidence_sum = 0;
    for (const std::size_t i : own) {
      (uus[i].kind == discover::UuKind::natural ? spot.natural_count : spot.adversarial_count) += 1;
      confidence_sum += uus[i].confidence;
      spot.uu_ids.push_back(uus[i].id);
    }
    spot.mean_confidence = confidence_sum / static_cast<double>(own.size());
    spot.label_flows = label_flows(uus, own);
    spot.top_tokens = top_tokens(per_uu, own, others, options);
    spot.representative_ids =
        representatives(uus, points, clustering.result.centroids[c], own, options.representatives);
    grouping.blind_spots.push_back(std::move(spot));
  }
  std::sort(grouping.blind_spots.begin(), grouping.blind_spots.end(),
            [](const BlindSpot& left, const BlindSpot& right) { return left.id < right.id; });
  return grouping;
}

std::string to_json(const Grouping& grouping, int indent) {
  using nlohmann::ordered_json;
  ordered_json scores = ordered_json::array();
  for (const auto& score : grouping.scores) {
    scores.push_back({{"k", score.k},
                      {"silhouette", score.silhouette},
                      {"inertia", score.inertia},
                      {"iterations", score.iterations},
                      {"converged", score.converged},
                      {"smallest_cluster", score.smallest_cluster},
                      {"eligible", score.eligible}});
  }
  ordered_json spots = ordered_json::array();
  for (const auto& spot : grouping.blind_spots) {
    ordered_json flows = ordered_json::array();
    for (const auto& flow : spot.label_flows) {
      flows.push_back(
          {{"true_label", flow.true_label}, {"predicted_label", flow.predicted_label}, {"count", flow.count}});
    }
    ordered_json tokens = ordered_json::array();
    for (const auto& token : spot.top_tokens) {
      tokens.push_back(
          {{"token", token.token}, {"uus", token.uu_count}, {"other_uus", token.other_count}, {"z", token.z}});
    }
    spots.push_back({{"id", spot.id},
                     {"size", spot.size},
                     {"natural", spot.natural_count},
                     {"adversarial", spot.adversarial_count},
                     {"mean_confidence", spot.mean_confidence},
                     {"labels", flows},
                     {"top_tokens", tokens},
                     {"representatives", spot.representative_ids},
                     {"uus", spot.uu_ids}});
  }
  const ordered_json json = {
      {"k", grouping.k}, {"selection", to_string(grouping.selection)}, {"scores", scores}, {"blind_spots", spots}};
  // UU ids and tokens come from datasets; invalid UTF-8 must not abort a run at the last step.
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace blindspot::group
