#pragma once

#include "blindspot/model/classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include <memory>
#include <string>

namespace blindspot::model::detail {

// Checks the Open Inference Protocol v2 server of `spec` (http(s)://HOST:PORT/v2/models/NAME
// [/versions/V]) for readiness, reads the model's metadata and returns it as a classifier.
// Throws Error{usage} for a malformed URL, Error{remote} naming the URL otherwise.
std::unique_ptr<Classifier> open_server_model(const std::string& spec, const RemoteOptions& options);

}  // namespace blindspot::model::detail
