// The batch queue behind every command and server model (src/model/batch_queue.hpp): a private
// helper whose batching rules are easier to pin down here than through a process or HTTP.
#include "batch_queue.hpp"

#include "blindspot/core/error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace blindspot::model::detail {
namespace {

using ::testing::Each;
using ::testing::Le;

// A model whose probability of label 1 is the text's length / 100, recording each batch's size.
struct LengthModel {
  std::mutex mutex;
  std::vector<std::size_t> batches;
  std::chrono::milliseconds latency{0};

  std::vector<Probabilities> operator()(const std::vector<std::string>& texts) {
    {
      const std::lock_guard lock(mutex);
      batches.push_back(texts.size());
    }
    std::this_thread::sleep_for(latency);
    std::vector<Probabilities> out;
    for (const auto& text : texts) {
      const double p = static_cast<double>(text.size()) / 100.0;
      out.push_back({1 - p, p});
    }
    return out;
  }
};

std::vector<std::string> texts_of(int caller, int count) {
  std::vector<std::string> texts;
  for (int i = 0; i < count; ++i) texts.push_back(std::string(static_cast<std::size_t>(caller + i), 'x'));
  return texts;
}

TEST(BatchQueue, TellsTheCallerHowManyOfItsTextsEachBatchScored) {
  LengthModel model;
  BatchQueue queue([&](const auto& texts) { return model(texts); }, 4, 2);
  std::vector<std::size_t> reports;
  const BatchQueue::Scored scored = [&](std::size_t texts) { reports.push_back(texts); };
  const auto scores = queue.predict(texts_of(1, 10), scored);
  ASSERT_EQ(scores.size(), 10u);
  // One report per batch, all before predict() returned.
  EXPECT_EQ(reports.size(), model.batches.size());
  EXPECT_THAT(reports, Each(Le(4u)));
  std::size_t total = 0;
  for (auto count : reports) total += count;
  EXPECT_EQ(total, 10u);
}

TEST(BatchQueue, AFailingReportFailsOnlyItsCaller) {
  LengthModel model;
  BatchQueue queue([&](const auto& texts) { return model(texts); }, 4, 1);
  const BatchQueue::Scored failing = [](std::size_t) { throw std::runtime_error("the progress display broke"); };
  EXPECT_THROW(queue.predict(texts_of(1, 6), failing), std::runtime_error);
  EXPECT_EQ(queue.predict(texts_of(1, 6)).size(), 6u);
}

TEST(BatchQueue, OneCallerIsSplitIntoBatchesAndAnsweredInOrder) {
  LengthModel model;
  BatchQueue queue([&](const auto& texts) { return model(texts); }, 4, 2);
  const auto texts = texts_of(1, 10);
  const auto scores = queue.predict(texts);
  ASSERT_EQ(scores.size(), 10u);
  for (std::size_t i = 0; i < scores.size(); ++i) EXPECT_DOUBLE_EQ(scores[i][1], static_cast<double>(i + 1) / 100.0);
  EXPECT_THAT(model.batches, Each(Le(4u)));
  std::size_t total = 0;
  for (auto size : model.batches) total += size;
  EXPECT_EQ(total, 10u);
  EXPECT_TRUE(queue.predict({}).empty());
}

TEST(BatchQueue, ConcurrentCallersFillFullBatchesAndEachGetsItsOwnAnswers) {
  LengthModel model;
  model.latency = std::chrono::milliseconds(20);
  BatchQueue queue([&](const auto& texts) { return model(texts); }, 16, 2);
  constexpr int kCallers = 32;
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 3; ++round) {
        const auto texts = texts_of(c, 4);
        const auto scores = queue.predict(texts);
        for (std::size_t i = 0; i < texts.size(); ++i) {
          if (scores[i][1] != static_cast<double>(texts[i].size()) / 100.0) ++wrong;
        }
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(wrong, 0);
  // 32 callers x 3 rounds x 4 texts = 384 texts: 24 full batches of 16 at best. Batches wait for
  // the replies in flight to bring callers back instead of leaving half empty.
  std::size_t full = 0;
  for (auto size : model.batches) full += size == 16 ? 1 : 0;
  EXPECT_GE(full, 20u) << "batches: " << model.batches.size();
  EXPECT_LE(model.batches.size(), 28u);
}

TEST(BatchQueue, APartialBatchGoesWhenNothingElseIsComing) {
  LengthModel model;
  BatchQueue queue([&](const auto& texts) { return model(texts); }, 64, 1, std::chrono::milliseconds(1));
  const auto started = std::chrono::steady_clock::now();
  const auto scores = queue.predict(texts_of(1, 3));
  EXPECT_EQ(scores.size(), 3u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  EXPECT_EQ(model.batches, std::vector<std::size_t>{3});
}

TEST(BatchQueue, TheFirstFailureFailsEveryWaitingAndLaterCaller) {
  std::atomic<int> calls{0};
  BatchQueue queue(
      [&](const std::vector<std::string>&) -> std::vector<Probabilities> {
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        throw core::Error(core::ErrorKind::remote, "adapter cmd:x: exited with status 1");
      },
      2, 1);
  std::atomic<int> failed{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 6; ++c) {
    callers.emplace_back([&, c] {
      try {
        queue.predict(texts_of(c, 3));
      } catch (const core::Error& error) {
        if (error.kind() == core::ErrorKind::remote) ++failed;
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(failed, 6);
  EXPECT_EQ(calls, 1) << "callers queued behind the failed batch are not sent";
  EXPECT_THROW(queue.predict(texts_of(0, 1)), core::Error);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace blindspot::model::detail
