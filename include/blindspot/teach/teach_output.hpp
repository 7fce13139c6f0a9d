#pragma once

#include "blindspot/store/database.hpp"
#include "blindspot/teach/teach_session.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace blindspot::teach {

// One JSON object per line, every field of Hypothesis plus "baseline" (true for the automatic
// teacher's output, so a baseline is never mistaken for a real teacher's work); details and
// provenance are nested objects. Files are replaced atomically.
void write_hypotheses_jsonl(const std::filesystem::path& file, const std::vector<Hypothesis>& hypotheses,
                            bool baseline);
// Header id,task,uu_id,parent_id,blind_spot,teacher,baseline,prompt_version,text,reasoning,details,provenance.
void write_hypotheses_csv(const std::filesystem::path& file, const std::vector<Hypothesis>& hypotheses, bool baseline);

// Every sample with its verdict: accepted, rejection (reason code) and rejection_detail.
void write_samples_jsonl(const std::filesystem::path& file, const std::vector<Sample>& samples, bool baseline);
// Reads a file written by write_samples_jsonl back. Throws Error{bad_input} naming the file and
// line for a line that is not such a sample.
std::vector<Sample> read_samples_jsonl(const std::filesystem::path& file);

// Header id,hypothesis_id,teacher,baseline,prompt_version,text,label,reasoning,accepted,rejection,
// rejection_detail,provenance. Its text,label columns make it a dataset file blindspot can read.
void write_samples_csv(const std::filesystem::path& file, const std::vector<Sample>& samples, bool baseline);

// Stores the hypotheses and samples of a teach run (tables hypotheses and samples) in one
// transaction, replacing what the run stored before.
void record_teaching(store::Database& db, std::int64_t run_id, const TeachResult& result);

// What a run stored, in id order.
std::vector<Hypothesis> stored_hypotheses(store::Database& db, std::int64_t run_id);
std::vector<Sample> stored_samples(store::Database& db, std::int64_t run_id);

}  // namespace blindspot::teach
