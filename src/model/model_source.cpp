#include "blindspot/model/model_source.hpp"

#include "command_classifier.hpp"
#include "server_classifier.hpp"

#include "blindspot/core/error.hpp"

#include <filesystem>

namespace blindspot::model {

SourceKind source_kind(std::string_view spec) noexcept {
  if (spec.starts_with("cmd:")) return SourceKind::command;
  if (spec.starts_with("http://") || spec.starts_with("https://")) return SourceKind::server;
  return SourceKind::file;
}

const char* to_string(SourceKind kind) noexcept {
  switch (kind) {
    case SourceKind::file:
      return "model file";
    case SourceKind::command:
      return "adapter command";
    case SourceKind::server:
      return "inference server";
  }
  return "model";
}

std::string displayable_source(std::string_view spec) {
  if (source_kind(spec) != SourceKind::server) return std::string(spec);
  std::string url(spec.substr(0, spec.find_first_of("?#")));
  const auto host = url.find("://") + 3;
  const auto at = url.find('@', host);
  const auto slash = url.find('/', host);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) url.erase(host, at + 1 - host);
  return url;
}

std::unique_ptr<Classifier> open_model(const std::string& spec, const RemoteOptions& options) {
  switch (source_kind(spec)) {
    case SourceKind::command:
      return detail::open_command_model(spec, options);
    case SourceKind::server:
      return detail::open_server_model(spec, options);
    case SourceKind::file:
      break;
  }
  const std::filesystem::path file(spec);
  if (!std::filesystem::exists(file)) {
    throw core::Error(core::ErrorKind::bad_input,
                      "model file does not exist (a model may also be \"cmd:COMMAND\" for an adapter process or "
                      "\"http(s)://HOST:PORT/v2/models/NAME\" for an inference server)",
                      core::InputLocation{file, 0, ""});
  }
  return load_classifier(file);
}

}  // namespace blindspot::model
