// The fastText model file (`--model FILE`): model::detail::FastTextModel::load_checked, which runs
// the complete structural check (detail::check_fasttext_file) and then lets fastText read the file.
// A file the check passes must load without a crash, an abort or an allocation beyond
// -rss_limit_mb (issue 13, finding 2).

#include "fasttext_model.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blindspot;
  static fuzz::InputFile input("input.bin");
  const std::filesystem::path& file = input.write(data, size);
  fuzz::accept_input_errors([&] {
    model::detail::FastTextModel model;
    model.load_checked(file);
    fuzz::require(model::detail::model_label_names(model).size() >= 2, "a loaded model has two labels or more");
  });
  return 0;
}
