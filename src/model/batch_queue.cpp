#include "batch_queue.hpp"

#include <algorithm>

namespace blindspot::model::detail {

struct BatchQueue::Request {
  const std::vector<std::string>* texts = nullptr;
  const BatchQueue::Scored* scored = nullptr;  // the caller's, alive while it waits
  std::vector<Probabilities> results;
  std::size_t remaining = 0;
  std::exception_ptr failure;
  std::condition_variable done;
};

BatchQueue::BatchQueue(Send send, std::size_t batch_size, int max_in_flight, std::chrono::microseconds linger)
    : send_(std::move(send)), batch_size_(std::max<std::size_t>(1, batch_size)), linger_(linger) {
  const int senders = std::max(1, max_in_flight);
  senders_.reserve(static_cast<std::size_t>(senders));
  for (int i = 0; i < senders; ++i) senders_.emplace_back([this] { sender_loop(); });
}

BatchQueue::~BatchQueue() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& sender : senders_) sender.join();
}

std::vector<Probabilities> BatchQueue::predict(const std::vector<std::string>& texts, const Scored& scored) {
  if (texts.empty()) return {};
  auto request = std::make_shared<Request>();
  request->texts = &texts;
  if (scored) request->scored = &scored;
  request->results.resize(texts.size());
  request->remaining = texts.size();
  std::unique_lock lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
  last_activity_ = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < texts.size(); ++i) pending_.push_back({request, i});
  work_ready_.notify_all();
  request->done.wait(lock, [&] { return request->remaining == 0 || request->failure; });
  if (request->failure) {
    // Texts of this request still queued must not outlive `texts`.
    std::erase_if(pending_, [&](const Item& item) { return item.request == request; });
    std::rethrow_exception(request->failure);
  }
  return std::move(request->results);
}

std::vector<BatchQueue::Item> BatchQueue::take_batch(std::unique_lock<std::mutex>& lock) {
  for (;;) {
    work_ready_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return {};  // stopping
    const auto full = [&] { return stopping_ || pending_.size() >= batch_size_; };
    if (!full()) {
      if (in_flight_ > 0) {
        work_ready_.wait(lock, [&] { return full() || in_flight_ == 0; });
        continue;
      }
      const auto deadline = last_activity_ + linger_;
      if (std::chrono::steady_clock::now() < deadline) {
        work_ready_.wait_until(lock, deadline, [&] { return full() || in_flight_ > 0; });
        continue;  // look again: filled, taken by another sender, or quiet long enough
      }
    }
    const std::size_t count = std::min(batch_size_, pending_.size());
    std::vector<Item> batch(std::make_move_iterator(pending_.begin()),
                            std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(count)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
    ++in_flight_;
    return batch;
  }
}

void BatchQueue::report_and_wake(const std::vector<Item>& batch) {
  // A batch holds runs of texts of the same caller (they were queued together): one report each,
  // before its last text wakes the caller, who may then leave and take `scored` with it.
  for (std::size_t begin = 0; begin < batch.size();) {
    std::size_t end = begin + 1;
    while (end < batch.size() && batch[end].request == batch[begin].request) ++end;
    Request& request = *batch[begin].request;
    try {
      if (request.scored && !request.failure) (*request.scored)(end - begin);
    } catch (...) {
      request.failure = std::current_exception();  // the caller's own report failed: it rethrows
    }
    request.remaining -= end - begin;
    if (request.remaining == 0 || request.failure) request.done.notify_all();
    begin = end;
  }
}

void BatchQueue::sender_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    std::vector<Item> batch = take_batch(lock);
    if (batch.empty()) return;
    std::vector<std::string> texts;
    texts.reserve(batch.size());
    for (const Item& item : batch) texts.push_back((*item.request->texts)[item.index]);
    lock.unlock();
    std::vector<Probabilities> scores;
    std::exception_ptr failure;
    try {
      scores = send_(texts);
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    --in_flight_;
    last_activity_ = std::chrono::steady_clock::now();
    work_ready_.notify_all();
    if (failure) {
      if (!failure_) failure_ = failure;
      // Every caller waiting, on this batch or a later one, fails with the first error.
      for (const Item& item : batch) item.request->failure = failure_;
      for (const Item& item : pending_) item.request->failure = failure_;
      for (const Item& item : batch) item.request->done.notify_all();
      for (const Item& item : pending_) item.request->done.notify_all();
      pending_.clear();
      continue;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].request->results[batch[i].index] = std::move(scores[i]);
    report_and_wake(batch);
  }
}

}  // namespace blindspot::model::detail
