#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::data {

// RFC 4180 quoting: a field with a comma, quote, CR or LF is wrapped in quotes and inner
// quotes are doubled.
std::string csv_field(std::string_view field);

// The field in quotes whatever it holds, inner quotes doubled.
std::string csv_quoted(std::string_view field);

// Writes one record terminated by LF.
void write_csv_row(std::ostream& out, const std::vector<std::string>& fields);

}  // namespace blindspot::data
