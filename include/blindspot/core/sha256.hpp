#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace blindspot::core {

// Incremental SHA-256 (content hashes of datasets and models, cache keys).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Lower-case hex digest; the object must not be updated afterwards.
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string sha256_hex(std::string_view bytes);
// Throws Error{io} naming the file; Error{bad_input} for a folder, device, pipe or FIFO.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace blindspot::core
