#include "support/llama_server.hpp"

#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace blindspot::test {
namespace {

std::string tool(const char* name) { return std::string(BLINDSPOT_LLAMA_SERVER_TOOL) + "/" + name; }

}  // namespace

LlamaServer::LlamaServer(const std::string& extra_arguments) {
  const CommandResult result = run_command("'" + tool("start") + "' " + extra_arguments);
  if (result.exit_code == 3) {
    skip_reason_ = "llama-server cannot run here: " + result.errors;
    return;
  }
  char url[400] = {};
  long pid = 0;
  if (result.exit_code != 0 || std::sscanf(result.output.c_str(), "BASE_URL=%399s PID=%ld", url, &pid) != 2) {
    ADD_FAILURE() << "llama-server start failed (exit " << result.exit_code << "): " << result.output
                  << result.errors;
    return;
  }
  base_url_ = url;
  pid_ = pid;
}

LlamaServer::~LlamaServer() {
  if (pid_ != 0) run_command("'" + tool("stop") + "' " + std::to_string(pid_));
}

}  // namespace blindspot::test
