// blindspot_oip_test_server: serves a model over the Open Inference Protocol v2 until SIGINT or
// SIGTERM, for bench/ and manual use. Usage:
//   blindspot_oip_test_server --model M.bin [--port P] [--name NAME] [--latency-ms MS]
//                             [--replicas R] [--no-labels] [--fp64]
// --model takes anything `blindspot --model` takes (a model file, cmd:..., another server).
#include "support/oip_server.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/model/model_source.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  using namespace blindspot;
  std::string model_spec;
  test::OipServerOptions options;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
        return argv[++i];
      };
      if (flag == "--model") {
        model_spec = value();
      } else if (flag == "--port") {
        options.port = std::stoi(value());
      } else if (flag == "--name") {
        options.name = value();
      } else if (flag == "--latency-ms") {
        options.latency_seconds = std::stod(value()) / 1000.0;
      } else if (flag == "--replicas") {
        options.replicas = std::stoi(value());
      } else if (flag == "--no-labels") {
        options.labels_in = "";
      } else if (flag == "--fp64") {
        options.output_datatype = "FP64";
      } else {
        throw std::invalid_argument("unknown option " + flag);
      }
    }
    if (model_spec.empty()) throw std::invalid_argument("--model is required");
    // Block the stop signals before any thread starts, then wait for one on this thread.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    const auto model = model::open_model(model_spec);
    options.model = model.get();
    test::OipServer server(options);
    std::printf("%s\n", server.model_url().c_str());
    std::fflush(stdout);
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "blindspot_oip_test_server: %s\n", error.what());
    return 2;
  }
}
