#pragma once

#include "blindspot/llm/client.hpp"
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

// The four files of a teach run: PREFIX.hypotheses.{jsonl,csv} and PREFIX.samples.{jsonl,csv}.
struct TeachOutputFiles {
  std::filesystem::path hypotheses_jsonl;
  std::filesystem::path hypotheses_csv;
  std::filesystem::path samples_jsonl;
  std::filesystem::path samples_csv;
};
TeachOutputFiles teach_output_files(const std::filesystem::path& prefix);
// Writes all four (each atomically).
void write_teach_outputs(const TeachOutputFiles& files, const TeachResult& result, bool baseline);

// Records what a teach run did as metrics of `run_id`: "teach" (uus_taught, hypotheses, samples,
// samples_accepted, failures), "llm" (http_calls, cached_calls, prompt_tokens, completion_tokens,
// cost_usd of `ledger`) and, for a human teacher's campaign (`campaign_run` > 0), "human"
// (submissions, active_seconds, incomplete_active_seconds: the inputs of its cost), in one
// transaction.
void record_teach_metrics(store::Database& db, std::int64_t run_id, const TeachResult& result,
                          const llm::Ledger& ledger, std::int64_t campaign_run = 0);

// What a run stored, in id order.
std::vector<Hypothesis> stored_hypotheses(store::Database& db, std::int64_t run_id);
std::vector<Sample> stored_samples(store::Database& db, std::int64_t run_id);

}  // namespace blindspot::teach
