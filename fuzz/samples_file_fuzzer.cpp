// The sample file reader (the loop's teach step reads PREFIX.samples.jsonl back):
// teach::read_samples_jsonl, and the promise that write_samples_jsonl's output reads back unchanged.

#include "blindspot/teach/teach_output.hpp"
#include "fuzz_support.hpp"

#include <nlohmann/json.hpp>

namespace {

bool same_sample(const blindspot::teach::Sample& a, const blindspot::teach::Sample& b) {
  return a.id == b.id && a.hypothesis_id == b.hypothesis_id && a.text == b.text && a.label == b.label &&
         a.reasoning == b.reasoning && a.teacher == b.teacher && a.prompt_version == b.prompt_version &&
         nlohmann::json::parse(a.provenance_json) == nlohmann::json::parse(b.provenance_json) &&
         a.accepted == b.accepted && a.rejection == b.rejection && a.rejection_detail == b.rejection_detail;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blindspot;
  static fuzz::InputFile input("input.samples.jsonl");
  static fuzz::InputFile written("written.samples.jsonl");
  const std::filesystem::path& file = input.write(data, size);
  fuzz::accept_input_errors([&] {
    const std::vector<teach::Sample> samples = teach::read_samples_jsonl(file);
    const std::filesystem::path& copy = written.path();
    teach::write_samples_jsonl(copy, samples, false);
    const std::vector<teach::Sample> again = teach::read_samples_jsonl(copy);
    fuzz::require(again.size() == samples.size(), "write_samples_jsonl keeps every sample");
    for (std::size_t i = 0; i < samples.size(); ++i) {
      fuzz::require(same_sample(samples[i], again[i]), "a written sample reads back unchanged");
    }
  });
  return 0;
}
