#pragma once

#include "blindspot/llm/http_transport.hpp"

namespace blindspot::llm::detail {

using llm::HttpReply;
using llm::HttpSettings;
using llm::HttpTransport;

}  // namespace blindspot::llm::detail
