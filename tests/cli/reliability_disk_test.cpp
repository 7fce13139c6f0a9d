// The CLI on a full disk, after a kill and in a read-only workspace (issue 13, findings 1, 7 and 8).
// The full disk is a real one: a 3 MB tmpfs mounted in a private mount namespace (`unshare
// --user --map-root-user --mount`), filled before the command runs; the read-only workspace is a
// read-only bind mount in such a namespace (chmod does not stop root, who runs CI). Outside CI a
// machine without user namespaces skips these cases, saying so.

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace blindspot;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

bool namespaces_work() {
  return test::run_command("unshare --user --map-root-user --mount sh -c 'mount -t tmpfs -o size=1m tmpfs /mnt' 2>&1")
             .exit_code == 0;
}

class ReliabilityDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<test::TempDir>();
    std::string csv = "text,label\n";
    for (int i = 0; i < 200; ++i) {
      csv += i % 2 == 0 ? "a fine warm lovely film number " + std::to_string(i) + ",positive\n"
                        : "a dull cold awful film number " + std::to_string(i) + ",negative\n";
    }
    test::write_text(dir_->path() / "small.csv", csv);
  }

  std::filesystem::path path(const std::string& name) const { return dir_->path() / name; }

  // `blindspot -w <workspace> <arguments>` as a shell command line.
  std::string blindspot(const std::string& workspace, const std::string& arguments) const {
    return quoted(test::blindspot_binary()) + " --quiet --workspace " + quoted(path(workspace)) + " " + arguments;
  }

  // A small model (well under a second to train) in a writable place.
  void train_small_model(const std::string& workspace) const {
    const auto trained = test::run_command(blindspot(workspace, "train --data " + quoted(path("small.csv")) +
                                                                    " --model " + quoted(path("small.bin")) +
                                                                    " --dim 8 --buckets 1000 --epochs 2"));
    ASSERT_EQ(trained.exit_code, 0) << trained.errors;
  }

  // Runs `script` (sh) in a private user and mount namespace in which `disk` is a fresh 3 MB tmpfs,
  // after `setup`, which runs there first; "full" fills the disk to the last byte before `script`.
  test::CommandResult on_small_disk(const std::string& disk, const std::string& script, bool full) const {
    const std::string fill = full ? "dd if=/dev/zero of=" + quoted(path(disk) / "filler") + " bs=4096 2>/dev/null\n" : "";
    test::write_text(path("script.sh"), "set -u\nmkdir -p " + quoted(path(disk)) + "\nmount -t tmpfs -o size=3m tmpfs " +
                                            quoted(path(disk)) + " || exit 97\n" + fill + script);
    return test::run_command("unshare --user --map-root-user --mount sh " + quoted(path("script.sh")));
  }

  // The runs recorded in `workspace` (newest first).
  nlohmann::json runs(const std::string& workspace) const {
    const auto listed = test::run_command(blindspot(workspace, "--json runs"));
    EXPECT_EQ(listed.exit_code, 0) << listed.errors;
    return nlohmann::json::parse(listed.output);
  }

  void require_namespaces() {
    if (namespaces_work()) return;
    if (std::getenv("CI") != nullptr) FAIL() << "CI must allow user and mount namespaces (unshare -rm)";
    GTEST_SKIP() << "this machine does not allow user and mount namespaces (unshare -rm), which the full-disk "
                    "and read-only cases need";
  }

  std::unique_ptr<test::TempDir> dir_;
};

TEST_F(ReliabilityDisk, AnOutputOnAFullDiskFailsNamingTheDiskAndLeavesNothing) {
  require_namespaces();
  train_small_model("work");
  const auto out = path("disk") / "eval.json";
  const auto result = on_small_disk("disk",
                                    blindspot("work", "eval --model " + quoted(path("small.bin")) + " --data " +
                                                          quoted(path("small.csv")) + " --out " + quoted(out)) +
                                        "\necho \"exit=$?\"\nls -A " + quoted(path("disk")) + "\n",
                                    /*full=*/true);
  ASSERT_NE(result.exit_code, 97) << "mounting the tmpfs failed: " << result.errors;
  EXPECT_THAT(result.output, HasSubstr("exit=1"));
  EXPECT_THAT(result.errors, HasSubstr("cannot write " + out.string()));
  EXPECT_THAT(result.errors, HasSubstr("no space left on the disk holding " + path("disk").string() +
                                       " (mounted at " + path("disk").string() + ", 0 B free)"));
  // Only the filler is left on the disk: no eval.json, no temporary file.
  EXPECT_THAT(result.output, HasSubstr("filler\n"));
  EXPECT_THAT(result.output, Not(HasSubstr("eval.json")));
  const nlohmann::json recorded = runs("work");
  ASSERT_GE(recorded.size(), 2u);
  EXPECT_EQ(recorded[0]["command"], "eval");
  EXPECT_EQ(recorded[0]["status"], "failed");
  EXPECT_THAT(recorded[0]["error"].get<std::string>(), HasSubstr("no space left on the disk"));
}

TEST_F(ReliabilityDisk, AStoreOnAFullDiskNamesTheDisk) {
  require_namespaces();
  const auto result = on_small_disk("disk",
                                    blindspot("disk/work", "runs") + " >/dev/null || exit 98\n" +
                                        "dd if=/dev/zero of=" + quoted(path("disk") / "filler") + " bs=4096 2>/dev/null\n" +
                                        blindspot("disk/work", "train --data " + quoted(path("small.csv")) +
                                                                   " --model " + quoted(path("small.bin")) +
                                                                   " --dim 8 --buckets 1000 --epochs 2") +
                                        "\necho \"exit=$?\"\n",
                                    /*full=*/false);
  ASSERT_NE(result.exit_code, 97) << "mounting the tmpfs failed: " << result.errors;
  ASSERT_NE(result.exit_code, 98) << "the store could not be made: " << result.errors;
  EXPECT_THAT(result.output, HasSubstr("exit=1"));
  EXPECT_THAT(result.errors, HasSubstr(path("disk/work/blindspot.db").string()));
  EXPECT_THAT(result.errors, HasSubstr("no space left on the disk holding " + path("disk/work").string() +
                                       " (mounted at " + path("disk").string()));
}

TEST_F(ReliabilityDisk, TrainingAModelLargerThanTheDiskFailsAndLeavesNothing) {
  // Needs model::FastTextClassifier::save to check the file fastText wrote (issue 13, finding 1):
  // fastText writes by path, and before that check a truncated model was committed as good.
  require_namespaces();
  const auto model = path("disk") / "model.bin";
  const auto result = on_small_disk(
      "disk",
      blindspot("work", "train --data " + quoted(path("small.csv")) + " --model " + quoted(model) +
                            " --dim 50 --buckets 40000 --epochs 1") +
          "\necho \"exit=$?\"\nls -A " + quoted(path("disk")) + "\necho listed\n",
      /*full=*/false);
  ASSERT_NE(result.exit_code, 97) << "mounting the tmpfs failed: " << result.errors;
  EXPECT_THAT(result.output, HasSubstr("exit=1"));
  EXPECT_THAT(result.errors, HasSubstr(model.string()));
  EXPECT_THAT(result.errors, HasSubstr("the disk holding " + path("disk").string()));
  EXPECT_THAT(result.output, HasSubstr("exit=1\nlisted\n")) << "the disk must be left empty";
  const nlohmann::json recorded = runs("work");
  ASSERT_GE(recorded.size(), 1u);
  EXPECT_EQ(recorded[0]["command"], "train");
  EXPECT_EQ(recorded[0]["status"], "failed");
}

TEST_F(ReliabilityDisk, ARunsListWorksInAReadOnlyWorkspaceAndAWritingCommandSaysWhy) {
  require_namespaces();
  train_small_model("work");
  const std::string read_only = "mount --bind " + quoted(path("work")) + " " + quoted(path("work")) +
                                " && mount -o remount,bind,ro " + quoted(path("work")) + " || exit 96\n";
  const auto result = on_small_disk("unused",
                                    read_only + blindspot("work", "--json runs") + "\necho \"runs_exit=$?\"\n" +
                                        blindspot("work", "train --data " + quoted(path("small.csv")) + " --model " +
                                                              quoted(path("other.bin"))) +
                                        "\necho \"train_exit=$?\"\n",
                                    /*full=*/false);
  ASSERT_NE(result.exit_code, 96) << "the read-only bind mount failed: " << result.errors;
  EXPECT_THAT(result.output, HasSubstr("runs_exit=0"));
  EXPECT_THAT(result.output, HasSubstr("\"command\": \"train\""));
  EXPECT_THAT(result.output, HasSubstr("train_exit=1"));
  EXPECT_THAT(result.errors, HasSubstr("the workspace " + path("work").string() + " is read-only: `train` records"));
  EXPECT_FALSE(std::filesystem::exists(path("other.bin")));
}

TEST_F(ReliabilityDisk, TheNextStartRemovesWhatKilledProcessesLeft) {
  const std::string dead = std::to_string(test::dead_pid());
  const auto system_tmp = path("system-tmp");
  const std::vector<std::filesystem::path> litter = {
      path("work/tmp") / ("blindspot-fasttext-" + dead + "-9af0c3.txt"),
      path("work/loops/abc/def") / (".baseline.bin.tmp-" + dead + "-1f2e"),
      system_tmp / ("blindspot-fasttext-" + dead + "-77ab.txt")};
  const std::vector<std::filesystem::path> kept = {
      path("work/tmp") / "blindspot-fasttext-1-9af0c3.txt",  // pid 1 runs
      path("work/loops/abc/def") / "baseline.bin", system_tmp / ("other-program-" + dead + "-77ab.txt")};
  for (const auto& file : litter) test::write_text(file, "left by a killed process");
  for (const auto& file : kept) test::write_text(file, "not litter");
  const auto listed = test::run_command("TMPDIR=" + quoted(system_tmp) + " " + blindspot("work", "runs"));
  ASSERT_EQ(listed.exit_code, 0) << listed.errors;
  for (const auto& file : litter) EXPECT_FALSE(std::filesystem::exists(file)) << file;
  for (const auto& file : kept) EXPECT_TRUE(std::filesystem::exists(file)) << file;
}

}  // namespace
