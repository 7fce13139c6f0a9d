#include "blindspot/core/data_files.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

using namespace blindspot;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

// An installed tree under a temporary folder: <root>/usr/share/blindspot/prompts/.
fs::path make_data_folder(const fs::path& folder) {
  test::write_text(folder / "prompts" / "abstraction.txt", "prompt");
  test::write_text(folder / "config" / "prices.toml", "");
  return folder;
}

void make_file(const fs::path& file) { test::write_text(file, "binary"); }

// Sets BLINDSPOT_DATA_DIR (or unsets it, for nullopt) and restores the old value on destruction.
class DataDirectoryVariable {
 public:
  explicit DataDirectoryVariable(const std::optional<std::string>& value) {
    if (const char* old = std::getenv(core::kDataDirectoryVariable); old != nullptr) old_ = old;
    set(value);
  }
  ~DataDirectoryVariable() { set(old_); }
  DataDirectoryVariable(const DataDirectoryVariable&) = delete;
  DataDirectoryVariable& operator=(const DataDirectoryVariable&) = delete;

 private:
  static void set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(core::kDataDirectoryVariable, value->c_str(), 1);
    } else {
      ::unsetenv(core::kDataDirectoryVariable);
    }
  }
  std::optional<std::string> old_;
};

TEST(DataFiles, TheInstalledBinaryFindsShareBesideBin) {
  test::TempDir dir;
  const fs::path data = make_data_folder(dir / "usr/share/blindspot");
  make_file(dir / "usr/bin/blindspot");
  const auto search = core::search_data_directory("", dir / "usr/bin/blindspot");
  ASSERT_TRUE(search.found.has_value());
  EXPECT_EQ(*search.found, fs::canonical(data));
  EXPECT_FALSE(search.from_variable);
  ASSERT_EQ(search.searched.size(), 2u);  // usr/bin/share/blindspot, then usr/share/blindspot
  EXPECT_EQ(search.searched[0], fs::canonical(dir / "usr/bin") / "share/blindspot");
}

TEST(DataFiles, ThePythonExtensionInDistPackagesFindsTheSameFolder) {
  test::TempDir dir;
  const fs::path data = make_data_folder(dir / "usr/share/blindspot");
  const fs::path extension = dir / "usr/lib/python3/dist-packages/blindspot.cpython-311-x86_64-linux-gnu.so";
  make_file(extension);
  const auto search = core::search_data_directory("", extension);
  ASSERT_TRUE(search.found.has_value());
  EXPECT_EQ(*search.found, fs::canonical(data));
  EXPECT_EQ(search.searched.size(), 4u);  // dist-packages, python3, lib, usr
}

TEST(DataFiles, TheNearestFolderWinsAndOneWithoutPromptsIsPassedBy) {
  test::TempDir dir;
  make_data_folder(dir / "share/blindspot");  // an installed copy above a build folder
  const fs::path build_copy = make_data_folder(dir / "src/build/share/blindspot");
  test::write_text(dir / "src/build/python/share/blindspot/README", "no prompts here");
  make_file(dir / "src/build/python/blindspot.so");
  const auto search = core::search_data_directory("", dir / "src/build/python/blindspot.so");
  ASSERT_TRUE(search.found.has_value());
  EXPECT_EQ(*search.found, fs::canonical(build_copy));
}

TEST(DataFiles, ASymbolicLinkToTheBinaryIsFollowedToItsInstallPrefix) {
  test::TempDir dir;
  const fs::path data = make_data_folder(dir / "opt/blindspot/share/blindspot");
  make_file(dir / "opt/blindspot/bin/blindspot");
  fs::create_directories(dir / "usr/local/bin");
  fs::create_symlink(dir / "opt/blindspot/bin/blindspot", dir / "usr/local/bin/blindspot");
  const auto search = core::search_data_directory("", dir / "usr/local/bin/blindspot");
  ASSERT_TRUE(search.found.has_value());
  EXPECT_EQ(*search.found, fs::canonical(data));
}

TEST(DataFiles, TheVariableWinsOverTheWalk) {
  test::TempDir dir;
  make_data_folder(dir / "usr/share/blindspot");
  make_file(dir / "usr/bin/blindspot");
  const fs::path mine = make_data_folder(dir / "my-prompts");
  const auto search = core::search_data_directory(mine.string(), dir / "usr/bin/blindspot");
  ASSERT_TRUE(search.found.has_value());
  EXPECT_EQ(*search.found, mine);
  EXPECT_TRUE(search.from_variable);
  EXPECT_EQ(core::found_data_directory(search), mine);
}

TEST(DataFiles, AVariableNamingAFolderWithoutPromptsIsAUsageError) {
  test::TempDir dir;
  make_data_folder(dir / "usr/share/blindspot");
  make_file(dir / "usr/bin/blindspot");
  fs::create_directories(dir / "empty");
  const auto search = core::search_data_directory((dir / "empty").string(), dir / "usr/bin/blindspot");
  EXPECT_FALSE(search.found.has_value());  // no fallback to the walk: the user asked for this folder
  const auto error = test::expect_error([&] { core::found_data_directory(search); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("BLINDSPOT_DATA_DIR=" + (dir / "empty").string()));
  EXPECT_THAT(error.what(), HasSubstr("no prompts/ folder"));
}

TEST(DataFiles, NothingFoundIsAnIoErrorNamingEveryFolderTried) {
  test::TempDir dir;
  make_file(dir / "usr/bin/blindspot");
  const auto search = core::search_data_directory("", dir / "usr/bin/blindspot");
  EXPECT_FALSE(search.found.has_value());
  ASSERT_GE(search.searched.size(), 4u);  // usr/bin, usr, the temporary folder, ..., /
  EXPECT_EQ(search.searched.back(), fs::path("/share/blindspot"));
  const auto error = test::expect_error([&] { core::found_data_directory(search); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  for (const fs::path& folder : search.searched) EXPECT_THAT(error.what(), HasSubstr(folder.string()));
  EXPECT_THAT(error.what(), HasSubstr(fs::canonical(dir / "usr/bin/blindspot").string()));
  EXPECT_THAT(error.what(), HasSubstr("BLINDSPOT_DATA_DIR"));
}

TEST(DataFiles, ThisProcessIsItsExecutableAndFindsTheBuildFoldersCopy) {
  EXPECT_EQ(core::running_code_file(), fs::canonical("/proc/self/exe"));
  const DataDirectoryVariable unset(std::nullopt);
  // The build copies prompts/ and config/prices.toml to <build>/share/blindspot, above tests/core/.
  const fs::path prompts = core::data_file("prompts");
  EXPECT_EQ(prompts.parent_path().filename(), "blindspot");
  EXPECT_TRUE(fs::is_regular_file(prompts / "abstraction.txt"));
  EXPECT_TRUE(fs::is_regular_file(core::data_file("config/prices.toml")));
}

TEST(DataFiles, TheVariableOfThisProcessIsRead) {
  test::TempDir dir;
  const fs::path mine = make_data_folder(dir / "data");
  {
    const DataDirectoryVariable set(mine.string());
    EXPECT_EQ(core::data_file("prompts"), mine / "prompts");
  }
  const DataDirectoryVariable wrong((dir / "missing").string());
  EXPECT_EQ(test::expect_error([] { core::data_file("prompts"); }).kind(), core::ErrorKind::usage);
}

}  // namespace
