#include "operations.hpp"
#include "python_errors.hpp"

#include <pybind11/pybind11.h>

// The compiled half of the `blindspot` package; see blindspot/__init__.py and docs/python.md.
PYBIND11_MODULE(_native, module) {
  module.doc() = "blindspot's library for Python (the compiled half of the blindspot package; use `import blindspot`)";
  blindspot::python::register_error_translator();
  blindspot::python::bind_model(module);
  blindspot::python::bind_discover(module);
  blindspot::python::bind_teach(module);
  blindspot::python::bind_loop(module);
}
