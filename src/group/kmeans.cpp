#include "blindspot/group/kmeans.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/core/random.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>

namespace blindspot::group {
namespace {

using core::Error;
using core::ErrorKind;

// The stream of cluster()'s silhouette sample; restarts use streams 0..restarts-1.
constexpr std::uint64_t kSilhouetteStream = 0x5111'0e77eULL;

double squared_distance(const std::vector<double>& left, const std::vector<double>& right) noexcept {
  double sum = 0;
  for (std::size_t d = 0; d < left.size(); ++d) {
    const double difference = left[d] - right[d];
    sum += difference * difference;
  }
  return sum;
}

// Uniform in [0, 1) from the top 53 bits.
double uniform(core::Rng& rng) noexcept { return static_cast<double>(rng.next() >> 11) * 0x1.0p-53; }

// Points come from our own code (sentence vectors, tests), so a malformed set is a caller's bug.
void check_points(const Points& points, const char* caller) {
  if (points.empty()) throw Error(ErrorKind::internal, std::string(caller) + ": no points");
  const std::size_t dimension = points.front().size();
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].size() != dimension) {
      throw Error(ErrorKind::internal, std::string(caller) + ": point " + std::to_string(i) + " has dimension " +
                                           std::to_string(points[i].size()) + ", point 0 has " +
                                           std::to_string(dimension));
    }
    for (const double value : points[i]) {
      if (!std::isfinite(value)) {
        throw Error(ErrorKind::internal,
                    std::string(caller) + ": point " + std::to_string(i) + " holds " + std::to_string(value));
      }
    }
  }
}

template <typename Value>
Points normalise_rows(const std::vector<std::vector<Value>>& vectors) {
  Points rows;
  rows.reserve(vectors.size());
  for (const auto& vector : vectors) {
    std::vector<double>& row = rows.emplace_back(vector.begin(), vector.end());
    double norm = 0;
    for (const double value : row) norm += value * value;
    norm = std::sqrt(norm);
    if (norm > 0) {
      for (double& value : row) value /= norm;
    }
  }
  return rows;
}

// k-means++ seeding: indices of k distinct-valued points (k <= distinct points, checked by the caller).
std::vector<std::size_t> seed_centres(const Points& points, int k, core::Rng& rng) {
  const std::size_t n = points.size();
  std::vector<std::size_t> centres = {static_cast<std::size_t>(rng.below(n))};
  std::vector<double> nearest(n);
  for (std::size_t i = 0; i < n; ++i) nearest[i] = squared_distance(points[i], points[centres[0]]);
  while (static_cast<int>(centres.size()) < k) {
    double total = 0;
    for (const double d2 : nearest) total += d2;
    // total > 0 while fewer centres than distinct points are chosen; only points at a positive
    // distance can be drawn, so every centre has a new value.
    const double target = uniform(rng) * total;
    std::size_t chosen = n;
    double cumulative = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (nearest[i] <= 0) continue;
      chosen = i;  // the last positive one, should rounding carry the target past the end
      cumulative += nearest[i];
      if (cumulative > target) break;
    }
    if (chosen == n) throw Error(ErrorKind::internal, "kmeans: fewer distinct points than clusters while seeding");
    centres.push_back(chosen);
    for (std::size_t i = 0; i < n; ++i) nearest[i] = std::min(nearest[i], squared_distance(points[i], points[chosen]));
  }
  return centres;
}

int nearest_centroid(const std::vector<double>& point, const Points& centroids) noexcept {
  int best = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < centroids.size(); ++c) {
    const double distance = squared_distance(point, centroids[c]);
    if (distance < best_distance) {
      best_distance = distance;
      best = static_cast<int>(c);
    }
  }
  return best;
}

// Means of the clusters, summed in point order so equal partitions give bit-identical centroids.
Points centroids_of(const Points& points, const std::vector<int>& assignments, int k) {
  const std::size_t dimension = points.front().size();
  Points centroids(static_cast<std::size_t>(k), std::vector<double>(dimension, 0.0));
  std::vector<std::size_t> sizes(static_cast<std::size_t>(k), 0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto c = static_cast<std::size_t>(assignments[i]);
    ++sizes[c];
    for (std::size_t d = 0; d < dimension; ++d) centroids[c][d] += points[i][d];
  }
  for (std::size_t c = 0; c < centroids.size(); ++c) {
    if (sizes[c] == 0) continue;
    for (double& value : centroids[c]) value /= static_cast<double>(sizes[c]);
  }
  return centroids;
}

// Gives each empty cluster the point farthest from its centroid among clusters of two or more.
void fill_empty_clusters(const Points& points, std::vector<int>& assignments, const Points& centroids) {
  const auto k = centroids.size();
  std::vector<std::size_t> sizes(k, 0);
  for (const int c : assignments) ++sizes[static_cast<std::size_t>(c)];
  for (std::size_t empty = 0; empty < k; ++empty) {
    if (sizes[empty] != 0) continue;
    std::size_t farthest = points.size();
    double farthest_distance = -1;
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto c = static_cast<std::size_t>(assignments[i]);
      if (sizes[c] < 2) continue;
      const double distance = squared_distance(points[i], centroids[c]);
      if (distance > farthest_distance) {
        farthest_distance = distance;
        farthest = i;
      }
    }
    // k <= n, so some cluster has two points while another is empty.
    --sizes[static_cast<std::size_t>(assignments[farthest])];
    assignments[farthest] = static_cast<int>(empty);
    ++sizes[empty];
  }
}

// Renumbers clusters in order of their first point.
void canonicalise(KMeansResult& result) {
  std::vector<int> renumber(static_cast<std::size_t>(result.k), -1);
  int next = 0;
  for (int& c : result.assignments) {
    int& target = renumber[static_cast<std::size_t>(c)];
    if (target < 0) target = next++;
    c = target;
  }
  Points centroids(result.centroids.size());
  for (std::size_t c = 0; c < renumber.size(); ++c) {
    centroids[static_cast<std::size_t>(renumber[c])] = std::move(result.centroids[c]);
  }
  result.centroids = std::move(centroids);
}

KMeansResult lloyd(const Points& points, int k, int max_iterations, std::uint64_t seed) {
  core::Rng rng(seed);
  KMeansResult result;
  result.k = k;
  for (const std::size_t centre : seed_centres(points, k, rng)) result.centroids.push_back(points[centre]);
  result.assignments.assign(points.size(), -1);
  while (result.iterations < max_iterations) {
    ++result.iterations;
    bool changed = false;
    for (std::size_t i = 0; i < points.size(); ++i) {
      const int c = nearest_centroid(points[i], result.centroids);
      if (c != result.assignments[i]) {
        result.assignments[i] = c;
        changed = true;
      }
    }
    if (!changed) {
      result.converged = true;
      break;
    }
    fill_empty_clusters(points, result.assignments, result.centroids);
    result.centroids = centroids_of(points, result.assignments, k);
  }
  // Without convergence the last update moved the centroids after the assignment; the inertia is
  // that of the partition returned, measured against its own means.
  result.centroids = centroids_of(points, result.assignments, k);
  for (std::size_t i = 0; i < points.size(); ++i) {
    result.inertia += squared_distance(points[i], result.centroids[static_cast<std::size_t>(result.assignments[i])]);
  }
  canonicalise(result);
  return result;
}

// Mean silhouette of each partition in `partitions` over the points `sample` (distances only
// between sampled points). Each point's silhouette is computed independently and the mean is
// summed in sample order, so the result does not depend on `threads`.
std::vector<double> silhouette_means(const Points& points, const std::vector<std::size_t>& sample,
                                     const std::vector<const std::vector<int>*>& partitions, int threads) {
  std::vector<std::size_t> cluster_counts;
  for (const auto* partition : partitions) {
    int largest = -1;
    for (const std::size_t i : sample) largest = std::max(largest, (*partition)[i]);
    cluster_counts.push_back(static_cast<std::size_t>(largest + 1));
  }
  const std::size_t m = sample.size();
  std::vector<std::vector<double>> values(partitions.size(), std::vector<double>(m, 0.0));
  core::parallel_for(m, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> distances(m);
    std::vector<double> sums;
    std::vector<std::size_t> sizes;
    for (std::size_t position = begin; position < end; ++position) {
      const auto& point = points[sample[position]];
      for (std::size_t other = 0; other < m; ++other) {
        distances[other] = std::sqrt(squared_distance(point, points[sample[other]]));
      }
      for (std::size_t p = 0; p < partitions.size(); ++p) {
        const auto& assignments = *partitions[p];
        sums.assign(cluster_counts[p], 0.0);
        sizes.assign(cluster_counts[p], 0);
        for (std::size_t other = 0; other < m; ++other) {
          if (other == position) continue;
          const auto c = static_cast<std::size_t>(assignments[sample[other]]);
          sums[c] += distances[other];
          ++sizes[c];
        }
        const auto own = static_cast<std::size_t>(assignments[sample[position]]);
        if (sizes[own] == 0) continue;  // alone in its cluster: s = 0
        const double a = sums[own] / static_cast<double>(sizes[own]);
        double b = std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < sums.size(); ++c) {
          if (c != own && sizes[c] > 0) b = std::min(b, sums[c] / static_cast<double>(sizes[c]));
        }
        if (std::isinf(b)) continue;  // no other cluster among the sampled points
        const double scale = std::max(a, b);
        values[p][position] = scale > 0 ? (b - a) / scale : 0.0;
      }
    }
  });
  std::vector<double> means;
  for (const auto& per_point : values) {
    double sum = 0;
    for (const double value : per_point) sum += value;
    means.push_back(m == 0 ? 0.0 : sum / static_cast<double>(m));
  }
  return means;
}

// A seeded uniform sample of `size` point indices (all of them if size is 0 or >= n), ascending.
std::vector<std::size_t> silhouette_sample(std::size_t n, int size, std::uint64_t seed) {
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  if (size <= 0 || static_cast<std::size_t>(size) >= n) return indices;
  core::Rng rng(core::derive_seed(seed, kSilhouetteStream));
  const auto wanted = static_cast<std::size_t>(size);
  for (std::size_t i = 0; i < wanted; ++i) {  // partial Fisher-Yates
    std::swap(indices[i], indices[i + static_cast<std::size_t>(rng.below(n - i))]);
  }
  indices.resize(wanted);
  std::sort(indices.begin(), indices.end());
  return indices;
}

KMeansResult one_cluster(const Points& points) {
  KMeansResult result;
  result.k = 1;
  result.assignments.assign(points.size(), 0);
  result.centroids = centroids_of(points, result.assignments, 1);
  for (const auto& point : points) result.inertia += squared_distance(point, result.centroids[0]);
  result.converged = true;
  return result;
}

KScore score_of(const KMeansResult& result, double silhouette, int min_cluster_size) {
  std::vector<int> sizes(static_cast<std::size_t>(result.k), 0);
  for (const int c : result.assignments) ++sizes[static_cast<std::size_t>(c)];
  const int smallest = sizes.empty() ? 0 : *std::min_element(sizes.begin(), sizes.end());
  return {result.k,
          silhouette,
          result.inertia,
          result.iterations,
          result.converged,
          smallest,
          smallest >= min_cluster_size};
}

}  // namespace

Points l2_normalised(const std::vector<std::vector<float>>& vectors) { return normalise_rows(vectors); }
Points l2_normalised(const Points& vectors) { return normalise_rows(vectors); }

std::size_t distinct_points(const Points& points) {
  std::vector<const std::vector<double>*> rows;
  rows.reserve(points.size());
  for (const auto& point : points) rows.push_back(&point);
  std::sort(rows.begin(), rows.end(), [](const auto* left, const auto* right) { return *left < *right; });
  return static_cast<std::size_t>(
      std::unique(rows.begin(), rows.end(), [](const auto* left, const auto* right) { return *left == *right; }) -
      rows.begin());
}

KMeansResult kmeans(const Points& points, int k, const KMeansOptions& options) {
  if (options.restarts < 1) {
    throw Error(ErrorKind::usage, "k-means restarts must be >= 1, got " + std::to_string(options.restarts));
  }
  if (options.max_iterations < 1) {
    throw Error(ErrorKind::usage, "k-means max_iterations must be >= 1, got " + std::to_string(options.max_iterations));
  }
  check_points(points, "kmeans");
  if (k < 1) throw Error(ErrorKind::usage, "k-means needs k >= 1, got " + std::to_string(k));
  const std::size_t distinct = distinct_points(points);
  if (static_cast<std::size_t>(k) > distinct) {
    throw Error(ErrorKind::usage, "k-means cannot form " + std::to_string(k) + " clusters from " +
                                      std::to_string(distinct) + " distinct points (of " +
                                      std::to_string(points.size()) + ")");
  }
  std::vector<KMeansResult> restarts(static_cast<std::size_t>(options.restarts));
  core::parallel_for(restarts.size(), options.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      restarts[r] = lloyd(points, k, options.max_iterations, core::derive_seed(options.seed, r));
      restarts[r].restart = static_cast<int>(r);
    }
  });
  std::size_t best = 0;
  for (std::size_t r = 1; r < restarts.size(); ++r) {
    if (restarts[r].inertia < restarts[best].inertia) best = r;
  }
  return std::move(restarts[best]);
}

double mean_silhouette(const Points& points, const std::vector<int>& assignments, int threads) {
  if (assignments.size() != points.size()) {
    throw Error(ErrorKind::internal, "mean_silhouette: " + std::to_string(assignments.size()) + " assignments for " +
                                         std::to_string(points.size()) + " points");
  }
  if (points.empty()) return 0;
  check_points(points, "mean_silhouette");
  for (std::size_t i = 0; i < assignments.size(); ++i) {
    if (assignments[i] < 0) {
      throw Error(ErrorKind::internal,
                  "mean_silhouette: point " + std::to_string(i) + " has cluster " + std::to_string(assignments[i]));
    }
  }
  return silhouette_means(points, silhouette_sample(points.size(), 0, 0), {&assignments}, threads).front();
}

const char* to_string(KSelection selection) noexcept {
  switch (selection) {
    case KSelection::empty:
      return "empty";
    case KSelection::single:
      return "single";
    case KSelection::fixed:
      return "fixed";
    case KSelection::best_silhouette:
      return "best_silhouette";
  }
  return "unknown";
}

Clustering cluster(const Points& points, const ClusterOptions& options) {
  if (options.k_min < 2) {
    throw Error(ErrorKind::usage, "k_min must be >= 2 (the silhouette cannot score one cluster), got " +
                                      std::to_string(options.k_min) + "; use fixed_k = 1 for a single group");
  }
  if (options.k_max < options.k_min) {
    throw Error(ErrorKind::usage, "k_max (" + std::to_string(options.k_max) + ") must be >= k_min (" +
                                      std::to_string(options.k_min) + ")");
  }
  if (options.min_cluster_size < 1) {
    throw Error(ErrorKind::usage, "min_cluster_size must be >= 1, got " + std::to_string(options.min_cluster_size));
  }
  if (options.fixed_k < 0) {
    throw Error(ErrorKind::usage, "fixed_k must be >= 0, got " + std::to_string(options.fixed_k));
  }
  if (options.silhouette_sample < 0 || options.silhouette_sample == 1) {
    throw Error(ErrorKind::usage,
                "silhouette_sample must be 0 (all points) or >= 2, got " + std::to_string(options.silhouette_sample));
  }
  Clustering clustering;
  if (points.empty()) return clustering;
  check_points(points, "cluster");
  const int n = static_cast<int>(std::min<std::size_t>(points.size(), std::numeric_limits<int>::max()));
  const int distinct =
      static_cast<int>(std::min<std::size_t>(distinct_points(points), std::numeric_limits<int>::max()));
  const std::vector<std::size_t> sample =
      silhouette_sample(points.size(), options.silhouette_sample, options.kmeans.seed);

  if (options.fixed_k > 0) {
    const int k = std::min({options.fixed_k, n, distinct});
    clustering.selection = KSelection::fixed;
    clustering.result = k == 1 ? one_cluster(points) : kmeans(points, k, options.kmeans);
    if (k >= 2) {
      const double silhouette =
          silhouette_means(points, sample, {&clustering.result.assignments}, options.kmeans.threads).front();
      clustering.scores.push_back(score_of(clustering.result, silhouette, options.min_cluster_size));
    }
    return clustering;
  }

  const int k_high = std::min({options.k_max, n / 2, distinct});
  if (k_high < options.k_min) {
    clustering.selection = KSelection::single;
    clustering.result = one_cluster(points);
    return clustering;
  }
  std::vector<KMeansResult> candidates;
  for (int k = options.k_min; k <= k_high; ++k) candidates.push_back(kmeans(points, k, options.kmeans));
  std::vector<const std::vector<int>*> partitions;
  for (const auto& candidate : candidates) partitions.push_back(&candidate.assignments);
  const std::vector<double> silhouettes = silhouette_means(points, sample, partitions, options.kmeans.threads);
  std::optional<std::size_t> best;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    clustering.scores.push_back(score_of(candidates[c], silhouettes[c], options.min_cluster_size));
    if (!clustering.scores.back().eligible) continue;
    if (!best || silhouettes[c] > silhouettes[*best]) best = c;  // strict: an exact tie keeps the smaller k
  }
  if (!best) {
    clustering.selection = KSelection::single;
    clustering.result = one_cluster(points);
    return clustering;
  }
  clustering.selection = KSelection::best_silhouette;
  clustering.result = std::move(candidates[*best]);
  return clustering;
}

}  // namespace blindspot::group
