// Filled in by issue 12.

namespace blindspot::eval {}  // namespace blindspot::eval
