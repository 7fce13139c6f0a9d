#pragma once

#include "blindspot/model/classifier.hpp"
#include "blindspot/group/kmeans.hpp"
#include "blindspot/discover/uu.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::group {

// Options of group_uus() (docs/blind-spots.md).
struct GroupOptions {
  // How many blind spots and how they are found: k-means on the L2-normalised sentence vectors,
  // k in [2, 10] by the mean silhouette; kmeans.seed fixes the result.
  ClusterOptions clustering;
  // Tokens listed per blind spot: those over-represented in its UUs against the other UUs.
  int top_tokens = 10;
  // A token must occur in at least this many of the blind spot's UUs (all of them if it has
  // fewer), so that one UU's vocabulary cannot pass for a pattern.
  std::int64_t min_token_uus = 2;
  // alpha_0 of the weighted log-odds prior (group::weighted_log_odds). 0 = the number of tokens
  // of all UUs together, so that each token's prior alpha_w is its own count over all UUs:
  // Monroe et al.'s background-count prior, which scales with the corpus. (The automatic
  // teacher's fixed 1000 is meant for UUs against a whole training set; against a few hundred
  // other UUs it would drown every difference.)
  double prior_strength = 0;
  // UUs listed per blind spot as its closest-to-the-centroid examples.
  int representatives = 3;
};

// UUs of one blind spot with the same (true label -> predicted label).
struct LabelFlow {
  std::string true_label;
  std::string predicted_label;
  std::int64_t count = 0;
};

// A token over-represented in a blind spot's UUs.
struct BlindSpotToken {
  std::string token;
  std::int64_t uu_count = 0;     // UUs of the blind spot containing it
  std::int64_t other_count = 0;  // UUs of other blind spots containing it
  double z = 0;                  // weighted log-odds z-score (0 when there is only one blind spot)
};

// What a teacher and the report see of a blind spot.
struct BlindSpot {
  int id = 0;  // 0..k-1, largest first (ties: the one whose first UU comes first)
  std::int64_t size = 0;
  std::int64_t natural_count = 0;
  std::int64_t adversarial_count = 0;
  double mean_confidence = 0;  // mean predicted-class probability of its UUs
  // Sorted by count descending, then true and predicted label (byte order).
  std::vector<LabelFlow> label_flows;
  // z > 0 only (beyond rounding: > 1e-9, so tokens spread evenly over the blind spots are left
  // out), highest z first (ties by token); with a single blind spot there are no other
  // UUs to contrast with, and the most common tokens are listed instead (by uu_count, then token).
  std::vector<BlindSpotToken> top_tokens;
  // Ids of the UUs closest to the centroid (cosine geometry), closest first, ties by input order.
  std::vector<std::string> representative_ids;
  // Ids of all its UUs, in input order.
  std::vector<std::string> uu_ids;
};

// The blind spots of a set of UUs, with the evidence for their number.
struct Grouping {
  int k = 0;  // number of blind spots (0 without UUs)
  KSelection selection = KSelection::empty;
  // Mean silhouette, inertia and convergence of every candidate k, ascending.
  std::vector<KScore> scores;
  std::vector<BlindSpot> blind_spots;
};

// Groups `uus` into blind spots by clustering the sentence vectors of their texts (for an
// adversarial UU, the perturbed text the model misread): sets each Uu::blind_spot to its blind
// spot's id and returns the summaries. sentence_vector() is not thread-safe, so the vectors are
// taken one after another; the clustering then runs on clustering.kmeans.threads threads with
// the same result for any count. Fewer than 4 UUs form one blind spot. Throws cluster()'s
// Error{usage} for bad options, and Error{usage} if top_tokens, min_token_uus, prior_strength or
// representatives is negative.
Grouping group_uus(const model::Classifier& model, std::vector<discover::Uu>& uus, const GroupOptions& options = {});

// The same with the vectors already computed: `vectors[i]` represents `uus[i]`. Throws
// Error{internal} on a length mismatch or vectors of different dimension.
Grouping group_uus(const std::vector<std::vector<float>>& vectors, std::vector<discover::Uu>& uus,
                   const GroupOptions& options = {});

// The grouping as a JSON object (for the run store and the report): k, selection, scores and
// every blind spot's summary.
std::string to_json(const Grouping& grouping, int indent = 2);

}  // namespace blindspot::group
