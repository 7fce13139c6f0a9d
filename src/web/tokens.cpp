#include "tokens.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <sys/random.h>

namespace blindspot::web {
namespace {

std::vector<unsigned char> random_bytes(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  std::size_t filled = 0;
  while (filled < count) {
    const ssize_t got = getrandom(bytes.data() + filled, count - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw core::Error(core::ErrorKind::internal, std::string("getrandom failed: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(got);
  }
  return bytes;
}

}  // namespace

std::string random_token(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : random_bytes(bytes)) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string token_hash(std::string_view token) { return core::sha256_hex(token); }

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string completion_code() {
  // 32 symbols without 0/O and 1/I, so a code read aloud or retyped survives; 256 % 32 == 0
  // keeps every symbol equally likely. 10 symbols = 50 bits.
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  static_assert(sizeof kAlphabet == 33);
  std::string code = "BS-";
  for (const unsigned char b : random_bytes(10)) code += kAlphabet[b % 32];
  return code;
}

}  // namespace blindspot::web
