#pragma once

// Private to the web module: reading submitted form fields with limits. A field that is sent more
// than once, missing (when required), too long or not UTF-8 has a problem naming the field
// (`field "hypothesis": is required`); nothing is stored.

#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace blindspot::web {

// The fields of a submitted form, name -> value, as parsed from the request (httplib's Params).
using FormFields = std::multimap<std::string, std::string>;

// A field's trimmed value, or what is wrong with it.
struct FormField {
  std::string value;                   // "" when absent and not required, or when there is a problem
  std::optional<std::string> problem;  // `field "NAME": ...`, ready to show to the annotator
};

// Field `name` checked against `max_bytes` (before trimming), UTF-8 and, if `required`, blankness.
FormField read_field(const FormFields& fields, const std::string& name, std::size_t max_bytes, bool required);

// An integer field in [low, high]; throws Error{bad_input} naming the field otherwise (the handler
// wrapper's 400 page).
int form_int(const FormFields& fields, const std::string& name, int low, int high);

}  // namespace blindspot::web
