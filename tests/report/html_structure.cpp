#include "html_structure.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace blindspot::test {
namespace {

constexpr std::array<std::string_view, 13> kVoidElements = {"area",  "base", "br",   "col",    "embed", "hr", "img",
                                                            "input", "link", "meta", "source", "track", "wbr"};

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == ':'; }

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Every '&' in `text` must begin a named or numeric character reference.
void check_references(std::string_view text, std::size_t offset, std::vector<std::string>& errors) {
  static const std::regex reference("^&([a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#x[0-9a-fA-F]+);");
  for (std::size_t i = text.find('&'); i != std::string_view::npos; i = text.find('&', i + 1)) {
    const std::string rest(text.substr(i, 16));
    if (!std::regex_search(rest, reference)) {
      errors.push_back("bare '&' at byte " + std::to_string(offset + i) + ": " + rest);
    }
  }
}

}  // namespace

HtmlStructure parse_html_structure(std::string_view html) {
  HtmlStructure out;
  std::vector<std::string> open;
  std::size_t pos = 0;
  const auto error = [&](const std::string& message) {
    out.errors.push_back(message + " at byte " + std::to_string(pos));
  };
  while (pos < html.size() && out.errors.size() < 20) {
    const std::size_t lt = html.find('<', pos);
    check_references(html.substr(pos, lt == std::string_view::npos ? std::string_view::npos : lt - pos), pos,
                     out.errors);
    if (lt == std::string_view::npos) break;
    pos = lt;
    if (html.substr(pos, 4) == "<!--") {
      const std::size_t end = html.find("-->", pos);
      if (end == std::string_view::npos) {
        error("unterminated comment");
        return out;
      }
      pos = end + 3;
      continue;
    }
    if (html.substr(pos, 2) == "<!") {
      pos = html.find('>', pos);
      if (pos == std::string_view::npos) {
        error("unterminated declaration");
        return out;
      }
      ++pos;
      continue;
    }
    const bool closing = html.substr(pos, 2) == "</";
    std::size_t i = pos + (closing ? 2 : 1);
    const std::size_t name_start = i;
    while (i < html.size() && is_name_char(html[i])) ++i;
    const std::string name = lower(std::string(html.substr(name_start, i - name_start)));
    if (name.empty()) {
      error("'<' that starts no tag");
      ++pos;
      continue;
    }
    if (closing) {
      if (i >= html.size() || html[i] != '>') {
        error("malformed end tag </" + name);
        return out;
      }
      if (open.empty() || open.back() != name) {
        error("</" + name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">"));
      } else {
        open.pop_back();
      }
      pos = i + 1;
      continue;
    }
    HtmlTag tag{name, {}};
    bool self_closing = false;
    while (true) {
      while (i < html.size() && std::isspace(static_cast<unsigned char>(html[i])) != 0) ++i;
      if (i >= html.size()) {
        error("unterminated <" + name);
        return out;
      }
      if (html[i] == '>') break;
      if (html.substr(i, 2) == "/>") {
        self_closing = true;
        ++i;
        break;
      }
      const std::size_t attribute_start = i;
      while (i < html.size() && is_name_char(html[i])) ++i;
      if (i == attribute_start) {
        error("bad character in <" + name + ">");
        return out;
      }
      std::string attribute = lower(std::string(html.substr(attribute_start, i - attribute_start)));
      std::string value;
      if (i < html.size() && html[i] == '=') {
        ++i;
        const char quote = i < html.size() ? html[i] : '\0';
        if (quote != '"' && quote != '\'') {
          error("unquoted value of " + attribute + " in <" + name + ">");
          return out;
        }
        const std::size_t end = html.find(quote, i + 1);
        if (end == std::string_view::npos) {
          error("unterminated value in <" + name + ">");
          return out;
        }
        value = std::string(html.substr(i + 1, end - i - 1));
        if (value.find('<') != std::string::npos) error("'<' in the value of " + attribute + " in <" + name + ">");
        check_references(value, i + 1, out.errors);
        i = end + 1;
      }
      tag.attributes.emplace_back(std::move(attribute), std::move(value));
    }
    pos = i + 1;
    out.tags.push_back(tag);
    const bool is_void = std::find(kVoidElements.begin(), kVoidElements.end(), name) != kVoidElements.end();
    if (name == "style" || name == "script") {
      // Raw text: the content ends at the first matching end tag, whatever it contains.
      const std::size_t end = html.find("</" + name, pos);
      if (end == std::string_view::npos) {
        error("unterminated <" + name + ">");
        return out;
      }
      pos = end;
      open.push_back(name);
    } else if (!self_closing && !is_void) {
      open.push_back(name);
    }
  }
  for (const auto& name : open) out.errors.push_back("<" + name + "> never closed");
  return out;
}

}  // namespace blindspot::test
