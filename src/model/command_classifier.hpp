#pragma once

#include "blindspot/model/classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include <memory>
#include <string>

namespace blindspot::model::detail {

// Starts the adapter of `spec` ("cmd:..."), reads its handshake and returns it as a classifier
// (docs/model-protocol.md). Throws Error{remote} naming the command.
std::unique_ptr<Classifier> open_command_model(const std::string& spec, const RemoteOptions& options);

}  // namespace blindspot::model::detail
