#include "model_maker.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/subprocess.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include <fmt/format.h>

#include <fstream>

namespace blindspot::loop {
namespace {

using core::Error;
using core::ErrorKind;

bool has_placeholder(const std::string& text, const char* name) {
  return text.find(std::string("{") + name + "}") != std::string::npos;
}

}  // namespace

void check_external_model(const LoopOptions& options) {
  const ExternalModel& external = options.external;
  if (!options.baseline_model.empty() && !std::filesystem::is_regular_file(options.baseline_model)) {
    throw Error(ErrorKind::bad_input, "--baseline-model: no such model file",
                core::InputLocation{options.baseline_model, 0, ""});
  }
  if (external.spec.empty()) {
    if (!external.train_command.empty()) {
      throw Error(ErrorKind::usage,
                  "--train-command needs --model with the model it trains, e.g. --model 'cmd:python3 my_model.py "
                  "serve {model}' (docs/run.md, \"Any model\")");
    }
    return;
  }
  if (model::source_kind(external.spec) == model::SourceKind::file) {
    throw Error(ErrorKind::usage,
                "--model \"" + external.spec +
                    "\": the loop trains fastText models itself; give a fastText file as --baseline-model, or a "
                    "model as cmd:COMMAND or http(s)://HOST:PORT/v2/models/NAME with --train-command");
  }
  if (!external.train_command.empty()) {
    for (const char* name : {"train", "model"}) {
      if (!has_placeholder(external.train_command, name)) {
        throw Error(ErrorKind::usage, fmt::format("--train-command \"{}\" has no {{{}}}: it must read {{train}} (a "
                                                  "text,label CSV) and write {{model}}",
                                                  external.train_command, name));
      }
    }
    if (!has_placeholder(external.spec, "model")) {
      throw Error(ErrorKind::usage, "--model \"" + model::displayable_source(external.spec) +
                                        "\" has no {model}: with --train-command it must open the model file the "
                                        "command wrote, e.g. 'cmd:python3 my_model.py serve {model}'");
    }
    return;
  }
  if (has_placeholder(external.spec, "model") && options.baseline_model.empty()) {
    throw Error(ErrorKind::usage, "--model \"" + model::displayable_source(external.spec) +
                                      "\" opens {model}: give the model file as --baseline-model, or --train-command "
                                      "to train it");
  }
  if (options.rounds > 1 || options.attribution > 0) {
    throw Error(ErrorKind::usage, fmt::format("{} needs a model blindspot can retrain: give --train-command (the model "
                                              "\"{}\" is retrained by its owner)",
                                              options.rounds > 1 ? "--rounds" : "--attribution",
                                              model::displayable_source(external.spec)));
  }
}

namespace detail {
namespace {

// A training takes as long as it takes: no deadline on its output or its end.
constexpr double kNoTimeLimit = 1e9;

class FastTextMaker final : public ModelMaker {
 public:
  explicit FastTextMaker(const model::FastTextOptions& options) : options_(options) {}

  bool can_train() const override { return true; }
  bool reads_files() const override { return false; }
  bool parallel() const override { return true; }
  std::string file_name(std::string_view stem) const override { return std::string(stem) + ".bin"; }

  std::string train(const TrainingSet& set, const std::filesystem::path& out) const override {
    trained_in_memory(set)->save(out);
    return {};
  }

  std::unique_ptr<model::Classifier> open(const std::filesystem::path& file) const override {
    return model::load_classifier(file);
  }

  std::unique_ptr<model::Classifier> open_served() const override {
    throw Error(ErrorKind::internal, "a fastText loop has no served model");
  }

  std::unique_ptr<model::Classifier> trained(const TrainingSet& set, const std::filesystem::path&) const override {
    return trained_in_memory(set);
  }

  std::string cannot_train_reason(const std::filesystem::path&) const override { return {}; }

  void use_settings(const model::FastTextOptions& settings) override { options_ = settings; }
  const model::FastTextOptions* fasttext_settings() const override { return &options_; }

 private:
  std::unique_ptr<model::FastTextClassifier> trained_in_memory(const TrainingSet& set) const {
    auto classifier = std::make_unique<model::FastTextClassifier>(options_);
    classifier->train(set.split, {});
    return classifier;
  }

  model::FastTextOptions options_;
};

// Runs a train command to its end: stdout and stderr appended to `log`, the last stderr lines kept
// for the error of a command that fails.
void run_train_command(const std::string& command, const std::filesystem::path& log) {
  std::ofstream log_stream;
  if (!log.empty()) {
    std::filesystem::create_directories(log.parent_path());
    log_stream.open(log, std::ios::app);
    log_stream << "blindspot: train command: " << command << std::endl;
  }
  core::SubprocessOptions options;
  options.log_file = log;
  core::Subprocess process(command, options);
  std::string line;
  core::Subprocess::IoStatus status = core::Subprocess::IoStatus::done;
  while ((status = process.read_line(line, kNoTimeLimit)) == core::Subprocess::IoStatus::done) {
    if (log_stream.is_open()) log_stream << line << std::endl;
  }
  // Training takes as long as it takes; only a child that stopped being readable is hurried.
  const core::ExitStatus exit = process.stop(status == core::Subprocess::IoStatus::closed ? kNoTimeLimit : 5);
  if (exit.success()) return;
  std::string message = fmt::format("train command failed: `{}` {}", command, exit.describe());
  const auto tail = process.stderr_tail();
  if (tail.empty()) {
    message += " (it wrote nothing to stderr)";
  } else {
    message += "; the last lines of its stderr:";
    for (const auto& tail_line : tail) message += "\n  | " + tail_line;
  }
  if (!log.empty()) message += "\n(all of its output: " + log.string() + ")";
  throw Error(ErrorKind::remote, message);
}

class ExternalMaker final : public ModelMaker {
 public:
  ExternalMaker(const ExternalModel& external, std::uint64_t seed) : external_(external), seed_(seed) {}

  bool can_train() const override { return !external_.train_command.empty(); }
  bool reads_files() const override { return true; }
  bool parallel() const override { return false; }
  std::string file_name(std::string_view stem) const override { return std::string(stem) + ".model"; }

  std::string train(const TrainingSet& set, const std::filesystem::path& out) const override {
    if (set.csv.empty()) throw Error(ErrorKind::internal, "a train command needs its training file");
    // The command writes into a folder of its own; the model is moved into place only when the
    // command succeeded, so a failed or killed training leaves no model behind.
    const std::filesystem::path staging = std::filesystem::absolute(out.parent_path() / ".training" / out.filename());
    std::filesystem::remove_all(staging);
    std::filesystem::create_directories(staging.parent_path());
    std::string command =
        substituted(external_.train_command, "train", shell_quoted(std::filesystem::absolute(set.csv).string()));
    command = substituted(command, "model", shell_quoted(staging.string()));
    command = substituted(command, "seed", std::to_string(seed_));
    run_train_command(command, external_.train_log);
    if (!std::filesystem::is_regular_file(staging)) {
      throw Error(ErrorKind::remote,
                  fmt::format("train command `{}` exited with status 0 but wrote no model file at {{model}} ({}); "
                              "it must write one file there",
                              command, staging.string()));
    }
    std::filesystem::rename(staging, out);
    return command;
  }

  std::unique_ptr<model::Classifier> open(const std::filesystem::path& file) const override {
    const std::string path = std::filesystem::absolute(file).string();
    const bool command = model::source_kind(external_.spec) == model::SourceKind::command;
    return model::open_model(substituted(external_.spec, "model", command ? shell_quoted(path) : path),
                             external_.remote);
  }

  std::unique_ptr<model::Classifier> open_served() const override {
    return model::open_model(external_.spec, external_.remote);
  }

  std::string cannot_train_reason(const std::filesystem::path& augmented_train) const override {
    return fmt::format(
        "stopped after augment: the model is served by {} \"{}\" and no --train-command was given, so blindspot "
        "cannot retrain it; retrain it with {} (a text,label CSV: train plus the accepted samples) in your own "
        "pipeline and compare with `blindspot eval --model NEW_MODEL --data DATA`",
        model::to_string(model::source_kind(external_.spec)), model::displayable_source(external_.spec),
        augmented_train.string());
  }

 private:
  ExternalModel external_;
  std::uint64_t seed_;
};

}  // namespace

std::unique_ptr<model::Classifier> ModelMaker::trained(const TrainingSet& set,
                                                       const std::filesystem::path& scratch) const {
  train(set, scratch);
  return open(scratch);
}

std::unique_ptr<ModelMaker> make_model_maker(const LoopOptions& options) {
  if (options.external.spec.empty()) return std::make_unique<FastTextMaker>(options.model);
  return std::make_unique<ExternalMaker>(options.external, options.seed);
}

std::string shell_quoted(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string substituted(std::string command, std::string_view name, std::string_view value) {
  const std::string placeholder = "{" + std::string(name) + "}";
  for (std::size_t at = command.find(placeholder); at != std::string::npos;
       at = command.find(placeholder, at + value.size())) {
    command.replace(at, placeholder.size(), value);
  }
  return command;
}

}  // namespace detail
}  // namespace blindspot::loop
