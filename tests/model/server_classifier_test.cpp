// The Open Inference Protocol v2 model (--model http://HOST:PORT/v2/models/NAME) against the
// in-process OIP test server serving a fastText model trained here.
#include "blindspot/core/error.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include "support/oip_server.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <numeric>
#include <thread>

using namespace blindspot;
using test::OipFault;
using test::OipServer;
using test::OipServerOptions;

namespace {

using Clock = std::chrono::steady_clock;

data::Split toy_split() {
  data::Split split;
  split.name = "train";
  split.file = "toy/train.csv";
  split.labels = data::LabelSet({"neg", "pos"});
  const std::vector<std::string> negative = {"bad awful film", "terrible and boring", "awful acting, bad plot",
                                             "boring bad mess"};
  const std::vector<std::string> positive = {"good great film", "wonderful and fun", "great acting, good plot",
                                             "fun good joy"};
  std::int64_t line = 2;
  for (int round = 0; round < 10; ++round) {
    for (const auto& text : negative) split.examples.push_back({text, 0, line++});
    for (const auto& text : positive) split.examples.push_back({text, 1, line++});
  }
  return split;
}

const model::Classifier& toy_model() {
  static const std::unique_ptr<model::FastTextClassifier> trained = [] {
    model::FastTextOptions options;
    options.buckets = 10000;
    auto classifier = std::make_unique<model::FastTextClassifier>(options);
    classifier->train(toy_split(), {});
    return classifier;
  }();
  return *trained;
}

OipServerOptions serving(const model::Classifier& model = toy_model()) {
  OipServerOptions options;
  options.model = &model;
  return options;
}

// Short waits everywhere, so that a failing test fails in well under a second or two.
model::RemoteOptions fast_options() {
  model::RemoteOptions options;
  options.batch_size = 8;
  options.max_in_flight = 2;
  options.timeout_seconds = 5;
  options.start_timeout_seconds = 5;
  options.max_retries = 3;
  options.backoff_initial_seconds = 0.01;
  options.backoff_max_seconds = 0.05;
  return options;
}

std::vector<std::string> texts(int count) {
  const std::vector<std::string> words = {"good", "bad", "film", "awful", "fun", "boring", "great", "plot"};
  std::vector<std::string> result;
  for (int i = 0; i < count; ++i) {
    const auto at = static_cast<std::size_t>(i);
    result.push_back(words[at % words.size()] + " " + words[(at * 3 + 1) % words.size()] + " " + std::to_string(i));
  }
  return result;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Opens the model, scores a batch and returns the error it must throw.
core::Error scoring_error(const std::string& spec, const model::RemoteOptions& options) {
  return test::expect_error([&] {
    const auto classifier = model::open_model(spec, options);
    classifier->predict_batch(texts(3), 1);
  });
}

void expect_in(const std::string& message, const std::string& part) {
  EXPECT_NE(message.find(part), std::string::npos) << "missing \"" << part << "\" in: " << message;
}

}  // namespace

TEST(ServerClassifier, GivesTheSameProbabilitiesAsTheModelInProcess) {
  OipServerOptions server_options = serving();
  server_options.output_datatype = "FP64";
  const OipServer server(server_options);
  const auto classifier = model::open_model(server.model_url(), fast_options());
  EXPECT_EQ(classifier->labels().names(), toy_model().labels().names());
  const std::vector<std::string> batch = texts(40);
  EXPECT_EQ(classifier->predict_batch(batch, 1), toy_model().predict_batch(batch, 1));
  EXPECT_EQ(classifier->probabilities("good fun"), toy_model().probabilities("good fun"));
}

TEST(ServerClassifier, Fp32RepliesMatchWithinFloatPrecision) {
  const OipServer server(serving());
  const auto classifier = model::open_model(server.model_url(), fast_options());
  const std::vector<std::string> batch = texts(20);
  const auto remote = classifier->predict_batch(batch, 1);
  const auto local = toy_model().predict_batch(batch, 1);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    for (std::size_t label = 0; label < local[i].size(); ++label) EXPECT_NEAR(remote[i][label], local[i][label], 1e-6);
  }
}

TEST(ServerClassifier, ReadsIdentityAndModelLevelLabelsFromMetadata) {
  OipServerOptions server_options = serving();
  server_options.labels_in = "model";
  server_options.platform = "sklearn_pickle";
  server_options.versions = {"3"};
  const OipServer server(server_options);
  const auto classifier = model::open_model(server.model_url(), fast_options());
  const model::ModelIdentity identity = classifier->identity();
  EXPECT_EQ(identity.source, server.model_url());
  EXPECT_EQ(identity.name, "model");
  EXPECT_EQ(identity.version, "3");
  EXPECT_EQ(identity.description, "a text classifier served over the Open Inference Protocol (sklearn_pickle)");
  EXPECT_EQ(classifier->labels().names(), (std::vector<std::string>{"neg", "pos"}));
  EXPECT_EQ(classifier->kind(), "server");
  EXPECT_FALSE(classifier->trainable());
}

TEST(ServerClassifier, SendsBatchesOfAtMostBatchSize) {
  const OipServer server(serving());
  const auto classifier = model::open_model(server.model_url(), fast_options());
  std::vector<std::thread> callers;
  for (int caller = 0; caller < 4; ++caller) {
    callers.emplace_back([&] { classifier->predict_batch(texts(50), 1); });
  }
  for (auto& caller : callers) caller.join();
  const auto sizes = server.stats().texts_per_request;
  ASSERT_FALSE(sizes.empty());
  for (const std::size_t size : sizes) EXPECT_LE(size, 8u);
  EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}), 200u);
  // Four callers' texts fill the batches: nearly all are full.
  EXPECT_LE(sizes.size(), 200u / 8 + 4);
}

TEST(ServerClassifier, KeepsRequestsInFlightWithinMaxInFlight) {
  OipServerOptions server_options = serving();
  server_options.latency_seconds = 0.02;
  const OipServer server(server_options);
  model::RemoteOptions options = fast_options();
  options.max_in_flight = 3;
  const auto classifier = model::open_model(server.model_url(), options);
  std::vector<std::thread> callers;
  for (int caller = 0; caller < 8; ++caller) {
    callers.emplace_back([&] { classifier->predict_batch(texts(40), 1); });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_LE(server.stats().max_in_flight, 3);
  EXPECT_GE(server.stats().max_in_flight, 2);
}

TEST(ServerClassifier, WaitsOutRetryAfterOn429ThenSucceeds) {
  OipServerOptions server_options = serving();
  server_options.fault_script = {OipFault::rate_limit};
  server_options.retry_after = "0.3";
  const OipServer server(server_options);
  const auto classifier = model::open_model(server.model_url(), fast_options());
  const auto started = Clock::now();
  EXPECT_EQ(classifier->predict_batch(texts(3), 1).size(), 3u);
  EXPECT_GE(seconds_since(started), 0.3);
  EXPECT_EQ(server.stats().by_status.at(429), 1);
  EXPECT_EQ(server.stats().by_status.at(200), 1);
}

TEST(ServerClassifier, RetriesA500ThenSucceeds) {
  OipServerOptions server_options = serving();
  server_options.fault_script = {OipFault::server_error, OipFault::server_error};
  const OipServer server(server_options);
  const auto classifier = model::open_model(server.model_url(), fast_options());
  EXPECT_EQ(classifier->predict_batch(texts(3), 1).size(), 3u);
  EXPECT_EQ(server.stats().by_status.at(500), 2);
}

TEST(ServerClassifier, RetriesADroppedConnectionThenSucceeds) {
  OipServerOptions server_options = serving();
  server_options.fault_script = {OipFault::drop_connection};
  const OipServer server(server_options);
  const auto classifier = model::open_model(server.model_url(), fast_options());
  EXPECT_EQ(classifier->predict_batch(texts(3), 1).size(), 3u);
  EXPECT_EQ(server.stats().by_status.at(0), 1);
  EXPECT_EQ(server.stats().infer_requests, 2);
}

TEST(ServerClassifier, SendsTheApiKeyAsBearerTokenAndNeverStoresIt) {
  OipServerOptions server_options = serving();
  server_options.api_key = "sk-oip-secret-123";
  const OipServer server(server_options);
  ::setenv("BLINDSPOT_TEST_OIP_KEY", "sk-oip-secret-123", 1);
  model::RemoteOptions options = fast_options();
  options.api_key_env = "BLINDSPOT_TEST_OIP_KEY";
  const auto classifier = model::open_model(server.model_url(), options);
  EXPECT_EQ(classifier->predict_batch(texts(3), 1).size(), 3u);
  const auto stats = server.stats();
  ASSERT_GE(stats.authorization.size(), 3u);  // ready, metadata, infer
  for (const std::string& header : stats.authorization) EXPECT_EQ(header, "Bearer sk-oip-secret-123");
  EXPECT_EQ(classifier->options_json().find("secret"), std::string::npos);
  const model::ModelIdentity identity = classifier->identity();
  for (const std::string& field : {identity.source, identity.name, identity.version, identity.description}) {
    EXPECT_EQ(field.find("secret"), std::string::npos);
  }
  ::unsetenv("BLINDSPOT_TEST_OIP_KEY");
}

TEST(ServerClassifier, AsksTheRequestedVersion) {
  OipServerOptions server_options = serving();
  server_options.versions = {"1", "2"};
  server_options.input_shape = {-1, 1};
  const OipServer server(server_options);
  const auto classifier = model::open_model(server.model_url() + "/versions/2", fast_options());
  EXPECT_EQ(classifier->identity().version, "2");
  classifier->predict_batch(texts(3), 1);
  const auto paths = server.stats().paths;
  EXPECT_EQ(paths.back(), "POST /v2/models/model/versions/2/infer");
  EXPECT_EQ(paths.at(1), "GET /v2/models/model/versions/2");
}

TEST(ServerClassifier, TakesLabelsFromModelLabelsWhenTheMetadataHasNone) {
  OipServerOptions server_options = serving();
  server_options.labels_in = "";
  server_options.extra_output_name = "predicted_label";
  const OipServer server(server_options);
  model::RemoteOptions options = fast_options();
  options.labels = {"neg", "pos"};
  const auto classifier = model::open_model(server.model_url(), options);
  EXPECT_EQ(classifier->labels().names(), options.labels);
  EXPECT_EQ(classifier->predict_batch(texts(2), 1).size(), 2u);
}

TEST(ServerClassifierErrors, ServerNotReadyWithinTheStartTimeout) {
  OipServerOptions server_options = serving();
  server_options.not_ready_seconds = 30;
  const OipServer server(server_options);
  model::RemoteOptions options = fast_options();
  // Long enough for a first connection under TSan (about 0.3 s) to be answered with the 503.
  options.start_timeout_seconds = 1.5;
  const auto started = Clock::now();
  const core::Error error = test::expect_error([&] { model::open_model(server.model_url(), options); });
  EXPECT_LT(seconds_since(started), 4.0);
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.model_url());
  expect_in(error.message(), "is not ready");
  expect_in(error.message(), "HTTP 503");
}

TEST(ServerClassifierErrors, NoSuchModel) {
  const OipServer server(serving());
  const core::Error error =
      test::expect_error([&] { model::open_model(server.origin() + "/v2/models/other", fast_options()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.origin() + "/v2/models/other");
  expect_in(error.message(), "has no model other");
  EXPECT_EQ(server.stats().infer_requests, 0);
}

TEST(ServerClassifierErrors, WrongOutputDatatype) {
  OipServerOptions server_options = serving();
  server_options.every_request = OipFault::wrong_datatype;
  const OipServer server(server_options);
  const core::Error error = scoring_error(server.model_url(), fast_options());
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.model_url() + "/infer");
  expect_in(error.message(), "datatype INT64; expected FP32 or FP64");
  EXPECT_EQ(server.stats().infer_requests, 1);  // an answer, not an accident: not retried
}

TEST(ServerClassifierErrors, WrongOutputShape) {
  OipServerOptions server_options = serving();
  server_options.every_request = OipFault::wrong_shape;
  const OipServer server(server_options);
  const core::Error error = scoring_error(server.model_url(), fast_options());
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.model_url() + "/infer");
  expect_in(error.message(), "has shape [6]; expected [3,2] (3 texts x 2 labels)");
}

TEST(ServerClassifierErrors, Persistent500AfterRetries) {
  OipServerOptions server_options = serving();
  server_options.every_request = OipFault::server_error;
  const OipServer server(server_options);
  model::RemoteOptions options = fast_options();
  options.max_retries = 2;
  const core::Error error = scoring_error(server.model_url(), options);
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.model_url() + "/infer");
  expect_in(error.message(), "after 3 attempts");
  expect_in(error.message(), "HTTP 500: the model crashed (injected)");
  EXPECT_EQ(server.stats().infer_requests, 3);
}

TEST(ServerClassifierErrors, ConnectionRefused) {
  int port = 0;
  {
    const OipServer closed(serving());
    port = closed.port();
  }
  model::RemoteOptions options = fast_options();
  options.start_timeout_seconds = 0.3;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v2/models/model";
  const auto started = Clock::now();
  const core::Error error = test::expect_error([&] { model::open_model(url, options); });
  EXPECT_LT(seconds_since(started), 2.0);
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), url);
  expect_in(error.message(), "cannot connect");
}

TEST(ServerClassifierErrors, SlowRepliesPastTheTimeout) {
  OipServerOptions server_options = serving();
  server_options.every_request = OipFault::slow;
  server_options.slow_seconds = 3;
  const OipServer server(server_options);
  model::RemoteOptions options = fast_options();
  options.timeout_seconds = 0.3;
  options.max_retries = 1;
  const auto started = Clock::now();
  const core::Error error = scoring_error(server.model_url(), options);
  EXPECT_LT(seconds_since(started), 2.5);
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.model_url() + "/infer");
  expect_in(error.message(), "no reply within 0.3 s (--model-timeout)");
}

TEST(ServerClassifierErrors, NoLabelsInMetadataAndNoModelLabels) {
  OipServerOptions server_options = serving();
  server_options.labels_in = "";
  const OipServer server(server_options);
  const core::Error error = test::expect_error([&] { model::open_model(server.model_url(), fast_options()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.model_url());
  expect_in(error.message(), "--model-labels");
}

TEST(ServerClassifierErrors, NoBytesInputInMetadata) {
  OipServerOptions server_options = serving();
  server_options.input_datatype = "FP32";
  const OipServer server(server_options);
  const core::Error error = test::expect_error([&] { model::open_model(server.model_url(), fast_options()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), server.model_url());
  expect_in(error.message(), "has no BYTES input");
  expect_in(error.message(), "text FP32 [-1]");
}

TEST(ServerClassifierErrors, MalformedUrlIsAUsageError) {
  for (const std::string spec : {"http://host:8000/v1/chat", "http:///v2/models/m", "http://h/v2/models/",
                                 "http://h/v2/models/m/version/1", "http://user:pw@h/v2/models/m",
                                 "http://h/v2/models/m?x=1"}) {
    const core::Error error = test::expect_error([&] { model::open_model(spec, fast_options()); });
    EXPECT_EQ(error.kind(), core::ErrorKind::usage) << spec;
    expect_in(error.message(), "/v2/models/NAME");
  }
}

TEST(ServerClassifierErrors, MissingApiKeyVariableIsAUsageError) {
  const OipServer server(serving());
  model::RemoteOptions options = fast_options();
  options.api_key_env = "BLINDSPOT_TEST_OIP_UNSET_KEY";
  ::unsetenv("BLINDSPOT_TEST_OIP_UNSET_KEY");
  const core::Error error = test::expect_error([&] { model::open_model(server.model_url(), options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  expect_in(error.message(), "BLINDSPOT_TEST_OIP_UNSET_KEY is not set");
  EXPECT_EQ(server.stats().ready_requests, 0);
}

TEST(ServerClassifierErrors, WrongApiKeyFailsAtOnceWithTheServersWords) {
  OipServerOptions server_options = serving();
  server_options.api_key = "right";
  const OipServer server(server_options);
  ::setenv("BLINDSPOT_TEST_OIP_WRONG_KEY", "wrong", 1);
  model::RemoteOptions options = fast_options();
  options.api_key_env = "BLINDSPOT_TEST_OIP_WRONG_KEY";
  const core::Error error = test::expect_error([&] { model::open_model(server.model_url(), options); });
  ::unsetenv("BLINDSPOT_TEST_OIP_WRONG_KEY");
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  expect_in(error.message(), "HTTP 401: missing or wrong API key");
  EXPECT_EQ(server.stats().ready_requests, 1);
}

// Issue 13, finding 3: an inference server killed while many callers wait is reported at once,
// with one message, instead of each batch sleeping through its own retries.
TEST(ServerClassifierBreaker, AKilledServerFailsEveryCallerWithinSecondsWithOneMessage) {
  OipServerOptions server_options = serving();
  server_options.latency_seconds = 0.01;
  OipServer server(server_options);
  model::RemoteOptions options = fast_options();
  options.max_in_flight = 4;
  // A user's settings: --model-retries 8 with the product's backoff (0.5 s doubling to 30 s).
  options.max_retries = 8;
  options.backoff_initial_seconds = 0.5;
  options.backoff_max_seconds = 30;
  options.breaker_seconds = 1;  // test-sized: the product waits for 10 s of failures
  const auto classifier = model::open_model(server.model_url(), options);
  std::vector<std::string> messages(8);
  std::vector<std::thread> callers;
  for (std::size_t caller = 0; caller < messages.size(); ++caller) {
    callers.emplace_back([&, caller] {
      try {
        for (int round = 0; round < 100; ++round) classifier->predict_batch(texts(10), 1);
      } catch (const core::Error& error) {
        messages[caller] = error.message();
      }
    });
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (server.stats().infer_requests < 20 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server.stop();
  const auto killed = Clock::now();
  for (std::thread& caller : callers) caller.join();
  const double seconds = seconds_since(killed);
  std::cout << "a dead inference server reported " << seconds << " s after the kill\n";
  EXPECT_LT(seconds, 5.0);
  for (const std::string& message : messages) {
    EXPECT_EQ(message, messages.front());
    expect_in(message, "the server at " + server.model_url() + " stopped answering: cannot connect");
  }
}
