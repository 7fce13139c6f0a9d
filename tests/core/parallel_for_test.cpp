#include "blindspot/core/parallel_for.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

using namespace blindspot::core;

TEST(ParallelFor, CoversEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    std::vector<int> hits(1001, 0);
    parallel_for(hits.size(), threads, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) ++hits[i];
    });
    for (int hit : hits) ASSERT_EQ(hit, 1) << "threads " << threads;
  }
}

TEST(ParallelFor, RethrowsAWorkerExceptionOnTheCaller) {
  EXPECT_THROW(parallel_for(100, 4,
                            [](std::size_t begin, std::size_t) {
                              if (begin > 0) throw std::runtime_error("chunk failed");
                            }),
               std::runtime_error);
}

TEST(ParallelFor, ZeroMeansAllCores) { EXPECT_GE(resolve_thread_count(0), 1); }
