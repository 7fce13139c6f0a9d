// The UU file reader (`teach --uus`, `serve --uus`, the loop's own files): teach::read_uus_file
// and read_uus_jsonl, and the promise of write_uus_jsonl that what it writes reads back unchanged.

#include "blindspot/teach/uu_source.hpp"
#include "fuzz_support.hpp"

#include <cmath>

namespace {

using blindspot::discover::Uu;
using blindspot::fuzz::require;

bool same_uu(const Uu& a, const Uu& b) {
  bool same_edits = a.edits.size() == b.edits.size();
  for (std::size_t i = 0; same_edits && i < a.edits.size(); ++i) {
    same_edits = a.edits[i].original == b.edits[i].original && a.edits[i].replacement == b.edits[i].replacement &&
                 a.edits[i].operation == b.edits[i].operation;
  }
  return same_edits && a.id == b.id && a.kind == b.kind && a.text == b.text && a.original_text == b.original_text &&
         a.marked_text == b.marked_text && a.true_label == b.true_label && a.predicted_label == b.predicted_label &&
         a.confidence == b.confidence && a.blind_spot == b.blind_spot;
}

void check_uus(const std::vector<Uu>& uus, const blindspot::data::LabelSet& labels) {
  for (const Uu& uu : uus) {
    require(labels.index_of(uu.true_label) && labels.index_of(uu.predicted_label), "a UU's labels are the model's");
    require(std::isfinite(uu.confidence) && uu.confidence >= 0 && uu.confidence <= 1,
            "a UU's confidence is a probability");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blindspot;
  static fuzz::InputFile input("input.uus.jsonl");
  static fuzz::InputFile written("written.uus.jsonl");
  static const data::LabelSet labels({"negative", "positive"});
  const std::filesystem::path& file = input.write(data, size);
  fuzz::accept_input_errors([&] { check_uus(teach::read_uus_file(file, labels), labels); });
  fuzz::accept_input_errors([&] {
    const std::vector<discover::Uu> uus = teach::read_uus_jsonl(file, labels);
    check_uus(uus, labels);
    // A UU read from a file may be written again (held-out UUs, `serve`): it must come back as it was.
    const std::filesystem::path& copy = written.path();
    teach::write_uus_jsonl(copy, uus);
    const std::vector<discover::Uu> again = teach::read_uus_jsonl(copy, labels);
    require(again.size() == uus.size(), "write_uus_jsonl keeps every UU");
    for (std::size_t i = 0; i < uus.size(); ++i) require(same_uu(uus[i], again[i]), "a written UU reads back unchanged");
  });
  return 0;
}
