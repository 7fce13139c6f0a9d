// Every CSV of ../shared/data reads with the default options; imdb and sst2 have the row
// counts and labels that ../shared/data/README.md states.

#include "blindspot/data/dataset_reader.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

using namespace blindspot;
using ::testing::ElementsAre;

namespace {

namespace fs = std::filesystem;

std::size_t rows_of(const std::string& dataset, const std::string& split) {
  return data::read_records(data::find_split_file(test::shared_data(dataset), split)).size();
}

}  // namespace

TEST(SharedData, EveryCsvOfEveryFolderReads) {
  const fs::path root = test::shared_data("");
  ASSERT_TRUE(fs::is_directory(root)) << root;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  EXPECT_EQ(folders.size(), 12u);
  std::size_t files = 0;
  for (const auto& folder : folders) {
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() != ".csv") continue;
      SCOPED_TRACE(entry.path().string());
      EXPECT_NO_THROW({
        const auto records = data::read_records(entry.path());
        EXPECT_FALSE(records.empty());
      });
      ++files;
    }
  }
  // 10 folders x 3 splits, imdb-cad 9 files, imdb-deepwordbug-uus 2.
  EXPECT_EQ(files, 41u);
}

TEST(SharedData, ImdbAndSst2HaveTheDocumentedRowsAndLabels) {
  EXPECT_EQ(rows_of("imdb", "train"), 10000u);
  EXPECT_EQ(rows_of("imdb", "dev"), 2000u);
  EXPECT_EQ(rows_of("imdb", "test"), 5000u);
  EXPECT_EQ(rows_of("sst2", "train"), 6920u);
  EXPECT_EQ(rows_of("sst2", "dev"), 872u);
  EXPECT_EQ(rows_of("sst2", "test"), 1821u);
  for (const std::string name : {"imdb", "sst2"}) {
    const auto train = data::read_training_split(test::shared_data(name) / "train.csv", std::nullopt);
    EXPECT_THAT(train.labels.names(), ElementsAre("negative", "positive")) << name;
    EXPECT_EQ(train.content_hash.size(), 64u);
    for (const std::string split : {"dev", "test"}) {
      EXPECT_NO_THROW(data::read_split(data::find_split_file(test::shared_data(name), split), train.labels)) << name;
    }
  }
}

TEST(SharedData, ImdbLabelsAreBalanced) {
  const auto train = data::read_training_split(test::shared_data("imdb") / "train.csv", std::nullopt);
  std::map<int, std::size_t> counts;
  for (const auto& example : train.examples) ++counts[example.label];
  EXPECT_EQ(counts[0], 5000u);
  EXPECT_EQ(counts[1], 5000u);
}
