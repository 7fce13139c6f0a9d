#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace blindspot::model {

// The text normalisation applied before fastText sees a text, at training and prediction
// alike (docs/classifier.md):
//  1. HTML line breaks (`<br />`, `<br/>`, `<br>`, any case) become spaces;
//  2. Unicode case folding and NFKC (utf8proc), so "Ｃａｆé" and "café" are one word;
//  3. every punctuation or symbol character becomes a token of its own ("great!" -> "great !"),
//     except an apostrophe or hyphen inside a word ("don't", "well-made");
//  4. runs of white space collapse to one space; leading/trailing space is dropped.
// The result is whitespace-tokenised, which is all fastText does.
std::string normalise_text(std::string_view text);

// normalise_text() split into tokens.
std::vector<std::string> tokenise(std::string_view text);

}  // namespace blindspot::model
