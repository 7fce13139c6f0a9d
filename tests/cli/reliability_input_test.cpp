// Issue 13, findings 4, 5 and 7 through the executable: input files that are pipes, devices,
// FIFOs or unreadable folders, and JSON numbers that overflow, give an input error naming the
// path (and line and key), at once, never "internal error" or a hang.

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

using namespace blindspot;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const char* kTinyData = "text,label\na fine film,positive\na dull film,negative\ngood fun,positive\nbad acting,negative\n";
const char* kUuLine =
    R"({"split":"dev","row":7,"text":"a fine mess","true_label":"negative","predicted_label":"positive","confidence":0.91})";

class InputChecks : public ::testing::Test {
 protected:
  void SetUp() override { test::write_text(dir_ / "tiny.csv", kTinyData); }

  // Runs blindspot in the test's folder through bash (for <(...)), with `prefix` before it.
  test::CommandResult run(const std::string& arguments, const std::string& prefix = "") const {
    const std::string command = "cd '" + dir_.path().string() + "' && env -u BLINDSPOT_CONFIG " + prefix + " '" +
                                test::blindspot_binary().string() + "' --workspace ws " + arguments;
    return test::run_command("bash -c \"" + command + "\"");
  }
  void train_model() const {
    const auto trained = run("train --data tiny.csv --model m.bin --epochs 1");
    ASSERT_EQ(trained.exit_code, 0) << trained.errors;
  }
  test::TempDir dir_;
};

void expect_input_error(const test::CommandResult& result, const std::string& message) {
  EXPECT_EQ(result.exit_code, 2) << result.errors;
  EXPECT_THAT(result.errors, HasSubstr(message));
  EXPECT_THAT(result.errors, Not(HasSubstr("internal error")));
}

TEST_F(InputChecks, DataFromProcessSubstitutionIsReadAsAStream) {
  // Before: "internal error: filesystem error: cannot make canonical path".
  const auto result = run("train --data <(cat tiny.csv) --format csv --model m.bin --epochs 1");
  EXPECT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_THAT(result.errors, Not(HasSubstr("internal error")));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "m.bin"));
}

TEST_F(InputChecks, ADeviceAsDataIsRefusedAtOnce) {
  // Before: /dev/zero was read until memory ran out (1 GB in 8 s).
  const auto started = std::chrono::steady_clock::now();
  expect_input_error(run("train --data /dev/zero --format csv --model m.bin"), "/dev/zero: is a device, not a file");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(InputChecks, AFifoWithoutAWriterDoesNotHang) {
  ASSERT_EQ(::mkfifo((dir_ / "fifo.csv").c_str(), 0600), 0);
  // Before: blocked forever (here: killed by timeout, exit 124).
  expect_input_error(run("train --data fifo.csv --model m.bin", "timeout 20"),
                     "fifo.csv: nothing to read: a pipe or FIFO no program writes to");
}

TEST_F(InputChecks, AStreamOverTheSizeLimitIsRefused) {
  expect_input_error(run("train --data <(yes 'a,b') --format csv --model m.bin", "BLINDSPOT_MAX_INPUT_BYTES=100000"),
                     "a pipe or FIFO giving more than the limit of 100000 bytes (BLINDSPOT_MAX_INPUT_BYTES)");
  expect_input_error(run("train --data tiny.csv --model m.bin", "BLINDSPOT_MAX_INPUT_BYTES=10"),
                     "tiny.csv: is 91 bytes, more than the limit of 10 bytes (BLINDSPOT_MAX_INPUT_BYTES)");
  expect_input_error(run("train --data tiny.csv --model m.bin", "BLINDSPOT_MAX_INPUT_BYTES=ten"),
                     "BLINDSPOT_MAX_INPUT_BYTES: \"ten\" is not a number of bytes");
}

TEST_F(InputChecks, AnUnreadableFolderSaysItCannotBeRead) {
  std::filesystem::create_directory(dir_ / "locked");
  test::write_text(dir_ / "locked" / "train.csv", kTinyData);
  std::filesystem::permissions(dir_ / "locked", std::filesystem::perms::none);
  // Root reads a chmod 000 folder; without the two capabilities that allow it, root is refused too.
  const std::string as_user = ::geteuid() == 0 ? "setpriv --bounding-set=-dac_override,-dac_read_search" : "";
  const auto result = run("train --data locked --model m.bin", as_user);
  std::filesystem::permissions(dir_ / "locked", std::filesystem::perms::owner_all);
  if (::geteuid() == 0 && result.errors.find("setpriv") != std::string::npos) {
    GTEST_SKIP() << "setpriv cannot drop capabilities here: " << result.errors;
  }
  // Before: "no split "train" in this folder (...; files here: none)".
  EXPECT_EQ(result.exit_code, 1) << result.errors;
  EXPECT_THAT(result.errors, HasSubstr("locked: cannot read this folder: Permission denied"));
  EXPECT_THAT(result.errors, Not(HasSubstr("files here: none")));
}

TEST_F(InputChecks, NumbersThatOverflowInADataFileNameTheLine) {
  test::write_text(dir_ / "d.jsonl", "{\"text\": \"good\", \"label\": \"positive\"}\n"
                                     "{\"text\": \"bad\", \"label\": \"negative\", \"score\": 1e999}\n");
  // Before: "internal error: [json.exception.out_of_range.406] number overflow parsing '1e999'".
  expect_input_error(run("train --data d.jsonl --model m.bin"),
                     "d.jsonl:2: column \"score\": number 1e999 is out of range");
}

TEST_F(InputChecks, ServeUusFileErrorsAreInputErrors) {
  train_model();
  for (const std::string number : {"1e999", "1e400", "-1e999"}) {
    std::string line = kUuLine;
    line.replace(line.find("0.91"), 4, number);
    test::write_text(dir_ / "u.jsonl", std::string(kUuLine) + "\n" + line + "\n");
    expect_input_error(run("serve --uus u.jsonl --model m.bin"),
                       "u.jsonl:2: column \"confidence\": number " + number + " is out of range");
  }
  std::filesystem::create_directory(dir_ / "folder");
  expect_input_error(run("serve --uus folder --model m.bin"), "--uus: File is actually a directory: folder");
  expect_input_error(run("serve --uus /dev/zero --model m.bin", "timeout 20"), "/dev/zero: is a device, not a file");
  expect_input_error(run("teach --uus <(echo x) --model m.bin --data tiny.csv --teacher auto"),
                     "is a pipe or FIFO, not a file");
}

}  // namespace
