// Held-out dev UUs (docs/run.md): filled in by the held-out change of issue 12.

namespace blindspot::loop::detail {}  // namespace blindspot::loop::detail
