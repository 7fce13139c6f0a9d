#pragma once

#include "blindspot/model/classifier.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace blindspot::model::detail {

// Gathers the texts of every thread calling predict() into batches of up to `batch_size` and
// sends them on up to `max_in_flight` sender threads, so a remote model sees full batches
// although each caller (an attack's example, say) asks for a few texts at a time. A batch that is
// not full waits while other batches are in flight (their replies wake callers who bring more
// texts), and goes when nothing is in flight and no text arrived for `linger`: then every caller
// is waiting for it. Each text's probabilities go back to its caller in
// order, so results never depend on how texts were batched. The first failure of `send` is kept:
// every waiting and later predict() rethrows it (a broken model fails the whole command fast).
class BatchQueue {
 public:
  using Send = std::function<std::vector<Probabilities>(const std::vector<std::string>& texts)>;
  // Told how many of a caller's texts one answered batch scored (on a sender thread, with the
  // queue locked: keep it short and do not call the queue from it).
  using Scored = std::function<void(std::size_t texts)>;

  BatchQueue(Send send, std::size_t batch_size, int max_in_flight,
             std::chrono::microseconds linger = std::chrono::milliseconds(2));
  // Waits for batches in flight, then stops the senders.
  ~BatchQueue();
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  // Blocks until every text is scored; safe from any number of threads. `scored`, if given, is
  // called after each batch that held some of these texts.
  std::vector<Probabilities> predict(const std::vector<std::string>& texts, const Scored& scored = {});

 private:
  struct Request;
  struct Item {
    std::shared_ptr<Request> request;
    std::size_t index = 0;
  };

  void sender_loop();
  std::vector<Item> take_batch(std::unique_lock<std::mutex>& lock);
  // With the lock held: tells each caller of `batch` its texts scored, wakes those complete.
  void report_and_wake(const std::vector<Item>& batch);

  Send send_;
  std::size_t batch_size_;
  std::chrono::microseconds linger_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<Item> pending_;
  std::chrono::steady_clock::time_point last_activity_;  // a text queued or a batch answered
  int in_flight_ = 0;
  std::exception_ptr failure_;
  bool stopping_ = false;
  std::vector<std::thread> senders_;
};

}  // namespace blindspot::model::detail
