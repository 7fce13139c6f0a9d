#include "blindspot/llm/chat.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::llm {
namespace {

// The end (one past) of the bracketed value starting at text[begin], or npos when it never
// closes. Brackets inside strings do not count; only the kind of bracket that opened is
// tracked, the JSON parser judges the rest.
std::size_t matching_end(std::string_view text, std::size_t begin) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t at = begin; at < text.size(); ++at) {
    const char c = text[at];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return at + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::string> extract_json(std::string_view text) {
  // Each '{' or '[' is a candidate start: prose may hold brackets ("[note]") before the value.
  for (std::size_t begin = text.find_first_of("{["); begin != std::string_view::npos;
       begin = text.find_first_of("{[", begin + 1)) {
    const std::size_t end = matching_end(text, begin);
    if (end == std::string_view::npos) continue;
    const std::string_view candidate = text.substr(begin, end - begin);
    if (nlohmann::json::accept(candidate)) return std::string(candidate);
  }
  return std::nullopt;
}

}  // namespace blindspot::llm
