#include "blindspot/discover/attack/attack.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>

namespace blindspot::discover {
namespace {

// Stream of derive_seed() reserved for sampling rows, apart from the per-row streams.
constexpr std::uint64_t kSampleStream = 0xa77acc5a3b1e5ULL;

std::string marked(std::string_view original, std::vector<AppliedEdit> edits, bool show_replacement) {
  std::sort(edits.begin(), edits.end(), [](const AppliedEdit& a, const AppliedEdit& b) { return a.offset < b.offset; });
  std::string result;
  std::size_t position = 0;
  for (const AppliedEdit& edit : edits) {
    result.append(original.substr(position, edit.offset - position));
    result += "[[";
    result += show_replacement ? edit.replacement : edit.original;
    result += "]]";
    position = edit.offset + edit.original.size();
  }
  result.append(original.substr(position));
  return result;
}

}  // namespace

std::vector<std::size_t> sample_rows(std::size_t rows, std::size_t count, std::uint64_t seed) {
  std::vector<std::size_t> all(rows);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (count == 0 || count >= rows) return all;
  // Partial Fisher-Yates: the first `count` positions become a uniform sample.
  core::Rng rng(core::derive_seed(seed, kSampleStream));
  for (std::size_t i = 0; i < count; ++i) std::swap(all[i], all[i + rng.below(rows - i)]);
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

AttackRun attack_split(const model::Classifier& model, const AttackRecipe& recipe, const data::Split& split,
                       const AttackOptions& options, const core::ProgressCallback& progress) {
  if (split.labels != model.labels()) {
    throw core::Error(
        core::ErrorKind::bad_input,
        "labels of the data (" + split.labels.joined() + ") differ from the model's (" + model.labels().joined() + ")",
        core::InputLocation{split.file, 0, ""});
  }
  AttackRun run;
  run.recipe = recipe.name();
  run.options = options;
  const std::vector<std::size_t> rows = sample_rows(split.examples.size(), options.max_examples, options.seed);
  if (rows.empty()) return run;

  std::vector<std::string> texts;
  texts.reserve(rows.size());
  for (std::size_t row : rows) texts.push_back(split.examples[row].text);
  const auto originals = model.predict_batch(texts, options.threads);
  texts = {};

  // Examples take very different times (a 50-word review vs a 1,000-word one), so workers
  // pull the next example from a shared counter; results are written by position, and every
  // example's randomness comes from its own row, so scheduling cannot change them. A remote model
  // wants more examples in flight than there are cores: their candidate texts fill its batches.
  run.results.resize(rows.size());
  const int callers = std::max(core::resolve_thread_count(options.threads), model.preferred_callers());
  const auto workers = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(callers));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::size_t done = 0;
  std::mutex progress_mutex;
  const std::string stage = "attacking " + split.name;
  core::parallel_for(workers, static_cast<int>(workers), [&](std::size_t, std::size_t) {
    try {
      for (std::size_t i = next++; i < rows.size() && !failed; i = next++) {
        const data::Example& example = split.examples[rows[i]];
        AttackResult result = attack_text(model, recipe, example.text, example.label, options,
                                          core::derive_seed(options.seed, rows[i]), originals[i]);
        result.row = rows[i];
        result.line = example.line;
        run.results[i] = std::move(result);
        if (progress) {
          const std::lock_guard lock(progress_mutex);
          progress(stage, static_cast<double>(++done) / static_cast<double>(rows.size()));
        }
      }
    } catch (...) {
      failed = true;
      throw;
    }
  });
  return run;
}

AttackSummary summarise(const AttackRun& run) {
  AttackSummary summary;
  summary.examples = run.results.size();
  std::size_t queries = 0;
  std::size_t edits = 0;
  std::size_t levenshtein = 0;
  for (const AttackResult& result : run.results) {
    switch (result.outcome) {
      case AttackOutcome::skipped_already_wrong:
        ++summary.skipped;
        continue;
      case AttackOutcome::succeeded:
        ++summary.succeeded;
        break;
      case AttackOutcome::flipped_below_threshold:
        ++summary.flipped_below_threshold;
        break;
      case AttackOutcome::budget_exhausted:
        ++summary.budget_exhausted;
        break;
      case AttackOutcome::no_more_words:
        ++summary.no_more_words;
        break;
    }
    ++summary.attacked;
    queries += result.queries;
    edits += result.edits.size();
    levenshtein += result.levenshtein;
  }
  if (summary.attacked > 0) {
    const auto attacked = static_cast<double>(summary.attacked);
    summary.success_rate = static_cast<double>(summary.succeeded) / attacked;
    summary.mean_queries = static_cast<double>(queries) / attacked;
    summary.mean_edits = static_cast<double>(edits) / attacked;
    summary.mean_levenshtein = static_cast<double>(levenshtein) / attacked;
  }
  return summary;
}

std::string mark_perturbed(std::string_view original, const std::vector<AppliedEdit>& edits) {
  return marked(original, edits, true);
}

std::string mark_original(std::string_view original, const std::vector<AppliedEdit>& edits) {
  return marked(original, edits, false);
}

}  // namespace blindspot::discover
