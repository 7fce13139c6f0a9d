#include "server_classifier.hpp"

#include "blindspot/core/error.hpp"

namespace blindspot::model::detail {

std::unique_ptr<Classifier> open_server_model(const std::string& spec, const RemoteOptions&) {
  throw core::Error(core::ErrorKind::usage, spec + ": this model source is not available yet");
}

}  // namespace blindspot::model::detail
