#pragma once

#include <filesystem>
#include <string>

namespace blindspot::core {

// Reads a whole file; throws Error{io} naming it.
std::string read_file(const std::filesystem::path& path);

}  // namespace blindspot::core
