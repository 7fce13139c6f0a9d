#pragma once

#include <functional>
#include <string_view>

namespace blindspot::core {

// Long library operations report progress through this callback (the library never prints).
// `fraction` is in [0, 1]; `stage` names the work ("training", "scanning dev").
using ProgressCallback = std::function<void(std::string_view stage, double fraction)>;

}  // namespace blindspot::core
