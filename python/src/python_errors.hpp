#pragma once

#include "blindspot/core/error.hpp"

#include <pybind11/pybind11.h>

namespace blindspot::python {

// Makes every core::Error that reaches Python an instance of the matching class of
// blindspot.errors (UsageError, BadInputError, IoError, RemoteError, InternalError), with the
// error's kind, file, line and field as attributes.
void register_error_translator();

// The Python exception object for `error` (not raised).
pybind11::object python_error(const core::Error& error);

}  // namespace blindspot::python
