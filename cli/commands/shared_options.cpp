#include "shared_options.hpp"

#include "number_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/store/runs.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

namespace blindspot::cli {

void add_shared_options(CLI::App& command, DataSource& source, const std::string& default_split) {
  source.split = default_split;
  command.add_option("--data", source.data, "Dataset folder (train/dev/test files) or one labelled file")
      ->required();
  command.add_option("--split", source.split, "Split to read when --data is a folder")->capture_default_str();
  command.add_option("--text-column", source.read.text_column, "Column (or JSONL key) holding the text")
      ->capture_default_str();
  command.add_option("--label-column", source.read.label_column, "Column (or JSONL key) holding the label")
      ->capture_default_str();
  command
      .add_option_function<std::string>(
          "--format",
          [&source](const std::string& format) {
            if (format == "csv") source.read.format = data::FileFormat::csv;
            if (format == "tsv") source.read.format = data::FileFormat::tsv;
            if (format == "jsonl") source.read.format = data::FileFormat::jsonl;
          },
          "File format (default: by extension)")
      ->check(CLI::IsMember({"csv", "tsv", "jsonl"}));
}

void add_threshold_option(CLI::App& command, double& threshold) {
  command.add_option("--threshold", threshold, "Minimum confidence of a UU (a wrong prediction at least this sure)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
}

void add_threads_option(CLI::App& command, int& threads) {
  command.add_option("--threads", threads, "Worker threads (0 = all cores); results do not depend on it")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
}

void add_attack_options(CLI::App& command, std::string& recipe, std::size_t& budget, std::uint64_t& seed) {
  command.add_option("--recipe", recipe, "Attack recipe")
      ->check(CLI::IsMember(discover::recipe_names()))
      ->capture_default_str();
  command.add_option("--budget", budget, "Maximum total Levenshtein distance of the edits of one attack")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->capture_default_str();
  add_seed_option(command, seed, "Seed of the sample of rows and of every random edit");
}

void add_model_option(CLI::App& command, ModelSource& source, bool required) {
  auto* option = command.add_option("--model,-m", source.spec,
                                    "The model: a file written by `blindspot train`, cmd:COMMAND (an adapter process, "
                                    "docs/model-protocol.md) or http(s)://HOST:PORT/v2/models/NAME[/versions/V] (an "
                                    "Open Inference Protocol v2 server, docs/model-server.md)");
  if (required) option->required();
  const std::string group = "Command and server models";
  model::RemoteOptions& remote = source.remote;
  command.add_option("--model-labels", remote.labels, "Label names in the order of the model's probabilities, "
                                                      "when its handshake or metadata gives none")
      ->delimiter(',')
      ->group(group);
  command.add_option("--model-batch-size", remote.batch_size, "Texts per request")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->capture_default_str()
      ->group(group);
  command.add_option("--model-max-in-flight", remote.max_in_flight, "Requests at once to a server")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str()
      ->group(group);
  command.add_option("--model-timeout", remote.timeout_seconds, "Seconds one request may take")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(group);
  command.add_option("--model-start-timeout", remote.start_timeout_seconds,
                     "Seconds an adapter or server may take to start (handshake, readiness)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(group);
  command.add_option("--model-retries", remote.max_retries, "Retries of a server request on 429, 5xx and dropped "
                                                            "connections")
      ->check(CLI::Range(0, 100))
      ->capture_default_str()
      ->group(group);
  command.add_option("--model-ca-file", remote.ca_file, "PEM CA bundle for an HTTPS server (default: the system's)")
      ->check(CLI::ExistingFile)
      ->group(group);
  command.add_option("--model-api-key-env", remote.api_key_env, "Environment variable holding the server's API key "
                                                                "(sent as a bearer token, never stored)")
      ->group(group);
  command.add_option("--model-input", remote.input_name, "The server's BYTES input tensor (default: from metadata)")
      ->group(group);
  command.add_option("--model-output", remote.output_name, "The server's probability output tensor (default: from "
                                                           "metadata)")
      ->group(group);
  command.add_option("--model-description", remote.description, "How the LLM teacher is told about the model, e.g. "
                                                                "\"a fine-tuned BERT classifier\"")
      ->group(group);
}

std::string stored_path(const std::filesystem::path& file) {
  std::error_code error;
  const auto canonical = std::filesystem::weakly_canonical(file, error);
  if (!error) return canonical.string();
  // A pipe has no canonical path (bash's <(...) is /dev/fd/N, a link to "pipe:[N]"): recorded as given.
  const auto absolute = std::filesystem::absolute(file, error);
  return error ? file.string() : absolute.lexically_normal().string();
}

std::string split_name(const DataSource& source) {
  std::error_code ignored;  // a path that cannot be looked at is reported when it is read
  return std::filesystem::is_directory(source.data, ignored) ? source.split : source.data.stem().string();
}

std::unique_ptr<model::Classifier> load_model_for_run(Context& context, const ModelSource& source) {
  model::RemoteOptions remote = source.remote;
  remote.progress = context.progress();
  const auto kind = model::source_kind(source.spec);
  if (kind == model::SourceKind::command && context.run_id() != 0) {
    remote.log_file = context.workspace / "logs" / fmt::format("run-{}-model.log", context.run_id());
    std::filesystem::create_directories(remote.log_file.parent_path());
  }
  auto model = model::open_model(source.spec, remote);
  const model::ModelIdentity identity = model->identity();
  if (kind == model::SourceKind::file) {
    store::record_artifact(context.store(), {context.run_id(), "model", "input", stored_path(source.spec),
                                             core::sha256_file(source.spec), model->options_json()});
  } else {
    nlohmann::json details = nlohmann::json::parse(model->options_json());
    details["kind"] = model::to_string(kind);
    // No content to hash: the name and version the model gave are in the details.
    store::record_artifact(context.store(), {context.run_id(), "model", "input",
                                             model::displayable_source(identity.source), "", details.dump()});
  }
  return model;
}

namespace {

// Names the split and records it as an input artefact of the current run.
data::Split recorded(Context& context, const DataSource& source, const std::filesystem::path& file, data::Split split) {
  split.name = split_name(source);
  const nlohmann::json details = {{"rows", split.examples.size()}, {"labels", split.labels.names()}};
  store::record_artifact(context.store(), {context.run_id(), "dataset", split.name,
                                           stored_path(file), split.content_hash, details.dump()});
  return split;
}

}  // namespace

data::Split read_split_for_run(Context& context, const DataSource& source, const data::LabelSet& labels) {
  const auto file = data::resolve_split_file(source.data, source.split);
  return recorded(context, source, file, data::read_split(file, labels, source.read));
}

data::Split read_split_for_run(Context& context, const DataSource& source, const model::Classifier& model) {
  const std::string origin = model.identity().source;
  const auto kind = model::source_kind(origin);
  if (kind != model::SourceKind::command && kind != model::SourceKind::server) {
    return read_split_for_run(context, source, model.labels());
  }
  // Read once with the data's own labels, then move them to the model's order.
  const auto file = data::resolve_split_file(source.data, source.split);
  data::Split split = data::read_training_split(file, std::nullopt, source.read);
  std::vector<std::string> unknown;
  for (const std::string& name : split.labels.names()) {
    if (!model.labels().index_of(name)) unknown.push_back(name);
  }
  if (!unknown.empty()) {
    throw core::Error(core::ErrorKind::remote,
                      fmt::format("{} {}: its labels ({}) do not include the data's {} ({})", model::to_string(kind),
                                  model::displayable_source(origin), model.labels().joined(), fmt::join(unknown, ", "),
                                  file.string()));
  }
  for (data::Example& example : split.examples) {
    example.label = *model.labels().index_of(split.labels.name(static_cast<std::size_t>(example.label)));
  }
  split.labels = model.labels();
  return recorded(context, source, file, std::move(split));
}

void record_output(Context& context, const std::string& role, const std::filesystem::path& file) {
  store::record_artifact(context.store(), {context.run_id(), "output", role, stored_path(file),
                                           core::sha256_file(file), "{}"});
}

}  // namespace blindspot::cli
