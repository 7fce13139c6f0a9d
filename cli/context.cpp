#include "context.hpp"

#include "ui/progress_bar.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/version.hpp"
#include "blindspot/store/runs.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace blindspot::cli {

struct Context::ProgressState {
  ui::ProgressBar bar;
  explicit ProgressState(bool enabled) : bar(std::cerr, enabled) {}
};

store::Database& Context::store() {
  if (!store_) store_.emplace(store::Database::open(workspace / "blindspot.db"));
  return *store_;
}

core::ProgressCallback Context::progress() {
  if (!progress_) progress_ = std::make_shared<ProgressState>(!quiet && !json && ui::stderr_is_terminal());
  auto state = progress_;
  return [state](std::string_view stage, double fraction) { state->bar.update(stage, fraction); };
}

void Context::end_progress() {
  if (progress_) progress_->bar.finish();
}

std::string Context::versions_json() {
  return nlohmann::json{{"blindspot", core::kVersion},
                        {"fasttext", core::kFastTextVersion},
                        {"sqlite", store::Database::sqlite_version()}}
      .dump();
}

void Context::define(CLI::App* subcommand, std::function<void()> action, bool records_run) {
  actions_[subcommand] = Action{std::move(action), records_run};
}

int Context::dispatch(CLI::App& app) {
  const auto chosen = app.get_subcommands();
  if (chosen.empty()) {
    std::cout << app.help();
    return 2;
  }
  CLI::App* subcommand = chosen.front();
  const Action& action = actions_.at(subcommand);
  if (!action.records_run) {
    action.run();
    return 0;
  }
  run_id_ = store::begin_run(store(), subcommand->get_name(), options_json(*subcommand), versions_json());
  try {
    action.run();
  } catch (const core::Error& error) {
    end_progress();
    store::finish_run(store(), run_id_, core::exit_code(error.kind()), error.what());
    throw;
  } catch (const std::exception& error) {
    end_progress();
    store::finish_run(store(), run_id_, 1, error.what());
    throw;
  }
  end_progress();
  store::finish_run(store(), run_id_, 0);
  return 0;
}

std::string options_json(const CLI::App& subcommand) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const CLI::Option* option : subcommand.get_options()) {
    if (option->get_lnames().empty() || option->get_lnames().front() == "help") continue;
    const std::string& name = option->get_lnames().front();
    if (option->count() > 0) {
      const auto& results = option->results();
      json[name] = results.size() == 1 ? nlohmann::ordered_json(results.front()) : nlohmann::ordered_json(results);
    } else if (!option->get_default_str().empty()) {
      json[name] = option->get_default_str();
    }
  }
  return json.dump();
}

}  // namespace blindspot::cli
