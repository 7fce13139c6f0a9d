#pragma once

#include "blindspot/llm/backoff.hpp"
#include "clock.hpp"

namespace blindspot::llm::detail {

using llm::Backoff;
using llm::parse_retry_after;

}  // namespace blindspot::llm::detail
