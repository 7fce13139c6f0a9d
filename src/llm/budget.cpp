#include "budget.hpp"

namespace blindspot::llm::detail {

Budget::Budget(double max_usd) : max_usd_(max_usd) {}

bool Budget::reserve(double estimate_usd) {
  std::unique_lock lock(mutex_);
  if (max_usd_ > 0) {
    settled_.wait(lock, [&] {
      return exhausted_ || reservations_ == 0 || spent_usd_ + reserved_usd_ + estimate_usd <= max_usd_;
    });
    if (exhausted_ || spent_usd_ + reserved_usd_ + estimate_usd > max_usd_) {
      exhausted_ = true;
      settled_.notify_all();
      return false;
    }
  }
  reserved_usd_ += estimate_usd;
  ++reservations_;
  return true;
}

void Budget::settle(double estimate_usd, double actual_usd) {
  {
    const std::lock_guard lock(mutex_);
    reserved_usd_ -= estimate_usd;
    --reservations_;
    if (reservations_ == 0) reserved_usd_ = 0;  // no floating-point residue once idle
    spent_usd_ += actual_usd;
  }
  settled_.notify_all();
}

void Budget::release(double estimate_usd) { settle(estimate_usd, 0); }

double Budget::spent_usd() const {
  const std::lock_guard lock(mutex_);
  return spent_usd_;
}

}  // namespace blindspot::llm::detail
