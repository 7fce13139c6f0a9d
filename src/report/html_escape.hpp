#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace blindspot::report {

// Text made safe for HTML (and XML) element content and quoted attribute values: invalid
// UTF-8 and C0 control characters other than tab, newline and carriage return become U+FFFD
// (XML forbids them, HTML calls them parse errors), then & < > " ' become character
// references. Every text that comes from data goes through here, however harmless it looks.
std::string escape_html(std::string_view text);

// `text` cut to at most `max_bytes` bytes on a UTF-8 character boundary, with "…" appended
// when something was cut. Long dataset texts (IMDb reviews run to thousands of characters)
// would otherwise swamp the page; the JSON report keeps them whole.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace blindspot::report
