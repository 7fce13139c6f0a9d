#include "blindspot/group/kmeans.hpp"

#include "blindspot/core/random.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace blindspot;
using group::Points;
using ::testing::HasSubstr;

namespace {

double uniform(core::Rng& rng) { return (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53; }

// Box-Muller: one standard normal draw.
double normal(core::Rng& rng) {
  return std::sqrt(-2 * std::log(uniform(rng))) * std::cos(2 * 3.14159265358979323846 * uniform(rng));
}

struct Blobs {
  Points points;
  std::vector<int> blob;  // the blob each point was drawn from
};

// `sizes[b]` points around 10 * e_b in `dimension` dimensions (standard deviation 1 per
// coordinate), interleaved so that no blob is a contiguous block of the input.
Blobs blobs(const std::vector<int>& sizes, int dimension, std::uint64_t seed) {
  core::Rng rng(seed);
  Blobs result;
  std::vector<int> left = sizes;
  for (bool any = true; any;) {
    any = false;
    for (std::size_t b = 0; b < left.size(); ++b) {
      if (left[b] == 0) continue;
      --left[b];
      any = true;
      std::vector<double> point(static_cast<std::size_t>(dimension));
      for (auto& value : point) value = normal(rng);
      point[b] += 10;
      result.points.push_back(point);
      result.blob.push_back(static_cast<int>(b));
    }
  }
  return result;
}

// True if the two labelings define the same partition (equal up to renumbering).
bool same_partition(const std::vector<int>& left, const std::vector<int>& right) {
  if (left.size() != right.size()) return false;
  std::map<int, int> forward;
  std::map<int, int> backward;
  for (std::size_t i = 0; i < left.size(); ++i) {
    const auto [f, f_new] = forward.emplace(left[i], right[i]);
    const auto [b, b_new] = backward.emplace(right[i], left[i]);
    if (f->second != right[i] || b->second != left[i]) return false;
  }
  return true;
}

TEST(L2Normalised, UnitRowsAndZeroStaysZero) {
  const Points rows = group::l2_normalised(std::vector<std::vector<float>>{{3, 4}, {0, 0}, {0, -2}});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_DOUBLE_EQ(rows[0][0], 0.6);
  EXPECT_DOUBLE_EQ(rows[0][1], 0.8);
  EXPECT_EQ(rows[1], (std::vector<double>{0, 0}));
  EXPECT_EQ(rows[2], (std::vector<double>{0, -1}));
  EXPECT_EQ(group::l2_normalised(Points{{1, 1, 1, 1}}), (Points{{0.5, 0.5, 0.5, 0.5}}));
}

TEST(KMeans, TwoPairsOnALineByHand) {
  const Points points = {{11}, {0}, {10}, {1}};
  group::KMeansOptions options;
  options.seed = 5;
  const auto result = group::kmeans(points, 2, options);
  EXPECT_EQ(result.k, 2);
  // Clusters are numbered by their first point: point 0 (11) opens cluster 0.
  EXPECT_EQ(result.assignments, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(result.centroids, (Points{{10.5}, {0.5}}));
  EXPECT_DOUBLE_EQ(result.inertia, 1.0);  // four points 0.5 from their centroid
  EXPECT_TRUE(result.converged);
  EXPECT_GE(result.iterations, 2);  // one to assign, one to see nothing change
}

TEST(KMeans, KEqualToDistinctPointsSeparatesThemDespiteDuplicates) {
  Points points(100, std::vector<double>{0, 0});
  points.push_back({5, 0});
  points.push_back({0, 5});
  // Seeding draws only points at a positive distance, so no two centres share a value.
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    group::KMeansOptions options;
    options.seed = seed;
    options.restarts = 1;
    const auto result = group::kmeans(points, 3, options);
    EXPECT_EQ(result.assignments[100], 1) << "seed " << seed;
    EXPECT_EQ(result.assignments[101], 2) << "seed " << seed;
    EXPECT_DOUBLE_EQ(result.inertia, 0.0) << "seed " << seed;
  }
}

TEST(KMeans, SameSeedSameResultForAnyThreadCount) {
  const auto data = blobs({40, 40, 40}, 10, 7);
  group::KMeansOptions options;
  options.seed = 11;
  options.threads = 1;
  const auto one = group::kmeans(data.points, 4, options);
  for (const int threads : {2, 3, 8}) {
    options.threads = threads;
    const auto other = group::kmeans(data.points, 4, options);
    EXPECT_EQ(other.assignments, one.assignments) << threads << " threads";
    EXPECT_EQ(other.centroids, one.centroids) << threads << " threads";  // bit-identical
    EXPECT_EQ(other.inertia, one.inertia) << threads << " threads";
    EXPECT_EQ(other.restart, one.restart) << threads << " threads";
  }
}

TEST(KMeans, SeedsFindDifferentLocalOptimaOnStructurelessData) {
  // Uniform points have no true clusters, so single restarts land in different local optima;
  // restart 0 of a seed is the single restart of that seed, so keeping the lowest inertia of
  // ten is never worse than it.
  core::Rng rng(3);
  Points points(300, std::vector<double>(2));
  for (auto& point : points) {
    for (auto& value : point) value = uniform(rng);
  }
  std::set<double> inertias;
  std::set<int> kept;
  group::KMeansOptions single;
  single.restarts = 1;
  group::KMeansOptions many;
  many.restarts = 10;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    single.seed = seed;
    many.seed = seed;
    const auto one = group::kmeans(points, 8, single);
    const auto best = group::kmeans(points, 8, many);
    inertias.insert(one.inertia);
    kept.insert(best.restart);
    EXPECT_EQ(one.restart, 0);
    EXPECT_LE(best.inertia, one.inertia) << "seed " << seed;
    if (best.restart == 0) {
      EXPECT_EQ(best.assignments, one.assignments);
    }
  }
  EXPECT_GE(inertias.size(), 3u);
  EXPECT_GE(kept.size(), 2u);  // the winning restart varies with the seed
}

TEST(KMeans, RejectsBadArguments) {
  const Points points = {{0}, {0}, {1}};
  auto err = test::expect_error([&] { group::kmeans(points, 3); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("cannot form 3 clusters from 2 distinct points (of 3)"));
  err = test::expect_error([&] { group::kmeans(points, 0); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("k >= 1, got 0"));
  group::KMeansOptions no_restarts;
  no_restarts.restarts = 0;
  err = test::expect_error([&] { group::kmeans(points, 1, no_restarts); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("restarts must be >= 1, got 0"));
  err = test::expect_error([&] { group::kmeans({{0, 1}, {1}}, 1); });
  EXPECT_EQ(err.kind(), core::ErrorKind::internal);
  EXPECT_THAT(err.what(), HasSubstr("point 1 has dimension 1, point 0 has 2"));
  err = test::expect_error([&] { group::kmeans({{0}, {std::nan("")}}, 1); });
  EXPECT_EQ(err.kind(), core::ErrorKind::internal);
  EXPECT_THAT(err.what(), HasSubstr("point 1 holds nan"));
  err = test::expect_error([&] { group::kmeans({}, 1); });
  EXPECT_THAT(err.what(), HasSubstr("kmeans: no points"));
}

TEST(DistinctPoints, CountsExactDuplicatesOnce) {
  EXPECT_EQ(group::distinct_points({{1, 2}, {1, 2}, {2, 1}, {1, 2.0000001}}), 3u);
  EXPECT_EQ(group::distinct_points({}), 0u);
}

// Hand-computed: {0, 1 | 10, 11}. Point 0: a = 1, b = (10 + 11) / 2 = 10.5, s = 9.5 / 10.5;
// point 1: a = 1, b = 9.5, s = 8.5 / 9.5; symmetric for 10 and 11.
TEST(MeanSilhouette, MatchesHandComputedValue) {
  const Points points = {{0}, {1}, {10}, {11}};
  EXPECT_NEAR(group::mean_silhouette(points, {0, 0, 1, 1}), (9.5 / 10.5 + 8.5 / 9.5) / 2, 1e-15);
  // Swapping the labels changes nothing; a bad split is negative: point 0 in {0, 10}: a = 10,
  // b = (1 + 11) / 2 = 6, s = (6 - 10) / 10.
  EXPECT_NEAR(group::mean_silhouette(points, {7, 7, 3, 3}), (9.5 / 10.5 + 8.5 / 9.5) / 2, 1e-15);
  const double bad = group::mean_silhouette(points, {0, 1, 0, 1});
  // point 1 in {1, 11}: a = 10, b = (1 + 9) / 2 = 5 -> -0.5; point 10 in {0, 10}: a = 10,
  // b = (9 + 1) / 2 = 5 -> -0.5; point 11 in {1, 11}: a = 10, b = (11 + 1) / 2 = 6 -> -0.4.
  EXPECT_NEAR(bad, -0.45, 1e-15);
}

TEST(MeanSilhouette, LonePointScoresZeroAndOneClusterIsZero) {
  // {0 | 10, 11}: s(0) = 0 (alone); s(10) = (10 - 1) / 10; s(11) = (11 - 1) / 11.
  EXPECT_NEAR(group::mean_silhouette({{0}, {10}, {11}}, {0, 1, 1}), (0.9 + 10.0 / 11.0) / 3, 1e-15);
  EXPECT_EQ(group::mean_silhouette({{0}, {10}, {11}}, {0, 0, 0}), 0.0);
  EXPECT_EQ(group::mean_silhouette({}, {}), 0.0);
  const auto err = test::expect_error([] { group::mean_silhouette({{0}, {1}}, {0}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::internal);
  EXPECT_THAT(err.what(), HasSubstr("1 assignments for 2 points"));
}

TEST(Cluster, ThreeBlobsGiveKThreeAndPerfectRecovery) {
  const auto data = blobs({30, 30, 30}, 10, 1);
  const auto clustering = group::cluster(data.points);
  EXPECT_EQ(clustering.selection, group::KSelection::best_silhouette);
  EXPECT_EQ(clustering.result.k, 3);
  EXPECT_TRUE(same_partition(clustering.result.assignments, data.blob));
  // Every candidate 2..10 was scored, ascending; k = 3 stands out.
  ASSERT_EQ(clustering.scores.size(), 9u);
  for (std::size_t i = 0; i < clustering.scores.size(); ++i) {
    EXPECT_EQ(clustering.scores[i].k, static_cast<int>(i) + 2);
    EXPECT_TRUE(clustering.scores[i].converged);
    if (i != 1) {
      EXPECT_LT(clustering.scores[i].silhouette, clustering.scores[1].silhouette - 0.1);
    }
  }
  EXPECT_GT(clustering.scores[1].silhouette, 0.6);
  EXPECT_DOUBLE_EQ(clustering.scores[1].inertia, clustering.result.inertia);
  // Inertia can only fall as k grows (each k keeps its best of 10 restarts).
  EXPECT_GT(clustering.scores[0].inertia, clustering.scores[1].inertia * 3);
}

TEST(Cluster, FiveBlobsInCosineGeometry) {
  // After normalisation the blobs are directions; k-means still finds them.
  const auto data = blobs({12, 20, 8, 15, 10}, 10, 2);
  const auto clustering = group::cluster(group::l2_normalised(data.points));
  EXPECT_EQ(clustering.result.k, 5);
  EXPECT_TRUE(same_partition(clustering.result.assignments, data.blob));
}

TEST(Cluster, DeterministicForASeedAndThreadCount) {
  const auto data = blobs({25, 25, 25, 25}, 6, 9);
  group::ClusterOptions options;
  options.kmeans.seed = 4;
  options.kmeans.threads = 1;
  options.silhouette_sample = 50;  // sampled silhouettes must be just as reproducible
  const auto one = group::cluster(data.points, options);
  options.kmeans.threads = 2;
  const auto two = group::cluster(data.points, options);
  const auto again = group::cluster(data.points, options);
  for (const auto* other : {&two, &again}) {
    EXPECT_EQ(other->result.assignments, one.result.assignments);
    ASSERT_EQ(other->scores.size(), one.scores.size());
    for (std::size_t i = 0; i < one.scores.size(); ++i) {
      EXPECT_EQ(other->scores[i].silhouette, one.scores[i].silhouette);
      EXPECT_EQ(other->scores[i].inertia, one.scores[i].inertia);
    }
  }
  EXPECT_EQ(one.result.k, 4);
  // A sampled silhouette approximates the full one.
  options.silhouette_sample = 0;
  const auto full = group::cluster(data.points, options);
  EXPECT_NEAR(full.scores[2].silhouette, one.scores[2].silhouette, 0.05);
  EXPECT_NE(full.scores[2].silhouette, one.scores[2].silhouette);
}

TEST(Cluster, FewPointsFormOneCluster) {
  for (const std::size_t n : {1u, 2u, 3u}) {
    Points distinct;
    for (std::size_t i = 0; i < n; ++i) distinct.push_back({static_cast<double>(i) * 10, 0});
    const auto clustering = group::cluster(distinct);
    EXPECT_EQ(clustering.selection, group::KSelection::single) << n;
    EXPECT_EQ(clustering.result.k, 1);
    EXPECT_EQ(clustering.result.assignments, std::vector<int>(n, 0));
    EXPECT_TRUE(clustering.scores.empty());
  }
  const auto three = group::cluster({{0, 0}, {0, 3}, {6, 0}});
  EXPECT_EQ(three.result.centroids, (Points{{2, 1}}));
  EXPECT_DOUBLE_EQ(three.result.inertia, 5 + 8 + 17);
  // Four points allow only k = 2.
  const auto four = group::cluster({{0}, {1}, {10}, {11}});
  EXPECT_EQ(four.selection, group::KSelection::best_silhouette);
  EXPECT_EQ(four.result.assignments, (std::vector<int>{0, 0, 1, 1}));
  ASSERT_EQ(four.scores.size(), 1u);
  EXPECT_NEAR(four.scores[0].silhouette, (9.5 / 10.5 + 8.5 / 9.5) / 2, 1e-15);
  const auto none = group::cluster({});
  EXPECT_EQ(none.selection, group::KSelection::empty);
  EXPECT_EQ(none.result.k, 0);
}

TEST(Cluster, IdenticalPointsFormOneCluster) {
  const auto same = group::cluster(Points(20, std::vector<double>{0.25, -1}));
  EXPECT_EQ(same.selection, group::KSelection::single);
  EXPECT_EQ(same.result.k, 1);
  EXPECT_EQ(same.result.inertia, 0.0);
  // Two distinct values, three copies each: k is capped at 2 and the split is perfect.
  const auto pairs = group::cluster({{0}, {4}, {0}, {4}, {0}, {4}});
  EXPECT_EQ(pairs.result.k, 2);
  EXPECT_EQ(pairs.result.assignments, (std::vector<int>{0, 1, 0, 1, 0, 1}));
  ASSERT_EQ(pairs.scores.size(), 1u);
  EXPECT_EQ(pairs.scores[0].silhouette, 1.0);
}

TEST(Cluster, ALoneOutlierIsNotACluster) {
  // A diffuse blob and one far point: the best silhouette isolates the point, which
  // min_cluster_size = 2 rules out; every candidate keeps it alone, so the points stay together.
  core::Rng rng(12);
  Points points;
  for (int i = 0; i < 30; ++i) points.push_back({normal(rng), normal(rng)});
  points.push_back({40, 40});
  const auto guarded = group::cluster(points);
  EXPECT_EQ(guarded.selection, group::KSelection::single);
  EXPECT_EQ(guarded.result.k, 1);
  ASSERT_EQ(guarded.scores.size(), 9u);
  EXPECT_EQ(guarded.scores[0].smallest_cluster, 1);
  EXPECT_FALSE(guarded.scores[0].eligible);
  group::ClusterOptions options;
  options.min_cluster_size = 1;
  const auto unguarded = group::cluster(points, options);
  EXPECT_EQ(unguarded.selection, group::KSelection::best_silhouette);
  EXPECT_EQ(unguarded.result.k, 2);
  EXPECT_EQ(unguarded.result.assignments.back(), 1);
  EXPECT_EQ(std::count(unguarded.result.assignments.begin(), unguarded.result.assignments.end(), 1), 1);
  EXPECT_GT(unguarded.scores[0].silhouette, 0.8);
  EXPECT_TRUE(unguarded.scores[0].eligible);
}

TEST(Cluster, FixedKAndRangeOptions) {
  const auto data = blobs({30, 30, 30}, 10, 1);
  group::ClusterOptions options;
  options.fixed_k = 2;
  auto clustering = group::cluster(data.points, options);
  EXPECT_EQ(clustering.selection, group::KSelection::fixed);
  EXPECT_EQ(clustering.result.k, 2);
  ASSERT_EQ(clustering.scores.size(), 1u);
  EXPECT_EQ(clustering.scores[0].k, 2);
  options.fixed_k = 1;
  clustering = group::cluster(data.points, options);
  EXPECT_EQ(clustering.result.k, 1);
  EXPECT_TRUE(clustering.scores.empty());
  options.fixed_k = 0;
  options.k_min = 4;
  options.k_max = 6;
  clustering = group::cluster(data.points, options);
  ASSERT_EQ(clustering.scores.size(), 3u);
  EXPECT_EQ(clustering.scores.front().k, 4);
  EXPECT_GE(clustering.result.k, 4);
  // k_max is capped at n / 2 = 5 for ten points.
  Points ten;
  for (int i = 0; i < 10; ++i) ten.push_back({static_cast<double>(i * i)});
  options.k_min = 2;
  options.k_max = 10;
  EXPECT_EQ(group::cluster(ten, options).scores.back().k, 5);
}

TEST(Cluster, RejectsBadOptions) {
  group::ClusterOptions options;
  options.k_min = 1;
  auto err = test::expect_error([&] { group::cluster({{0}}, options); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("k_min must be >= 2"));
  EXPECT_THAT(err.what(), HasSubstr("use fixed_k = 1"));
  options.k_min = 5;
  options.k_max = 4;
  err = test::expect_error([&] { group::cluster({{0}}, options); });
  EXPECT_THAT(err.what(), HasSubstr("k_max (4) must be >= k_min (5)"));
  options = {};
  options.min_cluster_size = 0;
  err = test::expect_error([&] { group::cluster({{0}}, options); });
  EXPECT_THAT(err.what(), HasSubstr("min_cluster_size must be >= 1, got 0"));
  options = {};
  options.silhouette_sample = 1;
  err = test::expect_error([&] { group::cluster({{0}}, options); });
  EXPECT_THAT(err.what(), HasSubstr("silhouette_sample must be 0 (all points) or >= 2, got 1"));
}

TEST(KSelection, Names) {
  EXPECT_STREQ(group::to_string(group::KSelection::best_silhouette), "best_silhouette");
  EXPECT_STREQ(group::to_string(group::KSelection::single), "single");
  EXPECT_STREQ(group::to_string(group::KSelection::fixed), "fixed");
  EXPECT_STREQ(group::to_string(group::KSelection::empty), "empty");
}

}  // namespace
