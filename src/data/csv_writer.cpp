#include "blindspot/data/csv_writer.hpp"

namespace blindspot::data {

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  return csv_quoted(field);
}

std::string csv_quoted(std::string_view field) {
  std::string out;
  out.reserve(field.size() + 2);
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  // A lone empty field would be an empty line, which readers (ours included) skip.
  if (fields.size() == 1 && fields[0].empty()) {
    out << "\"\"\n";
    return;
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out << ',';
    out << csv_field(fields[i]);
  }
  out << '\n';
}

}  // namespace blindspot::data
