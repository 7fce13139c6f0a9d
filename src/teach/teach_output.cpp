#include "blindspot/teach/teach_output.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/line_reader.hpp"
#include "blindspot/core/read_file.hpp"
#include "blindspot/data/csv_writer.hpp"
#include "blindspot/data/json_line_error.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/human_teacher.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace blindspot::teach {
namespace {

using nlohmann::ordered_json;

ordered_json parsed(const std::string& json_text) { return ordered_json::parse(json_text); }

ordered_json hypothesis_json(const Hypothesis& h, bool baseline) {
  return {{"id", h.id},
          {"task", h.task},
          {"uu_id", h.uu_id},
          {"parent_id", h.parent_id},
          {"blind_spot", h.blind_spot},
          {"teacher", h.teacher},
          {"baseline", baseline},
          {"prompt_version", h.prompt_version},
          {"text", h.text},
          {"reasoning", h.reasoning},
          {"details", parsed(h.details_json)},
          {"provenance", parsed(h.provenance_json)}};
}

ordered_json sample_json(const Sample& s, bool baseline) {
  return {{"id", s.id},
          {"hypothesis_id", s.hypothesis_id},
          {"teacher", s.teacher},
          {"baseline", baseline},
          {"prompt_version", s.prompt_version},
          {"text", s.text},
          {"label", s.label},
          {"reasoning", s.reasoning},
          {"accepted", s.accepted},
          {"rejection", s.rejection},
          {"rejection_detail", s.rejection_detail},
          {"provenance", parsed(s.provenance_json)}};
}

// Replacing invalid UTF-8 keeps a reply's stray bytes from aborting the whole output.
std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

template <typename Item, typename ToJson>
void write_jsonl(const std::filesystem::path& file, const std::vector<Item>& items, ToJson to_json) {
  core::AtomicFile out(file);
  for (const Item& item : items) out.stream() << dump(to_json(item)) << '\n';
  out.commit();
}

template <typename Item, typename ToJson>
void write_csv(const std::filesystem::path& file, const std::vector<Item>& items, ToJson to_json) {
  core::AtomicFile out(file);
  // The header comes from an empty item, so a file without rows still names its columns.
  std::vector<std::string> names;
  const ordered_json empty = to_json(Item{});
  for (const auto& field : empty.items()) names.push_back(field.key());
  data::write_csv_row(out.stream(), names);
  for (const Item& item : items) {
    std::vector<std::string> row;
    const ordered_json object = to_json(item);
    for (const auto& field : object.items()) {
      row.push_back(field.value().is_string() ? field.value().get<std::string>() : dump(field.value()));
    }
    data::write_csv_row(out.stream(), row);
  }
  out.commit();
}

// One line of a samples file; every error names the file, the line and the key.
class SampleLine {
 public:
  SampleLine(const std::filesystem::path& file, std::int64_t line) : file_(file), line_(line) {}

  Sample parse(std::string_view row) const {
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(row.begin(), row.end());
    } catch (const nlohmann::json::exception&) {
      throw data::json_line_error(file_, line_, row);  // also a number that overflows a double
    }
    if (!value.is_object()) throw error("", "not a sample line: expected a JSON object");
    Sample s;
    s.id = string_of(value, "id");
    s.hypothesis_id = string_of(value, "hypothesis_id");
    s.teacher = string_of(value, "teacher");
    s.prompt_version = string_of(value, "prompt_version");
    s.text = string_of(value, "text");
    s.label = string_of(value, "label");
    s.reasoning = string_of(value, "reasoning");
    const nlohmann::json& accepted = member(value, "accepted");
    if (!accepted.is_boolean()) throw error("accepted", "must be true or false, got " + kind_of(accepted));
    s.accepted = accepted.get<bool>();
    s.rejection = string_of(value, "rejection");
    s.rejection_detail = string_of(value, "rejection_detail");
    s.provenance_json = member(value, "provenance").dump();
    return s;
  }

 private:
  static std::string kind_of(const nlohmann::json& value) {
    const std::string name = value.type_name();
    return (name.find_first_of("aeiou") == 0 ? "an " : "a ") + name;
  }
  core::Error error(const char* key, const std::string& message) const {
    return core::Error(core::ErrorKind::bad_input, message, core::InputLocation{file_, line_, key});
  }
  const nlohmann::json& member(const nlohmann::json& object, const char* key) const {
    const auto it = object.find(key);
    if (it == object.end()) throw error(key, "key is missing");
    return *it;
  }
  std::string string_of(const nlohmann::json& object, const char* key) const {
    const nlohmann::json& value = member(object, key);
    if (!value.is_string()) throw error(key, "must be a JSON string, got " + kind_of(value));
    return value.get<std::string>();
  }

  const std::filesystem::path& file_;
  std::int64_t line_;
};

}  // namespace

void write_hypotheses_jsonl(const std::filesystem::path& file, const std::vector<Hypothesis>& hypotheses,
                            bool baseline) {
  write_jsonl(file, hypotheses, [&](const Hypothesis& h) { return hypothesis_json(h, baseline); });
}

void write_hypotheses_csv(const std::filesystem::path& file, const std::vector<Hypothesis>& hypotheses, bool baseline) {
  write_csv(file, hypotheses, [&](const Hypothesis& h) { return hypothesis_json(h, baseline); });
}

void write_samples_jsonl(const std::filesystem::path& file, const std::vector<Sample>& samples, bool baseline) {
  write_jsonl(file, samples, [&](const Sample& s) { return sample_json(s, baseline); });
}

std::vector<Sample> read_samples_jsonl(const std::filesystem::path& file) {
  const std::string content = core::read_file(file);
  std::vector<Sample> samples;
  core::LineReader lines(content);
  while (const auto row = lines.next()) {
    if (row->empty()) continue;
    samples.push_back(SampleLine(file, lines.number()).parse(*row));
  }
  return samples;
}

void write_samples_csv(const std::filesystem::path& file, const std::vector<Sample>& samples, bool baseline) {
  write_csv(file, samples, [&](const Sample& s) { return sample_json(s, baseline); });
}

void record_teaching(store::Database& db, std::int64_t run_id, const TeachResult& result) {
  db.transaction([&] {
    auto clear_hypotheses = db.prepare("DELETE FROM hypotheses WHERE run_id = ?");
    clear_hypotheses.bind(1, run_id).run();
    auto clear_samples = db.prepare("DELETE FROM samples WHERE run_id = ?");
    clear_samples.bind(1, run_id).run();
    auto insert_hypothesis = db.prepare(
        "INSERT INTO hypotheses (run_id, id, task, uu_id, parent_id, blind_spot, teacher, prompt_version, text, "
        "reasoning, details, provenance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const Hypothesis& h : result.hypotheses) {
      insert_hypothesis.reset();
      insert_hypothesis.bind(1, run_id)
          .bind(2, h.id)
          .bind(3, h.task)
          .bind(4, h.uu_id)
          .bind(5, h.parent_id)
          .bind(6, h.blind_spot)
          .bind(7, h.teacher)
          .bind(8, h.prompt_version)
          .bind(9, h.text)
          .bind(10, h.reasoning)
          .bind(11, h.details_json)
          .bind(12, h.provenance_json)
          .run();
    }
    auto insert_sample = db.prepare(
        "INSERT INTO samples (run_id, id, hypothesis_id, teacher, prompt_version, text, label, reasoning, accepted, "
        "rejection, rejection_detail, provenance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const Sample& s : result.samples) {
      insert_sample.reset();
      insert_sample.bind(1, run_id)
          .bind(2, s.id)
          .bind(3, s.hypothesis_id)
          .bind(4, s.teacher)
          .bind(5, s.prompt_version)
          .bind(6, s.text)
          .bind(7, s.label)
          .bind(8, s.reasoning)
          .bind(9, s.accepted ? 1 : 0)
          .bind(10, s.rejection)
          .bind(11, s.rejection_detail)
          .bind(12, s.provenance_json)
          .run();
    }
  });
}

std::vector<Hypothesis> stored_hypotheses(store::Database& db, std::int64_t run_id) {
  auto query = db.prepare(
      "SELECT id, task, uu_id, parent_id, blind_spot, teacher, prompt_version, text, reasoning, details, provenance "
      "FROM hypotheses WHERE run_id = ? ORDER BY id");
  query.bind(1, run_id);
  std::vector<Hypothesis> out;
  while (query.step()) {
    Hypothesis h;
    h.id = query.column_text(0);
    h.task = query.column_text(1);
    h.uu_id = query.column_text(2);
    h.parent_id = query.column_text(3);
    h.blind_spot = static_cast<int>(query.column_int64(4));
    h.teacher = query.column_text(5);
    h.prompt_version = query.column_text(6);
    h.text = query.column_text(7);
    h.reasoning = query.column_text(8);
    h.details_json = query.column_text(9);
    h.provenance_json = query.column_text(10);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<Sample> stored_samples(store::Database& db, std::int64_t run_id) {
  auto query = db.prepare(
      "SELECT id, hypothesis_id, teacher, prompt_version, text, label, reasoning, accepted, rejection, "
      "rejection_detail, provenance FROM samples WHERE run_id = ? ORDER BY id");
  query.bind(1, run_id);
  std::vector<Sample> out;
  while (query.step()) {
    Sample s;
    s.id = query.column_text(0);
    s.hypothesis_id = query.column_text(1);
    s.teacher = query.column_text(2);
    s.prompt_version = query.column_text(3);
    s.text = query.column_text(4);
    s.label = query.column_text(5);
    s.reasoning = query.column_text(6);
    s.accepted = query.column_int64(7) != 0;
    s.rejection = query.column_text(8);
    s.rejection_detail = query.column_text(9);
    s.provenance_json = query.column_text(10);
    out.push_back(std::move(s));
  }
  return out;
}

TeachOutputFiles teach_output_files(const std::filesystem::path& prefix) {
  const auto with = [&](const char* suffix) { return std::filesystem::path(prefix.string() + suffix); };
  return {with(".hypotheses.jsonl"), with(".hypotheses.csv"), with(".samples.jsonl"), with(".samples.csv")};
}

void write_teach_outputs(const TeachOutputFiles& files, const TeachResult& result, bool baseline) {
  write_hypotheses_jsonl(files.hypotheses_jsonl, result.hypotheses, baseline);
  write_hypotheses_csv(files.hypotheses_csv, result.hypotheses, baseline);
  write_samples_jsonl(files.samples_jsonl, result.samples, baseline);
  write_samples_csv(files.samples_csv, result.samples, baseline);
}

void record_teach_metrics(store::Database& db, std::int64_t run_id, const TeachResult& result,
                          const llm::Ledger& ledger, std::int64_t campaign_run) {
  const auto accepted =
      std::count_if(result.samples.begin(), result.samples.end(), [](const Sample& sample) { return sample.accepted; });
  const auto record = [&](const char* group, const char* name, double value) {
    store::record_metric(db, run_id, group, name, value);
  };
  db.transaction([&] {
    record("teach", "uus_taught", static_cast<double>(result.taught.size()));
    record("teach", "hypotheses", static_cast<double>(result.hypotheses.size()));
    record("teach", "samples", static_cast<double>(result.samples.size()));
    record("teach", "samples_accepted", static_cast<double>(accepted));
    record("teach", "failures", static_cast<double>(result.failures.size()));
    record("llm", "http_calls", static_cast<double>(ledger.http_calls));
    record("llm", "cached_calls", static_cast<double>(ledger.cached_calls));
    record("llm", "prompt_tokens", static_cast<double>(ledger.usage.prompt_tokens));
    record("llm", "completion_tokens", static_cast<double>(ledger.usage.completion_tokens));
    record("llm", "cost_usd", ledger.cost_usd);
    if (campaign_run > 0) {
      // The cost inputs of the campaign; USD = hours x wage x (1 + fee), human_cost_usd().
      const HumanCampaignCost cost = human_campaign_cost(db, campaign_run);
      record("human", "submissions", static_cast<double>(cost.submissions));
      record("human", "active_seconds", cost.active_seconds);
      record("human", "incomplete_active_seconds", cost.incomplete_active_seconds);
    }
  });
}

}  // namespace blindspot::teach
