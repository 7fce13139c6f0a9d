#pragma once

// Private to the web module: reading submitted form fields with limits. A field that is missing
// (when required), too long or not UTF-8 throws Error{bad_input} naming the field, which the
// handler wrapper turns into a 400 page; nothing is stored.

#include <httplib.h>

#include <cstddef>
#include <string>

namespace blindspot::web {

// The trimmed value of field `name`; "" when absent and not required.
std::string form_text(const httplib::Request& request, const std::string& name, std::size_t max_bytes, bool required);

// An integer field in [low, high].
int form_int(const httplib::Request& request, const std::string& name, int low, int high);

}  // namespace blindspot::web
