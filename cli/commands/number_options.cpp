#include "number_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

namespace blindspot::cli {
namespace {

// CLI11's own conversion reads "010" as octal 8 and "-5" into a std::size_t as 2^64 - 5, and lets
// an overflowing number saturate: each would run with a value other than the one typed and recorded.
// A leading zero is refused rather than read as decimal because an option's range check, which runs
// first, has seen CLI11's octal value.
template <typename Integer>
std::string check_integer(const std::string& input, const char* what) {
  const bool negative = !input.empty() && input.front() == '-';
  if (negative && std::is_unsigned_v<Integer>) return fmt::format("{} must not be negative", input);
  const std::size_t first_digit = negative ? 1 : 0;
  if (input.size() > first_digit + 1 && input[first_digit] == '0' &&
      std::isdigit(static_cast<unsigned char>(input[first_digit + 1])) != 0) {
    return fmt::format("{} has a leading zero (write it without, in decimal)", input);
  }
  Integer value{};
  const char* end = input.data() + input.size();
  const auto [stop, error] = std::from_chars(input.data(), end, value);
  if (error == std::errc::result_out_of_range) {
    return fmt::format("{} is out of range ({} from {} to {})", input, what, std::numeric_limits<Integer>::min(),
                       std::numeric_limits<Integer>::max());
  }
  if (error != std::errc{} || stop != end) return fmt::format("{} is not {} (decimal digits)", input, what);
  return {};
}

std::string finite_real(const std::string& input) {
  char* stop = nullptr;
  const long double value = std::strtold(input.c_str(), &stop);
  if (input.empty() || stop != input.c_str() + input.size()) return {};  // CLI11 reports what is not a number
  if (!std::isfinite(value)) return fmt::format("{} is not a finite number", input);
  return {};
}

CLI::Validator number_check(ValueKind kind) {
  switch (kind) {
    case ValueKind::signed_integer:
      return CLI::Validator([](std::string& input) { return check_integer<std::int64_t>(input, "an integer"); },
                            "", "integer");
    case ValueKind::unsigned_integer:
      return CLI::Validator(
          [](std::string& input) { return check_integer<std::uint64_t>(input, "a whole number"); }, "",
          "whole number");
    case ValueKind::real:
      return CLI::Validator([](std::string& input) { return finite_real(input); }, "", "finite number");
    case ValueKind::flag:
    case ValueKind::text:
      break;
  }
  return CLI::Validator();
}

}  // namespace

ValueKind value_kind(const CLI::Option& option) {
  if (option.get_expected_max() == 0 || option.get_type_size_max() == 0) return ValueKind::flag;
  const std::string type = option.get_type_name();
  const std::string base = type.substr(0, type.find(':'));
  if (base == "INT") return ValueKind::signed_integer;
  if (base == "UINT") return ValueKind::unsigned_integer;
  if (base == "FLOAT") return ValueKind::real;
  if (base == "BOOLEAN") return ValueKind::flag;
  return ValueKind::text;
}

const char* value_kind_description(ValueKind kind) {
  switch (kind) {
    case ValueKind::flag: return "true or false";
    case ValueKind::signed_integer: return "an integer";
    case ValueKind::unsigned_integer: return "a whole number";
    case ValueKind::real: return "a number";
    case ValueKind::text: return "a string";
  }
  return "a value";
}

void check_number_options(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    const ValueKind kind = value_kind(*option);
    if (kind == ValueKind::signed_integer || kind == ValueKind::unsigned_integer || kind == ValueKind::real) {
      option->check(number_check(kind));
    }
  }
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) check_number_options(*command);
}

}  // namespace blindspot::cli
