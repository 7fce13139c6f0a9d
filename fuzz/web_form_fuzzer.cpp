// The web app's form parsing: a url-encoded POST body parsed as cpp-httplib parses it for the
// handlers (detail::parse_query_text), then read the way the task and survey handlers read it
// (web::read_field, web::form_int; src/web/submission_flow.cpp and handlers.cpp).

#include "blindspot/core/utf8.hpp"
#include "form.hpp"
#include "fuzz_support.hpp"
#include "pages.hpp"

#include <httplib.h>

#include <array>

namespace {

// The fields the annotation pages post, with the sizes submission_flow.cpp allows (three bytes
// per character of the pages' maxlength).
struct TextField {
  const char* name;
  std::size_t max_bytes;
  bool required;
};
constexpr std::size_t kHypothesisBytes = blindspot::web::pages::kMaxHypothesisChars * 3;
constexpr std::size_t kSampleBytes = blindspot::web::pages::kMaxSampleChars * 3;
constexpr std::array<TextField, 5> kTextFields = {{{"hypothesis", kHypothesisBytes, true},
                                                   {"reasoning", kHypothesisBytes, false},
                                                   {"text_1", kSampleBytes, true},
                                                   {"label_1", 1000, true},
                                                   {"reasoning_1", kHypothesisBytes, false}}};
constexpr std::array<const char*, 3> kSurveyFields = {"labelling", "task", "ml"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blindspot;
  const std::string body(reinterpret_cast<const char*>(data), size);
  httplib::Params fields;
  httplib::detail::parse_query_text(body, fields);
  for (const TextField& spec : kTextFields) {
    const web::FormField field = web::read_field(fields, spec.name, spec.max_bytes, spec.required);
    if (field.problem) {
      fuzz::require(field.value.empty(), "a field with a problem has no value");
      continue;
    }
    fuzz::require(field.value.size() <= spec.max_bytes, "an accepted field is within its size");
    fuzz::require(core::is_valid_utf8(field.value), "an accepted field is valid UTF-8");
    if (spec.required) fuzz::require(!field.value.empty(), "an accepted required field is not empty");
  }
  for (const char* name : kSurveyFields) {
    fuzz::accept_input_errors([&] {
      const int answer = web::form_int(fields, name, 1, 5);
      fuzz::require(answer >= 1 && answer <= 5, "a survey answer is within its range");
    });
  }
  return 0;
}
