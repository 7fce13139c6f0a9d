#include "commands.hpp"
#include "predictions_option.hpp"
#include "shared_options.hpp"

#include "../ui/table.hpp"

#include "blindspot/discover/uu_output.hpp"
#include "blindspot/discover/uu_records.hpp"
#include "blindspot/discover/uu_scan.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace blindspot::cli {
namespace {

struct ScanSettings {
  DataSource source;
  ModelSource model;
  std::filesystem::path predictions;
  std::filesystem::path out_prefix;
  discover::ScanOptions scan;
};

void run_scan(Context& context, ScanSettings& settings) {
  const auto model = load_model_or_predictions(context, settings.model, settings.source, settings.predictions);
  const data::Split split = read_split_for_run(context, settings.source, *model);
  const discover::ScanResult result = discover::scan(*model, split, settings.scan, context.progress());
  context.end_progress();

  if (settings.out_prefix.empty()) {
    settings.out_prefix = context.workspace / "scans" / fmt::format("run-{}-{}", context.run_id(), split.name);
  }
  const auto jsonl = std::filesystem::path(settings.out_prefix.string() + ".uus.jsonl");
  const auto csv = std::filesystem::path(settings.out_prefix.string() + ".uus.csv");
  discover::write_uus_jsonl(jsonl, split, result);
  discover::write_uus_csv(csv, split, result);
  discover::record_scan(context.store(), context.run_id(), split, result);
  record_output(context, "uus_jsonl", jsonl);
  record_output(context, "uus_csv", csv);

  const auto correct = std::count_if(result.scored.begin(), result.scored.end(),
                                     [](const discover::ScoredExample& e) { return e.correct(); });
  if (context.json) {
    nlohmann::ordered_json counts = nlohmann::ordered_json::array();
    for (const auto& count : result.counts) counts.push_back({{"threshold", count.threshold}, {"count", count.count}});
    const nlohmann::ordered_json out = {{"run", context.run_id()},
                                        {"split", split.name},
                                        {"file", split.file.string()},
                                        {"examples", result.scored.size()},
                                        {"errors", result.scored.size() - static_cast<std::size_t>(correct)},
                                        {"threshold", result.threshold},
                                        {"uus", result.uus.size()},
                                        {"uu_counts", counts},
                                        {"outputs", {{"jsonl", jsonl.string()}, {"csv", csv.string()}}}};
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << fmt::format("scanned {} ({} examples, {} errors)\n", split.file.string(), result.scored.size(),
                           result.scored.size() - static_cast<std::size_t>(correct));
  ui::Table table({"confidence >=", "UUs", "rate"});
  for (const auto& count : result.counts) {
    table.add_row({fmt::format("{:.2f}", count.threshold), std::to_string(count.count),
                   fmt::format("{:.2f}%", result.scored.empty() ? 0.0
                                                                : 100.0 * static_cast<double>(count.count) /
                                                                      static_cast<double>(result.scored.size()))});
  }
  std::cout << table.render();
  std::cout << fmt::format("{} UUs at threshold {:.2f} written to\n  {}\n  {}\nrun: {}\n", result.uus.size(),
                           result.threshold, jsonl.string(), csv.string(), context.run_id());
}

}  // namespace

void add_scan_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<ScanSettings>();
  CLI::App* command = app.add_subcommand("scan", "Find the confident misclassifications (UUs) of a model on a split");
  add_model_option(*command, settings->model, /*required=*/false);
  add_predictions_option(*command, settings->predictions);
  add_shared_options(*command, settings->source, "dev");
  add_threshold_option(*command, settings->scan.threshold);
  add_threads_option(*command, settings->scan.threads);
  command->add_option("--out", settings->out_prefix,
                      "Output prefix: writes PREFIX.uus.jsonl and PREFIX.uus.csv (default: WORKSPACE/scans/run-N-SPLIT)");
  context.define(command, [&context, settings] { run_scan(context, *settings); });
}

}  // namespace blindspot::cli
