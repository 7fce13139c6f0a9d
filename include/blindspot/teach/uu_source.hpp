#pragma once

#include "blindspot/data/label_set.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace blindspot::teach {

// Reads UUs from a file written by `blindspot scan` (*.uus.jsonl: natural UUs) or by
// `blindspot attack` / `eval --adversarial` (*.attacks.jsonl: the rows whose outcome is
// "succeeded" become adversarial UUs; other outcomes are skipped). A file may mix both.
// "label_issue" and "label_quality" (`scan --label-issues`) are read when present, both or neither.
// Throws Error{bad_input} naming the file and line for invalid JSON, a missing or mistyped
// field, or a label outside `labels`; an empty file or one without any UU is an error too.
std::vector<discover::Uu> read_uus_file(const std::filesystem::path& file, const data::LabelSet& labels);

// The same, for files a pipeline wrote itself: an empty file or one without any UU (a scan or an
// attack that found none) gives no UUs instead of an error. Throws as read_uus_file() does for
// anything else.
std::vector<discover::Uu> read_uus_jsonl(const std::filesystem::path& file, const data::LabelSet& labels);

// The UUs a run stored (scan, attack or eval runs: tables uus and attacks), natural first, then
// adversarial, each in split and row order. Throws Error{bad_input} if the run stored none
// or a label is outside `labels`.
std::vector<discover::Uu> read_uus_from_run(store::Database& db, std::int64_t run_id, const data::LabelSet& labels);

// Writes UUs so that read_uus_file() reads them back unchanged, blind spots and label-issue
// verdicts (when label_quality >= 0) included: natural UUs
// as scan writes them, adversarial ones as attack lines with outcome "succeeded". Ids must have
// the form read_uus_file() gives them ("<split>:<row>:<natural|recipe>"). Atomic.
void write_uus_jsonl(const std::filesystem::path& file, const std::vector<discover::Uu>& uus);

}  // namespace blindspot::teach
