#include "blindspot/data/dataset_reader.hpp"

#include "blindspot/core/read_file.hpp"
#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "record_parsing.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

namespace blindspot::data {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;

// An unknown-label message lists the labels; past this many it shows the first ones only.
constexpr std::size_t kMaxLabelsListed = 20;
// find_split_file's error lists the folder's files, at most this many.
constexpr std::size_t kMaxFilesListed = 10;
constexpr const char* kSplitExtensions[] = {".csv", ".tsv", ".jsonl"};

FileFormat format_of(const std::filesystem::path& file, const ReadOptions& options) {
  if (options.format) return *options.format;
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".csv") return FileFormat::csv;
  if (extension == ".tsv" || extension == ".tab") return FileFormat::tsv;
  if (extension == ".jsonl" || extension == ".json" || extension == ".ndjson") return FileFormat::jsonl;
  throw Error(ErrorKind::bad_input,
              "cannot tell the file format from the extension \"" + file.extension().string() +
                  "\" (expected .csv, .tsv, .tab, .jsonl, .json or .ndjson; or set the format explicitly)",
              InputLocation{file, 0, ""});
}

// Reads and parses `file`, keeping its bytes in `bytes` for the content hash.
std::vector<Record> read_records_keeping_bytes(const std::filesystem::path& file, const ReadOptions& options,
                                               std::string& bytes) {
  std::error_code ignored;
  if (std::filesystem::is_directory(file, ignored)) {
    throw Error(ErrorKind::bad_input, "is a folder, not a data file (name a train, dev or test file in it)",
                InputLocation{file, 0, ""});
  }
  bytes = core::read_file(file);
  const FileFormat format = format_of(file, options);
  const detail::SourceText source = detail::check_source(file, bytes);
  switch (format) {
    case FileFormat::csv:
      return detail::parse_csv(source, options);
    case FileFormat::tsv:
      return detail::parse_tsv(source, options);
    case FileFormat::jsonl:
      return detail::parse_jsonl(source, options);
  }
  throw Error(ErrorKind::internal, "unhandled file format", InputLocation{file, 0, ""});
}

std::string listed_labels(const LabelSet& labels) {
  if (labels.empty()) return "none";
  if (labels.size() <= kMaxLabelsListed) return labels.joined();
  std::string out;
  for (std::size_t i = 0; i < kMaxLabelsListed; ++i) out += labels.name(i) + ", ";
  return out + "... (" + std::to_string(labels.size()) + " in all)";
}

// Takes the records by value so that read_split can move each text into its Example.
Split resolve_labels(std::string name, const std::filesystem::path& file, std::vector<Record> records,
                     const LabelSet& labels, const std::string& label_column) {
  std::unordered_map<std::string_view, int> index;
  for (std::size_t i = 0; i < labels.size(); ++i) index.emplace(labels.name(i), static_cast<int>(i));
  Split split{std::move(name), file, "", labels, {}};
  split.examples.reserve(records.size());
  for (Record& record : records) {
    const auto found = index.find(record.label);
    if (found == index.end()) {
      std::string message = "unknown label \"" + record.label + "\" (labels: " + listed_labels(labels);
      if (const auto match = core::closest_match(record.label, labels.names())) {
        message += "; did you mean \"" + *match + "\"?";
      }
      throw Error(ErrorKind::bad_input, message + ")", InputLocation{file, record.line, label_column});
    }
    split.examples.push_back(Example{std::move(record.text), found->second, record.line});
  }
  return split;
}

Error unreadable_folder(const std::filesystem::path& directory, const std::error_code& error) {
  return Error(ErrorKind::io, "cannot read this folder: " + error.message(), InputLocation{directory, 0, ""});
}

LabelSet labels_of(const std::vector<Record>& records) {
  std::unordered_set<std::string_view> distinct;
  for (const Record& record : records) distinct.insert(record.label);
  return LabelSet::sorted_from(std::vector<std::string>(distinct.begin(), distinct.end()));
}

}  // namespace

std::vector<Record> read_records(const std::filesystem::path& file, const ReadOptions& options) {
  std::string bytes;
  return read_records_keeping_bytes(file, options, bytes);
}

Split make_split(std::string name, const std::filesystem::path& file, const std::vector<Record>& records,
                 const LabelSet& labels) {
  Split split = resolve_labels(std::move(name), file, records, labels, ReadOptions{}.label_column);
  std::error_code ignored;
  if (std::filesystem::is_regular_file(file, ignored)) split.content_hash = core::sha256_file(file);
  return split;
}

Split read_split(const std::filesystem::path& file, const LabelSet& labels, const ReadOptions& options) {
  std::string bytes;
  std::vector<Record> records = read_records_keeping_bytes(file, options, bytes);
  Split split = resolve_labels(file.stem().string(), file, std::move(records), labels, options.label_column);
  split.content_hash = core::sha256_hex(bytes);
  return split;
}

Split read_training_split(const std::filesystem::path& file, const std::optional<LabelSet>& labels,
                          const ReadOptions& options) {
  if (labels) return read_split(file, *labels, options);
  std::string bytes;
  std::vector<Record> records = read_records_keeping_bytes(file, options, bytes);
  const LabelSet found = labels_of(records);
  Split split = resolve_labels(file.stem().string(), file, std::move(records), found, options.label_column);
  split.content_hash = core::sha256_hex(bytes);
  return split;
}

std::filesystem::path find_split_file(const std::filesystem::path& directory, const std::string& name) {
  std::error_code error;
  if (!std::filesystem::is_directory(std::filesystem::status(directory, error))) {
    if (error && error != std::errc::no_such_file_or_directory) throw unreadable_folder(directory, error);
    throw Error(ErrorKind::bad_input, "no such folder", InputLocation{directory, 0, ""});
  }
  // Opened first: a folder that cannot be listed would otherwise look empty ("files here: none").
  std::filesystem::directory_iterator listing(directory, error);
  if (error) throw unreadable_folder(directory, error);
  std::string wanted;
  for (const char* extension : kSplitExtensions) {
    const auto candidate = directory / (name + extension);
    if (std::filesystem::is_regular_file(std::filesystem::status(candidate, error))) return candidate;
    if (error && error != std::errc::no_such_file_or_directory) {
      throw Error(ErrorKind::io, "cannot read file: " + error.message(), InputLocation{candidate, 0, ""});
    }
    wanted += (wanted.empty() ? "" : ", ") + name + extension;
  }
  std::vector<std::string> present;
  error.clear();
  for (; listing != std::filesystem::directory_iterator(); listing.increment(error)) {
    std::error_code ignored;  // an entry that cannot be looked at is not listed
    if (listing->is_regular_file(ignored)) present.push_back(listing->path().filename().string());
  }
  if (error) throw unreadable_folder(directory, error);
  std::sort(present.begin(), present.end());
  std::string files;
  for (std::size_t i = 0; i < present.size() && i < kMaxFilesListed; ++i) files += (i > 0 ? ", " : "") + present[i];
  if (present.size() > kMaxFilesListed) files += ", ...";
  throw Error(ErrorKind::bad_input,
              "no split \"" + name + "\" in this folder (looked for " + wanted +
                  "; files here: " + (files.empty() ? "none" : files) + ")",
              InputLocation{directory, 0, ""});
}

std::filesystem::path resolve_split_file(const std::filesystem::path& where, const std::string& default_split) {
  std::error_code ignored;
  if (std::filesystem::is_directory(where, ignored)) return find_split_file(where, default_split);
  return where;
}

}  // namespace blindspot::data
