#include "blindspot/group/blind_spots.hpp"

#include "blindspot/core/random.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

using namespace blindspot;
using discover::Uu;
using discover::UuKind;
using ::testing::HasSubstr;

namespace {

double normal(core::Rng& rng) {
  const auto uniform = [&rng] { return (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53; };
  return std::sqrt(-2 * std::log(uniform())) * std::cos(2 * 3.14159265358979323846 * uniform());
}

discover::Uu make_uu(const std::string& id, const std::string& text, const std::string& true_label,
           const std::string& predicted_label, discover::UuKind kind = discover::UuKind::natural, double confidence = 0.9) {
  discover::Uu uu;
  uu.id = id;
  uu.kind = kind;
  uu.text = text;
  uu.true_label = true_label;
  uu.predicted_label = predicted_label;
  uu.confidence = confidence;
  return uu;
}

// Three blind spots planted in 10-D sentence vectors (directions e_0, e_1, e_2 with noise),
// interleaved in the input, each with its own topic word and label pattern.
struct Planted {
  std::vector<std::vector<float>> vectors;
  std::vector<discover::Uu> uus;
  std::vector<int> blob;
};

const std::vector<std::string> kTopic = {"stadium", "oven", "galaxy"};

Planted planted() {
  const std::vector<int> sizes = {9, 12, 6};  // the blind spot of blob 1 is the largest: id 0
  core::Rng rng(21);
  Planted result;
  std::vector<int> made(3, 0);
  for (int round = 0; round < 12; ++round) {
    for (int b = 0; b < 3; ++b) {
      if (made[static_cast<std::size_t>(b)] == sizes[static_cast<std::size_t>(b)]) continue;
      const int member = made[static_cast<std::size_t>(b)]++;
      std::vector<float> vector(10);
      // Member 2 of each blob sits exactly on the blob's direction: its representative.
      for (auto& value : vector) value = member == 2 ? 0.0F : static_cast<float>(0.8 * normal(rng));
      vector[static_cast<std::size_t>(b)] += 5;
      const std::string id = "dev:" + std::to_string(result.uus.size()) + ":natural";
      // A one-off filler word ("filler" + the index in letters) beside the topic word.
      std::string filler = "filler";
      for (std::size_t n = result.uus.size() + 1; n > 0; n /= 26) filler += static_cast<char>('a' + n % 26);
      const std::string text = "The " + kTopic[static_cast<std::size_t>(b)] + ", " + filler + ".";
      discover::Uu uu = make_uu(id, text, "positive", "negative");
      if (b == 0 && member < 3) std::swap(uu.true_label, uu.predicted_label);
      if (b == 2) {
        uu.kind = discover::UuKind::adversarial;
        uu.id = "dev:" + std::to_string(result.uus.size()) + ":deepwordbug";
        uu.confidence = 0.7;
      }
      result.vectors.push_back(vector);
      result.uus.push_back(uu);
      result.blob.push_back(b);
    }
  }
  return result;
}

TEST(GroupUus, RecoversPlantedBlindSpotsAndSummarisesThem) {
  Planted data = planted();
  const auto grouping = group::group_uus(data.vectors, data.uus);
  EXPECT_EQ(grouping.k, 3);
  EXPECT_EQ(grouping.selection, group::KSelection::best_silhouette);
  ASSERT_EQ(grouping.scores.size(), 9u);
  EXPECT_EQ(grouping.scores[1].k, 3);
  ASSERT_EQ(grouping.blind_spots.size(), 3u);

  // Ids by size: blob 1 (12) -> 0, blob 0 (9) -> 1, blob 2 (6) -> 2; every UU knows its id.
  const std::vector<int> id_of_blob = {1, 0, 2};
  for (std::size_t i = 0; i < data.uus.size(); ++i) {
    EXPECT_EQ(data.uus[i].blind_spot, id_of_blob[static_cast<std::size_t>(data.blob[i])]) << data.uus[i].id;
  }
  const auto& largest = grouping.blind_spots[0];
  const auto& mixed = grouping.blind_spots[1];
  const auto& adversarial = grouping.blind_spots[2];
  EXPECT_EQ(largest.id, 0);
  EXPECT_EQ(largest.size, 12);
  EXPECT_EQ(mixed.size, 9);
  EXPECT_EQ(adversarial.size, 6);

  EXPECT_EQ(largest.natural_count, 12);
  EXPECT_EQ(largest.adversarial_count, 0);
  EXPECT_EQ(adversarial.natural_count, 0);
  EXPECT_EQ(adversarial.adversarial_count, 6);
  EXPECT_DOUBLE_EQ(largest.mean_confidence, 0.9);
  EXPECT_DOUBLE_EQ(adversarial.mean_confidence, 0.7);

  ASSERT_EQ(mixed.label_flows.size(), 2u);
  EXPECT_EQ(mixed.label_flows[0].true_label, "positive");
  EXPECT_EQ(mixed.label_flows[0].predicted_label, "negative");
  EXPECT_EQ(mixed.label_flows[0].count, 6);
  EXPECT_EQ(mixed.label_flows[1].true_label, "negative");
  EXPECT_EQ(mixed.label_flows[1].count, 3);
  ASSERT_EQ(largest.label_flows.size(), 1u);
  EXPECT_EQ(largest.label_flows[0].count, 12);

  // The topic word is each blind spot's only token: the one-off fillers are below min_token_uus.
  // With the background-count prior (alpha_0 = 54 tokens): for the largest, delta =
  // log(24 / 54) - log(12 / 72) = 0.981, var = 1 / 24 + 1 / 12, z = 2.775.
  for (const auto& [spot, topic] :
       {std::pair{&largest, "oven"}, std::pair{&mixed, "stadium"}, std::pair{&adversarial, "galaxy"}}) {
    ASSERT_EQ(spot->top_tokens.size(), 1u) << topic;
    EXPECT_EQ(spot->top_tokens[0].token, topic);
    EXPECT_EQ(spot->top_tokens[0].uu_count, spot->size);
    EXPECT_EQ(spot->top_tokens[0].other_count, 0);
    EXPECT_GT(spot->top_tokens[0].z, 2.0);
  }
  EXPECT_NEAR(largest.top_tokens[0].z, std::log(24.0 / 54.0 * 72.0 / 12.0) / std::sqrt(1.0 / 24 + 1.0 / 12), 1e-12);

  // Member 2 of each blob lies on its direction, closest to the centroid. UU ids are listed in
  // input order.
  EXPECT_EQ(largest.representative_ids.size(), 3u);
  EXPECT_EQ(largest.representative_ids[0], "dev:7:natural");
  EXPECT_EQ(mixed.representative_ids[0], "dev:6:natural");
  EXPECT_EQ(adversarial.representative_ids[0], "dev:8:deepwordbug");
  ASSERT_EQ(adversarial.uu_ids.size(), 6u);
  EXPECT_EQ(adversarial.uu_ids[0], "dev:2:deepwordbug");
  EXPECT_EQ(adversarial.uu_ids[1], "dev:5:deepwordbug");
}

TEST(GroupUus, SameSeedSameGroupsForAnyThreadCount) {
  Planted data = planted();
  group::GroupOptions options;
  options.clustering.kmeans.seed = 8;
  options.clustering.kmeans.threads = 1;
  auto uus_one = data.uus;
  const auto one = group::to_json(group::group_uus(data.vectors, uus_one, options));
  options.clustering.kmeans.threads = 2;
  auto uus_two = data.uus;
  EXPECT_EQ(group::to_json(group::group_uus(data.vectors, uus_two, options)), one);
  // Well-separated groups are found from any seed (the other candidates' partitions, and so
  // their scores, may differ).
  options.clustering.kmeans.seed = 9;
  auto uus_other = data.uus;
  const auto other = nlohmann::json::parse(group::to_json(group::group_uus(data.vectors, uus_other, options)));
  EXPECT_EQ(other["k"], 3);
  EXPECT_EQ(other["blind_spots"], nlohmann::json::parse(one)["blind_spots"]);
  for (std::size_t i = 0; i < uus_one.size(); ++i) EXPECT_EQ(uus_two[i].blind_spot, uus_one[i].blind_spot);
}

TEST(GroupUus, FewUusFormOneBlindSpotWithCommonTokens) {
  std::vector<discover::Uu> uus = {make_uu("a", "Dull plot, dull cast.", "positive", "negative", discover::UuKind::natural, 0.8),
                         make_uu("b", "A dull evening with the cast.", "positive", "negative", discover::UuKind::natural, 0.9),
                         make_uu("c", "Great plot.", "negative", "positive", discover::UuKind::adversarial, 0.7)};
  const std::vector<std::vector<float>> vectors = {{1, 0}, {0, 1}, {-1, 0}};
  const auto grouping = group::group_uus(vectors, uus);
  EXPECT_EQ(grouping.k, 1);
  EXPECT_EQ(grouping.selection, group::KSelection::single);
  EXPECT_TRUE(grouping.scores.empty());
  ASSERT_EQ(grouping.blind_spots.size(), 1u);
  const auto& spot = grouping.blind_spots[0];
  EXPECT_EQ(spot.size, 3);
  EXPECT_EQ(spot.natural_count, 2);
  EXPECT_EQ(spot.adversarial_count, 1);
  EXPECT_NEAR(spot.mean_confidence, 0.8, 1e-15);
  EXPECT_EQ(spot.uu_ids, (std::vector<std::string>{"a", "b", "c"}));
  // No other UUs to contrast with: tokens in >= 2 UUs by how many contain them, z = 0.
  // "evening" and "great" are in one UU only; "dull" twice in a but counted once per UU.
  ASSERT_EQ(spot.top_tokens.size(), 3u);
  EXPECT_EQ(spot.top_tokens[0].token, "cast");  // 2 UUs each; ties by token
  EXPECT_EQ(spot.top_tokens[1].token, "dull");
  EXPECT_EQ(spot.top_tokens[2].token, "plot");
  EXPECT_EQ(spot.top_tokens[1].uu_count, 2);
  EXPECT_EQ(spot.top_tokens[1].other_count, 0);
  EXPECT_EQ(spot.top_tokens[1].z, 0.0);
  // Centroid (0, 1/3): b at distance 2/3 first, then a and c (equal, input order).
  EXPECT_EQ(spot.representative_ids, (std::vector<std::string>{"b", "a", "c"}));
  for (const auto& uu : uus) EXPECT_EQ(uu.blind_spot, 0);

  std::vector<discover::Uu> none;
  const auto empty = group::group_uus(std::vector<std::vector<float>>{}, none);
  EXPECT_EQ(empty.k, 0);
  EXPECT_EQ(empty.selection, group::KSelection::empty);
  EXPECT_TRUE(empty.blind_spots.empty());
}

TEST(GroupUus, IdenticalVectorsFormOneBlindSpot) {
  std::vector<discover::Uu> uus;
  for (int i = 0; i < 8; ++i) uus.push_back(make_uu("u" + std::to_string(i), "Same text.", "a", "b"));
  const auto grouping = group::group_uus(std::vector<std::vector<float>>(8, {0.5F, 0.5F}), uus);
  EXPECT_EQ(grouping.k, 1);
  EXPECT_EQ(grouping.selection, group::KSelection::single);
  EXPECT_EQ(grouping.blind_spots[0].size, 8);
  EXPECT_EQ(grouping.blind_spots[0].representative_ids, (std::vector<std::string>{"u0", "u1", "u2"}));
}

TEST(GroupUus, JsonHoldsEverySummary) {
  Planted data = planted();
  const auto parsed = nlohmann::json::parse(group::to_json(group::group_uus(data.vectors, data.uus)));
  EXPECT_EQ(parsed["k"], 3);
  EXPECT_EQ(parsed["selection"], "best_silhouette");
  ASSERT_EQ(parsed["scores"].size(), 9u);
  EXPECT_EQ(parsed["scores"][0]["k"], 2);
  EXPECT_TRUE(parsed["scores"][0]["converged"].get<bool>());
  EXPECT_EQ(parsed["scores"][1]["smallest_cluster"], 6);
  EXPECT_TRUE(parsed["scores"][1]["eligible"].get<bool>());
  EXPECT_GT(parsed["scores"][1]["silhouette"].get<double>(), parsed["scores"][0]["silhouette"].get<double>());
  const auto& spot = parsed["blind_spots"][1];
  EXPECT_EQ(spot["id"], 1);
  EXPECT_EQ(spot["size"], 9);
  EXPECT_EQ(spot["natural"], 9);
  EXPECT_EQ(spot["adversarial"], 0);
  EXPECT_DOUBLE_EQ(spot["mean_confidence"].get<double>(), 0.9);
  EXPECT_EQ(spot["labels"][1]["true_label"], "negative");
  EXPECT_EQ(spot["labels"][1]["predicted_label"], "positive");
  EXPECT_EQ(spot["labels"][1]["count"], 3);
  EXPECT_EQ(spot["top_tokens"][0]["token"], "stadium");
  EXPECT_EQ(spot["top_tokens"][0]["uus"], 9);
  EXPECT_EQ(spot["top_tokens"][0]["other_uus"], 0);
  EXPECT_EQ(spot["representatives"][0], "dev:6:natural");
  EXPECT_EQ(spot["uus"].size(), 9u);
  EXPECT_EQ(spot["uus"][0], "dev:0:natural");
}

TEST(GroupUus, RejectsMismatchedInputAndBadOptions) {
  std::vector<discover::Uu> uus = {make_uu("a", "x", "a", "b")};
  auto err = test::expect_error([&] { group::group_uus(std::vector<std::vector<float>>{}, uus); });
  EXPECT_EQ(err.kind(), core::ErrorKind::internal);
  EXPECT_THAT(err.what(), HasSubstr("0 sentence vectors for 1 UUs"));
  group::GroupOptions options;
  options.representatives = -1;
  err = test::expect_error([&] { group::group_uus(std::vector<std::vector<float>>{{1}}, uus, options); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("representatives must be >= 0, got -1"));
  options = {};
  options.clustering.k_max = 1;
  err = test::expect_error([&] { group::group_uus(std::vector<std::vector<float>>{{1}}, uus, options); });
  EXPECT_THAT(err.what(), HasSubstr("k_max (1) must be >= k_min (2)"));
  EXPECT_EQ(uus[0].blind_spot, -1);  // untouched on error
}

// A real fastText model: football words occur mostly in negative training reviews and cooking
// words mostly in positive ones, so a football text without sentiment words is confidently read
// as negative and a cooking one as positive. UUs of the two topics must form separate blind spots.
const std::vector<std::string> kFootball = {"goalkeeper", "stadium", "referee",  "striker",
                                            "penalty",    "league",  "midfield", "fixture"};
const std::vector<std::string> kCooking = {"recipe", "oven",   "saucepan", "garlic",
                                           "simmer", "pastry", "skillet",  "marinade"};
const std::vector<std::string> kNeutral = {"day",   "week",   "friends", "town",  "morning", "evening",
                                           "place", "people", "family",  "hours", "story",   "city"};
const std::vector<std::string> kPositive = {"great", "wonderful", "lovely", "superb"};
const std::vector<std::string> kNegative = {"awful", "terrible", "boring", "dreadful"};

std::string words(core::Rng& rng, const std::vector<std::pair<const std::vector<std::string>*, int>>& parts) {
  std::vector<std::string> chosen;
  for (const auto& [list, count] : parts) {
    for (int i = 0; i < count; ++i) {
      chosen.insert(chosen.begin() + static_cast<std::ptrdiff_t>(rng.below(chosen.size() + 1)),
                    (*list)[rng.below(list->size())]);
    }
  }
  std::string text;
  for (const auto& word : chosen) text += (text.empty() ? "" : " ") + word;
  return text;
}

TEST(GroupUus, TopicsOfARealModelFormSeparateBlindSpots) {
  core::Rng rng(5);
  data::Split train;
  train.name = "train";
  train.labels = data::LabelSet({"negative", "positive"});
  for (int i = 0; i < 600; ++i) {
    const bool football = i % 2 == 0;
    // Football texts are negative 4 times in 5, cooking texts positive 4 times in 5.
    const bool positive = football ? i % 10 == 0 : i % 10 != 1;
    const std::string text =
        words(rng, {{football ? &kFootball : &kCooking, 4}, {&kNeutral, 3}, {positive ? &kPositive : &kNegative, 1}});
    train.examples.push_back({text, positive ? 1 : 0, i + 2});
  }
  model::FastTextOptions fasttext;
  fasttext.epochs = 25;
  model::FastTextClassifier model(fasttext);
  model.train(train, {});

  std::vector<discover::Uu> uus;
  std::vector<bool> is_football;
  for (int i = 0; i < 80 && uus.size() < 30; ++i) {
    const bool football = i % 2 == 0;
    const std::string text = words(rng, {{football ? &kFootball : &kCooking, 5}, {&kNeutral, 3}});
    const auto probabilities = model.probabilities(text);
    const int wrong = football ? 0 : 1;  // the label a sentiment-free text of the topic is read as
    if (probabilities[static_cast<std::size_t>(wrong)] < 0.65) continue;
    uus.push_back(make_uu("dev:" + std::to_string(i) + ":natural", text, football ? "positive" : "negative",
                          football ? "negative" : "positive", discover::UuKind::natural,
                          probabilities[static_cast<std::size_t>(wrong)]));
    is_football.push_back(football);
  }
  const auto football_count = std::count(is_football.begin(), is_football.end(), true);
  ASSERT_GE(football_count, 8);
  ASSERT_GE(static_cast<long>(uus.size()) - football_count, 8);

  const auto grouping = group::group_uus(model, uus);
  EXPECT_EQ(grouping.k, 2);
  std::set<int> football_spots;
  std::set<int> cooking_spots;
  for (std::size_t i = 0; i < uus.size(); ++i) {
    (is_football[i] ? football_spots : cooking_spots).insert(uus[i].blind_spot);
  }
  for (const int spot : football_spots) {
    EXPECT_EQ(cooking_spots.count(spot), 0u) << "blind spot " << spot << " mixes topics";
  }
  // Each blind spot's top tokens are its topic's words, its labels one direction.
  for (const auto& spot : grouping.blind_spots) {
    const bool football = football_spots.count(spot.id) > 0;
    const auto& topic = football ? kFootball : kCooking;
    const auto& other_topic = football ? kCooking : kFootball;
    ASSERT_GE(spot.top_tokens.size(), 3u);
    for (std::size_t t = 0; t < spot.top_tokens.size(); ++t) {
      const auto& token = spot.top_tokens[t].token;
      // Neutral words may lean one way by chance, but never above the topic's own words, and the
      // other topic's words never appear.
      if (t < 3) {
        EXPECT_NE(std::find(topic.begin(), topic.end(), token), topic.end()) << token;
      }
      EXPECT_EQ(std::find(other_topic.begin(), other_topic.end(), token), other_topic.end()) << token;
    }
    ASSERT_EQ(spot.label_flows.size(), 1u);
    EXPECT_EQ(spot.label_flows[0].predicted_label, football ? "negative" : "positive");
  }

  // The model overload is the vector overload on the model's sentence vectors.
  std::vector<std::vector<float>> vectors;
  for (const auto& uu : uus) vectors.push_back(model.sentence_vector(uu.text));
  auto copy = uus;
  EXPECT_EQ(group::to_json(group::group_uus(vectors, copy)), group::to_json(grouping));
}

}  // namespace
