#include "form.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/utf8.hpp"

#include <charconv>

namespace blindspot::web {
namespace {

[[noreturn]] void refuse(const std::string& name, const std::string& problem) {
  throw core::Error(core::ErrorKind::bad_input, "field \"" + name + "\": " + problem);
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

std::string form_text(const httplib::Request& request, const std::string& name, std::size_t max_bytes, bool required) {
  if (request.get_param_value_count(name) > 1) refuse(name, "sent more than once");
  const std::string raw = request.get_param_value(name);
  if (const auto bad = core::find_invalid_utf8(raw)) {
    refuse(name, "is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  }
  if (raw.size() > max_bytes) {
    refuse(name,
           "is " + std::to_string(raw.size()) + " bytes long; at most " + std::to_string(max_bytes) + " are accepted");
  }
  std::string value = trim(raw);
  if (required && value.empty()) refuse(name, "is required");
  return value;
}

int form_int(const httplib::Request& request, const std::string& name, int low, int high) {
  const std::string text = form_text(request, name, 16, true);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    refuse(name, "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return value;
}

}  // namespace blindspot::web
