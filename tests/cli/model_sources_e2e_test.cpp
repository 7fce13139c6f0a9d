// Every kind of model source end to end through the CLI on sst2: the example PyTorch and
// scikit-learn adapters as commands (--model 'cmd:...') against the adapter's own predictions file,
// a predictions file (--predictions) against the adapter that wrote it, and an Open Inference
// Protocol v2 server (blindspot_oip_test_server, FP32 and FP64 replies, with latency and replicas)
// against the fastText file it serves; teach and serve with an adapter model.
#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace blindspot {
namespace {

using ::testing::HasSubstr;

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }
std::filesystem::path sst2() { return test::shared_data("sst2"); }
std::filesystem::path adapter_script(const std::string& name) {
  return std::filesystem::path(BLINDSPOT_EXAMPLES_DIR) / "adapters" / name;
}
// `python3 ADAPTER ARGUMENTS` with the Python that has scikit-learn and torch.
std::string adapter_command(const std::string& adapter, const std::string& arguments) {
  return std::string(BLINDSPOT_ADAPTER_PYTHON) + " " + adapter_script(adapter).string() + " " + arguments;
}
// --model 'cmd:python3 ADAPTER serve MODEL'
std::string served_by(const std::string& adapter, const std::filesystem::path& model) {
  return "--model 'cmd:" + adapter_command(adapter, "serve " + model.string()) + "'";
}

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<nlohmann::json> records;
  for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

// The first (lowest-index) largest probability, as docs/definitions.md.
std::size_t argmax(const std::vector<double>& probabilities) {
  std::size_t best = 0;
  for (std::size_t label = 1; label < probabilities.size(); ++label) {
    if (probabilities[label] > probabilities[best]) best = label;
  }
  return best;
}

// A predictions file as the example adapters write it: id,LABEL...; ids 0..n-1 in order.
struct Predictions {
  std::vector<std::string> labels;
  std::vector<std::vector<double>> rows;
};

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t comma = line.find(','); comma != std::string::npos; comma = line.find(',', start)) {
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
  fields.push_back(line.substr(start));
  return fields;
}

Predictions read_predictions(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  Predictions predictions;
  if (!std::getline(in, line)) throw std::runtime_error(file.string() + ": empty");
  const auto header = split_commas(line);
  predictions.labels.assign(header.begin() + 1, header.end());
  while (std::getline(in, line)) {
    const auto fields = split_commas(line);
    if (fields.at(0) != std::to_string(predictions.rows.size())) throw std::runtime_error("unexpected id " + fields[0]);
    std::vector<double> row;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      double value = 0;
      const auto [end, error] = std::from_chars(fields[i].data(), fields[i].data() + fields[i].size(), value);
      if (error != std::errc() || end != fields[i].data() + fields[i].size()) throw std::runtime_error(line);
      row.push_back(value);
    }
    predictions.rows.push_back(std::move(row));
  }
  return predictions;
}

// What scan and eval must report for these probabilities on sst2's dev split.
struct DevResults {
  int errors = 0;
  int uus = 0;  // errors with confidence >= 0.65
  double accuracy = 0;
  std::vector<int> true_labels;
};

DevResults expected_dev_results(const Predictions& predictions) {
  const data::Split dev = data::read_split(sst2() / "dev.csv", data::LabelSet(predictions.labels));
  DevResults results;
  EXPECT_EQ(dev.examples.size(), predictions.rows.size());
  for (std::size_t row = 0; row < dev.examples.size(); ++row) {
    const auto& probabilities = predictions.rows.at(row);
    const std::size_t predicted = argmax(probabilities);
    results.true_labels.push_back(dev.examples[row].label);
    if (static_cast<int>(predicted) == dev.examples[row].label) continue;
    ++results.errors;
    if (probabilities[predicted] >= 0.65) ++results.uus;
  }
  results.accuracy = static_cast<double>(dev.examples.size() - static_cast<std::size_t>(results.errors)) /
                     static_cast<double>(dev.examples.size());
  return results;
}

// A child process (no shell) whose stdout is a pipe to us: a server that prints how to reach it
// and runs until SIGTERM. Stopped (SIGTERM, then SIGKILL after 10 s) when destroyed.
class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> arguments) : arguments_(std::move(arguments)) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (auto& argument : arguments_) argv.push_back(argument.data());
    argv.push_back(nullptr);
    const int error = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
    if (error != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start " + arguments_[0] + ": " + std::strerror(error));
    }
  }
  ~ChildProcess() {
    stop();
    if (out_ >= 0) close(out_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first line the process writes to stdout, waiting up to `timeout`; "" if none came.
  std::string first_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string text;
    while (text.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd waiting{out_, POLLIN, 0};
      if (poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t got = read(out_, buffer, sizeof buffer);
      if (got <= 0) return "";
      text.append(buffer, static_cast<std::size_t>(got));
    }
    return text.substr(0, text.find('\n'));
  }

  // SIGTERM and the exit status (128 + signal if a signal ended it); the same again once stopped.
  int stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_status_;
  }

 private:
  std::vector<std::string> arguments_;
  pid_t pid_ = -1;
  int out_ = -1;
  int exit_status_ = -1;
};

// The reply (status line, headers, body) to GET `path` from `origin` ("http://127.0.0.1:PORT").
std::string http_get(const std::string& origin, const std::string& path) {
  const std::string prefix = "http://127.0.0.1:";
  if (origin.rfind(prefix, 0) != 0) throw std::runtime_error("not a local origin: " + origin);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(origin.substr(prefix.size()))));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  const int socket_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(socket_fd);
    throw std::runtime_error("cannot connect to " + origin);
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (send(socket_fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    close(socket_fd);
    throw std::runtime_error("cannot send to " + origin);
  }
  std::string reply;
  char buffer[8192];
  for (ssize_t got; (got = recv(socket_fd, buffer, sizeof buffer, 0)) > 0;) reply.append(buffer, static_cast<std::size_t>(got));
  close(socket_fd);
  return reply;
}

// One temporary folder per test suite (each test runs in its own process under ctest), with the
// workspace, the trained models and every output.
class ModelSourcesE2e : public ::testing::Test {
 protected:
  static void make_folder() { dir_ = new test::TempDir(); }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
    setup_error_.clear();
  }
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static std::filesystem::path path(const std::string& name) { return dir_->path() / name; }
  static test::CommandResult blindspot(const std::string& arguments) {
    return test::run_command("'" + test::blindspot_binary().string() + "' --workspace " + quoted(path("ws")) +
                             " --json " + arguments);
  }
  // Runs a set-up step; a failure is kept for every test of the suite to report.
  static void setup_step(const std::string& command) {
    if (!setup_error_.empty()) return;
    const auto result = test::run_command(command);
    if (result.exit_code != 0) {
      setup_error_ = command + "\nexited with " + std::to_string(result.exit_code) + ":\n" + result.errors;
    }
  }
  // A blindspot command that must succeed; its JSON report.
  static nlohmann::json succeeds(const std::string& arguments) {
    const auto result = blindspot(arguments);
    EXPECT_EQ(result.exit_code, 0) << arguments << "\n" << result.errors;
    if (result.exit_code != 0) return nlohmann::json::object();
    return nlohmann::json::parse(result.output);
  }
  static std::string dev() { return "--data " + quoted(sst2()) + " --split dev"; }

  static test::TempDir* dir_;
  static std::string setup_error_;
};

test::TempDir* ModelSourcesE2e::dir_ = nullptr;
std::string ModelSourcesE2e::setup_error_;

// ---- PyTorch: a command model against the adapter's own predictions file ----

class TorchAdapterE2e : public ModelSourcesE2e {
 protected:
  static void SetUpTestSuite() {
    make_folder();
    // 3 epochs on the 6,920 training rows: ~5 s of CPU plus importing torch.
    setup_step(adapter_command("torch_adapter.py", "train --train " + quoted(sst2() / "train.csv") + " --out " +
                                                       quoted(path("torch.pt")) + " --seed 0"));
    setup_step(adapter_command("torch_adapter.py", "predict " + quoted(path("torch.pt")) + " --data " +
                                                       quoted(sst2() / "dev.csv") + " --out " +
                                                       quoted(path("torch.dev.csv"))));
  }
  static std::string model() { return served_by("torch_adapter.py", path("torch.pt")); }
};

TEST_F(TorchAdapterE2e, ScanAttackAndEvalAgreeWithTheAdaptersPredictionsFile) {
  const Predictions predictions = read_predictions(path("torch.dev.csv"));
  ASSERT_EQ(predictions.labels, (std::vector<std::string>{"negative", "positive"}));
  const DevResults expected = expected_dev_results(predictions);
  ASSERT_GT(expected.uus, 10);

  const auto scan = succeeds("scan " + model() + " " + dev() + " --out " + quoted(path("scan")));
  EXPECT_EQ(scan["examples"], 872);
  EXPECT_EQ(scan["errors"], expected.errors);
  EXPECT_EQ(scan["uus"], expected.uus);
  // The adapter computes in float64 whatever the batch: its predictions file gives the same UUs.
  succeeds("scan --predictions " + quoted(path("torch.dev.csv")) + " " + dev() + " --out " +
           quoted(path("scan-predictions")));
  EXPECT_EQ(test::read_text(path("scan.uus.jsonl")), test::read_text(path("scan-predictions.uus.jsonl")));

  const auto attack = succeeds("attack " + model() + " " + dev() + " --max-examples 40 --out " + quoted(path("attack")));
  EXPECT_EQ(attack["examples"], 40);
  EXPECT_EQ(attack["attacked"].get<int>() + attack["skipped"].get<int>(), 40);
  const auto attacks = read_jsonl(path("attack.attacks.jsonl"));
  ASSERT_EQ(attacks.size(), 40u);
  int skipped = 0;
  int succeeded = 0;
  for (const auto& record : attacks) {
    const auto row = record["row"].get<std::size_t>();
    const auto& probabilities = predictions.rows.at(row);
    // The original text's probabilities are the predictions file's, to the last bit.
    EXPECT_EQ(record["original_probabilities"]["negative"].get<double>(), probabilities[0]) << "row " << row;
    EXPECT_EQ(record["original_probabilities"]["positive"].get<double>(), probabilities[1]) << "row " << row;
    const bool already_wrong = static_cast<int>(argmax(probabilities)) != expected.true_labels.at(row);
    EXPECT_EQ(record["outcome"] == "skipped_already_wrong", already_wrong) << "row " << row;
    skipped += already_wrong ? 1 : 0;
    succeeded += record["outcome"] == "succeeded" ? 1 : 0;
  }
  EXPECT_EQ(attack["skipped"], skipped);
  EXPECT_EQ(attack["succeeded"], succeeded);
  EXPECT_GT(succeeded, 0);

  const auto eval = succeeds("eval " + model() + " " + dev() + " --adversarial-sample 40");
  EXPECT_EQ(eval["examples"], 872);
  EXPECT_NEAR(eval["accuracy"].get<double>(), expected.accuracy, 1e-9);
  EXPECT_EQ(eval["uus"], expected.uus);
  // The same seeded sample of 40 rows as attack --max-examples 40, attacked the same way.
  EXPECT_EQ(eval["adversarial"]["sampled"], 40);
  EXPECT_EQ(eval["adversarial"]["attacked"], attack["attacked"]);
  EXPECT_EQ(eval["adversarial"]["uus"], attack["succeeded"]);
}

// ---- scikit-learn: a predictions file against the adapter serving the same model ----

class SklearnAdapterE2e : public ModelSourcesE2e {
 protected:
  static void SetUpTestSuite() {
    make_folder();
    setup_step(adapter_command("sklearn_adapter.py", "train --train " + quoted(sst2() / "train.csv") + " --out " +
                                                         quoted(path("sklearn.pkl")) + " --seed 0"));
    setup_step(adapter_command("sklearn_adapter.py", "predict " + quoted(path("sklearn.pkl")) + " --data " +
                                                         quoted(sst2() / "dev.csv") + " --out " +
                                                         quoted(path("sklearn.dev.csv"))));
  }
  static std::string model() { return served_by("sklearn_adapter.py", path("sklearn.pkl")); }
};

TEST_F(SklearnAdapterE2e, APredictionsFileGivesTheUusAndMetricsOfTheServedAdapter) {
  const DevResults expected = expected_dev_results(read_predictions(path("sklearn.dev.csv")));
  const auto served = succeeds("scan " + model() + " " + dev() + " --out " + quoted(path("served")));
  const auto from_file =
      succeeds("scan --predictions " + quoted(path("sklearn.dev.csv")) + " " + dev() + " --out " + quoted(path("file")));
  EXPECT_EQ(served["uus"], expected.uus);
  EXPECT_GT(expected.uus, 10);
  for (const char* key : {"examples", "errors", "threshold", "uus", "uu_counts"}) {
    EXPECT_EQ(served[key], from_file[key]) << key;
  }
  // Byte for byte: the adapter writes repr() (shortest round trip) both in its replies (json.dumps)
  // and in its predictions file, so both carry the same doubles and blindspot prints them alike.
  EXPECT_EQ(test::read_text(path("file.uus.jsonl")), test::read_text(path("served.uus.jsonl")));
  EXPECT_EQ(test::read_text(path("file.uus.csv")), test::read_text(path("served.uus.csv")));

  auto served_eval = succeeds("eval " + model() + " " + dev() + " --adversarial-sample 0");
  auto file_eval = succeeds("eval --predictions " + quoted(path("sklearn.dev.csv")) + " " + dev());
  EXPECT_NEAR(served_eval["accuracy"].get<double>(), expected.accuracy, 1e-9);
  for (const char* key : {"accuracy", "macro_f1", "ece", "brier", "uus", "uu_counts"}) {
    EXPECT_EQ(served_eval[key], file_eval[key]) << key;
  }
  served_eval.erase("run");
  file_eval.erase("run");
  // A predictions file answers only for its own split: no train-set accuracy (docs/baseline.md).
  EXPECT_TRUE(file_eval["baseline_check"]["train_accuracy"].is_null());
  served_eval["baseline_check"].erase("train_accuracy");
  file_eval["baseline_check"].erase("train_accuracy");
  EXPECT_EQ(served_eval, file_eval);
  EXPECT_FALSE(served_eval.contains("adversarial"));
}

TEST_F(SklearnAdapterE2e, TeachAndServeWithTheAdapterModel) {
  const auto scan = succeeds("scan " + model() + " " + dev() + " --out " + quoted(path("dev")));
  ASSERT_GT(scan["uus"].get<int>(), 6);

  const auto teach = succeeds("teach --uus " + quoted(path("dev.uus.jsonl")) + " " + model() + " --data " +
                              quoted(sst2()) + " --teacher auto --max-uus 6 --seed 3 --out " + quoted(path("auto")));
  EXPECT_EQ(teach["uus_taught"], 6);
  const auto samples = read_jsonl(path("auto.samples.jsonl"));
  EXPECT_EQ(teach["samples"], samples.size());
  EXPECT_GT(teach["samples_accepted"].get<int>(), 0);
  EXPECT_FALSE(read_jsonl(path("auto.hypotheses.jsonl")).empty());

  ChildProcess serve({test::blindspot_binary().string(), "--workspace", path("ws").string(), "--json", "serve",
                      "--uus", path("dev.uus.jsonl").string(), "--model",
                      "cmd:" + adapter_command("sklearn_adapter.py", "serve " + path("sklearn.pkl").string()),
                      "--port", "0"});
  const std::string line = serve.first_line(std::chrono::seconds(60));
  ASSERT_FALSE(line.empty()) << "serve printed nothing within 60 s";
  const auto started = nlohmann::json::parse(line);
  EXPECT_EQ(started["uus"], scan["uus"]);
  const std::string origin = started["url"].get<std::string>();
  const std::string start_page = http_get(origin, "/");
  EXPECT_THAT(start_page, HasSubstr("HTTP/1.1 303"));
  EXPECT_THAT(start_page, HasSubstr("Location: /instructions"));
  const std::string instructions = http_get(origin, "/instructions");
  EXPECT_THAT(instructions, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(instructions, HasSubstr("negative"));
  EXPECT_EQ(serve.stop(), 0);
}

// ---- Open Inference Protocol v2: the test server against the fastText file it serves ----

class OipServerE2e : public ModelSourcesE2e {
 protected:
  static void SetUpTestSuite() {
    make_folder();
    setup_step("'" + test::blindspot_binary().string() + "' --workspace " + quoted(path("ws")) + " train --data " +
               quoted(sst2()) + " --model " + quoted(path("sst2.bin")) + " --quiet");
  }

  // Starts blindspot_oip_test_server on a free port; its model URL.
  static std::string start_server(std::unique_ptr<ChildProcess>& server, const std::vector<std::string>& flags) {
    std::vector<std::string> arguments = {BLINDSPOT_OIP_SERVER, "--model", path("sst2.bin").string(), "--port", "0"};
    arguments.insert(arguments.end(), flags.begin(), flags.end());
    server = std::make_unique<ChildProcess>(arguments);
    const std::string url = server->first_line(std::chrono::seconds(30));
    EXPECT_THAT(url, HasSubstr("/v2/models/model"));
    return url;
  }
  void SetUp() override {
    ModelSourcesE2e::SetUp();
    if (HasFatalFailure()) return;
    fp32_url_ = start_server(fp32_, {});
    fp64_url_ = start_server(fp64_, {"--fp64"});
  }
  void TearDown() override {
    for (auto* server : {&fp32_, &fp64_, &slow_}) {
      if (*server) {
        EXPECT_EQ((*server)->stop(), 0);
      }
    }
  }
  static std::string file_model() { return "--model " + quoted(path("sst2.bin")); }

  std::unique_ptr<ChildProcess> fp32_;  // the server's default: FP32 probabilities
  std::unique_ptr<ChildProcess> fp64_;
  std::unique_ptr<ChildProcess> slow_;
  std::string fp32_url_;
  std::string fp64_url_;
};

// The server sends FP32 by default: fastText's probabilities (doubles in blindspot, renormalised
// in double) rounded to float, which blindspot uses as sent. FP64 replies give exactly the file's
// results; FP32 ones the same predictions and counts with probabilities that differ after ~7 digits.
TEST_F(OipServerE2e, ScanAndEvalThroughTheServerMatchTheModelFile) {
  const auto file = succeeds("scan " + file_model() + " " + dev() + " --out " + quoted(path("file")));
  const auto fp64 = succeeds("scan --model " + fp64_url_ + " " + dev() + " --out " + quoted(path("fp64")));
  const auto fp32 = succeeds("scan --model " + fp32_url_ + " " + dev() + " --out " + quoted(path("fp32")));
  EXPECT_GT(file["uus"].get<int>(), 10);
  for (const char* key : {"examples", "errors", "uus", "uu_counts"}) {
    EXPECT_EQ(fp64[key], file[key]) << key;
    EXPECT_EQ(fp32[key], file[key]) << key;
  }
  EXPECT_EQ(test::read_text(path("fp64.uus.jsonl")), test::read_text(path("file.uus.jsonl")));
  EXPECT_EQ(test::read_text(path("fp64.uus.csv")), test::read_text(path("file.uus.csv")));
  // UUs are written most confident first, and FP32 may swap two nearly equal confidences: compare by row.
  auto file_uus = read_jsonl(path("file.uus.jsonl"));
  auto fp32_uus = read_jsonl(path("fp32.uus.jsonl"));
  for (auto* uus : {&file_uus, &fp32_uus}) {
    std::stable_sort(uus->begin(), uus->end(), [](const auto& a, const auto& b) { return a["row"] < b["row"]; });
  }
  ASSERT_EQ(fp32_uus.size(), file_uus.size());
  bool any_differs = false;
  for (std::size_t i = 0; i < file_uus.size(); ++i) {
    EXPECT_EQ(fp32_uus[i]["row"], file_uus[i]["row"]);
    EXPECT_EQ(fp32_uus[i]["predicted_label"], file_uus[i]["predicted_label"]);
    const double confidence = file_uus[i]["confidence"].get<double>();
    EXPECT_NEAR(fp32_uus[i]["confidence"].get<double>(), confidence, 1e-7);
    any_differs = any_differs || fp32_uus[i]["confidence"].get<double>() != confidence;
  }
  EXPECT_TRUE(any_differs) << "FP32 replies carried the doubles unchanged: has the server's default changed?";

  auto file_eval = succeeds("eval " + file_model() + " " + dev() + " --adversarial-sample 40");
  auto fp64_eval = succeeds("eval --model " + fp64_url_ + " " + dev() + " --adversarial-sample 40");
  const auto fp32_eval = succeeds("eval --model " + fp32_url_ + " " + dev() + " --adversarial-sample 40");
  EXPECT_EQ(fp32_eval["accuracy"], file_eval["accuracy"]);
  EXPECT_EQ(fp32_eval["uu_counts"], file_eval["uu_counts"]);
  EXPECT_EQ(fp32_eval["adversarial"]["uus"], file_eval["adversarial"]["uus"]);
  EXPECT_NEAR(fp32_eval["brier"].get<double>(), file_eval["brier"].get<double>(), 1e-6);
  file_eval.erase("run");
  fp64_eval.erase("run");
  EXPECT_EQ(fp64_eval, file_eval);
}

TEST_F(OipServerE2e, AttackThroughTheServerMatchesTheModelFile) {
  const std::string attack = "attack " + dev() + " --max-examples 40 --out ";
  const auto file = succeeds(attack + quoted(path("file")) + " " + file_model());
  const auto fp64 = succeeds(attack + quoted(path("fp64")) + " --model " + fp64_url_);
  const auto fp32 = succeeds(attack + quoted(path("fp32")) + " --model " + fp32_url_);
  EXPECT_GT(file["succeeded"].get<int>(), 5);
  EXPECT_EQ(test::read_text(path("fp64.attacks.jsonl")), test::read_text(path("file.attacks.jsonl")));
  // FP32: the same rows with the same outcomes; the edits may differ where two candidate edits
  // score within float rounding of each other (seen: 1 of sst2's 40 rows takes other edits).
  for (const char* key : {"examples", "attacked", "skipped", "succeeded"}) EXPECT_EQ(fp32[key], file[key]) << key;
  const auto file_attacks = read_jsonl(path("file.attacks.jsonl"));
  const auto fp32_attacks = read_jsonl(path("fp32.attacks.jsonl"));
  ASSERT_EQ(fp32_attacks.size(), file_attacks.size());
  for (std::size_t i = 0; i < file_attacks.size(); ++i) {
    EXPECT_EQ(fp32_attacks[i]["row"], file_attacks[i]["row"]);
    EXPECT_EQ(fp32_attacks[i]["outcome"], file_attacks[i]["outcome"]) << "row " << file_attacks[i]["row"];
  }
}

TEST_F(OipServerE2e, LatencyAndReplicasChangeNoAttackResult) {
  const std::string attack = "attack " + dev() + " --max-examples 40 --out ";
  succeeds(attack + quoted(path("fp32")) + " --model " + fp32_url_);
  const auto slow_fp32 = start_server(slow_, {"--latency-ms", "20", "--replicas", "2"});
  succeeds(attack + quoted(path("slow-fp32")) + " --model " + slow_fp32);
  EXPECT_EQ(test::read_text(path("slow-fp32.attacks.jsonl")), test::read_text(path("fp32.attacks.jsonl")));
  EXPECT_EQ(slow_->stop(), 0);
  succeeds(attack + quoted(path("file")) + " " + file_model());
  const auto slow_fp64 = start_server(slow_, {"--latency-ms", "20", "--replicas", "2", "--fp64"});
  succeeds(attack + quoted(path("slow-fp64")) + " --model " + slow_fp64);
  EXPECT_EQ(test::read_text(path("slow-fp64.attacks.jsonl")), test::read_text(path("file.attacks.jsonl")));
}

}  // namespace
}  // namespace blindspot
