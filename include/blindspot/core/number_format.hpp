#pragma once

#include <string>

namespace blindspot::core {

// The shortest decimal form (printf's %g, 6 to 17 significant digits) that reads back to exactly
// `value`: "0.9731", not "0.97310000000000001". For CSV cells and other text that must round-trip.
std::string format_shortest(double value);

}  // namespace blindspot::core
