#include "blindspot/discover/uu.hpp"

namespace blindspot::discover {

const char* to_string(UuKind kind) noexcept {
  switch (kind) {
    case UuKind::natural:
      return "natural";
    case UuKind::adversarial:
      return "adversarial";
  }
  return "natural";
}

}  // namespace blindspot::discover
