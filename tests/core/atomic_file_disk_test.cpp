// AtomicFile on a disk that refuses the bytes: a real write failure (the file size limit of a
// forked child, RLIMIT_FSIZE, makes write() fail with EFBIG), not a mock. The CLI's full-disk
// tests (tests/cli/reliability_disk_test.cpp) use a small tmpfs instead.

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/disk_space.hpp"

#include "support/file_size_limit.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <unistd.h>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

constexpr std::uint64_t kFileSizeLimit = 64 * 1024;

std::size_t entries_in(const std::filesystem::path& folder) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++count;
  return count;
}

}  // namespace

TEST(AtomicFileOnAFullDisk, AStreamWriteOverTheLimitFailsNamingTheFileAndTheDisk) {
  test::TempDir dir;
  const auto target = dir / "model.bin";
  const std::string message = test::run_with_file_size_limit(kFileSizeLimit, [&] {
    core::AtomicFile file(target);
    const std::string block(4096, 'x');
    for (int i = 0; i < 64; ++i) file.stream() << block;  // 256 kB through the stream
    file.commit();
  });
  EXPECT_THAT(message, HasSubstr("cannot write " + target.string()));
  EXPECT_THAT(message, HasSubstr("file size limit"));
  EXPECT_THAT(message, HasSubstr("on the disk holding " + dir.path().string()));
  EXPECT_THAT(message, HasSubstr(" free)"));
  EXPECT_EQ(entries_in(dir.path()), 0u) << "neither the target nor a temporary file may be left";
}

TEST(AtomicFileOnAFullDisk, AWriteOverTheLimitFailsAtCommitAndLeavesTheOldTarget) {
  test::TempDir dir;
  const auto target = dir / "uus.jsonl";
  test::write_text(target, "old\n");
  const std::string message = test::run_with_file_size_limit(
      kFileSizeLimit, [&] { core::write_file_atomically(target, std::string(kFileSizeLimit * 2, 'y')); });
  EXPECT_THAT(message, HasSubstr("cannot write " + target.string()));
  EXPECT_THAT(message, HasSubstr("on the disk holding " + dir.path().string()));
  EXPECT_EQ(test::read_text(target), "old\n");
  EXPECT_EQ(entries_in(dir.path()), 1u);
}

TEST(AtomicFileOnAFullDisk, AFileWrittenByPathIsLeftToTheCaller) {
  // fastText writes by path: commit() cannot know the size meant, so it syncs and renames, and
  // the caller checks the file before commit (model::FastTextClassifier::save).
  test::TempDir dir;
  core::AtomicFile file(dir / "model.bin");
  test::write_text(file.temporary_path(), "written by path");
  file.commit();
  EXPECT_EQ(test::read_text(dir / "model.bin"), "written by path");
}

TEST(DiskSpace, NamesTheFolderItsMountPointAndTheFreeSpace) {
  test::TempDir dir;
  const core::DiskInfo disk = core::disk_of(dir / "not/yet/created.bin");
  EXPECT_EQ(disk.folder, dir.path());
  EXPECT_TRUE(disk.known);
  EXPECT_FALSE(disk.mount_point.empty());
  EXPECT_EQ(core::disk_of("/proc/self").mount_point, "/proc");
  const std::string reason = core::write_failure_reason(dir / "model.bin", ENOSPC);
  EXPECT_THAT(reason, HasSubstr("no space left on the disk holding " + dir.path().string() + " (mounted at "));
  EXPECT_THAT(reason, HasSubstr(" free)"));
  EXPECT_THAT(core::write_failure_reason(dir / "model.bin", EDQUOT), HasSubstr("quota"));
  EXPECT_EQ(core::write_failure_reason(dir / "model.bin", EACCES), "Permission denied");
}

TEST(DiskSpace, HumanBytesUsesDecimalUnits) {
  EXPECT_EQ(core::human_bytes(0), "0 B");
  EXPECT_EQ(core::human_bytes(999), "999 B");
  EXPECT_EQ(core::human_bytes(2'900'000), "2.9 MB");
  EXPECT_EQ(core::human_bytes(3'145'728), "3.1 MB");
  EXPECT_EQ(core::human_bytes(999'999), "1.0 MB");
  EXPECT_EQ(core::human_bytes(14'000'000'000), "14.0 GB");
}
