#include "blindspot/core/error.hpp"

namespace blindspot::core {
namespace {

std::string format_message(const std::string& message, const std::optional<InputLocation>& where) {
  if (!where) return message;
  std::string out = where->file.string();
  if (where->line > 0) out += ":" + std::to_string(where->line);
  out += ": ";
  if (!where->field.empty()) out += "column \"" + where->field + "\": ";
  return out + message;
}

}  // namespace

Error::Error(ErrorKind kind, const std::string& message, std::optional<InputLocation> where)
    : std::runtime_error(format_message(message, where)), kind_(kind), where_(std::move(where)), message_(message) {}

int exit_code(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::bad_input:
      return 2;
    case ErrorKind::io:
    case ErrorKind::remote:
    case ErrorKind::internal:
      return 1;
  }
  return 1;
}

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::bad_input: return "bad_input";
    case ErrorKind::io: return "io";
    case ErrorKind::remote: return "remote";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace blindspot::core
