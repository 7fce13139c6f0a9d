// The automatic teacher on a real fastText model trained here on a constructed corpus with
// two planted blind spots: "zorbly" occurs only in negative training texts, so positive texts
// that use it are read as negative (natural UUs); misspelling the negative words of a text
// that also holds positive ones reads it as positive (DeepWordBug UUs).

#include "blindspot/teach/auto_teacher.hpp"

#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/teach/filters.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

using namespace blindspot;
using nlohmann::json;
using discover::Uu;
using discover::UuKind;
using ::testing::HasSubstr;

namespace {

const std::vector<std::string> kPositive = {"great",      "wonderful", "superb", "brilliant",
                                            "delightful", "charming",  "moving", "excellent"};
const std::vector<std::string> kNegative = {"awful", "boring", "dreadful", "terrible",
                                            "dull",  "clumsy", "tedious",  "horrible"};
const std::vector<std::string> kNeutral = {
    "film",   "story",   "actors", "scene",   "camera", "music",   "plot",    "director", "ending", "cast",
    "screen", "script",  "night",  "city",    "house",  "friend",  "mother",  "window",   "train",  "summer",
    "river",  "letter",  "dinner", "village", "doctor", "garden",  "soldier", "teacher",  "winter", "road",
    "island", "kitchen", "forest", "market",  "singer", "painter", "lawyer",  "sailor",   "bridge", "castle"};
constexpr const char* kPlanted = "zorbly";

const std::string& pick(const std::vector<std::string>& words, core::Rng& rng) {
  return words[rng.below(words.size())];
}

// A sentence of six neutral words with `extra` words inserted at random places.
std::string sentence(core::Rng& rng, const std::vector<std::string>& extra) {
  std::vector<std::string> words;
  for (int i = 0; i < 6; ++i) words.push_back(pick(kNeutral, rng));
  for (const auto& word : extra)
    words.insert(words.begin() + static_cast<std::ptrdiff_t>(rng.below(words.size() + 1)), word);
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text + ".";
}

// Four or five sentences, each with one word of `sentiment`; `planted` adds "zorbly" to one,
// `contrast` a word of `opposite` to another ("not great" happens in negative reviews too).
std::string review(core::Rng& rng, const std::vector<std::string>& sentiment, bool planted,
                   const std::vector<std::string>& opposite, bool contrast) {
  const std::size_t sentences = 4 + rng.below(2);
  const std::size_t planted_at = rng.below(sentences);
  const std::size_t contrast_at = (planted_at + 1) % sentences;
  std::string text;
  for (std::size_t i = 0; i < sentences; ++i) {
    std::vector<std::string> extra = {pick(sentiment, rng)};
    if (planted && i == planted_at) extra.emplace_back(kPlanted);
    if (contrast && i == contrast_at) extra.push_back(pick(opposite, rng));
    text += (text.empty() ? "" : " ") + sentence(rng, extra);
  }
  return text;
}

const data::LabelSet kLabels({"negative", "positive"});
constexpr int kNegativeLabel = 0;
constexpr int kPositiveLabel = 1;

data::Split make_split(const std::string& name, const std::vector<std::pair<std::string, int>>& rows) {
  data::Split split;
  split.name = name;
  split.file = name + ".csv";
  split.labels = kLabels;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    split.examples.push_back({rows[i].first, rows[i].second, static_cast<std::int64_t>(i) + 2});
  }
  return split;
}

struct World {
  data::Split train;
  data::Split test;
  std::unique_ptr<model::FastTextClassifier> model;
  std::vector<discover::Uu> natural;      // positive texts with "zorbly", read as negative
  std::vector<discover::Uu> adversarial;  // negative texts with misspelt negative words, read as positive
};

// Built once: a single training thread makes fastText, hence every UU below, reproducible.
const World& world() {
  static const World built = [] {
    World w;
    core::Rng rng(42);
    std::vector<std::pair<std::string, int>> rows;
    for (int i = 0; i < 300; ++i) {
      rows.emplace_back(review(rng, kPositive, false, kNegative, i % 5 == 0), kPositiveLabel);
      rows.emplace_back(review(rng, kNegative, i % 2 == 0, kPositive, i % 5 == 1), kNegativeLabel);
    }
    w.train = make_split("train", rows);
    rows.clear();
    for (int i = 0; i < 40; ++i) {
      rows.emplace_back(review(rng, i % 2 ? kPositive : kNegative, false, kPositive, false), i % 2);
    }
    w.test = make_split("test", rows);
    model::FastTextOptions options;
    options.epochs = 25;
    w.model = std::make_unique<model::FastTextClassifier>(options);
    w.model->train(w.train, {});

    // Natural: "zorbly" in every sentence of a mildly positive text.
    for (int i = 0; i < 30; ++i) {
      std::string text;
      for (int s = 0; s < 4; ++s) {
        std::vector<std::string> extra = {kPlanted};
        if (s == 1) extra.push_back(pick(kPositive, rng));
        text += (text.empty() ? "" : " ") + sentence(rng, extra);
      }
      const auto p = w.model->probabilities(text);
      if (p[kNegativeLabel] < 0.65) continue;
      discover::Uu uu;
      uu.id = "dev:" + std::to_string(i) + ":natural";
      uu.text = text;
      uu.true_label = "positive";
      uu.predicted_label = "negative";
      uu.confidence = p[kNegativeLabel];
      w.natural.push_back(uu);
    }

    // Adversarial: one negative word per sentence, a positive word in two of them.
    const discover::DeepWordBugRecipe recipe;
    for (int i = 0; i < 30 && w.adversarial.size() < 8; ++i) {
      std::string text;
      for (int s = 0; s < 4; ++s) {
        std::vector<std::string> extra = {pick(kNegative, rng)};
        if (s % 2 == 1) extra.push_back(pick(kPositive, rng));
        text += (text.empty() ? "" : " ") + sentence(rng, extra);
      }
      const auto result =
          discover::attack_text(*w.model, recipe, text, kNegativeLabel, {}, static_cast<std::uint64_t>(i));
      if (!result.is_uu()) continue;
      discover::Uu uu;
      uu.id = "dev:" + std::to_string(100 + i) + ":deepwordbug";
      uu.kind = discover::UuKind::adversarial;
      uu.text = result.perturbed_text;
      uu.original_text = text;
      uu.marked_text = discover::mark_perturbed(text, result.edits);
      for (const auto& edit : result.edits) {
        uu.edits.push_back({edit.original, edit.replacement, discover::to_string(edit.operation)});
      }
      uu.true_label = "negative";
      uu.predicted_label = "positive";
      uu.confidence = result.final_confidence;
      w.adversarial.push_back(uu);
    }
    return w;
  }();
  return built;
}

std::vector<discover::Uu> all_uus() {
  auto uus = world().natural;
  uus.insert(uus.end(), world().adversarial.begin(), world().adversarial.end());
  return uus;
}

teach::AutoTeacherOptions options(int threads) {
  teach::AutoTeacherOptions result;
  result.seed = 3;
  result.threads = threads;
  return result;
}

// Case-insensitive: the first word of a sentence is capitalised.
bool contains(const std::vector<std::string>& words, std::string word) {
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(words.begin(), words.end(), word) != words.end();
}

TEST(AutoTeacher, TheConstructedWorldHasBothKindsOfUus) {
  EXPECT_GE(world().natural.size(), 5u);
  EXPECT_GE(world().adversarial.size(), 3u);
  // Misspelt negative words are what flips a text.
  for (const auto& uu : world().adversarial) {
    ASSERT_FALSE(uu.edits.empty());
    EXPECT_TRUE(contains(kNegative, uu.edits[0].original)) << uu.edits[0].original;
  }
}

TEST(AutoTeacher, IsALabelledBaseline) {
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(1));
  EXPECT_EQ(teacher.name(), "auto (baseline)");
  EXPECT_TRUE(teacher.is_baseline());
  // Each label has confidently correct training texts to draw from.
  ASSERT_EQ(teacher.confidently_correct_counts().size(), 2u);
  EXPECT_GT(teacher.confidently_correct_counts()[0], 200u);
  EXPECT_GT(teacher.confidently_correct_counts()[1], 200u);
}

TEST(AutoTeacher, NaturalAbstractionNamesThePlantedToken) {
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(1));
  const auto hypotheses = teacher.abstract(world().natural);
  ASSERT_EQ(hypotheses.size(), world().natural.size());
  const auto& h = hypotheses[0];
  EXPECT_EQ(h.id, "auto:abstraction:" + world().natural[0].id);
  EXPECT_EQ(h.task, teach::kAbstraction);
  EXPECT_EQ(h.uu_id, world().natural[0].id);
  EXPECT_EQ(h.teacher, "auto (baseline)");
  EXPECT_EQ(h.prompt_version, teach::kAutoTeacherVersion);
  EXPECT_THAT(h.text, ::testing::StartsWith("Texts labelled positive that contain 'zorbly'"));
  EXPECT_THAT(h.text, HasSubstr("are read as negative with confidence >= 0."));
  EXPECT_THAT(h.reasoning, HasSubstr("Monroe et al. 2008"));
  EXPECT_THAT(h.reasoning, HasSubstr("'zorbly' "));
  const auto details = json::parse(h.details_json);
  EXPECT_EQ(details["baseline"], true);
  EXPECT_EQ(details["kind"], "natural");
  EXPECT_EQ(details["label"], "positive");
  EXPECT_EQ(details["read_as"], "negative");
  EXPECT_EQ(details["group_size"], world().natural.size());
  EXPECT_EQ(details["tokens"][0]["token"], kPlanted);
  EXPECT_GT(details["tokens"][0]["z"].get<double>(), 1.96);
  EXPECT_EQ(details["tokens"][0]["reference_texts"], 0);  // never in a positive training text
  EXPECT_EQ(details["tokens"][0]["uu_texts"], world().natural.size());
  // The UU's sentences that carry the token are what the samples will splice in.
  ASSERT_FALSE(details["carriers"].empty());
  EXPECT_THAT(details["carriers"][0]["text"].get<std::string>(), HasSubstr(kPlanted));
  EXPECT_EQ(json::parse(h.provenance_json)["baseline"], true);
}

TEST(AutoTeacher, AdversarialAbstractionNamesEditedWordsAndOperations) {
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(1));
  const auto hypotheses = teacher.abstract(world().adversarial);
  ASSERT_EQ(hypotheses.size(), world().adversarial.size());
  const auto& uu = world().adversarial[0];
  const auto& h = hypotheses[0];
  EXPECT_THAT(h.text, ::testing::StartsWith("Texts labelled negative in which words such as '" + uu.edits[0].original));
  EXPECT_THAT(h.text, HasSubstr(" are misspelt (character "));
  EXPECT_THAT(h.text, HasSubstr("are read as positive with confidence >= 0."));
  EXPECT_THAT(h.reasoning, HasSubstr("'" + uu.edits[0].original + "' -> '" + uu.edits[0].replacement + "'"));
  const auto details = json::parse(h.details_json);
  EXPECT_EQ(details["kind"], "adversarial");
  EXPECT_EQ(details["label"], "negative");
  std::int64_t edits = 0;
  for (const auto& [operation, count] : details["operations"].items()) {
    EXPECT_TRUE(std::set<std::string>({"swap", "substitute", "delete", "insert"}).count(operation)) << operation;
    edits += count.get<std::int64_t>();
  }
  std::size_t expected_edits = 0;
  for (const auto& other : world().adversarial) expected_edits += other.edits.size();
  EXPECT_EQ(edits, static_cast<std::int64_t>(expected_edits));
  // The edited words lean negative in the training data.
  EXPECT_GT(details["tokens"][0]["class_z"].get<double>(), 1.96);
  EXPECT_TRUE(details["tokens"][0]["in_uu"].get<bool>());
}

TEST(AutoTeacher, ExtrapolationsMirrorTheDirection) {
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(1));
  const auto uus = all_uus();
  const auto abstractions = teacher.abstract(uus);
  const auto extrapolations = teacher.extrapolate(uus, abstractions);
  ASSERT_EQ(extrapolations.size(), abstractions.size());
  for (std::size_t i = 0; i < extrapolations.size(); ++i) {
    const auto& h = extrapolations[i];
    EXPECT_EQ(h.task, teach::kExtrapolation);
    EXPECT_EQ(h.parent_id, abstractions[i].id);
    const auto details = json::parse(h.details_json);
    const std::string token = details["tokens"][0]["token"];
    if (details["kind"] == "adversarial") {
      // Negative texts were misread as positive: now positive texts, positive words misspelt.
      EXPECT_EQ(details["label"], "positive");
      EXPECT_TRUE(contains(kPositive, token)) << token;
      EXPECT_THAT(h.text, HasSubstr("are misspelt"));
    } else {
      // Positive texts with a negative-only word were read as negative: now negative texts
      // with positive words, carried by negative training sentences.
      EXPECT_EQ(details["label"], "negative");
      EXPECT_TRUE(contains(kPositive, token)) << token;
      ASSERT_FALSE(details["carriers"].empty());
      EXPECT_THAT(details["carriers"][0]["source"].get<std::string>(), HasSubstr("train line "));
    }
  }
}

TEST(AutoTeacher, SamplesKeepTheLabelUseDistinctSourcesAndPassTheFilters) {
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(1));
  const auto uus = all_uus();
  auto hypotheses = teacher.abstract(uus);
  const auto extrapolations = teacher.extrapolate(uus, hypotheses);
  hypotheses.insert(hypotheses.end(), extrapolations.begin(), extrapolations.end());
  auto samples = teacher.generate(hypotheses, 2);
  EXPECT_EQ(samples.size(), 2 * hypotheses.size()) << (teacher.failures().empty() ? "" : teacher.failures()[0].reason);
  EXPECT_TRUE(teacher.failures().empty());

  std::map<std::string, const teach::Hypothesis*> by_id;
  for (const auto& h : hypotheses) by_id[h.id] = &h;
  std::map<std::string, std::set<std::int64_t>> sources_of;
  for (const auto& sample : samples) {
    const auto& h = *by_id.at(sample.hypothesis_id);
    const auto details = json::parse(h.details_json);
    EXPECT_EQ(sample.label, details["label"]) << sample.id;
    EXPECT_EQ(sample.teacher, "auto (baseline)");
    const auto provenance = json::parse(sample.provenance_json);
    EXPECT_EQ(provenance["baseline"], true);
    for (const auto& source : provenance["sources"]) {
      const auto line = source["line"].get<std::int64_t>();
      EXPECT_EQ(world().train.examples[static_cast<std::size_t>(line - 2)].label, *kLabels.index_of(sample.label));
      EXPECT_TRUE(sources_of[sample.hypothesis_id].insert(line).second) << sample.id << " reuses line " << line;
    }
    if (details["kind"] == "adversarial") {
      ASSERT_FALSE(provenance["edits"].empty()) << sample.id;
      for (const auto& edit : provenance["edits"]) {
        // Hard samples: edits the attack added use any of DeepWordBug's operations.
        if (!edit.contains("added_by")) {
          EXPECT_TRUE(details["operations"].contains(edit["operation"].get<std::string>()));
        }
        EXPECT_NE(edit["original"], edit["replacement"]);
        EXPECT_THAT(sample.text, HasSubstr(edit["replacement"].get<std::string>()));
      }
    } else {
      const bool carried =
          std::any_of(details["carriers"].begin(), details["carriers"].end(), [&](const json& carrier) {
            return sample.text.find(carrier["text"].get<std::string>()) != std::string::npos;
          });
      EXPECT_TRUE(carried) << sample.id;
    }
  }
  // The abstraction samples of the natural blind spot carry the planted token.
  EXPECT_THAT(samples[0].text, HasSubstr(kPlanted));

  const teach::SampleFilter filter(kLabels, world().train, &world().test);
  filter.apply(samples);
  for (const auto& sample : samples) {
    EXPECT_TRUE(sample.accepted) << sample.id << ": " << sample.rejection << " " << sample.rejection_detail;
  }
}

TEST(AutoTeacher, AdversarialSamplesEditTheHypothesisWords) {
  auto v1 = options(1);
  v1.hard_samples = false;  // exactly the hypothesis' edits
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), v1);
  const auto hypotheses = teacher.abstract(world().adversarial);
  const auto samples = teacher.generate({hypotheses[0]}, 2);
  ASSERT_EQ(samples.size(), 2u);
  const auto details = json::parse(hypotheses[0].details_json);
  std::set<std::string> hypothesis_tokens;
  for (const auto& token : details["tokens"]) hypothesis_tokens.insert(token["token"].get<std::string>());
  const auto edits_per_sample = details["edits_per_sample"].get<std::size_t>();
  EXPECT_EQ(edits_per_sample, std::min<std::size_t>(world().adversarial[0].edits.size(), 5));
  std::size_t targeted = 0;
  for (const auto& sample : samples) {
    const auto provenance = json::parse(sample.provenance_json);
    EXPECT_EQ(provenance["edits"].size(), edits_per_sample);
    for (const auto& edit : provenance["edits"]) {
      auto original = edit["original"].get<std::string>();
      original[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(original[0])));
      targeted += hypothesis_tokens.count(original);
    }
  }
  // The first source is chosen among texts holding a hypothesis word, whose passage with the
  // most of them is kept, and those words are edited first.
  EXPECT_GE(targeted, samples.size());
}

TEST(AutoTeacher, HardSamplesAreThoseTheModelGetsWrongOrIsLeastSureOf) {
  auto v1 = options(1);
  v1.hard_samples = false;
  teach::AutoTeacher hard(world().train, *world().model, all_uus(), options(1));
  teach::AutoTeacher easy(world().train, *world().model, all_uus(), v1);
  const auto uus = all_uus();
  const auto hypotheses = hard.abstract(uus);
  ASSERT_EQ(hypotheses.size(), easy.abstract(uus).size());
  const auto hard_samples = hard.generate(hypotheses, 2);
  const auto easy_samples = easy.generate(hypotheses, 2);
  ASSERT_EQ(hard_samples.size(), easy_samples.size());
  std::size_t adversarial = 0;
  std::size_t natural = 0;
  for (std::size_t i = 0; i < hard_samples.size(); ++i) {
    const auto& sample = hard_samples[i];
    ASSERT_EQ(sample.id, easy_samples[i].id);
    const auto label = *kLabels.index_of(sample.label);
    const double p_hard = world().model->probabilities(sample.text)[label];
    const double p_easy = world().model->probabilities(easy_samples[i].text)[label];
    const auto provenance = json::parse(sample.provenance_json);
    EXPECT_EQ(provenance["hard_samples"], true);
    if (provenance["construction"] == "recombination + edits") {
      // The attack edited on until the model was no longer confidently right.
      EXPECT_LT(p_hard, 0.65) << sample.id << ": " << sample.text;
      EXPECT_GE(p_easy, p_hard) << sample.id;
      ++adversarial;
    } else if (sample.id.ends_with("#1")) {
      // The first sample's first candidate source is the one auto-v1 takes; the hardest is no easier.
      EXPECT_LE(p_hard, p_easy) << sample.id;
      ++natural;
    }
  }
  EXPECT_GT(adversarial, 0u);
  EXPECT_GT(natural, 0u);
}

TEST(AutoTeacher, SameSeedSameOutputWhateverTheThreadCount) {
  const auto run = [](int threads) {
    teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(threads));
    auto hypotheses = teacher.abstract(all_uus());
    const auto extrapolations = teacher.extrapolate(all_uus(), hypotheses);
    hypotheses.insert(hypotheses.end(), extrapolations.begin(), extrapolations.end());
    return std::make_pair(hypotheses, teacher.generate(hypotheses, 2));
  };
  const auto [serial_hypotheses, serial_samples] = run(1);
  const auto [parallel_hypotheses, parallel_samples] = run(3);
  ASSERT_EQ(serial_hypotheses.size(), parallel_hypotheses.size());
  for (std::size_t i = 0; i < serial_hypotheses.size(); ++i) {
    EXPECT_EQ(serial_hypotheses[i].text, parallel_hypotheses[i].text);
    EXPECT_EQ(serial_hypotheses[i].details_json, parallel_hypotheses[i].details_json);
  }
  ASSERT_EQ(serial_samples.size(), parallel_samples.size());
  for (std::size_t i = 0; i < serial_samples.size(); ++i) {
    EXPECT_EQ(serial_samples[i].id, parallel_samples[i].id);
    EXPECT_EQ(serial_samples[i].text, parallel_samples[i].text);
    EXPECT_EQ(serial_samples[i].provenance_json, parallel_samples[i].provenance_json);
  }
  // Another seed draws other sources.
  auto other = options(1);
  other.seed = 4;
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), other);
  const auto samples = teacher.generate(serial_hypotheses, 2);
  ASSERT_FALSE(samples.empty());
  EXPECT_NE(samples[0].text, serial_samples[0].text);
}

TEST(AutoTeacher, BlindSpotsGroupTheStatistics) {
  auto uus = world().natural;
  ASSERT_GE(uus.size(), 4u);
  for (std::size_t i = 0; i < uus.size(); ++i) uus[i].blind_spot = i < 2 ? 7 : 8;
  teach::AutoTeacher teacher(world().train, *world().model, uus, options(1));
  const auto hypotheses = teacher.abstract({uus[0], uus[2]});
  ASSERT_EQ(hypotheses.size(), 2u);
  EXPECT_EQ(json::parse(hypotheses[0].details_json)["group_size"], 2);
  EXPECT_EQ(json::parse(hypotheses[1].details_json)["group_size"], uus.size() - 2);
  EXPECT_EQ(hypotheses[0].blind_spot, 7);
  EXPECT_THAT(hypotheses[0].reasoning, HasSubstr("blind spot 7 (2 natural UUs)"));
}

TEST(AutoTeacher, ForeignHypothesesAreLeftOutAsFailures) {
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(1));
  teach::Hypothesis foreign;
  foreign.id = "llm-1";
  foreign.teacher = "llm:some-model";
  teach::Hypothesis malformed;
  malformed.id = "auto-2";
  malformed.teacher = "auto (baseline)";
  malformed.details_json = R"({"version": "auto-v2", "kind": "adversarial", "label": "negative",
                               "operations": {"swap": "many"}})";
  EXPECT_TRUE(teacher.generate({foreign, malformed}, 2).empty());
  const auto failures = teacher.failures();
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].task, "generation");
  EXPECT_EQ(failures[0].item_id, "llm-1");
  EXPECT_EQ(failures[0].reason, "written by llm:some-model, not by the automatic teacher; no samples");
  EXPECT_FALSE(failures[0].retryable);
  EXPECT_EQ(failures[1].task, "generation");
  EXPECT_EQ(failures[1].item_id, "auto-2");
  EXPECT_THAT(failures[1].reason, ::testing::StartsWith("its details_json is malformed: "));
}

TEST(AutoTeacher, LeftOutItemsAreFailuresWithTheirReason) {
  teach::AutoTeacher teacher(world().train, *world().model, all_uus(), options(1));
  const teach::Teacher& as_teacher = teacher;  // what teach() reads
  EXPECT_TRUE(as_teacher.failures().empty());
  const discover::Uu& edited = world().adversarial[0];
  discover::Uu bare = edited;
  bare.id = "dev:9999:deepwordbug";
  bare.blind_spot = 99;  // a blind spot of its own, in which nothing was edited
  bare.edits.clear();
  const auto abstractions = teacher.abstract({edited, bare});
  ASSERT_EQ(abstractions.size(), 1u);
  // The abstraction's UU is not given to extrapolate().
  EXPECT_TRUE(teacher.extrapolate({}, abstractions).empty());

  // Failures accumulate over the calls.
  const auto failures = as_teacher.failures();
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].task, teach::kAbstraction);
  EXPECT_EQ(failures[0].item_id, bare.id);
  EXPECT_EQ(failures[0].reason, "no edits recorded in its blind spot; no hypothesis");
  EXPECT_FALSE(failures[0].retryable);
  EXPECT_EQ(failures[1].task, teach::kExtrapolation);
  EXPECT_EQ(failures[1].item_id, abstractions[0].id);
  EXPECT_EQ(failures[1].reason, "its UU " + edited.id + " was not given; no extrapolation");
  EXPECT_FALSE(failures[1].retryable);
}

TEST(AutoTeacher, UnknownUuLabelIsBadInput) {
  auto uus = world().natural;
  uus[0].true_label = "postive";
  const auto error = test::expect_error([&] { teach::AutoTeacher(world().train, *world().model, uus); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("UU " + uus[0].id +
                                      ": unknown label \"postive\" (labels: negative, positive) (did you mean "
                                      "\"positive\"?)"));

  // The same holds for a UU handed to abstract() later.
  teach::AutoTeacher teacher(world().train, *world().model, world().natural);
  const auto later = test::expect_error([&] { teacher.abstract(uus); });
  EXPECT_EQ(later.kind(), core::ErrorKind::bad_input);
}

TEST(AutoTeacher, SplitAndModelLabelsMustAgree) {
  data::Split train = world().train;
  train.labels = data::LabelSet({"neg", "pos"});
  const auto error = test::expect_error([&] { teach::AutoTeacher(train, *world().model, {}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(),
              HasSubstr("train.csv: the labels of train (neg, pos) differ from the model's (negative, positive)"));
}

}  // namespace
