#pragma once

// Private to the web module (its tests reach it through src/web).

#include <string>
#include <string_view>

namespace blindspot::web {

// Escapes text for HTML element content and quoted attribute values: & < > " ' become entities.
// Every piece of dataset or user text on a page goes through it (IMDb texts hold markup such as
// "<br />", and annotators type anything).
std::string escape_html(std::string_view text);

// An adversarial UU's marked text ("a [[terible]] film", attack.md) as HTML with each changed word
// in <mark>: "a <mark>terible</mark> film". Every piece is escaped; an unclosed "[[" is kept as text.
std::string highlight_marked(std::string_view marked_text);

}  // namespace blindspot::web
