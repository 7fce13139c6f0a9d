#pragma once
// A small generated sentiment-like dataset for fast loop tests, with a known set of flipped labels.

#include <filesystem>

namespace blindspot::test {

// Writes `rows` rows to `file` (text,label): row i is example n = i + offset, positive when n is
// even; each holds three words of its label and 3-18 neutral ones. Every row whose n is a multiple
// of `flip_every` (> 0) is labelled against its words, so a confident model is wrong about it (a
// UU, and a known wrong label).
void write_small_split(const std::filesystem::path& file, int rows, int flip_every, int offset);

// Whether row `row` of a split written with `flip_every` and `offset` carries a flipped label.
bool is_flipped_row(long long row, int flip_every, int offset);

}  // namespace blindspot::test
