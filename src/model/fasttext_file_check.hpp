#pragma once
// Private to src/model: a complete structural check of a fastText model file before fastText
// reads it (fastText trusts its header: a huge or negative bucket count aborts, a huge word count
// segfaults, trailing bytes go unnoticed).

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>

namespace blindspot::model::detail {

// The largest vector dimension a model file may declare, and training may ask for: fastText's
// published models use 300, and a vector of this size is still 40 KB.
inline constexpr std::int32_t kMaxDimension = 10'000;
// The largest bucket count: row ids (words + buckets) must fit fastText's 32-bit ids, and a
// billion rows of even one dimension is 4 GB.
inline constexpr std::int32_t kMaxBuckets = 1'000'000'000;

// Reads the whole model from `in` (positioned at the file's start; `size` is the file's size in
// bytes) and checks every header field's bounds, the dictionary's counts and entries, the matrices'
// shapes against the word and bucket counts and the dimension, and that the model ends exactly at
// `size`. Throws Error{bad_input} naming `file` and the offending field otherwise. Allocates
// nothing sized by the file and skips the matrices' numbers, so it is fast and safe on any bytes.
// Leaves `in` in an unspecified position.
void check_fasttext_file(std::istream& in, std::uint64_t size, const std::filesystem::path& file);

// The same for a file on disk: opens it (Error{io} if it cannot) and refuses a non-regular file.
void check_fasttext_file(const std::filesystem::path& file);

// Opens `file` for reading a model: Error{bad_input} for a folder, FIFO or device (a FIFO would
// block), Error{io} if it cannot be opened. Sets `size` to the opened file's size.
std::ifstream open_model_file(const std::filesystem::path& file, std::uint64_t& size);

}  // namespace blindspot::model::detail
