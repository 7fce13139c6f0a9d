#include "commands.hpp"

#include "../ui/table.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/discover/uu_records.hpp"
#include "blindspot/store/runs.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace blindspot::cli {
namespace {

// Seconds between two stored UTC timestamps ("2026-11-25T10:03:12Z"), or nullopt.
std::optional<double> duration_seconds(const std::string& started, const std::optional<std::string>& ended) {
  if (!ended) return std::nullopt;
  const auto parse = [](const std::string& text) -> std::optional<std::time_t> {
    std::tm tm{};
    std::istringstream in(text);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return std::nullopt;
    return timegm(&tm);
  };
  const auto begin = parse(started);
  const auto end = parse(*ended);
  if (!begin || !end) return std::nullopt;
  return std::difftime(*end, *begin);
}

nlohmann::ordered_json run_json(const store::RunRecord& run) {
  nlohmann::ordered_json json = {{"id", run.id},
                                 {"command", run.command},
                                 {"status", run.status},
                                 {"started_at", run.started_at},
                                 {"ended_at", run.ended_at ? nlohmann::ordered_json(*run.ended_at) : nullptr},
                                 {"exit_code", run.exit_code ? nlohmann::ordered_json(*run.exit_code) : nullptr},
                                 {"error", run.error ? nlohmann::ordered_json(*run.error) : nullptr},
                                 {"pid", run.pid},
                                 {"host", run.host}};
  json["arguments"] = nlohmann::ordered_json::parse(run.arguments_json, nullptr, false);
  json["versions"] = nlohmann::ordered_json::parse(run.versions_json, nullptr, false);
  return json;
}

void list_runs_command(Context& context, int limit) {
  const auto runs = store::list_runs(context.store(), limit);
  if (context.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& run : runs) out.push_back(run_json(run));
    std::cout << out.dump(2) << '\n';
    return;
  }
  if (runs.empty()) {
    std::cout << "no runs recorded in " << context.store().file().string() << '\n';
    return;
  }
  ui::Table table({"run", "command", "status", "started (UTC)", "seconds"});
  for (const auto& run : runs) {
    const auto seconds = duration_seconds(run.started_at, run.ended_at);
    table.add_row({std::to_string(run.id), run.command, run.status, run.started_at,
                   seconds ? fmt::format("{:.0f}", *seconds) : "-"});
  }
  std::cout << table.render();
}

void show_run_command(Context& context, std::int64_t run_id) {
  auto& db = context.store();
  const auto run = store::find_run(db, run_id);
  if (!run) {
    throw core::Error(core::ErrorKind::bad_input,
                      fmt::format("no run {} in {} (see `blindspot runs`)", run_id, db.file().string()));
  }
  const auto artifacts = store::list_artifacts(db, run_id);
  const auto metrics = store::list_metrics(db, run_id);
  const auto uu_counts = discover::stored_uu_counts(db, run_id);
  if (context.json) {
    nlohmann::ordered_json out = run_json(*run);
    out["artifacts"] = nlohmann::ordered_json::array();
    for (const auto& artifact : artifacts) {
      out["artifacts"].push_back({{"kind", artifact.kind},
                                  {"role", artifact.role},
                                  {"path", artifact.path},
                                  {"sha256", artifact.content_hash},
                                  {"details", nlohmann::ordered_json::parse(artifact.details_json, nullptr, false)}});
    }
    out["metrics"] = nlohmann::ordered_json::array();
    for (const auto& metric : metrics) {
      out["metrics"].push_back({{"split", metric.split}, {"name", metric.name}, {"value", metric.value}});
    }
    out["uus"] = nlohmann::ordered_json::array();
    for (const auto& count : uu_counts) {
      out["uus"].push_back({{"split", count.split}, {"kind", count.kind}, {"count", count.count}});
    }
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << fmt::format("run {}: {} ({})\n", run->id, run->command, run->status);
  std::cout << fmt::format("started  {}\nended    {}\n", run->started_at, run->ended_at.value_or("-"));
  if (run->error) std::cout << "error    " << *run->error << '\n';
  std::cout << "host     " << run->host << " (pid " << run->pid << ")\n";
  std::cout << "versions " << run->versions_json << '\n';
  std::cout << "options  " << run->arguments_json << "\n\n";
  if (!artifacts.empty()) {
    ui::Table table({"kind", "role", "path", "sha256"});
    for (const auto& artifact : artifacts) {
      table.add_row({artifact.kind, artifact.role, artifact.path, artifact.content_hash.substr(0, 12)});
    }
    std::cout << table.render() << '\n';
  }
  if (!metrics.empty()) {
    ui::Table table({"split", "metric", "value"});
    for (const auto& metric : metrics) table.add_row({metric.split, metric.name,
                                                   metric.value == std::floor(metric.value) ? fmt::format("{:.0f}", metric.value)
                                                                                            : fmt::format("{:.4f}", metric.value)});
    std::cout << table.render() << '\n';
  }
  if (!uu_counts.empty()) {
    ui::Table table({"split", "kind", "UUs stored"});
    for (const auto& count : uu_counts) table.add_row({count.split, count.kind, std::to_string(count.count)});
    std::cout << table.render();
  }
}

}  // namespace

void add_runs_command(CLI::App& app, Context& context) {
  auto limit = std::make_shared<int>(50);
  CLI::App* command = app.add_subcommand("runs", "List the runs recorded in the workspace, newest first");
  command->add_option("--limit", *limit, "How many runs to list")->check(CLI::Range(1, 1000000))->capture_default_str();
  context.define(command, [&context, limit] { list_runs_command(context, *limit); }, /*records_run=*/false);
}

void add_show_command(CLI::App& app, Context& context) {
  auto run_id = std::make_shared<std::int64_t>(0);
  CLI::App* command = app.add_subcommand("show", "Show one recorded run: options, inputs, outputs, metrics");
  command->add_option("run", *run_id, "Run id (see `blindspot runs`)")->required();
  context.define(command, [&context, run_id] { show_run_command(context, *run_id); }, /*records_run=*/false);
}

}  // namespace blindspot::cli
