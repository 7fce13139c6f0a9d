#include "command_classifier.hpp"

#include "remote_classifier.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/subprocess.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <utility>

namespace blindspot::model::detail {
namespace {

using core::Error;
using core::ErrorKind;
using core::Subprocess;
using IoStatus = core::Subprocess::IoStatus;
using Json = nlohmann::json;

// docs/model-protocol.md
constexpr const char* kProtocolName = "blindspot-model";
constexpr int kProtocolVersion = 1;
constexpr const char* kDefaultDescription = "a text classifier served by an adapter command";
// How long a well-behaved adapter gets to exit after its stdin is closed (then SIGTERM, SIGKILL).
constexpr double kStopGraceSeconds = 5;
// The same after a failure: the adapter is misbehaving, the user waits for the error message.
constexpr double kFailureGraceSeconds = 1;
// Characters of a bad stdout line quoted in an error message.
constexpr std::size_t kQuotedChars = 200;

struct Handshake {
  std::string name;
  std::string model_version;
  std::string description;
  std::vector<std::string> labels;
};

std::string excerpt(std::string_view line) {
  std::string text(line.substr(0, kQuotedChars));
  if (line.size() > kQuotedChars) text += "...";
  return "\"" + text + "\"";
}

// "...; its last stderr lines:\n  | Traceback ..." so that the adapter's own explanation follows ours.
std::string with_stderr_tail(const std::string& message, const Subprocess& process) {
  const auto tail = process.stderr_tail();
  if (tail.empty()) return message + " (it wrote nothing to stderr)";
  std::string text = message + "; the last lines of its stderr:";
  for (const auto& line : tail) text += "\n  | " + line;
  return text;
}

// Stops the adapter (it is of no use any more) and returns the error, with its last stderr lines.
Error adapter_failure(Subprocess& process, const std::string& message, double grace_seconds = kFailureGraceSeconds) {
  process.stop(grace_seconds);
  return Error(ErrorKind::remote, with_stderr_tail(message, process));
}

Error adapter_exited(Subprocess& process, const std::string& who, const std::string& when) {
  const auto status = process.stop(kFailureGraceSeconds);
  return Error(ErrorKind::remote, with_stderr_tail(fmt::format("{}: {} {}", who, status.describe(), when), process));
}

// A stdout line as JSON; std::nullopt (with `problem` set) if it is not a JSON object.
std::optional<Json> parse_line(const std::string& line, std::string& problem) {
  Json json = Json::parse(line, nullptr, false);
  if (json.is_discarded()) {
    problem = "wrote a line to stdout that is not JSON: " + excerpt(line);
    if (line.find("NaN") != std::string::npos || line.find("Infinity") != std::string::npos) {
      problem += " (NaN and Infinity are not JSON numbers: every probability must be a finite number)";
    } else {
      problem += " (an adapter writes only protocol lines to stdout; it logs to stderr)";
    }
    return std::nullopt;
  }
  if (!json.is_object()) {
    problem = "wrote a line to stdout that is not a JSON object: " + excerpt(line);
    return std::nullopt;
  }
  return json;
}

bool is_string_or_absent(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() || it->is_string();
}

std::string string_or_empty(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? std::string() : it->get<std::string>();
}

// What is wrong with a handshake; empty if nothing.
std::string handshake_problem(const Json& json) {
  const auto protocol = json.find("protocol");
  if (protocol == json.end() || !protocol->is_string()) {
    return fmt::format("its first stdout line is not a handshake: it has no \"protocol\": \"{}\"", kProtocolName);
  }
  if (protocol->get<std::string>() != kProtocolName) {
    return fmt::format("its handshake names the protocol \"{}\"; blindspot speaks \"{}\"", protocol->get<std::string>(),
                       kProtocolName);
  }
  const auto version = json.find("version");
  if (version == json.end() || !version->is_number_integer() || version->get<long long>() != kProtocolVersion) {
    return fmt::format("its handshake asks for protocol version {}; blindspot speaks version {} only",
                       version == json.end() ? "(none)" : version->dump(), kProtocolVersion);
  }
  for (const char* key : {"name", "model_version", "description"}) {
    if (!is_string_or_absent(json, key)) return fmt::format("its handshake's \"{}\" is not a string", key);
  }
  if (string_or_empty(json, "name").empty()) return "its handshake has no \"name\" (a non-empty string)";
  const auto labels = json.find("labels");
  if (labels == json.end() || !labels->is_array() || labels->empty()) {
    return "its handshake has no \"labels\" (the label names in the order of its probabilities)";
  }
  for (const auto& label : *labels) {
    if (!label.is_string()) return fmt::format("its handshake's \"labels\" holds {}, not a string", label.dump());
  }
  return {};
}

// The fields of a handshake without problems.
Handshake to_handshake(const Json& json) {
  return Handshake{string_or_empty(json, "name"), string_or_empty(json, "model_version"),
                   string_or_empty(json, "description"), json.at("labels").get<std::vector<std::string>>()};
}

Handshake read_handshake(Subprocess& process, const std::string& who, const RemoteOptions& options) {
  std::string line;
  switch (process.read_line(line, options.start_timeout_seconds)) {
    case IoStatus::done:
      break;
    case IoStatus::closed:
      throw adapter_exited(process, who, "before its handshake");
    case IoStatus::timeout:
      throw adapter_failure(process,
                            fmt::format("{}: no handshake within {:g} s (--model-start-timeout); stopped it", who,
                                        options.start_timeout_seconds),
                            0);
    case IoStatus::too_long:
      throw adapter_failure(process, who + ": its first stdout line is too long to be a handshake");
  }
  std::string problem;
  const auto json = parse_line(line, problem);
  if (!json) throw adapter_failure(process, who + ": " + problem);
  if (const auto what = handshake_problem(*json); !what.empty()) {
    throw adapter_failure(process, who + ": " + what + " (docs/model-protocol.md)");
  }
  return to_handshake(*json);
}

// An adapter process answering one batch at a time on its stdin and stdout.
class CommandClassifier final : public RemoteClassifier {
 public:
  CommandClassifier(const std::string& spec, const RemoteOptions& options, std::unique_ptr<Subprocess> process,
                    const Handshake& handshake)
      : RemoteClassifier(identity_of(spec, options, handshake), options), process_(std::move(process)) {
    set_labels(handshake.labels);
  }

  ~CommandClassifier() override {
    stop_batching();
    try {
      process_->stop(kStopGraceSeconds);
    } catch (...) {  // a destructor must not throw; the process is reaped either way
    }
  }

  std::string kind() const override { return "command"; }

 protected:
  // Three batches at a time: while the adapter computes one, the next are already in its stdin, so
  // it never waits for blindspot to read a reply and send again (docs/model-protocol.md: the
  // adapter still reads and answers one line at a time, in order).
  int concurrency() const override { return 3; }

  std::vector<Probabilities> score(const std::vector<std::string>& texts) override {
    // Named copies, not a structured binding: C++20 lets lambdas capture bindings, clang 14 does not.
    const auto sent = send(texts);
    const auto id = sent.first;
    const std::string& batch = sent.second;
    std::unique_lock reading(read_mutex_);
    reply_turn_.wait(reading, [&] { return answered_ + 1 == id || failure_; });
    if (failure_) throw *failure_;
    std::string line;
    const auto status = process_->read_line(line, options().timeout_seconds);
    switch (status) {
      case IoStatus::done:
        break;
      case IoStatus::closed:
        fail(reading, [&] { return adapter_exited(*process_, who(), "before answering " + batch); });
      case IoStatus::timeout:
        fail(reading, [&] { return timed_out(batch); });
      case IoStatus::too_long:
        fail(reading, [&] {
          return adapter_failure(*process_, fmt::format("{}: its reply to {} is too long", who(), batch));
        });
    }
    std::string problem;
    auto scores = parse_reply(line, id, problem);
    if (!problem.empty()) {
      fail(reading, [&] { return adapter_failure(*process_, fmt::format("{}: {} in reply to {}", who(), problem, batch)); });
    }
    ++answered_;
    reply_turn_.notify_all();
    return scores;
  }

 private:
  static ModelIdentity identity_of(const std::string& spec, const RemoteOptions& options, const Handshake& handshake) {
    std::string description = options.description;
    if (description.empty()) description = handshake.description;
    if (description.empty()) description = kDefaultDescription;
    return ModelIdentity{spec, handshake.name, handshake.model_version, std::move(description)};
  }

  // Writes one request; returns its id and its name for messages.
  std::pair<std::uint64_t, std::string> send(const std::vector<std::string>& texts) {
    std::unique_lock writing(write_mutex_);
    if (failure_) throw *failure_;
    const auto id = ++requests_;
    const Json request = {{"id", id}, {"texts", texts}};
    auto batch = fmt::format("batch {} ({} texts)", id, texts.size());
    switch (process_->write_line(request.dump(-1, ' ', false, Json::error_handler_t::replace),
                                 options().timeout_seconds)) {
      case IoStatus::done:
        break;
      case IoStatus::closed:
        fail(writing, [&] { return adapter_exited(*process_, who(), "while blindspot was sending " + batch); });
      case IoStatus::timeout:
      case IoStatus::too_long:
        fail(writing, [&] { return timed_out(batch); });
    }
    return {id, std::move(batch)};
  }

  // Records the first failure and throws it. Making the error stops the adapter, which must not
  // overlap the other thread's write or read: `held` (the write or the read lock) is let go and
  // both are taken together (in a deadlock-free order, whichever thread fails first).
  template <typename MakeError>
  [[noreturn]] void fail(std::unique_lock<std::mutex>& held, MakeError make_error) {
    held.unlock();
    const std::scoped_lock both(write_mutex_, read_mutex_);
    if (!failure_) failure_ = make_error();
    reply_turn_.notify_all();
    throw *failure_;
  }

  Error timed_out(const std::string& batch) {
    return adapter_failure(*process_,
                           fmt::format("{}: no reply within {:g} s (--model-timeout) to {}; stopped it", who(),
                                       options().timeout_seconds, batch),
                           0);
  }

  // The reply's probability vectors, or `problem` set to what is wrong with it.
  static std::vector<Probabilities> parse_reply(const std::string& line, std::uint64_t id, std::string& problem) {
    const auto json = parse_line(line, problem);
    const auto fail = [&](std::string what) {
      problem = std::move(what);
      return std::vector<Probabilities>{};
    };
    if (!json) return {};
    const auto reply_id = json->find("id");
    if (reply_id == json->end() || !reply_id->is_number_unsigned() || reply_id->get<std::uint64_t>() != id) {
      return fail(fmt::format("answered with id {} (expected {}; replies come in the order of the requests)",
                             reply_id == json->end() ? "(none)" : reply_id->dump(), id));
    }
    if (const auto error = json->find("error"); error != json->end() && !error->is_null()) {
      return fail("reported an error: " + (error->is_string() ? error->get<std::string>() : error->dump()));
    }
    const auto vectors = json->find("probabilities");
    if (vectors == json->end() || !vectors->is_array()) {
      return fail("gave neither \"probabilities\" (a list of lists of numbers) nor \"error\"");
    }
    std::vector<Probabilities> scores;
    scores.reserve(vectors->size());
    for (const auto& vector : *vectors) {
      if (!vector.is_array()) return fail(fmt::format("gave {} instead of a list of probabilities", vector.dump()));
      Probabilities& probabilities = scores.emplace_back();
      probabilities.reserve(vector.size());
      for (const auto& value : vector) {
        if (!value.is_number()) return fail(fmt::format("gave {} as a probability", value.dump()));
        probabilities.push_back(value.get<double>());
      }
    }
    return scores;  // counts, ranges and sums are RemoteClassifier::checked_score's
  }

  std::unique_ptr<Subprocess> process_;
  // Subprocess::write_line and read_line touch separate pipes, so one thread may write the next
  // request while another reads a reply; failure_ is written holding both locks, read holding one.
  std::mutex write_mutex_;
  std::mutex read_mutex_;
  std::condition_variable reply_turn_;
  std::uint64_t requests_ = 0;  // write_mutex_
  std::uint64_t answered_ = 0;  // read_mutex_: replies come in the order of the requests
  std::optional<Error> failure_;
};

}  // namespace

std::unique_ptr<Classifier> open_command_model(const std::string& spec, const RemoteOptions& options) {
  const std::string who = "adapter " + displayable_source(spec);
  const std::string command = spec.substr(spec.find(':') + 1);
  if (command.find_first_not_of(" \t") == std::string::npos) {
    throw Error(ErrorKind::usage,
                "--model cmd: needs a command after \"cmd:\", e.g. \"cmd:python3 adapter.py serve "
                "model.pkl\" (docs/model-protocol.md)");
  }
  core::SubprocessOptions process_options;
  process_options.log_file = options.log_file;
  auto process = std::make_unique<Subprocess>(command, process_options);
  const Handshake handshake = read_handshake(*process, who, options);
  return std::make_unique<CommandClassifier>(spec, options, std::move(process), handshake);
}

}  // namespace blindspot::model::detail
