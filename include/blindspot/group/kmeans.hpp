#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace blindspot::group {

// Points as rows of equal dimension.
using Points = std::vector<std::vector<double>>;

// Each row divided by its Euclidean norm. On unit vectors the squared Euclidean distance is
// 2 - 2 cos, so k-means and the silhouette below work in cosine geometry: what separates
// fastText sentence vectors is their direction, while their length mostly follows the text
// (an average over words and n-grams shrinks as a text gets longer or more varied). A zero row
// stays zero (a text without a known word or n-gram), at distance 1 from every unit vector.
Points l2_normalised(const std::vector<std::vector<float>>& vectors);
Points l2_normalised(const Points& vectors);

// Options of kmeans().
struct KMeansOptions {
  // Independent k-means++ seedings, each followed by Lloyd iterations; the one with the lowest
  // inertia is kept (ties: the lowest restart index). 10 as in scikit-learn's classic n_init.
  int restarts = 10;
  // Lloyd iterations per restart if the assignments keep changing.
  int max_iterations = 100;
  // Restart r draws from core::derive_seed(seed, r), so the result never depends on how
  // restarts are spread over threads.
  std::uint64_t seed = 0;
  // Threads over restarts (0 = all cores); the result is the same for any value.
  int threads = 0;
};

// A k-means partition.
struct KMeansResult {
  int k = 0;
  // Cluster of each point, in [0, k). Clusters are numbered in order of their first point, so
  // equal partitions have equal assignments however the clusters were found.
  std::vector<int> assignments;
  // Mean of each cluster's points.
  Points centroids;
  // Sum of squared Euclidean distances of the points to their centroids.
  double inertia = 0;
  // Lloyd iterations of the kept restart, and whether its assignments stopped changing before
  // max_iterations.
  int iterations = 0;
  bool converged = false;
  // Index of the kept restart.
  int restart = 0;
};

// Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii 2007): the first centre is a
// uniformly drawn point, each further one a point drawn with probability proportional to its
// squared distance to the nearest centre so far. A point goes to the nearest centroid (ties: the
// lowest cluster); a cluster left empty takes the point farthest from its centroid (ties: the
// lowest point index) from a cluster of two or more, so every cluster keeps at least one point.
// Deterministic for a seed on any machine (own SplitMix64 draws, sums in point order).
// Throws Error{usage} if k < 1, k exceeds the number of distinct points, restarts < 1 or
// max_iterations < 1, and Error{internal} (a caller's bug) if `points` is empty, its rows differ
// in dimension or hold a value that is not finite.
KMeansResult kmeans(const Points& points, int k, const KMeansOptions& options = {});

// Number of distinct rows (exact comparison).
std::size_t distinct_points(const Points& points);

// The mean silhouette coefficient (Rousseeuw 1987) of a partition under Euclidean distance: for
// a point with mean distance a to the other points of its cluster and mean distance b to the
// points of the nearest other cluster, s = (b - a) / max(a, b); s = 0 for a point alone in its
// cluster (and where max(a, b) = 0). Between -1 and 1; higher means tighter, better separated
// clusters. 0 when fewer than 2 clusters are used. `assignments` must be >= 0, one per point.
// Throws Error{internal} on a length mismatch or a negative assignment.
double mean_silhouette(const Points& points, const std::vector<int>& assignments, int threads = 0);

// How cluster() fixed k.
enum class KSelection {
  empty,           // no points: k = 0
  single,          // too few points (or distinct points), or no eligible candidate: k = 1
  fixed,           // ClusterOptions::fixed_k
  best_silhouette  // the highest mean silhouette over the candidates
};
const char* to_string(KSelection selection) noexcept;  // "empty", "single", "fixed", "best_silhouette"

// Options of cluster().
struct ClusterOptions {
  // Candidate numbers of clusters. The upper end is further capped at n / 2 (so that every
  // cluster can have two points: a lone point says nothing about a pattern) and at the number
  // of distinct points; if no candidate remains, all points form one cluster. At most 10 by
  // default because a teacher (or a person reading the report) works through every cluster.
  int k_min = 2;
  int k_max = 10;
  // A candidate k is eligible only if each of its clusters has at least this many points: the
  // silhouette favours splitting off a lone outlier from an otherwise diffuse set (measured on
  // the UUs of one label direction of sst2 and imdb), and one UU is an oddity, not a pattern.
  // If no candidate is eligible, all points form one cluster. 1 turns the rule off.
  int min_cluster_size = 2;
  // > 0: use exactly this k (capped like k_max, but without the n / 2 cap) instead of choosing.
  int fixed_k = 0;
  KMeansOptions kmeans;
  // The silhouette costs O(m^2) distances; above this many points it is computed on a seeded
  // uniform sample of this many (as scikit-learn's silhouette_score(sample_size=...)), the same
  // sample for every k. 0 = always all points.
  int silhouette_sample = 2000;
};

// The score of one candidate k.
struct KScore {
  int k = 0;
  double silhouette = 0;
  double inertia = 0;
  int iterations = 0;
  bool converged = false;
  int smallest_cluster = 0;  // points in its smallest cluster
  bool eligible = true;      // smallest_cluster >= min_cluster_size
};

// A partition with the evidence for its k.
struct Clustering {
  KSelection selection = KSelection::empty;
  KMeansResult result;
  // Every candidate k, ascending (empty unless selection is best_silhouette or fixed with k >= 2).
  std::vector<KScore> scores;
};

// k-means for every candidate k, keeping the eligible k with the highest mean silhouette; on an
// exact tie the smaller k wins (fewer, larger groups are easier to teach from). Each k runs with
// the same options, so the result is deterministic for `options.kmeans.seed` and independent of
// threads. Throws Error{usage} if k_min < 2, k_max < k_min, min_cluster_size < 1, fixed_k < 0 or
// silhouette_sample is 1 or negative, plus kmeans()'s errors.
Clustering cluster(const Points& points, const ClusterOptions& options = {});

}  // namespace blindspot::group
