#include "form.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/utf8.hpp"

#include <charconv>

namespace blindspot::web {
namespace {

FormField problem(const std::string& name, const std::string& text) { return {{}, "field \"" + name + "\": " + text}; }

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

// read_field of a required field; a problem throws Error{bad_input} with its message.
std::string required_text(const FormFields& fields, const std::string& name, std::size_t max_bytes) {
  FormField field = read_field(fields, name, max_bytes, true);
  if (field.problem) throw core::Error(core::ErrorKind::bad_input, *field.problem);
  return std::move(field.value);
}

}  // namespace

FormField read_field(const FormFields& fields, const std::string& name, std::size_t max_bytes, bool required) {
  if (fields.count(name) > 1) return problem(name, "sent more than once");
  const auto found = fields.find(name);
  const std::string raw = found == fields.end() ? std::string() : found->second;
  if (const auto bad = core::find_invalid_utf8(raw)) {
    return problem(name, "is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  }
  if (raw.size() > max_bytes) {
    return problem(name, "is " + std::to_string(raw.size()) + " bytes long; at most " + std::to_string(max_bytes) +
                             " are accepted");
  }
  std::string value = trim(raw);
  if (required && value.empty()) return problem(name, "is required");
  return {std::move(value), std::nullopt};
}

int form_int(const FormFields& fields, const std::string& name, int low, int high) {
  const std::string text = required_text(fields, name, 16);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    throw core::Error(core::ErrorKind::bad_input, "field \"" + name + "\": must be a whole number from " +
                                                      std::to_string(low) + " to " + std::to_string(high));
  }
  return value;
}

}  // namespace blindspot::web
