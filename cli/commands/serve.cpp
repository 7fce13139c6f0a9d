#include "commands.hpp"
#include "shared_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"
#include "blindspot/teach/uu_source.hpp"
#include "blindspot/web/server.hpp"
#include "blindspot/web/worked_example.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <ctime>
#include <iostream>
#include <thread>

#include <pthread.h>

namespace blindspot::cli {
namespace {

struct ServeSettings {
  std::int64_t run = 0;       // campaign run (or the run whose UUs become one)
  std::filesystem::path uus;  // or a UU file: this serve run becomes the campaign
  ModelSource model;
  std::filesystem::path worked_example;  // a TOML file with a [worked_example] table
  web::ServerOptions server;
};

// The model of a run's UUs: --model, else the model the run recorded as an artefact.
ModelSource model_of(Context& context, std::int64_t run, ModelSource model) {
  if (!model.spec.empty()) return model;
  for (const auto& artifact : store::list_artifacts(context.store(), run)) {
    if (artifact.kind == "model") {
      model.spec = artifact.path;
      return model;
    }
  }
  throw core::Error(core::ErrorKind::usage, fmt::format("run {} recorded no model: name it with --model (its labels "
                                                        "are the task's labels)",
                                                        run));
}

// The campaign to serve: an existing one, or one made now from a run's stored UUs or a UU file.
teach::Campaign prepare_campaign(Context& context, ServeSettings& settings) {
  auto& db = context.store();
  if (!settings.uus.empty()) {
    if (settings.model.spec.empty())
      throw core::Error(core::ErrorKind::usage, "--uus needs --model (the task's labels)");
    const std::shared_ptr<const model::Classifier> model = load_model_for_run(context, settings.model);
    settings.server.model = model;
    const std::string hash = core::sha256_file(settings.uus);
    teach::Campaign campaign;
    campaign.run_id = context.run_id();
    campaign.labels = model->labels();
    campaign.uus = teach::read_uus_file(settings.uus, campaign.labels);
    campaign.source_json = nlohmann::json{{"file", stored_path(settings.uus)}, {"sha256", hash}}.dump();
    store::record_artifact(db, {context.run_id(), "uus", "input", stored_path(settings.uus), hash, "{}"});
    teach::create_campaign(db, campaign);
    return campaign;
  }
  if (!store::find_run(db, settings.run)) {
    throw core::Error(
        core::ErrorKind::bad_input,
        fmt::format("--run {}: no run with this id in {} (see `blindspot runs`)", settings.run, db.file().string()));
  }
  // Only a --model named on the command line scores annotators' samples (live feedback).
  if (!settings.model.spec.empty()) settings.server.model = load_model_for_run(context, settings.model);
  if (auto existing = teach::load_campaign(db, settings.run)) return std::move(*existing);
  const std::shared_ptr<const model::Classifier> model =
      settings.server.model ? settings.server.model
                            : load_model_for_run(context, model_of(context, settings.run, settings.model));
  teach::Campaign campaign;
  campaign.run_id = settings.run;
  campaign.labels = model->labels();
  campaign.uus = teach::read_uus_from_run(db, settings.run, campaign.labels);
  campaign.source_json = nlohmann::json{{"run", settings.run}}.dump();
  teach::create_campaign(db, campaign);
  return campaign;
}

void print_serving(const Context& context, const teach::Campaign& campaign, const std::string& url,
                   const std::string& public_url) {
  if (context.json) {
    std::cout << nlohmann::json{{"campaign_run", campaign.run_id},
                                {"uus", campaign.uus.size()},
                                {"url", url},
                                {"public_url", public_url}}
                     .dump()
              << std::endl;
    return;
  }
  std::cout << fmt::format("campaign run {}: {} UUs ({}), labels {}\nserving on {}{}\n", campaign.run_id,
                           campaign.uus.size(), campaign.source_json, campaign.labels.joined(), url,
                           public_url == url ? "" : " (annotators open " + public_url + ")")
            << fmt::format(
                   "invite annotators with: blindspot annotators add --run {} (its links start with {})\nstop with "
                   "Ctrl-C\n",
                   campaign.run_id, public_url)
            << std::flush;
}

void run_serve(Context& context, ServeSettings& settings) {
  if ((settings.run == 0) == settings.uus.empty()) {
    throw core::Error(core::ErrorKind::usage, "serve needs exactly one of --run RUN and --uus FILE");
  }
  // SIGINT and SIGTERM go to a watcher thread, which stops the server: run() then returns normally
  // and the serve run is recorded as finished. They are blocked before anything starts a thread
  // (the threads inherit the mask): the live-feedback model's adapter has a stderr reader, which
  // would otherwise take a SIGTERM and die of it. A signal while the campaign is prepared waits
  // for the watcher, which stops the server as soon as it runs.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const teach::Campaign campaign = prepare_campaign(context, settings);
  store::record_metric(context.store(), context.run_id(), "serve", "campaign_run",
                       static_cast<double>(campaign.run_id));

  if (!settings.worked_example.empty()) {
    settings.server.worked_example = web::read_worked_example(settings.worked_example, campaign.labels);
  }
  web::Server server(context.store().file(), campaign.run_id, settings.server);
  server.bind();
  // `annotators add`, usually run in another terminal, builds its links from this address.
  const std::string public_url = server.public_url();
  store::set_campaign_serve_url(context.store(), campaign.run_id, public_url);
  print_serving(context, campaign, server.url(), public_url);
  std::atomic<bool> served{false};
  std::thread watcher([&] {
    bool stopping = false;
    const timespec wait{0, 100'000'000};
    while (!served.load()) {
      if (sigtimedwait(&signals, nullptr, &wait) > 0) stopping = true;
      // Repeated until run() returns: a signal before listening began would otherwise be lost.
      if (stopping) server.stop();
    }
  });
  server.run();
  served = true;
  watcher.join();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  if (!context.json) std::cout << "stopped\n";
}

}  // namespace

void add_serve_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<ServeSettings>();
  CLI::App* command = app.add_subcommand(
      "serve", "Serve the annotation web app: invited annotators describe UUs and write samples (docs/web.md)");
  command->add_option("--run", settings->run,
                      "Campaign run: a run holding a campaign, or a scan/attack/eval run whose UUs become one");
  command
      ->add_option("--uus", settings->uus,
                   "A UU file (*.uus.jsonl, *.attacks.jsonl): this serve run becomes the campaign")
      ->check(CLI::ExistingFile);
  // The model's labels are the task's; default: the model the --run run recorded. Given here, it
  // also scores the samples annotators write (live feedback).
  add_model_option(*command, settings->model, false);
  command
      ->add_option("--feedback-per-minute", settings->server.feedback_per_minute,
                   "Scores of the --model one annotator session may ask for per minute")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  command->add_option("--host", settings->server.host, "Address to listen on")->capture_default_str();
  command->add_option("--port", settings->server.port, "Port (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command->add_option("--base-url", settings->server.base_url,
                      "Address annotators open, behind a reverse proxy (e.g. https://annotate.example.org); "
                      "default http://HOST:PORT. Recorded for `annotators add`");
  command
      ->add_option("--worked-example", settings->worked_example,
                   "TOML file with a [worked_example] table (text, label, explanation) for the instructions; "
                   "default: an example from the campaign's UUs")
      ->check(CLI::ExistingFile);
  command->add_option("--per-uu", settings->server.assignment.per_uu, "Annotators per UU")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command
      ->add_option("--per-annotator", settings->server.assignment.per_annotator, "Tasks per annotator (0 = no limit)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  command->add_option("--samples,-k", settings->server.samples_per_uu, "Samples each annotator writes per UU")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  command
      ->add_option("--assignment-timeout", settings->server.assignment.timeout_seconds,
                   "Seconds without activity after which an assignment is released")
      ->check(CLI::Range(1.0, 1e7))
      ->capture_default_str();
  command
      ->add_option("--idle-cutoff", settings->server.idle_cutoff_seconds,
                   "Seconds: a longer gap between two events of a task counts only this long")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  command->add_option("--threads", settings->server.threads, "Worker threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command
      ->add_option("--request-timeout", settings->server.request_timeout_seconds,
                   "Seconds in which a request (line, headers and body) must arrive whole")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  command
      ->add_option("--max-connections-per-client", settings->server.max_connections_per_client,
                   "Connections one client address may hold at once (0 = no limit, behind a reverse proxy)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  command->add_option("--task-description", settings->server.task_description,
                      "The task in one sentence, shown to annotators (default: label each text as one of the labels)");
  context.define(command, [&context, settings] { run_serve(context, *settings); });
}

}  // namespace blindspot::cli
