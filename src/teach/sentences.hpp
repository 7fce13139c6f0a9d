#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace blindspot::teach::detail {

// A byte range of a text; the automatic teacher keeps ranges rather than copies so that the
// passages and carrier sentences it splices keep the original bytes, markup included.
struct Span {
  std::size_t offset = 0;
  std::size_t size = 0;
};

// Sentences as byte ranges of `text`: a run of . ! ? (with closing quotes or brackets) followed
// by white space or markup ends one, and so does a line break tag ("<br>", "<br/>", "<br />",
// any case: IMDb's paragraph breaks). Ranges are trimmed; those without words are dropped. A
// text without such punctuation is one sentence. Punctuation-based, so an abbreviation ("Lt.")
// ends a sentence too (docs/auto-teacher.md, "Limits").
std::vector<Span> split_sentences(std::string_view text);

}  // namespace blindspot::teach::detail
