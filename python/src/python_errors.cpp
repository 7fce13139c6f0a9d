#include "python_errors.hpp"

namespace blindspot::python {

namespace py = pybind11;

py::object python_error(const core::Error& error) {
  const py::module_ errors = py::module_::import("blindspot.errors");
  const py::object error_class = errors.attr("error_class")(core::to_string(error.kind()));
  py::object file = py::none();
  py::object line = py::none();
  py::object field = py::none();
  if (const auto& where = error.where()) {
    file = py::str(where->file.string());
    if (where->line > 0) line = py::int_(where->line);
    if (!where->field.empty()) field = py::str(where->field);
  }
  return error_class(py::str(error.what()), py::arg("kind") = core::to_string(error.kind()),
                     py::arg("message") = error.message(), py::arg("file") = file, py::arg("line") = line,
                     py::arg("field") = field);
}

void register_error_translator() {
  py::register_local_exception_translator([](std::exception_ptr pending) {
    try {
      if (pending) std::rethrow_exception(pending);
    } catch (const core::Error& error) {
      const py::object exception = python_error(error);
      PyErr_SetObject(py::type::handle_of(exception).ptr(), exception.ptr());
    }
  });
}

}  // namespace blindspot::python
