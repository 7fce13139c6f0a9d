#include "blindspot/teach/filters.hpp"

#include "sentences.hpp"

#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/core/utf8.hpp"
#include "blindspot/discover/attack/words.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <unordered_map>

namespace blindspot::teach {
namespace {

// A split indexed for duplicate search: ids are rows, reported as the rows' file lines.
struct IndexedSplit {
  std::string name;
  std::vector<std::int64_t> lines;
  NearDuplicateIndex index;
};

// The verdict of the checks that look at one sample alone (1-8), computed in parallel.
struct Verdict {
  const char* rejection = nullptr;
  std::string detail;
  TextFingerprint fingerprint;  // set when the sample passed checks 1-2
};

std::string describe_match(const NearDuplicateIndex::Match& match, const std::string& what) {
  if (match.exact) return "duplicate (after normalisation) of " + what;
  return fmt::format("near-duplicate (Jaccard {:.2f}) of {}", match.jaccard, what);
}

void check_options(const FilterOptions& options) {
  const auto usage = [](const std::string& message) { throw core::Error(core::ErrorKind::usage, message); };
  const auto in_percent = [](double p) { return p >= 0.0 && p <= 100.0; };
  if (!(options.near_duplicate_threshold > 0.0 && options.near_duplicate_threshold <= 1.0)) {
    usage(fmt::format("near-duplicate threshold must be in (0, 1], got {}", options.near_duplicate_threshold));
  }
  if (!in_percent(options.low_percentile) || !in_percent(options.high_percentile) ||
      options.low_percentile > options.high_percentile) {
    usage(fmt::format("length percentiles must satisfy 0 <= low <= high <= 100, got {} and {}", options.low_percentile,
                      options.high_percentile));
  }
  if (options.length_low_factor < 0.0 || options.length_high_factor < 1.0) {
    usage(fmt::format("length factors must be >= 0 (low) and >= 1 (high), got {} and {}", options.length_low_factor,
                      options.length_high_factor));
  }
  if (options.similarity.shingle_words == 0) usage("shingle_words must be at least 1");
}

// Fingerprints every example on `threads` threads, then indexes them in row order so that the
// first of two duplicates is the one reported. Fills `word_counts` (by row) if given.
IndexedSplit index_split(const data::Split& split, const std::string& fallback_name, const MinHasher& hasher,
                         const FilterOptions& options, std::vector<std::size_t>* word_counts) {
  std::vector<TextFingerprint> prints(split.examples.size());
  if (word_counts) word_counts->assign(split.examples.size(), 0);
  core::parallel_for(split.examples.size(), options.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      const std::string& text = split.examples[row].text;
      prints[row] = fingerprint(text, hasher, options.similarity);
      if (word_counts) (*word_counts)[row] = discover::find_words(text).size();
    }
  });
  IndexedSplit indexed{split.name.empty() ? fallback_name : split.name,
                       {},
                       NearDuplicateIndex(hasher.size(), options.near_duplicate_threshold)};
  indexed.lines.reserve(split.examples.size());
  for (std::size_t row = 0; row < split.examples.size(); ++row) {
    indexed.lines.push_back(split.examples[row].line);
    indexed.index.add(static_cast<std::uint32_t>(row), prints[row]);
  }
  return indexed;
}

// Hashes of the words of `text` after model::normalise_text, in order: two texts that differ only
// in case, punctuation or spacing give the same sequence.
std::vector<std::uint64_t> normalised_word_hashes(std::string_view text) {
  const std::string normalised = model::normalise_text(text);
  const std::string_view view(normalised);
  std::vector<std::uint64_t> hashes;
  for (const auto& word : discover::find_words(view)) {
    hashes.push_back(core::mix64(core::fnv1a(view.substr(word.offset, word.size))));
  }
  return hashes;
}

// Every passage is at least this many words long, so its first three words key the search.
constexpr std::size_t kPassageKeyWords = 3;

std::uint64_t passage_key(const std::uint64_t* words) {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < kPassageKeyWords; ++i) key = core::mix64(key * 0x9e3779b97f4a7c15ULL + words[i]);
  return key;
}

// The start of `text` for a rejection detail: at most 60 bytes, cut at a character boundary.
std::string excerpt(std::string_view text) {
  constexpr std::size_t kBytes = 60;
  if (text.size() <= kBytes) return std::string(text);
  std::size_t end = kBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return std::string(text.substr(0, end)) + "...";
}

// The texts of the held-out dev UUs (SampleFilter::hold_out), searchable for samples that
// duplicate one or contain one of its passages (the whole text, or a long enough sentence).
class HeldOutIndex {
 public:
  HeldOutIndex(const std::vector<discover::Uu>& uus, const MinHasher& hasher, const FilterOptions& options)
      : whole_(hasher.size(), options.near_duplicate_threshold) {
    for (const discover::Uu& uu : uus) {
      add_source(uu.id, uu.text, false, hasher, options);
      if (!uu.original_text.empty()) add_source(uu.id, uu.original_text, true, hasher, options);
    }
  }

  // Why `text` (fingerprinted as `print`) leaks a held-out text, or nullopt.
  std::optional<std::string> find_leak(std::string_view text, const TextFingerprint& print) const {
    if (const auto match = whole_.find(print)) return describe_match(*match, name(match->id));
    const std::vector<std::uint64_t> words = normalised_word_hashes(text);
    for (std::size_t start = 0; start + kPassageKeyWords <= words.size(); ++start) {
      const auto [first, last] = by_key_.equal_range(passage_key(&words[start]));
      for (auto it = first; it != last; ++it) {
        const Passage& passage = passages_[it->second];
        if (start + passage.words.size() <= words.size() &&
            std::equal(passage.words.begin(), passage.words.end(),
                       words.begin() + static_cast<std::ptrdiff_t>(start))) {
          return fmt::format("contains \"{}\" of {}", excerpt(passage.text), name(passage.source));
        }
      }
    }
    return std::nullopt;
  }

 private:
  struct Source {
    std::string uu_id;
    bool original = false;  // an adversarial UU's unperturbed text
  };
  struct Passage {
    std::uint32_t source = 0;
    std::string text;  // as written in the source, for the detail
    std::vector<std::uint64_t> words;
  };

  std::string name(std::uint32_t source) const {
    return "held-out dev UU " + sources_[source].uu_id + (sources_[source].original ? " (its original text)" : "");
  }

  void add_passage(std::uint32_t source, std::string_view text) {
    Passage passage{source, std::string(text), normalised_word_hashes(text)};
    if (passage.words.size() < kPassageKeyWords) return;
    by_key_.emplace(passage_key(passage.words.data()), passages_.size());
    passages_.push_back(std::move(passage));
  }

  void add_source(const std::string& uu_id, const std::string& text, bool original, const MinHasher& hasher,
                  const FilterOptions& options) {
    const auto source = static_cast<std::uint32_t>(sources_.size());
    sources_.push_back({uu_id, original});
    whole_.add(source, fingerprint(text, hasher, options.similarity));
    add_passage(source, text);
    const std::size_t sentence_words = std::max(options.leak_sentence_words, kPassageKeyWords);
    for (const detail::Span& span : detail::split_sentences(text)) {
      const std::string_view sentence = std::string_view(text).substr(span.offset, span.size);
      if (sentence.size() < text.size() && discover::find_words(sentence).size() >= sentence_words) {
        add_passage(source, sentence);
      }
    }
  }

  std::vector<Source> sources_;
  std::vector<Passage> passages_;
  std::unordered_multimap<std::uint64_t, std::size_t> by_key_;  // first words' key -> passage
  NearDuplicateIndex whole_;                                    // the whole texts, ids = sources
};

LengthRange measure_length(const std::vector<std::size_t>& word_counts, const FilterOptions& options) {
  LengthRange length;
  length.low_percentile_words = percentile(word_counts, options.low_percentile);
  length.high_percentile_words = percentile(word_counts, options.high_percentile);
  const auto low = static_cast<std::size_t>(std::ceil(options.length_low_factor * length.low_percentile_words));
  const auto high = static_cast<std::size_t>(std::floor(options.length_high_factor * length.high_percentile_words));
  length.min_words = std::max(options.min_words, low);
  length.max_words = std::max(length.min_words, high);
  return length;
}

}  // namespace

struct SampleFilter::Impl {
  data::LabelSet labels;
  FilterOptions options;
  MinHasher hasher;
  std::vector<std::size_t> train_word_counts;
  IndexedSplit train;
  std::optional<IndexedSplit> test;
  std::optional<HeldOutIndex> held_out;
  LengthRange length;

  Impl(data::LabelSet labels_in, FilterOptions options_in, const data::Split& train_split,
       const data::Split* test_split)
      : labels(std::move(labels_in)),
        options(std::move(options_in)),
        hasher(options.similarity),
        train(index_split(train_split, "train", hasher, options, &train_word_counts)),
        length(measure_length(train_word_counts, options)) {
    if (test_split) test = index_split(*test_split, "test", hasher, options, nullptr);
  }

  std::string where(const IndexedSplit& split, std::uint32_t row) const {
    return fmt::format("{} line {}", split.name, split.lines[row]);
  }

  Verdict judge(const Sample& sample) const {
    Verdict verdict;
    const auto reject = [&](const char* reason, std::string detail) {
      verdict.rejection = reason;
      verdict.detail = std::move(detail);
      return verdict;
    };
    if (const auto bad = core::find_invalid_utf8(sample.text)) {
      return reject(kInvalidUtf8, fmt::format("invalid UTF-8 at byte {}", *bad));
    }
    const std::size_t words = discover::find_words(sample.text).size();
    if (words == 0) return reject(kEmptyText, "the text has no words");
    if (sample.label.empty()) return reject(kInvalidLabel, "no label (labels: " + labels.joined() + ")");
    if (!labels.index_of(sample.label)) {
      return reject(kInvalidLabel, fmt::format("label \"{}\" is not one of: {}{}", core::sanitize_utf8(sample.label),
                                               labels.joined(), core::did_you_mean(sample.label, labels.names())));
    }
    if (words < options.min_words) {
      return reject(kTooShort, fmt::format("{} words; at least {} required", words, options.min_words));
    }
    if (options.check_length && (words < length.min_words || words > length.max_words)) {
      return reject(kLengthOutlier,
                    fmt::format("{} words; train's {:g}th-{:g}th percentile is {:.0f}-{:.0f} words, accepted {}-{}",
                                words, options.low_percentile, options.high_percentile, length.low_percentile_words,
                                length.high_percentile_words, length.min_words, length.max_words));
    }
    verdict.fingerprint = fingerprint(sample.text, hasher, options.similarity);
    if (test) {
      if (const auto match = test->index.find(verdict.fingerprint)) {
        return reject(kLeaksTest, describe_match(*match, where(*test, match->id)));
      }
    }
    if (held_out) {
      if (auto leak = held_out->find_leak(sample.text, verdict.fingerprint)) return reject(kDevLeak, std::move(*leak));
    }
    if (const auto match = train.index.find(verdict.fingerprint)) {
      return reject(match->exact ? kDuplicateOfTrain : kNearDuplicateOfTrain,
                    describe_match(*match, where(train, match->id)));
    }
    return verdict;
  }
};

SampleFilter::SampleFilter(data::LabelSet labels, const data::Split& train, const data::Split* test,
                           FilterOptions options) {
  check_options(options);
  if (train.examples.empty()) {
    throw core::Error(core::ErrorKind::bad_input, "the train split has no examples; the length rule needs some",
                      core::InputLocation{train.file, 0, {}});
  }
  impl_ = std::make_unique<Impl>(std::move(labels), std::move(options), train, test);
}

SampleFilter::~SampleFilter() = default;

void SampleFilter::hold_out(const std::vector<discover::Uu>& uus) {
  impl_->held_out.reset();
  if (!uus.empty()) impl_->held_out.emplace(uus, impl_->hasher, impl_->options);
}

const LengthRange& SampleFilter::length_range() const noexcept { return impl_->length; }
const FilterOptions& SampleFilter::options() const noexcept { return impl_->options; }

void SampleFilter::apply(std::vector<Sample>& samples) const {
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].accepted) pending.push_back(i);
  }
  std::vector<Verdict> verdicts(pending.size());
  core::parallel_for(pending.size(), impl_->options.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) verdicts[i] = impl_->judge(samples[pending[i]]);
  });

  // The batch checks run in sample order so that the first of two duplicates is kept.
  NearDuplicateIndex batch(impl_->hasher.size(), impl_->options.near_duplicate_threshold);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    Sample& sample = samples[pending[i]];
    Verdict& verdict = verdicts[i];
    if (!verdict.rejection) {
      if (const auto match = batch.find(verdict.fingerprint)) {
        const Sample& first = samples[match->id];
        verdict.rejection = match->exact ? kDuplicateInBatch : kNearDuplicateInBatch;
        verdict.detail = describe_match(*match, fmt::format("sample \"{}\" (position {})", first.id, match->id));
      } else {
        batch.add(static_cast<std::uint32_t>(pending[i]), verdict.fingerprint);
      }
    }
    if (verdict.rejection) {
      sample.accepted = false;
      sample.rejection = verdict.rejection;
      sample.rejection_detail = std::move(verdict.detail);
    } else {
      sample.rejection.clear();
      sample.rejection_detail.clear();
    }
  }
}

const std::vector<std::string>& rejection_reasons() {
  static const std::vector<std::string> reasons = {
      kInvalidUtf8, kEmptyText,        kInvalidLabel,         kTooShort,         kLengthOutlier,        kLeaksTest,
      kDevLeak,     kDuplicateOfTrain, kNearDuplicateOfTrain, kDuplicateInBatch, kNearDuplicateInBatch, kLabelDisputed};
  return reasons;
}

std::vector<std::pair<std::string, std::size_t>> rejection_counts(const std::vector<Sample>& samples) {
  std::vector<std::pair<std::string, std::size_t>> counts;
  for (const auto& reason : rejection_reasons()) counts.emplace_back(reason, 0);
  std::map<std::string, std::size_t> unknown;
  for (const auto& sample : samples) {
    if (sample.accepted) continue;
    const auto known =
        std::find_if(counts.begin(), counts.end(), [&](const auto& entry) { return entry.first == sample.rejection; });
    if (known != counts.end()) {
      ++known->second;
    } else {
      ++unknown[sample.rejection];
    }
  }
  counts.insert(counts.end(), unknown.begin(), unknown.end());
  return counts;
}

double percentile(std::vector<std::size_t> values, double p) {
  if (values.empty()) throw core::Error(core::ErrorKind::internal, "percentile of no values");
  std::sort(values.begin(), values.end());
  const double rank = (static_cast<double>(values.size()) - 1.0) * std::clamp(p, 0.0, 100.0) / 100.0;
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const std::size_t upper = std::min(lower + 1, values.size() - 1);
  const double fraction = rank - static_cast<double>(lower);
  return static_cast<double>(values[lower]) +
         fraction * (static_cast<double>(values[upper]) - static_cast<double>(values[lower]));
}

}  // namespace blindspot::teach
