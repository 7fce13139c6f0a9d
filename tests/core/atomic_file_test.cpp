#include "blindspot/core/atomic_file.hpp"

#include "support/test_support.hpp"

#include <gtest/gtest.h>

using namespace blindspot;

TEST(AtomicFile, CommitReplacesTarget) {
  test::TempDir dir;
  test::write_text(dir / "out.txt", "old");
  {
    core::AtomicFile file(dir / "out.txt");
    file.stream() << "new content";
    EXPECT_EQ(test::read_text(dir / "out.txt"), "old");  // not visible before commit
    file.commit();
  }
  EXPECT_EQ(test::read_text(dir / "out.txt"), "new content");
}

TEST(AtomicFile, AbandonedWriteLeavesTargetAndNoTemporaryFile) {
  test::TempDir dir;
  test::write_text(dir / "out.txt", "old");
  try {
    core::AtomicFile file(dir / "out.txt");
    file.stream() << "half";
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(test::read_text(dir / "out.txt"), "old");
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, UnwritableFolderIsAnIoError) {
  const auto error = test::expect_error([] { core::AtomicFile file("/proc/blindspot/out.txt"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_NE(std::string(error.what()).find("/proc/blindspot/out.txt"), std::string::npos);
}
