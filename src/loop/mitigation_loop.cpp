#include "blindspot/loop/mitigation_loop.hpp"

#include "attribution.hpp"
#include "step_log.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/adversarial_uus.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/attack_output.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/discover/uu_output.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/eval/evaluation.hpp"
#include "blindspot/group/blind_spots.hpp"
#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "blindspot/teach/uu_source.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace blindspot::loop {

using nlohmann::json;

const std::vector<std::string>& step_names() {
  static const std::vector<std::string> names = {"train_baseline", "scan_dev", "attack_dev", "group",
                                                 "teach",          "augment",  "retrain",    "evaluate"};
  return names;
}

namespace {

data::Split read_named_split(const std::filesystem::path& data, const std::string& name, const data::LabelSet& labels) {
  data::Split split = data::read_split(data::find_split_file(data, name), labels);
  split.name = name;
  return split;
}

// What the steps before teaching depend on.
json baseline_json(const LoopOptions& o) {
  const model::FastTextOptions& m = o.model;
  return {{"data", std::filesystem::weakly_canonical(o.data).string()},
          {"model",
           {{"dimension", m.dimension},
            {"epochs", m.epochs},
            {"learning_rate", m.learning_rate},
            {"word_ngrams", m.word_ngrams},
            {"min_char_ngram", m.min_char_ngram},
            {"max_char_ngram", m.max_char_ngram},
            {"min_count", m.min_count},
            {"buckets", m.buckets},
            {"threads", m.threads},
            {"seed", m.seed},
            {"quantize", m.quantize}}},
          {"threshold", o.threshold},
          {"dev_attack_rows", o.dev_attack_rows},
          {"attack_budget", o.attack_budget},
          {"seed", o.seed}};
}

json options_json(const LoopOptions& o) {
  json challenge = json::array();
  for (const auto& file : o.challenge_sets) challenge.push_back(std::filesystem::weakly_canonical(file).string());
  return {{"baseline", baseline_json(o)},
          {"max_uus", o.max_uus},
          {"extrapolate", o.extrapolate},
          {"samples_per_hypothesis", o.samples_per_hypothesis},
          {"sample_budget", o.sample_budget},
          {"test_attack_rows", o.test_attack_rows},
          {"teacher", o.teacher},
          {"teacher_settings", json::parse(o.teacher_settings_json)},
          {"challenge_sets", challenge},
          // Bumped when the evaluate step's output changes, so older loops are evaluated again.
          {"evaluation_version", 2}};
}

json metrics_json(const TestMetrics& m) {
  json counts = json::array();
  for (const auto& [threshold, count] : m.uu_counts) counts.push_back({threshold, count});
  json bins = json::array();
  for (const auto& b : m.reliability) bins.push_back({b.lower, b.upper, b.count, b.mean_confidence, b.accuracy});
  json challenge = json::array();
  for (const auto& [name, value] : m.challenge) challenge.push_back({name, value});
  return {{"accuracy", m.accuracy},
          {"macro_f1", m.macro_f1},
          {"ece", m.ece},
          {"brier", m.brier},
          {"uu_counts", counts},
          {"adversarial_attacked", m.adversarial_attacked},
          {"adversarial_uus", m.adversarial_uus},
          {"reliability", bins},
          {"confidence_histogram", m.confidence_histogram},
          {"challenge", challenge},
          {"correct", m.correct},
          {"uu", m.uu},
          {"adversarial", m.adversarial}};
}

TestMetrics metrics_from_json(const json& j) {
  TestMetrics m;
  m.accuracy = j.at("accuracy");
  m.macro_f1 = j.at("macro_f1");
  m.ece = j.at("ece");
  m.brier = j.at("brier");
  for (const json& pair : j.at("uu_counts"))
    m.uu_counts.emplace_back(pair[0].get<double>(), pair[1].get<std::int64_t>());
  m.adversarial_attacked = j.at("adversarial_attacked");
  m.adversarial_uus = j.at("adversarial_uus");
  for (const json& b : j.at("reliability")) {
    m.reliability.push_back({b[0].get<double>(), b[1].get<double>(), b[2].get<std::int64_t>(), b[3].get<double>(),
                             b[4].get<double>()});
  }
  m.confidence_histogram = j.at("confidence_histogram").get<std::vector<std::int64_t>>();
  for (const json& pair : j.at("challenge"))
    m.challenge.emplace_back(pair[0].get<std::string>(), pair[1].get<double>());
  m.correct = j.at("correct").get<std::vector<int>>();
  m.uu = j.at("uu").get<std::vector<int>>();
  m.adversarial = j.at("adversarial").get<std::vector<int>>();
  return m;
}

discover::ScanOptions scan_options(const LoopOptions& options) {
  discover::ScanOptions scan;
  scan.threshold = options.threshold;
  scan.threads = options.threads;
  return scan;
}

// A challenge set, read once per evaluation and named by its folder and file stem.
struct ChallengeSet {
  std::string name;
  data::Split split;
};

// Natural-UU counts and accuracy of `model` on a challenge set, prefixed with the set's name.
void add_challenge(TestMetrics& m, const model::Classifier& model, const ChallengeSet& set,
                   const LoopOptions& options) {
  const auto evaluation = eval::evaluate(set.name, model.labels(), discover::scan(model, set.split, scan_options(options)));
  m.challenge.emplace_back(set.name + ":accuracy", evaluation.metrics.accuracy);
  m.challenge.emplace_back(fmt::format("{}:uus@{:.2f}", set.name, options.threshold),
                           static_cast<double>(evaluation.uu_count));
}

TestMetrics test_metrics(const model::Classifier& model, const data::Split& test,
                         const std::vector<ChallengeSet>& challenges, const LoopOptions& options) {
  const discover::ScanResult scan = discover::scan(model, test, scan_options(options));
  const eval::Evaluation evaluation = eval::evaluate(test.name, model.labels(), scan);
  TestMetrics m;
  m.accuracy = evaluation.metrics.accuracy;
  m.macro_f1 = evaluation.metrics.macro_f1;
  m.ece = evaluation.calibration.expected_calibration_error;
  m.brier = evaluation.calibration.brier_score;
  for (const auto& count : evaluation.uu_counts) m.uu_counts.emplace_back(count.threshold, count.count);
  m.reliability = evaluation.calibration.bins;
  // Confidence of the predicted class lies in [1/labels, 1].
  const double lowest = 1.0 / static_cast<double>(model.labels().size());
  m.confidence_histogram.assign(10, 0);
  for (const auto& scored : scan.scored) {
    const double position = (scored.confidence - lowest) / (1.0 - lowest) * 10.0;
    ++m.confidence_histogram[static_cast<std::size_t>(std::clamp(position, 0.0, 9.0))];
    m.correct.push_back(scored.correct() ? 1 : 0);
    m.uu.push_back(scored.is_uu(options.threshold) ? 1 : 0);
  }
  if (options.test_attack_rows > 0) {
    // The same rows, seed and budget for both models: the two counts are comparable.
    discover::AdversarialUuOptions attack;
    attack.sample_size = options.test_attack_rows;
    attack.attack.threshold = options.threshold;
    attack.attack.budget = options.attack_budget;
    attack.attack.seed = options.seed;
    attack.attack.threads = options.threads;
    const auto metric = discover::measure_adversarial_uus(model, test, attack);
    m.adversarial_attacked = static_cast<std::int64_t>(metric.attacked);
    m.adversarial_uus = static_cast<std::int64_t>(metric.uus);
    // Every sampled row counts, attacked or not (a misclassified row cannot become an adversarial
    // UU), so both models' vectors have the same length and rows.
    for (const auto& result : metric.run.results) m.adversarial.push_back(result.is_uu() ? 1 : 0);
  }
  for (const auto& set : challenges) add_challenge(m, model, set, options);
  return m;
}

std::vector<discover::Uu> read_uus_if_any(const std::filesystem::path& file, const data::LabelSet& labels) {
  if (!std::filesystem::exists(file) || std::filesystem::file_size(file) == 0) return {};
  try {
    return teach::read_uus_file(file, labels);
  } catch (const core::Error& error) {
    // An attack file in which no attack succeeded holds no UU: that is a result, not an error.
    if (error.kind() == core::ErrorKind::bad_input && error.message().starts_with("no UUs in")) return {};
    throw;
  }
}

}  // namespace

namespace {

json with_data_hashes(json key, const LoopOptions& options) {
  for (const char* split : {"train", "dev", "test"}) {
    key["data_sha256"][split] = core::sha256_file(data::find_split_file(options.data, split));
  }
  for (const auto& file : options.challenge_sets) key["challenge_sha256"].push_back(core::sha256_file(file));
  return key;
}

}  // namespace

std::string loop_key(const LoopOptions& options) {
  return core::sha256_hex(with_data_hashes(options_json(options), options).dump());
}

std::string baseline_key(const LoopOptions& options) {
  LoopOptions without_challenges = options;
  without_challenges.challenge_sets.clear();
  return core::sha256_hex(with_data_hashes(baseline_json(options), without_challenges).dump());
}

std::vector<std::string> round_step_names(int rounds) {
  std::vector<std::string> names = step_names();
  for (int round = 2; round <= rounds; ++round) {
    for (const auto& name : step_names()) {
      if (name != "train_baseline") names.push_back(name + "@" + std::to_string(round));
    }
  }
  return names;
}

namespace {

// The accepted samples `samples_file` adds to train under the budget, ordered
// by id as the augmented training file always was.
std::vector<teach::Sample> picked_samples(const std::filesystem::path& samples_file, const data::LabelSet& labels,
                                          std::size_t budget) {
  auto samples = teach::read_samples_jsonl(samples_file);
  std::sort(samples.begin(), samples.end(), [](const teach::Sample& a, const teach::Sample& b) { return a.id < b.id; });
  return augment::pick_samples(samples, labels, budget);
}

}  // namespace

LoopResult run_loop(const LoopOptions& options, const std::filesystem::path& root, store::Database& store,
                    std::int64_t run_id, const TeacherFactory& make_teacher, const std::string& stop_after,
                    const std::function<void(const StepReport&)>& on_step) {
  if (options.rounds < 1) throw core::Error(core::ErrorKind::usage, "rounds must be at least 1");
  const std::vector<std::string> all_steps = round_step_names(options.rounds);
  if (!stop_after.empty() && std::find(all_steps.begin(), all_steps.end(), stop_after) == all_steps.end()) {
    throw core::Error(core::ErrorKind::usage,
                      "no step \"" + stop_after + "\" in a loop of " + std::to_string(options.rounds) + " round(s)");
  }
  LoopResult result;
  result.key = loop_key(options);
  const std::string base_key = baseline_key(options);
  const std::filesystem::path base_folder = root / base_key.substr(0, 16);
  const std::filesystem::path folder = base_folder / result.key.substr(0, 16);
  result.folder = folder;
  std::filesystem::create_directories(folder);
  const data::Split train = data::read_training_split(data::find_split_file(options.data, "train"), std::nullopt);
  const data::LabelSet& labels = train.labels;
  const data::Split dev = read_named_split(options.data, "dev", labels);
  const data::Split test = read_named_split(options.data, "test", labels);
  result.labels = labels.size();

  // Runs `work` under `key` unless an earlier invocation finished the step;
  // returns the step's outputs.
  bool stopped = false;
  const auto step = [&](const std::string& key, const std::string& name,
                        const std::function<json()>& work) -> detail::StepRecord {
    if (auto done = detail::find_step(store, key, name)) {
      result.steps.push_back({name, true, done->seconds});
      if (on_step) on_step(result.steps.back());
      stopped = stopped || name == stop_after;
      return *done;
    }
    const auto started = std::chrono::steady_clock::now();
    json outputs = work();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    detail::record_step(store, key, name, run_id, outputs, seconds);
    result.steps.push_back({name, false, seconds});
    if (on_step) on_step(result.steps.back());
    stopped = stopped || name == stop_after;
    return {run_id, outputs, seconds};
  };

  step(base_key, "train_baseline", [&] {
    model::FastTextClassifier baseline(options.model);
    baseline.train(train, {});
    baseline.save(base_folder / "baseline.bin");
    return json{{"files", {{"model", detail::file_entry(base_folder / "baseline.bin")}}}};
  });
  if (stopped) return result;
  const auto baseline = model::load_classifier(base_folder / "baseline.bin");

  // Round 1 discovers the baseline's UUs (steps shared by every teacher on that
  // baseline, under the baseline key); round r > 1 those of round r-1's model,
  // in round<r>/ under the loop key.
  const auto round_folder = [&](int round) { return round == 1 ? folder : folder / ("round" + std::to_string(round)); };
  std::vector<teach::Sample> earlier_picks;  // what rounds before the current one added to train
  std::unique_ptr<model::Classifier> discoverer;
  std::vector<ChallengeSet> challenges;
  bool challenges_read = false;
  for (int round = 1; round <= options.rounds; ++round) {
    const std::string suffix = round == 1 ? "" : "@" + std::to_string(round);
    const std::string discovery_key = round == 1 ? base_key : result.key;
    const std::filesystem::path discovery_folder = round == 1 ? base_folder : round_folder(round);
    const std::filesystem::path here = round_folder(round);
    std::filesystem::create_directories(here);
    const model::Classifier& model = round == 1 ? *baseline : *discoverer;
    const auto discovered = [&](const char* name) { return discovery_folder / name; };
    const auto path = [&](const char* name) { return here / name; };
    RoundResult round_result;
    round_result.round = round;

    step(discovery_key, "scan_dev" + suffix, [&] {
      const auto scan = discover::scan(model, dev, scan_options(options));
      discover::write_uus_jsonl(discovered("dev.uus.jsonl"), dev, scan);
      return json{{"files", {{"uus", detail::file_entry(discovered("dev.uus.jsonl"))}}}, {"uus", scan.uus.size()}};
    });
    if (stopped) return result;

    step(discovery_key, "attack_dev" + suffix, [&] {
      discover::AttackOptions attack;
      attack.threshold = options.threshold;
      attack.budget = options.attack_budget;
      attack.seed = options.seed;
      attack.threads = options.threads;
      attack.max_examples = options.dev_attack_rows;
      discover::AttackRun run;
      run.recipe = "deepwordbug";
      if (options.dev_attack_rows > 0) {
        run = discover::attack_split(model, *discover::make_recipe("deepwordbug"), dev, attack);
      }
      discover::write_attacks_jsonl(discovered("dev.attacks.jsonl"), dev, run);
      return json{{"files", {{"attacks", detail::file_entry(discovered("dev.attacks.jsonl"))}}},
                  {"uus", discover::summarise(run).succeeded}};
    });
    if (stopped) return result;

    const auto grouped = step(discovery_key, "group" + suffix, [&] {
      std::vector<discover::Uu> uus = read_uus_if_any(discovered("dev.uus.jsonl"), labels);
      for (auto& uu : read_uus_if_any(discovered("dev.attacks.jsonl"), labels)) uus.push_back(std::move(uu));
      group::GroupOptions group_options;
      group_options.clustering.kmeans.seed = options.seed;
      group_options.clustering.kmeans.threads = options.threads;
      const group::Grouping grouping = group::group_uus(model, uus, group_options);
      teach::write_uus_jsonl(discovered("uus.jsonl"), uus);
      core::write_file_atomically(discovered("blind_spots.json"), group::to_json(grouping));
      return json{{"files",
                   {{"uus", detail::file_entry(discovered("uus.jsonl"))},
                    {"blind_spots", detail::file_entry(discovered("blind_spots.json"))}}},
                  {"uus", uus.size()},
                  {"blind_spots", grouping.k}};
    });
    round_result.dev_uus = grouped.outputs.at("uus");
    round_result.blind_spots = grouped.outputs.at("blind_spots");
    result.dev_uus = round_result.dev_uus;
    result.blind_spots = round_result.blind_spots;
    if (stopped) return result;
    const std::vector<discover::Uu> uus = read_uus_if_any(discovered("uus.jsonl"), labels);

    // Train as this round's model saw it: the filters then also reject repeats
    // of earlier rounds' samples.
    const data::Split round_train = round == 1 ? train : augment::augmented_split(train, earlier_picks);

    const auto taught = step(result.key, "teach" + suffix, [&] {
      const auto teacher = make_teacher({train, model, uus, store, run_id});
      const teach::SampleFilter filter(labels, round_train, &test);
      teach::TeachOptions teach_options;
      teach_options.max_uus = options.max_uus;
      teach_options.extrapolate = options.extrapolate;
      teach_options.samples_per_hypothesis = options.samples_per_hypothesis;
      teach_options.seed = options.seed;
      const teach::TeachResult taught_result = teach::teach(*teacher, uus, filter, teach_options);
      for (const auto& failure : taught_result.failures) {
        // Not recorded as done: a rerun retries the failed calls (finished ones come from the cache).
        if (failure.retryable) {
          throw core::Error(core::ErrorKind::remote, "teach step: " + failure.task + " of " + failure.item_id + ": " +
                                                         failure.reason + "; rerun to continue");
        }
      }
      const bool baseline_teacher = teacher->is_baseline();
      teach::write_hypotheses_jsonl(path("hypotheses.jsonl"), taught_result.hypotheses, baseline_teacher);
      teach::write_samples_jsonl(path("samples.jsonl"), taught_result.samples, baseline_teacher);
      teach::record_teaching(store, run_id, taught_result);
      std::int64_t accepted = 0;
      for (const auto& s : taught_result.samples) accepted += s.accepted ? 1 : 0;
      const teach::TeachingCost cost = teacher->cost();
      return json{{"files",
                   {{"hypotheses", detail::file_entry(path("hypotheses.jsonl"))},
                    {"samples", detail::file_entry(path("samples.jsonl"))}}},
                  {"hypotheses", taught_result.hypotheses.size()},
                  {"samples_accepted", accepted},
                  {"cost",
                   {{"prompt_tokens", cost.prompt_tokens},
                    {"completion_tokens", cost.completion_tokens},
                    {"usd", cost.usd},
                    {"unpriced", cost.unpriced}}}};
    });
    // Recorded with the step, so that a reused step still reports what its teaching cost.
    const json cost = taught.outputs.value("cost", json::object());
    result.teach_cost.prompt_tokens += cost.value("prompt_tokens", std::int64_t{0});
    result.teach_cost.completion_tokens += cost.value("completion_tokens", std::int64_t{0});
    result.teach_cost.usd += cost.value("usd", 0.0);
    result.teach_cost.unpriced = result.teach_cost.unpriced || cost.value("unpriced", false);
    round_result.hypotheses = taught.outputs.at("hypotheses");
    round_result.samples_accepted = taught.outputs.at("samples_accepted");
    result.hypotheses = round_result.hypotheses;
    result.samples_accepted = round_result.samples_accepted;
    if (stopped) return result;

    // This round's own teach output (the store's samples table is per run, and
    // one run, an experiment, teaches many loops), under this round's budget,
    // after the earlier rounds' picks.
    const std::vector<teach::Sample> picks = picked_samples(path("samples.jsonl"), labels, options.sample_budget);
    const auto augmented = step(result.key, "augment" + suffix, [&] {
      augment::write_split_csv(path("train.augmented.csv"), augment::augmented_split(round_train, picks));
      return json{{"files", {{"train", detail::file_entry(path("train.augmented.csv"))}}}, {"added", picks.size()}};
    });
    round_result.samples_added = augmented.outputs.at("added");
    result.samples_added = round_result.samples_added;
    if (stopped) return result;

    step(result.key, "retrain" + suffix, [&] {
      model::FastTextClassifier retrained(options.model);
      retrained.train(data::read_training_split(path("train.augmented.csv"), labels), {});
      retrained.save(path("retrained.bin"));
      return json{{"files", {{"model", detail::file_entry(path("retrained.bin"))}}}};
    });
    if (stopped) return result;

    const auto evaluated = step(result.key, "evaluate" + suffix, [&] {
      const auto retrained = model::load_classifier(path("retrained.bin"));
      const std::vector<bool> still = detail::still_uus(*retrained, uus, options.threshold);
      std::int64_t fixed = 0;
      std::map<int, std::int64_t> fixed_by_blind_spot;
      for (std::size_t i = 0; i < uus.size(); ++i) {
        fixed += still[i] ? 0 : 1;
        fixed_by_blind_spot[uus[i].blind_spot] += still[i] ? 0 : 1;
      }
      json by_blind_spot = json::array();
      for (const auto& [id, count] : fixed_by_blind_spot) by_blind_spot.push_back({id, count});
      if (!challenges_read) {
        for (const auto& file : options.challenge_sets) {
          challenges.push_back(
              {file.parent_path().filename().string() + "/" + file.stem().string(), data::read_split(file, labels)});
        }
        challenges_read = true;
      }
      json metrics = {{"after", metrics_json(test_metrics(*retrained, test, challenges, options))},
                      {"dev_uus_fixed", fixed},
                      {"fixed_by_blind_spot", by_blind_spot}};
      // The baseline's test metrics once, in round 1.
      if (round == 1) metrics["before"] = metrics_json(test_metrics(*baseline, test, challenges, options));
      core::write_file_atomically(path("metrics.json"), metrics.dump(2));
      return json{{"files", {{"metrics", detail::file_entry(path("metrics.json"))}}}, {"metrics", metrics}};
    });
    const json& metrics = evaluated.outputs.at("metrics");
    if (round == 1) result.before = metrics_from_json(metrics.at("before"));
    round_result.after = metrics_from_json(metrics.at("after"));
    round_result.dev_uus_fixed = metrics.at("dev_uus_fixed");
    for (const json& pair : metrics.at("fixed_by_blind_spot")) {
      round_result.fixed_by_blind_spot.emplace_back(pair[0].get<int>(), pair[1].get<std::int64_t>());
    }
    result.after = round_result.after;
    result.dev_uus_fixed = round_result.dev_uus_fixed;
    result.fixed_by_blind_spot = round_result.fixed_by_blind_spot;
    result.rounds.push_back(round_result);
    if (stopped) return result;

    if (round == options.rounds && options.attribution > 0) {
      // Its own key: attributing (or not, or more hypotheses) never changes the
      // loop's other results.
      const std::string key =
          core::sha256_hex(fmt::format("{}:rounds={}:attribution={}", result.key, options.rounds, options.attribution));
      const auto attributed = step(key, "attribute", [&] {
        const auto full_model = model::load_classifier(path("retrained.bin"));
        json list = json::array();
        for (const auto& a :
             detail::attribute_hypotheses(options, path("hypotheses.jsonl"), *full_model, round_train, picks, uus)) {
          list.push_back(detail::to_json(a));
        }
        core::write_file_atomically(path("attribution.json"), list.dump(2));
        return json{{"files", {{"attribution", detail::file_entry(path("attribution.json"))}}}, {"attribution", list}};
      });
      for (const json& a : attributed.outputs.at("attribution"))
        result.attribution.push_back(detail::attribution_from_json(a));
      if (stopped) return result;
    }
    earlier_picks.insert(earlier_picks.end(), picks.begin(), picks.end());
    if (round < options.rounds) discoverer = model::load_classifier(path("retrained.bin"));
  }
  result.complete = true;
  return result;
}

std::string attribution_json(const std::vector<HypothesisAttribution>& attribution) {
  json list = json::array();
  for (const auto& a : attribution) list.push_back(detail::to_json(a));
  return list.dump();
}

}  // namespace blindspot::loop
