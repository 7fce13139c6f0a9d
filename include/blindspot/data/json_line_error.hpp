#pragma once

#include "blindspot/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace blindspot::data {

// The Error{bad_input} for one line of a JSON Lines file (a dataset, a UU file, a samples file)
// that the JSON parser rejected, so that no parser exception reaches the user as an internal error:
//   "file:3: column "confidence": number 1e999 is out of range (a JSON number must fit a double, ...)"
//   "file:3: invalid JSON at byte column 12: syntax error while parsing value - unexpected '}'; ..."
// The key is the top-level key whose value held the bad number. `column_offset` is added to byte
// columns (a BOM skipped on line 1). It parses `row` again to find the key, so call it only after
// a parse failed.
core::Error json_line_error(const std::filesystem::path& file, std::int64_t line, std::string_view row,
                            std::size_t column_offset = 0);

}  // namespace blindspot::data
