#include "html.hpp"

namespace blindspot::web {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string highlight_marked(std::string_view marked_text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < marked_text.size()) {
    const std::size_t open = marked_text.find("[[", pos);
    const std::size_t close = open == std::string_view::npos ? open : marked_text.find("]]", open + 2);
    if (close == std::string_view::npos) break;
    out += escape_html(marked_text.substr(pos, open - pos));
    out += "<mark>" + escape_html(marked_text.substr(open + 2, close - open - 2)) + "</mark>";
    pos = close + 2;
  }
  out += escape_html(marked_text.substr(pos));
  return out;
}

}  // namespace blindspot::web
