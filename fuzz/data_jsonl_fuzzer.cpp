// The JSONL dataset reader: data::read_training_split, read_split and read_records on a .jsonl file.

#include "data_reader_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  blindspot::fuzz::read_data_file(data, size, "input.jsonl");
  return 0;
}
