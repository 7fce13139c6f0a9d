// The LLM teacher's settings the CLI and the Python module share: the teacher chosen, the
// environment defaults, the messages naming each interface's settings, the settings recorded
// in a loop's identity (never the key) and the client caching in the workspace's store.
#include "blindspot/loop/llm_teacher_settings.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/filters.hpp"
#include "support/protocol_server.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace blindspot;
using loop::TeacherKind;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// Sets (or unsets, with nullopt) an environment variable for the life of the object.
class ScopedVariable {
 public:
  ScopedVariable(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    set(value);
  }
  ~ScopedVariable() { set(old_); }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value) {
      setenv(name_.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  std::string name_;
  std::optional<std::string> old_;
};

const std::vector<TeacherKind> kRunTeachers = {TeacherKind::automatic, TeacherKind::llm};

TEST(LlmTeacherSettings, NoTeacherNamedMeansLlmWithAnEndpointAndAutoWithout) {
  const ScopedVariable url("OPENAI_BASE_URL", std::nullopt);
  loop::LlmSettings settings;
  EXPECT_EQ(loop::resolve_teacher(settings, "", "--teacher", kRunTeachers), TeacherKind::automatic);
  settings.endpoint.base_url = "http://127.0.0.1:9/v1";
  settings.endpoint.model = "m";
  EXPECT_EQ(loop::resolve_teacher(settings, "", "--teacher", kRunTeachers), TeacherKind::llm);
  EXPECT_EQ(loop::resolve_teacher(settings, "auto", "--teacher", kRunTeachers), TeacherKind::automatic);
}

TEST(LlmTeacherSettings, TheEnvironmentFillsTheUrlAndTheKeyButNeverOverridesASetting) {
  const ScopedVariable url("OPENAI_BASE_URL", "http://from-environment/v1");
  const ScopedVariable key("BLINDSPOT_TEST_KEY", "sk-secret");
  loop::LlmSettings settings;
  settings.endpoint.model = "m";
  settings.api_key_env = "BLINDSPOT_TEST_KEY";
  EXPECT_EQ(loop::resolve_teacher(settings, "llm", "--teacher", kRunTeachers), TeacherKind::llm);
  EXPECT_EQ(settings.endpoint.base_url, "http://from-environment/v1");
  EXPECT_EQ(settings.endpoint.api_key, "sk-secret");
  settings.endpoint.base_url = "http://given/v1";
  loop::resolve_teacher(settings, "llm", "--teacher", kRunTeachers);
  EXPECT_EQ(settings.endpoint.base_url, "http://given/v1");
}

TEST(LlmTeacherSettings, AMissingEndpointOrModelIsAUsageErrorInTheInterfacesOwnWords) {
  const ScopedVariable url("OPENAI_BASE_URL", std::nullopt);
  loop::LlmSettings settings;
  const core::Error cli =
      test::expect_error([&] { loop::resolve_teacher(settings, "llm", "--teacher", kRunTeachers); });
  EXPECT_EQ(cli.kind(), core::ErrorKind::usage);
  EXPECT_STREQ(cli.what(),
               "--teacher llm and --verify-labels need an endpoint: --base-url URL (or BLINDSPOT_BASE_URL, "
               "OPENAI_BASE_URL)");
  const loop::LlmSettingNames python{.llm_teacher = "teacher=\"llm\"",
                                     .verify_labels = "verify_labels=True",
                                     .base_url = "llm={\"base_url\": URL}",
                                     .llm_model = "llm={\"model\": NAME}"};
  settings.endpoint.base_url = "http://127.0.0.1:9/v1";
  const core::Error no_model =
      test::expect_error([&] { loop::resolve_teacher(settings, "llm", "teacher", kRunTeachers, python); });
  EXPECT_STREQ(no_model.what(), "teacher=\"llm\" needs llm={\"model\": NAME}");
  // Verifying labels needs the endpoint whatever the teacher.
  settings.verify_labels = true;
  EXPECT_THROW(loop::resolve_teacher(settings, "auto", "teacher", kRunTeachers, python), core::Error);
}

TEST(LlmTeacherSettings, TheSettingsJsonNamesWhatChangesTheOutputAndNeverTheKey) {
  loop::LlmSettings settings;
  settings.endpoint.base_url = "http://127.0.0.1:9/v1";
  settings.endpoint.model = "m";
  settings.endpoint.api_key = "sk-secret";
  settings.endpoint.max_in_flight = 9;  // changes the pace, not the replies
  settings.teacher.task_description = "Sorts reviews.";
  const std::string text = loop::llm_teacher_settings_json(settings);
  EXPECT_THAT(text, Not(HasSubstr("sk-secret")));
  const auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["base_url"], "http://127.0.0.1:9/v1");
  EXPECT_EQ(json["model"], "m");
  EXPECT_EQ(json["task_description"], "Sorts reviews.");
  EXPECT_EQ(json.size(), 7U);
}

// The settings of a client of `server`.
loop::LlmSettings settings_for(const test::ProtocolServer& server) {
  loop::LlmSettings settings;
  settings.endpoint.base_url = server.base_url();
  settings.endpoint.model = "test-model";
  return settings;
}

TEST(LlmTeacherSettings, TheClientCachesInTheStoreSoASecondRunSendsNothing) {
  test::TempDir dir;
  test::ProtocolServer server;
  const loop::LlmSettings settings = settings_for(server);
  auto store = store::Database::open(dir.path() / "blindspot.db");
  llm::ChatRequest request;
  request.messages = {{"user", "hello"}};
  for (int run = 0; run < 2; ++run) {
    const std::int64_t run_id = store::begin_run(store, "teach", "{}", "{}");
    const auto client = loop::make_llm_client(settings, store, run_id, 1);
    EXPECT_EQ(client->complete(request).content, "echo: hello");
  }
  EXPECT_EQ(server.stats().requests, 1);
}

}  // namespace

TEST(LlmTeacherSettings, TheLabelVerifierIsTheLlmTeacherItselfOrANewOneWithTheModelsLabels) {
  test::TempDir dir;
  // The default reply is the schema's canonical instance: the verifier labels every text
  // "negative", the first label it was given.
  test::ProtocolServer server;
  const loop::LlmSettings settings = settings_for(server);
  auto store = store::Database::open(dir.path() / "blindspot.db");
  const std::int64_t run_id = store::begin_run(store, "teach", "{}", "{}");
  const auto client = loop::make_llm_client(settings, store, run_id, 1);
  const data::LabelSet labels({"negative", "positive"});

  teach::LlmTeacherOptions teacher_options;
  teacher_options.labels = labels;
  teach::LlmTeacher llm_teacher(*client, teacher_options);
  const loop::LabelVerifier itself =
      loop::make_label_verifier(TeacherKind::llm, llm_teacher, *client, settings, labels, 1);
  EXPECT_EQ(itself.verifier, &llm_teacher);
  EXPECT_EQ(itself.owned, nullptr);

  std::vector<teach::Sample> samples(2);
  samples[0].id = "s1";
  samples[0].text = "dull and slow";
  samples[0].label = "negative";
  samples[1].id = "s2";
  samples[1].text = "a tedious mess";
  samples[1].label = "positive";
  const loop::LabelVerifier separate =
      loop::make_label_verifier(TeacherKind::automatic, llm_teacher, *client, settings, labels, 1);
  ASSERT_NE(separate.owned, nullptr);
  EXPECT_EQ(separate.verifier, separate.owned.get());
  separate.verifier->verify_labels(samples);
  EXPECT_TRUE(samples[0].accepted);
  EXPECT_FALSE(samples[1].accepted);
  EXPECT_EQ(samples[1].rejection, teach::kLabelDisputed);
  EXPECT_EQ(server.stats().requests, 2);
}
