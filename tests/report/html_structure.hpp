#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blindspot::test {

struct HtmlTag {
  std::string name;                                             // lower case
  std::vector<std::pair<std::string, std::string>> attributes;  // values as written, unquoted
};

struct HtmlStructure {
  std::vector<HtmlTag> tags;        // every start tag, in document order
  std::vector<std::string> errors;  // empty when the document is well-formed
};

// A deliberately small, strict checker for the markup blindspot writes (not a general HTML
// parser): every non-void element closed in order, attribute values quoted and free of '<',
// every '&' the start of a character reference, <style> content skipped as raw text.
HtmlStructure parse_html_structure(std::string_view html);

}  // namespace blindspot::test
