// The .deb end to end: CPack builds it from the build folder, `dpkg-deb -x` unpacks it into a fresh
// folder (no root needed), and the unpacked binary runs from a folder outside the source tree. It
// must find the prompts and the price table the package installed, through no path of the build.

#include "blindspot/core/version.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

using namespace blindspot;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// The first `rows` records of a shared dataset's split, header included, in `folder`.
void write_slice(const fs::path& dataset, const std::string& split, std::size_t rows, const fs::path& folder) {
  std::ifstream in(dataset / (split + ".csv"));
  std::ofstream out(folder / (split + ".csv"));
  std::string line;
  for (std::size_t i = 0; i <= rows && std::getline(in, line); ++i) out << line << '\n';
}

// The package built by CPack and unpacked into a temporary folder. Building it is the slow part
// (ctest runs every TEST in a process of its own), so one test below makes every check in turn.
class Package : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto built = test::run_command(quoted(BLINDSPOT_CPACK) + " -G DEB --config " +
                                         quoted(BLINDSPOT_CPACK_CONFIG) + " -B " + quoted(dir_ / "package"));
    ASSERT_EQ(built.exit_code, 0) << built.output << built.errors;
    for (const auto& entry : fs::directory_iterator(dir_ / "package")) {
      if (entry.path().extension() == ".deb") deb_ = entry.path();
    }
    ASSERT_FALSE(deb_.empty()) << built.output;
    const auto unpacked = test::run_command("dpkg-deb -x " + quoted(deb_) + " " + quoted(root()));
    ASSERT_EQ(unpacked.exit_code, 0) << unpacked.errors;
    fs::create_directories(elsewhere());
    // sst2's first rows: a run takes seconds, not minutes.
    fs::create_directories(data());
    write_slice(test::shared_data("sst2"), "train", 2000, data());
    write_slice(test::shared_data("sst2"), "dev", 400, data());
    write_slice(test::shared_data("sst2"), "test", 400, data());
  }

  fs::path root() const { return dir_ / "root"; }
  // An empty folder, the working folder of every command: nothing of the source tree is near.
  fs::path elsewhere() const { return dir_ / "elsewhere"; }
  fs::path data() const { return dir_ / "sst2-slice"; }
  // `arguments` to `binary` (the unpacked one), run in elsewhere() without BLINDSPOT_DATA_DIR
  // unless `environment` sets it.
  test::CommandResult blindspot(const std::string& arguments, const std::string& environment = "",
                                const fs::path& binary = {}) const {
    const fs::path program = binary.empty() ? root() / "usr/bin/blindspot" : binary;
    return test::run_command("cd " + quoted(elsewhere()) + " && env -u BLINDSPOT_DATA_DIR " + environment + " " +
                             quoted(program) + " " + arguments);
  }
  std::string field(const std::string& name) const {
    return test::run_command("dpkg-deb -f " + quoted(deb_) + " " + name).output;
  }

  void expect_the_control_fields() const;
  void expect_the_files_in_the_standard_places() const;
  void expect_the_installed_data_to_be_found() const;
  void expect_a_wrong_variable_to_be_a_usage_error() const;
  void expect_a_binary_away_from_its_data_to_say_where_it_looked() const;
  void expect_a_small_run() const;

  test::TempDir dir_;
  fs::path deb_;
};

// The LLM teacher needs the prompts and the price table: asked for where there are none, the run
// stops before it starts, naming the places searched.
const std::string kLlmRun = " run --teacher llm --base-url http://127.0.0.1:9 --llm-model m --data ";

void Package::expect_the_control_fields() const {
  EXPECT_EQ(field("Package"), "blindspot\n");
  EXPECT_EQ(field("Version"), std::string(core::kVersion) + "\n");
  EXPECT_THAT(deb_.filename().string(), HasSubstr("blindspot_" + std::string(core::kVersion) + "_"));
  // dpkg-shlibdeps: the packages of the shared libraries the binary links.
  const std::string depends = field("Depends");
  EXPECT_THAT(depends, HasSubstr("libfasttext0"));
  EXPECT_THAT(depends, HasSubstr("libsqlite3-0"));
  EXPECT_THAT(depends, HasSubstr("libcpp-httplib"));
  EXPECT_THAT(field("Maintainer"), HasSubstr("@"));
#if BLINDSPOT_PACKAGE_HAS_PYTHON
  EXPECT_THAT(depends, HasSubstr("python3 (>="));
#endif
}

void Package::expect_the_files_in_the_standard_places() const {
  EXPECT_TRUE(fs::is_regular_file(root() / "usr/bin/blindspot"));
  for (const char* prompt : {"abstraction.txt", "extrapolation.txt", "generation.txt", "verification.txt"}) {
    EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/blindspot/prompts" / prompt)) << prompt;
  }
  EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/blindspot/config/prices.toml"));
  EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/doc/blindspot/README.md"));
  EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/doc/blindspot/docs/install.md"));
#if BLINDSPOT_PACKAGE_HAS_PYTHON
  const fs::path packages = root() / "usr/lib/python3/dist-packages";
  EXPECT_TRUE(fs::is_regular_file(packages / "blindspot/__init__.py"));
  const auto imported = test::run_command("cd " + quoted(elsewhere()) + " && env -u BLINDSPOT_DATA_DIR PYTHONPATH=" +
                                          quoted(packages) + " /usr/bin/python3 -c 'import blindspot'");
  EXPECT_EQ(imported.exit_code, 0) << imported.errors;
#endif
}

void Package::expect_the_installed_data_to_be_found() const {
  const auto version = blindspot("--version");
  ASSERT_EQ(version.exit_code, 0) << version.errors;
  EXPECT_THAT(version.output, HasSubstr(core::kVersion));

  // The defaults of --prompts and --prices are the data folder the binary found.
  const fs::path data = fs::canonical(root() / "usr/share/blindspot");
  const auto help = blindspot("teach --help");
  ASSERT_EQ(help.exit_code, 0) << help.errors;
  EXPECT_THAT(help.output, HasSubstr((data / "prompts").string()));
  EXPECT_THAT(help.output, HasSubstr((data / "config/prices.toml").string()));
  EXPECT_THAT(help.output, Not(HasSubstr(BLINDSPOT_SOURCE_DIR)));

  // BLINDSPOT_DATA_DIR wins over the installed folder.
  const fs::path mine = dir_ / "my-data";
  fs::copy(data, mine, fs::copy_options::recursive);
  const auto moved = blindspot("teach --help", "BLINDSPOT_DATA_DIR=" + quoted(mine));
  ASSERT_EQ(moved.exit_code, 0) << moved.errors;
  EXPECT_THAT(moved.output, HasSubstr((mine / "prompts").string()));
  EXPECT_THAT(moved.output, Not(HasSubstr((data / "prompts").string())));
}

void Package::expect_a_wrong_variable_to_be_a_usage_error() const {
  fs::create_directories(dir_ / "empty");
  const auto run = blindspot("--workspace ws-empty" + kLlmRun + quoted(data()),
                             "BLINDSPOT_DATA_DIR=" + quoted(dir_ / "empty"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.errors,
              HasSubstr("BLINDSPOT_DATA_DIR=" + (dir_ / "empty").string() + " is not blindspot's data folder"));
}

void Package::expect_a_binary_away_from_its_data_to_say_where_it_looked() const {
  // The binary alone, copied away from its share/: its help has no default to show, what needs
  // no data still works, and the LLM teacher's run fails naming the folders tried.
  const fs::path lonely = fs::canonical(dir_.path()) / "lonely" / "blindspot";
  fs::create_directories(lonely.parent_path());
  fs::copy_file(root() / "usr/bin/blindspot", lonely);
  const auto help = blindspot("teach --help", "", lonely);
  ASSERT_EQ(help.exit_code, 0) << help.errors;
  EXPECT_THAT(help.output, Not(HasSubstr("share/blindspot/prompts")));
  EXPECT_THAT(help.output, HasSubstr("prompts/ of blindspot's data folder"));
  EXPECT_EQ(blindspot("--version", "", lonely).exit_code, 0);

  const auto run = blindspot("--workspace ws-lonely" + kLlmRun + quoted(data()), "", lonely);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.errors, HasSubstr("blindspot's data folder (prompts/, config/prices.toml) was not found: looked "
                                    "beside " +
                                    lonely.string() + " in " + (lonely.parent_path() / "share/blindspot").string()));
}

void Package::expect_a_small_run() const {
  const auto run = blindspot("--workspace ws --json --quiet run --data " + quoted(data()) +
                             " --dev-attack-rows 30 --max-uus 6 --test-attack-rows 30");
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  const auto json = nlohmann::json::parse(run.output);
  EXPECT_EQ(json["complete"], true);
  EXPECT_EQ(json["teacher"], "auto");
  EXPECT_EQ(json["steps"].size(), 8u);
  EXPECT_GT(json["before"]["accuracy"].get<double>(), 0.6);
  EXPECT_TRUE(json["after"].contains("adversarial_uus"));
  // The workspace is where it was asked to be, relative to the working folder.
  EXPECT_TRUE(fs::exists(elsewhere() / "ws" / "blindspot.db"));
  EXPECT_TRUE(fs::exists(elsewhere() / json["folder"].get<std::string>() / "metrics.json")) << json["folder"];
}

TEST_F(Package, BuiltUnpackedAndRunFromOutsideTheSourceTree) {
  {
    SCOPED_TRACE("the control fields");
    expect_the_control_fields();
  }
  {
    SCOPED_TRACE("the files");
    expect_the_files_in_the_standard_places();
  }
  {
    SCOPED_TRACE("the installed data found");
    expect_the_installed_data_to_be_found();
  }
  {
    SCOPED_TRACE("a wrong BLINDSPOT_DATA_DIR");
    expect_a_wrong_variable_to_be_a_usage_error();
  }
  {
    SCOPED_TRACE("a binary away from its data");
    expect_a_binary_away_from_its_data_to_say_where_it_looked();
  }
  {
    SCOPED_TRACE("a small run");
    expect_a_small_run();
  }
}

}  // namespace
