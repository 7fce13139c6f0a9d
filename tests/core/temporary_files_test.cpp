#include "blindspot/core/temporary_files.hpp"

#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unistd.h>

using namespace blindspot;

TEST(TemporaryFiles, ThePidIsReadFromBothForms) {
  EXPECT_EQ(core::temporary_file_pid("blindspot-fasttext-1234-9af0c3.txt"), 1234);
  EXPECT_EQ(core::temporary_file_pid("blindspot-fasttext-77-ab"), 77);
  EXPECT_EQ(core::temporary_file_pid(".baseline.bin.tmp-4321-deadbeef"), 4321);
  EXPECT_EQ(core::temporary_file_pid(".a.tmp-1-0"), 1);
  EXPECT_EQ(core::temporary_file_pid("baseline.bin"), 0);
  EXPECT_EQ(core::temporary_file_pid("run-12-dev.uus.jsonl"), 0);  // "v" is not hex
  EXPECT_EQ(core::temporary_file_pid("blindspot-fasttext--ab.txt"), 0);
  EXPECT_EQ(core::temporary_file_pid("blindspot-fasttext-12-.txt"), 0);
  EXPECT_EQ(core::temporary_file_pid("-12-ab"), 0);  // no prefix
  EXPECT_EQ(core::temporary_file_pid("x-0-ab"), 0);  // kill(0) would mean our process group
  EXPECT_EQ(core::temporary_file_pid("x-99999999999999999999-ab"), 0);
  EXPECT_EQ(core::temporary_file_pid(".a.tmp-12-ab.txt"), 12);  // the other form, which has a suffix
}

TEST(TemporaryFiles, TemporaryPathsLiveInTheChosenFolderAndCarryOurPid) {
  test::TempDir dir;
  core::set_temporary_folder(dir / "tmp");
  const auto path = core::temporary_path("blindspot-fasttext", ".txt");
  core::set_temporary_folder({});
  EXPECT_EQ(path.parent_path(), dir / "tmp");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "tmp"));
  EXPECT_EQ(core::temporary_file_pid(path.filename().string()), ::getpid());
}

TEST(TemporaryFiles, OnlyTheFilesOfDeadProcessesAreRemoved) {
  test::TempDir dir;
  const std::string dead = std::to_string(test::dead_pid());
  const std::string live = std::to_string(::getpid());
  for (const std::string& name :
       {"blindspot-fasttext-" + dead + "-9af0.txt", ".baseline.bin.tmp-" + dead + "-1f", "other-" + dead + "-ab",
        "blindspot-fasttext-" + live + "-9af0.txt", ".baseline.bin.tmp-" + live + "-1f", std::string("notes.txt"),
        std::string("blindspot-1-ab.txt")}) {
    test::write_text(dir / name, "x");
  }
  std::filesystem::create_directory(dir / ("blindspot-dir-" + dead + "-ab"));
  // pid 1 (init) always runs: its file stays.
  EXPECT_EQ(core::remove_stale_temporary_files(dir.path(), "blindspot-"), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir / ("blindspot-fasttext-" + dead + "-9af0.txt")));
  EXPECT_TRUE(std::filesystem::exists(dir / ("other-" + dead + "-ab")));  // not ours by its prefix
  EXPECT_EQ(core::remove_stale_temporary_files(dir.path()), 2u);
  EXPECT_FALSE(std::filesystem::exists(dir / (".baseline.bin.tmp-" + dead + "-1f")));
  EXPECT_FALSE(std::filesystem::exists(dir / ("other-" + dead + "-ab")));
  for (const std::string& kept : {"blindspot-fasttext-" + live + "-9af0.txt", ".baseline.bin.tmp-" + live + "-1f",
                                  std::string("notes.txt"), std::string("blindspot-1-ab.txt"),
                                  "blindspot-dir-" + dead + "-ab"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / kept)) << kept;
  }
  EXPECT_EQ(core::remove_stale_temporary_files(dir / "missing"), 0u);
}

TEST(TemporaryFiles, AtomicFileLitterIsFoundAllOverATreeAndNothingElse) {
  test::TempDir dir;
  const std::string dead = std::to_string(test::dead_pid());
  const auto deep = dir / "loops" / "abc" / "round2";
  test::write_text(deep / (".retrained.bin.tmp-" + dead + "-77"), "half a model");
  test::write_text(dir / (".baseline.bin.tmp-" + dead + "-1f"), "half a model");
  test::write_text(deep / ("run-" + dead + "-ab.csv"), "the user's file");  // the other form: not in a tree
  test::write_text(dir / "target.txt", "x");
  std::filesystem::create_symlink(dir / "target.txt", deep / (".link.tmp-" + dead + "-1"));
  EXPECT_EQ(core::remove_stale_temporary_files_below(dir.path()), 2u);
  EXPECT_FALSE(std::filesystem::exists(deep / (".retrained.bin.tmp-" + dead + "-77")));
  EXPECT_FALSE(std::filesystem::exists(dir / (".baseline.bin.tmp-" + dead + "-1f")));
  EXPECT_TRUE(std::filesystem::exists(deep / ("run-" + dead + "-ab.csv")));
  EXPECT_TRUE(std::filesystem::is_symlink(deep / (".link.tmp-" + dead + "-1")));
  EXPECT_TRUE(std::filesystem::exists(dir / "target.txt"));
}
