#include "blindspot/data/dataset_reader.hpp"

#include "blindspot/core/sha256.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

using namespace blindspot;
using data::LabelSet;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DatasetReader, MissingFileIsIoNamingTheFile) {
  const auto error = test::expect_error([] { data::read_records("/nonexistent/train.csv"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_STREQ(error.what(), "/nonexistent/train.csv: cannot open file: No such file or directory");
}

TEST(DatasetReader, FolderInsteadOfFileIsBadInput) {
  test::TempDir dir;
  const auto error = test::expect_error([&] { data::read_records(dir.path()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("is a folder, not a data file"));
}

TEST(DatasetReader, UnknownExtensionNeedsAnExplicitFormat) {
  test::TempDir dir;
  test::write_text(dir / "data.txt", "text,label\ngood,positive\n");
  const auto error = test::expect_error([&] { data::read_records(dir / "data.txt"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()),
            (dir / "data.txt").string() +
                ": cannot tell the file format from the extension \".txt\" (expected .csv, .tsv, .tab, .jsonl, .json "
                "or .ndjson; or set the format explicitly)");
  data::ReadOptions options;
  options.format = data::FileFormat::csv;
  EXPECT_EQ(data::read_records(dir / "data.txt", options).size(), 1u);
  // The extension is matched without regard to case.
  test::write_text(dir / "DATA.CSV", "text,label\ngood,positive\n");
  EXPECT_EQ(data::read_records(dir / "DATA.CSV").size(), 1u);
}

TEST(DatasetReader, ReadSplitResolvesLabelsAndHashesTheBytes) {
  test::TempDir dir;
  const std::string content = "text,label\ngood,positive\nbad,negative\n";
  test::write_text(dir / "dev.csv", content);
  const auto split = data::read_split(dir / "dev.csv", LabelSet({"negative", "positive"}));
  EXPECT_EQ(split.name, "dev");
  EXPECT_EQ(split.file, dir / "dev.csv");
  EXPECT_EQ(split.content_hash, core::sha256_hex(content));
  ASSERT_EQ(split.examples.size(), 2u);
  EXPECT_EQ(split.examples[0].text, "good");
  EXPECT_EQ(split.examples[0].label, 1);
  EXPECT_EQ(split.examples[0].line, 2);
  EXPECT_EQ(split.examples[1].label, 0);
}

TEST(DatasetReader, TrainingSplitTakesSortedLabelsFromTheData) {
  test::TempDir dir;
  test::write_text(dir / "train.csv", "text,label\na,sports\nb,business\nc,world\nd,sports\n");
  const auto split = data::read_training_split(dir / "train.csv", std::nullopt);
  EXPECT_THAT(split.labels.names(), ElementsAre("business", "sports", "world"));
  ASSERT_EQ(split.examples.size(), 4u);
  EXPECT_EQ(split.examples[0].label, 1);
  EXPECT_EQ(split.examples[1].label, 0);
  EXPECT_EQ(split.examples[2].label, 2);
}

TEST(DatasetReader, TrainingSplitWithExplicitLabelsRejectsOthers) {
  test::TempDir dir;
  test::write_text(dir / "train.csv", "text,label\na,positive\nb,postive\n");
  const auto error = test::expect_error([&] {
    data::read_training_split(dir / "train.csv", LabelSet({"negative", "positive"}));
  });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), (dir / "train.csv").string() +
                                           ":3: column \"label\": unknown label \"postive\" (labels: negative, "
                                           "positive; did you mean \"positive\"?)");
  // The explicit order is kept, not sorted.
  test::write_text(dir / "ok.csv", "text,label\na,positive\nb,negative\n");
  const auto split = data::read_training_split(dir / "ok.csv", LabelSet({"positive", "negative"}));
  EXPECT_THAT(split.labels.names(), ElementsAre("positive", "negative"));
  EXPECT_EQ(split.examples[1].label, 1);
}

TEST(DatasetReader, UnknownLabelNamesTheConfiguredColumn) {
  test::TempDir dir;
  test::write_text(dir / "s.csv", "review,sentiment\ngreat,pos\n");
  data::ReadOptions options;
  options.text_column = "review";
  options.label_column = "sentiment";
  const auto error = test::expect_error([&] { data::read_split(dir / "s.csv", LabelSet({"negative"}), options); });
  EXPECT_THAT(error.what(), HasSubstr("s.csv:2: column \"sentiment\": unknown label \"pos\" (labels: negative)"));
}

TEST(DatasetReader, MakeSplitNamesLineAndSuggests) {
  const std::vector<data::Record> records = {{"good", "positive", 2}, {"bad", "negaitve", 7}};
  const auto error = test::expect_error([&] {
    data::make_split("dev", "data/dev.csv", records, LabelSet({"negative", "positive"}));
  });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_STREQ(error.what(),
               "data/dev.csv:7: column \"label\": unknown label \"negaitve\" (labels: negative, positive; did you "
               "mean \"negative\"?)");
  ASSERT_TRUE(error.where().has_value());
  EXPECT_EQ(error.where()->line, 7);
  EXPECT_EQ(error.where()->field, "label");

  const auto split = data::make_split("mine", "not/a/file.csv", {records[0]}, LabelSet({"negative", "positive"}));
  EXPECT_EQ(split.name, "mine");
  EXPECT_EQ(split.content_hash, "");  // no file to hash
  ASSERT_EQ(split.examples.size(), 1u);
  EXPECT_EQ(split.examples[0].label, 1);
  EXPECT_EQ(split.examples[0].line, 2);
}

TEST(DatasetReader, LongLabelListsAreShortened) {
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i) names.push_back("label" + std::to_string(100 + i));
  const auto error = test::expect_error([&] { data::make_split("x", "x.csv", {{"t", "zzz", 2}}, LabelSet(names)); });
  EXPECT_THAT(error.what(), HasSubstr("label118, label119, ... (25 in all))"));
}

TEST(DatasetReader, FindSplitFilePrefersCsvThenTsvThenJsonl) {
  test::TempDir dir;
  test::write_text(dir / "train.jsonl", "{}\n");
  EXPECT_EQ(data::find_split_file(dir.path(), "train"), dir / "train.jsonl");
  test::write_text(dir / "train.tsv", "x\n");
  EXPECT_EQ(data::find_split_file(dir.path(), "train"), dir / "train.tsv");
  test::write_text(dir / "train.csv", "x\n");
  EXPECT_EQ(data::find_split_file(dir.path(), "train"), dir / "train.csv");
}

TEST(DatasetReader, FindSplitFileListsWhatIsThere) {
  test::TempDir dir;
  test::write_text(dir / "dev.csv", "x\n");
  test::write_text(dir / "test.csv", "x\n");
  const auto error = test::expect_error([&] { data::find_split_file(dir.path(), "train"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), dir.path().string() +
                                           ": no split \"train\" in this folder (looked for train.csv, train.tsv, "
                                           "train.jsonl; files here: dev.csv, test.csv)");
  const auto missing = test::expect_error([&] { data::find_split_file(dir / "nope", "train"); });
  EXPECT_EQ(std::string(missing.what()), (dir / "nope").string() + ": no such folder");
}

TEST(DatasetReader, ResolveSplitFileTakesAFileOrAFolder) {
  test::TempDir dir;
  test::write_text(dir / "dev.csv", "x\n");
  test::write_text(dir / "other.csv", "x\n");
  EXPECT_EQ(data::resolve_split_file(dir.path(), "dev"), dir / "dev.csv");
  EXPECT_EQ(data::resolve_split_file(dir / "other.csv", "dev"), dir / "other.csv");
  // A path that does not exist is passed on, so reading it reports the missing file (io).
  EXPECT_EQ(data::resolve_split_file(dir / "missing.csv", "dev"), dir / "missing.csv");
}

TEST(DatasetReader, OtherFieldsAreKeptOnRequestInEveryFormat) {
  test::TempDir dir;
  test::write_text(dir / "a.csv", "worker,text,label,\"sec,onds\"\nw1,\"good, really\",positive,12\n");
  test::write_text(dir / "a.tsv", "worker\ttext\tlabel\tseconds\nw1\tgood\tpositive\t12\n");
  test::write_text(dir / "a.jsonl", R"({"worker":"w1","text":"good","label":"positive","seconds":12,"tags":["a"]})"
                                    "\n");
  data::ReadOptions options;
  options.keep_other_fields = true;
  const auto csv = data::read_records(dir / "a.csv", options);
  ASSERT_EQ(csv.size(), 1u);
  using Field = std::pair<std::string, std::string>;
  EXPECT_THAT(csv[0].other_fields, ElementsAre(Field{"worker", "w1"}, Field{"sec,onds", "12"}));
  EXPECT_EQ(csv[0].text, "good, really");
  EXPECT_THAT(data::read_records(dir / "a.tsv", options)[0].other_fields,
              ElementsAre(Field{"worker", "w1"}, Field{"seconds", "12"}));
  EXPECT_THAT(data::read_records(dir / "a.jsonl", options)[0].other_fields,
              ElementsAre(Field{"seconds", "12"}, Field{"tags", "[\"a\"]"}, Field{"worker", "w1"}));
  EXPECT_TRUE(data::read_records(dir / "a.csv")[0].other_fields.empty());
}

TEST(DatasetReader, AnOptionalLabelColumnMayBeAbsentButNotEmpty) {
  test::TempDir dir;
  test::write_text(dir / "h.csv", "hypothesis\nnegations confuse it\n");
  test::write_text(dir / "h.jsonl", R"({"hypothesis":"negations confuse it"})"
                                    "\n");
  data::ReadOptions options;
  options.text_column = "hypothesis";
  options.label_optional = true;
  for (const char* name : {"h.csv", "h.jsonl"}) {
    const auto records = data::read_records(dir / name, options);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].text, "negations confuse it");
    EXPECT_EQ(records[0].label, "");
  }
  test::write_text(dir / "e.csv", "hypothesis,label\nnegations,\n");
  const auto error = test::expect_error([&] { data::read_records(dir / "e.csv", options); });
  EXPECT_THAT(error.what(), HasSubstr("e.csv:2: column \"label\": label is empty"));
  options.label_optional = false;
  EXPECT_THAT(test::expect_error([&] { data::read_records(dir / "h.csv", options); }).what(),
              HasSubstr("no such column"));
}

namespace {

// Takes CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH out of this process's effective capabilities while
// it lives (they stay permitted, so the destructor can take them back): root then meets file
// permissions like anyone else. Does nothing for other users, who have neither.
class WithoutPermissionOverride {
 public:
  WithoutPermissionOverride() {
    if (::syscall(SYS_capget, &header_, saved_) != 0) return;
    __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
    reduced[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
    dropped_ = ::syscall(SYS_capset, &header_, reduced) == 0;
  }
  ~WithoutPermissionOverride() {
    if (dropped_) ::syscall(SYS_capset, &header_, saved_);
  }
  WithoutPermissionOverride(const WithoutPermissionOverride&) = delete;
  WithoutPermissionOverride& operator=(const WithoutPermissionOverride&) = delete;

 private:
  __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved_[2] = {};
  bool dropped_ = false;
};

}  // namespace

// Issue 13, finding 7: a folder that cannot be listed said "files here: none".
TEST(DatasetReader, AnUnreadableFolderSaysSo) {
  test::TempDir dir;
  const auto folder = dir / "locked";
  std::filesystem::create_directory(folder);
  test::write_text(folder / "dev.csv", "text,label\nx,y\n");
  std::filesystem::permissions(folder, std::filesystem::perms::none);
  std::optional<core::Error> error;
  {
    const WithoutPermissionOverride as_anyone;
    try {
      data::find_split_file(folder, "train");
    } catch (const core::Error& caught) {
      error = caught;
    }
  }
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
  ASSERT_TRUE(error.has_value()) << "the locked folder was read (capabilities could not be dropped?)";
  EXPECT_EQ(error->kind(), core::ErrorKind::io);
  EXPECT_EQ(std::string(error->what()), folder.string() + ": cannot read this folder: Permission denied");
}

// Issue 13, findings 4 and 5: a split from a pipe (bash's <(...)) is read once, hashed from the
// bytes read; a device is refused at once.
TEST(DatasetReader, ASplitFromAPipeIsReadOnceAndADeviceIsRefused) {
  const std::string content = "text,label\ngood,positive\n";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fds[1]);
  data::ReadOptions csv;
  csv.format = data::FileFormat::csv;
  const std::filesystem::path piped = "/dev/fd/" + std::to_string(fds[0]);
  const auto split = data::read_training_split(piped, std::nullopt, csv);
  ::close(fds[0]);
  ASSERT_EQ(split.examples.size(), 1u);
  EXPECT_EQ(split.content_hash, core::sha256_hex(content));
  const auto error = test::expect_error([&] { data::read_records("/dev/zero", csv); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), "/dev/zero: is a device, not a file");
}
