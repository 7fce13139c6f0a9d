// The prompt template reader (`teach --prompts DIR`): teach::PromptTemplate::load with every
// placeholder the LLM teacher knows, then render.

#include "blindspot/teach/prompt_template.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blindspot;
  static fuzz::InputFile input("input.txt");
  static const std::set<std::string> placeholders = {"hypothesis", "k", "labels", "length_hint",
                                                     "model_description", "task_description", "text", "uu"};
  std::map<std::string, std::string> values;
  for (const std::string& name : placeholders) values[name] = "<" + name + ">";
  const std::filesystem::path& file = input.write(data, size);
  fuzz::accept_input_errors([&] {
    const teach::PromptTemplate prompt = teach::PromptTemplate::load(file, placeholders);
    // load() rejected every placeholder it could not fill, so rendering fills them all.
    for (const llm::Message& message : prompt.render(values)) {
      fuzz::require(message.content.find("{{") == std::string::npos, "a rendered prompt has no placeholder left");
    }
  });
  return 0;
}
