#pragma once

#include <condition_variable>
#include <mutex>

namespace blindspot::llm::detail {

// The max_usd limit of a client. A call reserves its worst-case cost before it is sent and
// settles at its real cost when the reply arrives, so concurrent calls can never together
// overshoot the limit. Once a call is refused, every later one is refused too: the caller asked
// to stop at the limit, not to fill it with whatever small calls still fit.
class Budget {
 public:
  // 0 = no limit (spending is still counted).
  explicit Budget(double max_usd);

  // Reserves `estimate_usd`; false when it could take spending above the limit. While other
  // calls hold reservations it waits for them to settle rather than refuse on their worst case.
  bool reserve(double estimate_usd);
  // Replaces a reservation with what the call cost.
  void settle(double estimate_usd, double actual_usd);
  // Drops a reservation of a call that paid nothing (it failed).
  void release(double estimate_usd);

  double spent_usd() const;
  double max_usd() const noexcept { return max_usd_; }

 private:
  double max_usd_;
  mutable std::mutex mutex_;
  std::condition_variable settled_;
  double spent_usd_ = 0;
  double reserved_usd_ = 0;
  int reservations_ = 0;
  bool exhausted_ = false;
};

}  // namespace blindspot::llm::detail
