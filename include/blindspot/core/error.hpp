#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace blindspot::core {

// The five kinds of failure; each maps to one exit code (see exit_code()).
enum class ErrorKind {
  usage,      // the command line or configuration is wrong
  bad_input,  // a user-supplied file or value is malformed
  io,         // a file could not be read or written
  remote,     // a remote service failed
  internal,   // a bug in blindspot
};

// Where in the user's input an error lies (not where in our source).
struct InputLocation {
  std::filesystem::path file;
  std::int64_t line = 0;  // 1-based first line of the record; 0 = the whole file
  std::string field;      // column, JSON key or request field, if known
};

// The one error type of the library. what() reads like a compiler diagnostic:
// "path:line: column "label": message".
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, std::optional<InputLocation> where = {});

  ErrorKind kind() const noexcept { return kind_; }
  const std::optional<InputLocation>& where() const noexcept { return where_; }
  // The message without the location prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorKind kind_;
  std::optional<InputLocation> where_;
  std::string message_;
};

// usage, bad_input -> 2; everything else -> 1.
int exit_code(ErrorKind kind) noexcept;

// "usage", "bad_input", ...
const char* to_string(ErrorKind kind) noexcept;

}  // namespace blindspot::core
