// The TSV dataset reader: data::read_training_split, read_split and read_records on a .tsv file.

#include "data_reader_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  blindspot::fuzz::read_data_file(data, size, "input.tsv");
  return 0;
}
