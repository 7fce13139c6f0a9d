#pragma once

#include <string>

namespace blindspot::test {

// llama.cpp's real llama-server with a tiny random-weight model, started by
// ../shared/tools/llama-server/start (see its README) and stopped when the object dies.
// When the tool reports that it cannot run here (exit code 3: no root, no mirror, ...),
// available() is false and skip_reason() says why, so the test can skip rather than fail.
class LlamaServer {
 public:
  // `extra_arguments` go to `start` (e.g. "--ctx 16384").
  explicit LlamaServer(const std::string& extra_arguments = "");
  ~LlamaServer();
  LlamaServer(const LlamaServer&) = delete;
  LlamaServer& operator=(const LlamaServer&) = delete;

  bool available() const noexcept { return pid_ != 0; }
  const std::string& skip_reason() const noexcept { return skip_reason_; }
  // "http://127.0.0.1:PORT/v1"
  const std::string& base_url() const noexcept { return base_url_; }

 private:
  std::string base_url_;
  long pid_ = 0;
  std::string skip_reason_;
};

}  // namespace blindspot::test
