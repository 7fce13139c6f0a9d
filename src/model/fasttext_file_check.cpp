#include "fasttext_file_check.hpp"

namespace blindspot::model::detail {

// Filled in by the reliability work (issue 13).
void check_fasttext_file(std::istream&, std::uint64_t, const std::filesystem::path&) {}
void check_fasttext_file(const std::filesystem::path&) {}

}  // namespace blindspot::model::detail
