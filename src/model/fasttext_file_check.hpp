#pragma once
// Private to src/model: a complete structural check of a fastText model file before fastText
// reads it (fastText trusts its header: a huge or negative bucket count aborts, a huge word count
// segfaults, trailing bytes go unnoticed).

#include <cstdint>
#include <filesystem>
#include <istream>

namespace blindspot::model::detail {

// Reads the whole model from `in` (positioned at the file's start; `size` is the file's size in
// bytes) and checks every header field's bounds, the dictionary's counts and entries, the matrices'
// shapes against the word and bucket counts and the dimension, and that the model ends exactly at
// `size`. Throws Error{bad_input} naming `file` and the offending field otherwise. Leaves `in` in
// an unspecified position.
void check_fasttext_file(std::istream& in, std::uint64_t size, const std::filesystem::path& file);

// The same for a file on disk: opens it (Error{io} if it cannot) and refuses a non-regular file.
void check_fasttext_file(const std::filesystem::path& file);

}  // namespace blindspot::model::detail
