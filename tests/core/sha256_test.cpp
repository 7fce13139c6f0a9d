#include "blindspot/core/sha256.hpp"

#include "support/test_support.hpp"

#include <gtest/gtest.h>

using namespace blindspot;

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(core::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(core::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, FileDigestMatchesStringDigest) {
  test::TempDir dir;
  test::write_text(dir / "f", "abc");
  EXPECT_EQ(core::sha256_file(dir / "f"), core::sha256_hex("abc"));
}

TEST(Sha256, MissingFileIsAnIoErrorNamingIt) {
  const auto error = test::expect_error([] { core::sha256_file("/nonexistent/file.bin"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_NE(std::string(error.what()).find("/nonexistent/file.bin"), std::string::npos);
}
