#include "../ui/table.hpp"
#include "commands.hpp"
#include "llm_options.hpp"
#include "number_options.hpp"
#include "shared_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/llm/client.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/human_teacher.hpp"
#include "blindspot/teach/llm_teacher.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "blindspot/teach/uu_source.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>

namespace blindspot::cli {
namespace {

struct TeachSettings {
  std::string uus;                // a UU file, or the id of a run that stored UUs
  std::int64_t campaign_run = 0;  // --teacher human: the annotation campaign (docs/web.md)
  bool max_uus_given = false;
  ModelSource model;
  DataSource source;
  std::string teacher;  // "llm", "auto", "import", "human"; empty: llm when an endpoint is configured, else auto
  LlmSettings llm;
  std::filesystem::path import_hypotheses;
  std::filesystem::path import_samples;
  teach::TeachOptions teach;
  bool no_extrapolation = false;
  teach::FilterOptions filter;
  int threads = 0;
  std::filesystem::path out_prefix;
};

// The UUs of --uus: an existing file, else a run id.
std::vector<discover::Uu> load_uus(Context& context, const std::string& where, const data::LabelSet& labels) {
  if (std::filesystem::exists(where)) {
    auto uus = teach::read_uus_file(where, labels);
    store::record_artifact(context.store(),
                           {context.run_id(), "uus", "input", stored_path(where), core::sha256_file(where), "{}"});
    return uus;
  }
  const bool numeric = !where.empty() && where.find_first_not_of("0123456789") == std::string::npos;
  if (!numeric) {
    throw core::Error(core::ErrorKind::bad_input, "--uus: no such file, and not a run id",
                      core::InputLocation{where, 0, ""});
  }
  const std::int64_t run = std::stoll(where);
  if (!store::find_run(context.store(), run)) {
    throw core::Error(core::ErrorKind::bad_input, "--uus " + where + ": no run with this id in " +
                                                      context.store().file().string() + " (see `blindspot runs`)");
  }
  return teach::read_uus_from_run(context.store(), run, labels);
}

std::optional<data::Split> read_optional_split(Context& context, const DataSource& source, const std::string& name,
                                               const data::LabelSet& labels) {
  if (!std::filesystem::is_directory(source.data)) return std::nullopt;
  DataSource split_source = source;
  split_source.split = name;
  return read_split_for_run(context, split_source, labels);
}

void print_result(const teach::TeachResult& result, const std::string& teacher, bool baseline,
                  const std::filesystem::path& prefix, std::int64_t run) {
  std::size_t abstractions = 0;
  for (const auto& h : result.hypotheses) abstractions += h.task == teach::kAbstraction ? 1 : 0;
  std::size_t accepted = 0;
  for (const auto& s : result.samples) accepted += s.accepted ? 1 : 0;
  std::cout << fmt::format("teacher {}{}: {} UUs taught\n", teacher, baseline ? " (a no-LLM baseline)" : "",
                           result.taught.size());
  if (result.label_issues_left_out > 0) {
    std::cout << fmt::format("{} UUs flagged as probable label issues, not taught (--teach-label-issues teaches them)\n",
                             result.label_issues_left_out);
  }
  ui::Table table({"output", "count"});
  table.add_row({"abstraction hypotheses", std::to_string(abstractions)});
  table.add_row({"extrapolation hypotheses", std::to_string(result.hypotheses.size() - abstractions)});
  table.add_row({"samples generated", std::to_string(result.samples.size())});
  table.add_row({"samples accepted", std::to_string(accepted)});
  for (const auto& [reason, count] : teach::rejection_counts(result.samples)) {
    if (count > 0) table.add_row({"rejected: " + reason, std::to_string(count)});
  }
  table.add_row({"tasks failed", std::to_string(result.failures.size())});
  std::cout << table.render();
  std::cout << fmt::format(
      "written to\n  {0}.hypotheses.jsonl\n  {0}.hypotheses.csv\n  {0}.samples.jsonl\n"
      "  {0}.samples.csv\nrun: {1}\n",
      prefix.string(), run);
}

// The human teacher of the campaign --run. Its UUs are those of the campaign that annotators
// completed, not --uus.
std::unique_ptr<teach::HumanTeacher> campaign_teacher(Context& context, TeachSettings& settings) {
  if (settings.campaign_run == 0) throw core::Error(core::ErrorKind::usage, "--teacher human needs --run CAMPAIGN_RUN");
  auto human = std::make_unique<teach::HumanTeacher>(context.store(), settings.campaign_run);
  if (human->annotated_uus().empty()) {
    throw core::Error(core::ErrorKind::bad_input, fmt::format("campaign run {} has no complete submission yet (see "
                                                              "`blindspot annotators list --run {}`)",
                                                              settings.campaign_run, settings.campaign_run));
  }
  // Annotators chose how many UUs they did; teach all of them unless --max-uus says otherwise.
  if (!settings.max_uus_given) settings.teach.max_uus = 0;
  return human;
}

// A teacher with what it teaches, and the LLM client and label verifier it may use.
struct Teaching {
  loop::TeacherKind kind = loop::TeacherKind::automatic;
  std::vector<discover::Uu> uus;
  std::unique_ptr<llm::ChatClient> client;
  std::unique_ptr<teach::Teacher> teacher;
  loop::LabelVerifier verifier;  // --verify-labels: the LLM teacher itself, or a separate one
};

// The UUs to teach: the campaign's annotated ones for the human teacher (which is made here), else --uus.
void select_uus(Context& context, TeachSettings& settings, Teaching& teaching, const data::LabelSet& labels) {
  if (teaching.kind == loop::TeacherKind::human) {
    auto human = campaign_teacher(context, settings);
    teaching.uus = human->annotated_uus();
    teaching.teacher = std::move(human);
    return;
  }
  if (settings.uus.empty()) throw core::Error(core::ErrorKind::usage, "--uus is required (a UU file or a run id)");
  teaching.uus = load_uus(context, settings.uus, labels);
}

// The LLM client, the teacher (unless select_uus() made it) and the label verifier.
void make_teacher(Context& context, const TeachSettings& settings, Teaching& teaching, const data::Split& train,
                  const model::Classifier& model) {
  if (teaching.kind == loop::TeacherKind::llm || settings.llm.verify_labels) {
    teaching.client = make_llm_client(context, settings.llm, settings.teach.seed);
  }
  if (!teaching.teacher) {
    loop::TeacherSettings teacher;
    teacher.kind = teaching.kind;
    teacher.seed = settings.teach.seed;
    teacher.threads = settings.threads;
    teacher.client = teaching.client.get();
    teacher.llm = settings.llm.teacher;
    // --model-description wins over what the model says of itself (Classifier::identity()).
    teacher.llm.model_description = settings.model.remote.description;
    teacher.import_hypotheses = settings.import_hypotheses;
    teacher.import_samples = settings.import_samples;
    // The teacher never sees the label issues teach() leaves out (an automatic teacher learns its pattern from them).
    const auto teachable = teach::teachable_uus(teaching.uus, settings.teach.teach_label_issues);
    teaching.teacher = loop::make_teacher(teacher, {train, model, teachable, context.store(), context.run_id()});
  }
  if (settings.llm.verify_labels) {
    teaching.verifier = loop::make_label_verifier(teaching.kind, *teaching.teacher, *teaching.client, settings.llm,
                                                  model.labels(), settings.teach.seed);
  }
}

void print_json(const teach::TeachResult& result, const Teaching& teaching, const teach::TeachOutputFiles& files,
                const llm::Ledger& ledger, std::int64_t run) {
  std::size_t accepted = 0;
  for (const auto& s : result.samples) accepted += s.accepted ? 1 : 0;
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const auto& f : result.failures) {
    failures.push_back({{"task", f.task}, {"item", f.item_id}, {"reason", f.reason}, {"retryable", f.retryable}});
  }
  nlohmann::ordered_json rejections = nlohmann::ordered_json::object();
  for (const auto& [reason, count] : teach::rejection_counts(result.samples)) rejections[reason] = count;
  const nlohmann::ordered_json out = {{"run", run},
                                      {"teacher", teaching.teacher->name()},
                                      {"baseline", teaching.teacher->is_baseline()},
                                      {"uus", teaching.uus.size()},
                                      {"uus_taught", result.taught.size()},
                                      {"label_issues_left_out", result.label_issues_left_out},
                                      {"hypotheses", result.hypotheses.size()},
                                      {"samples", result.samples.size()},
                                      {"samples_accepted", accepted},
                                      {"rejections", rejections},
                                      {"failures", failures},
                                      {"budget_reached", result.budget_reached},
                                      {"llm",
                                       {{"http_calls", ledger.http_calls},
                                        {"http_attempts", ledger.http_attempts},
                                        {"cached_calls", ledger.cached_calls},
                                        {"prompt_tokens", ledger.usage.prompt_tokens},
                                        {"completion_tokens", ledger.usage.completion_tokens},
                                        {"cost_usd", ledger.cost_usd},
                                        {"unpriced", ledger.unpriced}}},
                                      {"outputs",
                                       {{"hypotheses_jsonl", files.hypotheses_jsonl.string()},
                                        {"hypotheses_csv", files.hypotheses_csv.string()},
                                        {"samples_jsonl", files.samples_jsonl.string()},
                                        {"samples_csv", files.samples_csv.string()}}}};
  std::cout << out.dump(2) << '\n';
}

void print_text(const teach::TeachResult& result, const Teaching& teaching, const std::filesystem::path& prefix,
                const llm::Ledger& ledger, std::int64_t run) {
  print_result(result, teaching.teacher->name(), teaching.teacher->is_baseline(), prefix, run);
  if (teaching.client) {
    std::cout << fmt::format("LLM: {} calls made, {} from the cache, {} + {} tokens, ${:.4f}{}\n", ledger.http_calls,
                             ledger.cached_calls, ledger.usage.prompt_tokens, ledger.usage.completion_tokens,
                             ledger.cost_usd, ledger.unpriced ? " (model not in the price table)" : "");
  }
  for (const auto& f : result.failures) {
    if (!f.retryable) std::cerr << fmt::format("blindspot: note: {} of {}: {}\n", f.task, f.item_id, f.reason);
  }
}

void run_teach(Context& context, TeachSettings& settings) {
  Teaching teaching;
  teaching.kind = resolve_teacher(
      settings.llm, settings.teacher, "--teacher",
      {loop::TeacherKind::llm, loop::TeacherKind::automatic, loop::TeacherKind::import, loop::TeacherKind::human});
  const auto model = load_model_for_run(context, settings.model);
  const data::LabelSet& labels = model->labels();
  select_uus(context, settings, teaching, labels);
  const data::Split train = read_split_for_run(context, settings.source, *model);
  // The leakage guard needs the test split: samples that (nearly) copy a test text are rejected.
  const std::optional<data::Split> test = read_optional_split(context, settings.source, "test", labels);
  settings.teach.extrapolate = !settings.no_extrapolation;
  settings.filter.threads = settings.threads;
  const teach::SampleFilter filter(labels, train, test ? &*test : nullptr, settings.filter);
  settings.llm.teacher.progress = context.progress();
  make_teacher(context, settings, teaching, train, *model);
  const teach::TeachResult result =
      teach::teach(*teaching.teacher, teaching.uus, filter, settings.teach, teaching.verifier.verifier);
  context.end_progress();

  if (settings.out_prefix.empty()) {
    settings.out_prefix =
        context.workspace / "teach" / fmt::format("run-{}-{}", context.run_id(), loop::to_string(teaching.kind));
  }
  const teach::TeachOutputFiles files = teach::teach_output_files(settings.out_prefix);
  teach::write_teach_outputs(files, result, teaching.teacher->is_baseline());
  teach::record_teaching(context.store(), context.run_id(), result);
  record_output(context, "hypotheses.jsonl", files.hypotheses_jsonl);
  record_output(context, "hypotheses.csv", files.hypotheses_csv);
  record_output(context, "samples.jsonl", files.samples_jsonl);
  record_output(context, "samples.csv", files.samples_csv);
  const llm::Ledger ledger = teaching.client ? teaching.client->ledger() : llm::Ledger{};
  teach::record_teach_metrics(context.store(), context.run_id(), result, ledger,
                              teaching.kind == loop::TeacherKind::human ? settings.campaign_run : 0);
  if (context.json) {
    print_json(result, teaching, files, ledger, context.run_id());
  } else {
    print_text(result, teaching, settings.out_prefix, ledger, context.run_id());
  }
  // After everything else is written (exit 1): a rerun pays only for what is missing.
  loop::check_teaching_complete(result, settings.llm);
}

}  // namespace

void add_teach_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<TeachSettings>();
  CLI::App* command = app.add_subcommand(
      "teach", "Have a teacher describe UUs as hypotheses and write labelled samples for them, then filter those");
  command->add_option("--uus", settings->uus,
                      "UU file (scan's .uus.jsonl, attack's .attacks.jsonl) or a run id (not with --teacher human)");
  command->add_option("--run", settings->campaign_run, "--teacher human: the annotation campaign's run (docs/web.md)");
  add_model_option(*command, settings->model);
  add_shared_options(*command, settings->source, "train");
  command->add_option("--teacher", settings->teacher,
                      "llm, auto (no-LLM baseline), import or human (an annotation campaign, --run) (default: llm when "
                      "an endpoint is configured, else auto)");
  command->add_option_function<std::size_t>(
      "--max-uus",
      [settings](std::size_t value) {
        settings->teach.max_uus = value;
        settings->max_uus_given = true;
      },
      "UUs to teach, spread over blind spots (0 = all; default 20, all for --teacher human)");
  command->add_option("--samples-per-hypothesis,-k", settings->teach.samples_per_hypothesis, "Samples per hypothesis")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  command->add_flag("--no-extrapolation", settings->no_extrapolation, "Skip the extrapolation task");
  command->add_flag("--teach-label-issues", settings->teach.teach_label_issues,
                    "Also teach the UUs scan --label-issues flagged as probable label issues (left out by default)");
  add_seed_option(*command, settings->teach.seed, "Seed of the UU pick, the teachers and the LLM requests");
  add_threads_option(*command, settings->threads);
  command->add_option("--out", settings->out_prefix,
                      "Output prefix: PREFIX.hypotheses.{jsonl,csv} and PREFIX.samples.{jsonl,csv} "
                      "(default: WORKSPACE/teach/run-N-TEACHER)");
  // The filters.
  command->add_option("--min-words", settings->filter.min_words, "Shorter samples are rejected")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}))
      ->capture_default_str();
  command
      ->add_option("--near-duplicate", settings->filter.near_duplicate_threshold,
                   "Word-shingle Jaccard similarity from which a sample is a near duplicate")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      ->add_option("--length-low-factor", settings->filter.length_low_factor,
                   "Length rule: samples shorter than this x train's 5th percentile of words are rejected")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      ->add_option("--length-high-factor", settings->filter.length_high_factor,
                   "Length rule: samples longer than this x train's 95th percentile of words are rejected")
      ->check(CLI::Range(1.0, 1000.0))
      ->capture_default_str();
  // The LLM endpoint.
  add_llm_options(*command, settings->llm);
  // The imported teacher.
  command->add_option("--import-hypotheses", settings->import_hypotheses,
                      "Hypotheses file (CSV/TSV/JSONL with a hypothesis column) for --teacher import");
  command->add_option("--import-samples", settings->import_samples,
                      "Samples file (text,label columns) for --teacher import");
  context.define(command, [&context, settings] { run_teach(context, *settings); });
}

}  // namespace blindspot::cli
