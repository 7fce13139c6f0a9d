// Turns whatever nlohmann::json throws while parsing a line into our input error.

#include "blindspot/data/json_line_error.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace blindspot::data {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;
using nlohmann::json;

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 1, column 24:
// syntax error while parsing value - unexpected '}'; ..."; our location already names the
// line, so only the part after the column survives.
std::string describe_parse_error(const json::parse_error& error) {
  const std::string what = error.what();
  const std::size_t column = what.find(", column ");
  const std::size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// "[json.exception.out_of_range.406] number overflow parsing '1e999'" -> "1e999".
std::string overflowing_number(const json::out_of_range& error) {
  const std::string what = error.what();
  const std::size_t first = what.find('\'');
  const std::size_t last = what.rfind('\'');
  return first == std::string::npos || last <= first ? "" : what.substr(first + 1, last - first - 1);
}

}  // namespace

core::Error json_line_error(const std::filesystem::path& file, std::int64_t line, std::string_view row,
                            std::size_t column_offset) {
  std::string key;  // the top-level key being read when the parser stopped
  const json::parser_callback_t track_key = [&key](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1) key = parsed.get<std::string>();
    return true;
  };
  try {
    [[maybe_unused]] const json parsed = json::parse(row.begin(), row.end(), track_key);
  } catch (const json::parse_error& error) {
    return Error(ErrorKind::bad_input,
                 "invalid JSON at byte column " + std::to_string(error.byte + column_offset) + ": " +
                     describe_parse_error(error),
                 InputLocation{file, line, ""});
  } catch (const json::out_of_range& error) {
    if (error.id == 406) {
      return Error(ErrorKind::bad_input,
                   "number " + overflowing_number(error) +
                       " is out of range (a JSON number must fit a double, below 1.8e308)",
                   InputLocation{file, line, key});
    }
    return Error(ErrorKind::bad_input, std::string("invalid JSON: ") + error.what(), InputLocation{file, line, key});
  } catch (const json::exception& error) {
    return Error(ErrorKind::bad_input, std::string("invalid JSON: ") + error.what(), InputLocation{file, line, key});
  }
  return Error(ErrorKind::bad_input, "invalid JSON", InputLocation{file, line, ""});
}

}  // namespace blindspot::data
