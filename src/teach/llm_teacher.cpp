#include "blindspot/teach/llm_teacher.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/utf8.hpp"
#include "blindspot/teach/filters.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>

namespace blindspot::teach {

using nlohmann::json;

struct LlmTeacher::Reply {
  json value;               // the parsed JSON object
  std::vector<std::string> keys;  // cache keys of every call made for the item, in order
  const llm::ChatResponse* response = nullptr;
};

namespace {

// What the prompts say the classifier is, when nobody said (docs/teach.md).
constexpr const char* kGenericModelDescription = "a text classifier";

LlmTeacherOptions with_prompt_directory(LlmTeacherOptions options) {
  if (options.prompt_directory.empty()) options.prompt_directory = default_prompt_directory();
  return options;
}

std::string model_description(const LlmTeacherOptions& options) {
  return options.model_description.empty() ? kGenericModelDescription : options.model_description;
}

const std::set<std::string> kUuPlaceholders = {"task_description", "model_description", "labels", "uu"};
const std::set<std::string> kExtrapolationPlaceholders = {"task_description", "model_description", "labels", "uu",
                                                          "hypothesis"};
const std::set<std::string> kGenerationPlaceholders = {"task_description", "model_description", "labels", "hypothesis",
                                                       "k", "length_hint"};
const std::set<std::string> kVerificationPlaceholders = {"task_description", "labels", "text"};

std::size_t utf8_boundary_before(const std::string& text, std::size_t pos) {
  while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

json hypothesis_schema() {
  return {{"type", "object"},
          {"properties", {{"reasoning", {{"type", "string"}}}, {"hypothesis", {{"type", "string"}}}}},
          {"required", {"reasoning", "hypothesis"}},
          {"additionalProperties", false}};
}

json samples_schema(const data::LabelSet& labels, int k) {
  const json sample = {{"type", "object"},
                       {"properties",
                        {{"reasoning", {{"type", "string"}}},
                         {"text", {{"type", "string"}}},
                         {"label", {{"type", "string"}, {"enum", labels.names()}}}}},
                       {"required", {"reasoning", "text", "label"}},
                       {"additionalProperties", false}};
  return {{"type", "object"},
          {"properties", {{"samples", {{"type", "array"}, {"items", sample}, {"minItems", k}, {"maxItems", k}}}}},
          {"required", {"samples"}},
          {"additionalProperties", false}};
}

json verification_schema(const data::LabelSet& labels) {
  return {{"type", "object"},
          {"properties", {{"reasoning", {{"type", "string"}}}, {"label", {{"type", "string"}, {"enum", labels.names()}}}}},
          {"required", {"reasoning", "label"}},
          {"additionalProperties", false}};
}

// A non-empty string member, or nullopt.
std::optional<std::string> text_member(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  std::string value = core::sanitize_utf8(it->get<std::string>());
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  return value;
}

std::string provenance(const std::vector<std::string>& keys, const llm::ChatResponse& response) {
  return json{{"llm_calls", keys},
              {"model", response.model},
              {"structured", response.structured},
              {"finish_reason", response.finish_reason}}
      .dump();
}

}  // namespace

std::string shorten(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  const std::string marker = " [...] ";
  const std::size_t budget = max_chars > marker.size() ? max_chars - marker.size() : 0;
  const std::size_t head = utf8_boundary_before(text, budget * 2 / 3);
  std::size_t tail_start = text.size() - (budget - head);
  while (tail_start < text.size() && (static_cast<unsigned char>(text[tail_start]) & 0xC0) == 0x80) ++tail_start;
  return text.substr(0, head) + marker + text.substr(tail_start);
}

LlmTeacher::LlmTeacher(llm::ChatClient& client, LlmTeacherOptions options)
    : client_(client),
      ledger_at_start_(client.ledger()),
      options_(with_prompt_directory(std::move(options))),
      abstraction_(PromptTemplate::load(options_.prompt_directory / "abstraction.txt", kUuPlaceholders)),
      extrapolation_(PromptTemplate::load(options_.prompt_directory / "extrapolation.txt", kExtrapolationPlaceholders)),
      generation_(PromptTemplate::load(options_.prompt_directory / "generation.txt", kGenerationPlaceholders)),
      verification_(PromptTemplate::load(options_.prompt_directory / "verification.txt", kVerificationPlaceholders)) {
  if (options_.labels.size() < 2) throw core::Error(core::ErrorKind::usage, "the LLM teacher needs at least 2 labels");
}

TeachingCost LlmTeacher::cost() const {
  const llm::Ledger now = client_.ledger();
  const auto tokens = [](const llm::Ledger& l, std::int64_t llm::Usage::*field) {
    return l.usage.*field + l.stored_usage.*field;
  };
  TeachingCost cost;
  cost.prompt_tokens = tokens(now, &llm::Usage::prompt_tokens) - tokens(ledger_at_start_, &llm::Usage::prompt_tokens);
  cost.completion_tokens =
      tokens(now, &llm::Usage::completion_tokens) - tokens(ledger_at_start_, &llm::Usage::completion_tokens);
  cost.usd = (now.cost_usd + now.stored_cost_usd) - (ledger_at_start_.cost_usd + ledger_at_start_.stored_cost_usd);
  cost.unpriced = now.unpriced || now.stored_unpriced;
  return cost;
}

std::string LlmTeacher::name() const { return "llm:" + client_.endpoint().model; }

core::ProgressCallback LlmTeacher::task_progress(const std::string& task, int attempt) const {
  if (!options_.progress) return {};
  // The client names its stage "llm calls"; the user wants to know which task it is.
  const std::string stage = "teaching " + task + (attempt > 0 ? fmt::format(" re-ask {}", attempt) : "");
  return [stage, progress = options_.progress](const core::ProgressUpdate& update) {
    progress(core::ProgressUpdate{stage, update.fraction, update.done, update.total});
  };
}

void LlmTeacher::run_task(const std::string& task, std::size_t count,
                          const std::function<std::string(std::size_t)>& item_id,
                          const std::function<llm::ChatRequest(std::size_t)>& request,
                          const std::function<std::string(std::size_t, const Reply&, bool)>& accept) {
  std::vector<std::size_t> pending(count);
  for (std::size_t i = 0; i < count; ++i) pending[i] = i;
  std::vector<std::vector<std::string>> keys(count);
  std::vector<std::string> last_problem(count);
  for (int attempt = 0; attempt <= options_.content_retries && !pending.empty(); ++attempt) {
    const bool last = attempt == options_.content_retries;
    if (budget_reached_) {
      for (const std::size_t i : pending) failures_.push_back({task, item_id(i), "not asked: the LLM budget is spent", true});
      return;
    }
    std::vector<llm::ChatRequest> requests;
    requests.reserve(pending.size());
    for (const std::size_t i : pending) {
      llm::ChatRequest r = request(i);
      // A re-ask must differ from the unusable call, or the cache (and a seeded server) would
      // return the same reply.
      r.seed = options_.seed + attempt;
      requests.push_back(std::move(r));
    }
    const std::vector<llm::CallResult> results = client_.complete_all(requests, task_progress(task, attempt));
    std::vector<std::size_t> again;
    for (std::size_t j = 0; j < pending.size(); ++j) {
      const std::size_t i = pending[j];
      const llm::CallResult& result = results[j];
      if (result.over_budget) {
        budget_reached_ = true;
        failures_.push_back({task, item_id(i), "not asked: the LLM budget is spent", true});
        continue;
      }
      if (!result.ok()) {
        failures_.push_back({task, item_id(i), result.error ? result.error->what() : "the call failed", true});
        continue;
      }
      keys[i].push_back(result.response->key);
      Reply reply;
      reply.keys = keys[i];
      reply.response = &*result.response;
      std::string problem;
      const std::string& content = result.response->content;
      // Strict JSON first; servers without response_format (and some with it) wrap the
      // object in prose or code fences.
      reply.value = json::parse(content, nullptr, false);
      if (reply.value.is_discarded()) {
        if (const auto text = llm::extract_json(content)) reply.value = json::parse(*text, nullptr, false);
      }
      if (reply.value.is_discarded() || !reply.value.is_object()) {
        problem = "the reply is not a JSON object";
        if (result.response->finish_reason == "length") problem += " (cut off at max_tokens)";
      }
      if (problem.empty()) problem = accept(i, reply, last);
      if (problem.empty()) continue;
      if (last) {
        failures_.push_back({task, item_id(i),
                             fmt::format("unusable reply after {} attempts: {}", attempt + 1, problem), false});
      } else {
        again.push_back(i);
      }
    }
    pending = std::move(again);
  }
}

namespace {

std::string labels_text(const data::LabelSet& labels) { return labels.joined(", "); }

std::string describe_uu(const discover::Uu& uu, std::size_t max_chars) {
  if (uu.kind == discover::UuKind::adversarial) {
    std::string changes;
    for (const discover::UuEdit& edit : uu.edits) {
      changes += fmt::format("{}\"{}\" -> \"{}\" ({})", changes.empty() ? "" : "; ", edit.original, edit.replacement,
                             edit.operation);
    }
    return fmt::format(
        "Original text, classified correctly as \"{}\":\n\"\"\"{}\"\"\"\n\n"
        "Perturbed text (changed words in [[ ]]):\n\"\"\"{}\"\"\"\n\nChanges: {}\n\n"
        "True label of the perturbed text: {}\nThe classifier predicted: {} (confidence {:.2f})",
        uu.true_label, shorten(uu.original_text, max_chars), shorten(uu.marked_text, max_chars),
        changes.empty() ? "none recorded" : changes, uu.true_label, uu.predicted_label, uu.confidence);
  }
  return fmt::format("Text:\n\"\"\"{}\"\"\"\n\nTrue label: {}\nThe classifier predicted: {} (confidence {:.2f})",
                     shorten(uu.text, max_chars), uu.true_label, uu.predicted_label, uu.confidence);
}

}  // namespace

llm::ChatRequest LlmTeacher::request(std::vector<llm::Message> messages, const std::string& schema,
                                     const std::string& schema_name, int max_tokens) const {
  llm::ChatRequest r;
  r.messages = std::move(messages);
  r.temperature = options_.temperature;
  r.max_tokens = max_tokens;
  r.json_schema = schema;
  r.schema_name = schema_name;
  return r;
}

std::vector<Hypothesis> LlmTeacher::ask_hypotheses(const PromptTemplate& prompt, std::vector<Hypothesis> blanks,
                                                   const std::function<std::string(std::size_t)>& item_id,
                                                   const std::function<std::vector<llm::Message>(std::size_t)>& messages) {
  std::vector<bool> made(blanks.size(), false);
  const std::string schema = hypothesis_schema().dump();
  run_task(
      blanks.front().task, blanks.size(), item_id,
      [&](std::size_t i) { return request(messages(i), schema, "hypothesis", options_.max_tokens); },
      [&](std::size_t i, const Reply& reply, bool) -> std::string {
        const auto text = text_member(reply.value, "hypothesis");
        if (!text) return "no \"hypothesis\" string";
        Hypothesis& h = blanks[i];
        h.text = *text;
        h.reasoning = text_member(reply.value, "reasoning").value_or("");
        h.teacher = name();
        h.prompt_version = prompt.version();
        h.provenance_json = provenance(reply.keys, *reply.response);
        made[i] = true;
        return {};
      });
  std::vector<Hypothesis> out;
  for (std::size_t i = 0; i < blanks.size(); ++i) {
    if (made[i]) out.push_back(std::move(blanks[i]));
  }
  return out;
}

std::vector<Hypothesis> LlmTeacher::abstract(const std::vector<discover::Uu>& uus) {
  if (uus.empty()) return {};
  std::vector<Hypothesis> blanks(uus.size());
  for (std::size_t i = 0; i < uus.size(); ++i) {
    blanks[i].id = "A:" + uus[i].id;
    blanks[i].task = kAbstraction;
    blanks[i].uu_id = uus[i].id;
    blanks[i].blind_spot = uus[i].blind_spot;
  }
  return ask_hypotheses(
      abstraction_, std::move(blanks), [&](std::size_t i) { return uus[i].id; },
      [&](std::size_t i) {
        return abstraction_.render({{"task_description", options_.task_description},
 {"model_description", model_description(options_)},
                                    {"labels", labels_text(options_.labels)},
                                    {"uu", describe_uu(uus[i], options_.max_text_chars)}});
      });
}

std::vector<Hypothesis> LlmTeacher::extrapolate(const std::vector<discover::Uu>& uus,
                                                const std::vector<Hypothesis>& abstractions) {
  if (abstractions.empty()) return {};
  std::map<std::string, const discover::Uu*> by_id;
  for (const discover::Uu& uu : uus) by_id.emplace(uu.id, &uu);
  std::vector<const discover::Uu*> uu_of(abstractions.size());
  std::vector<Hypothesis> blanks(abstractions.size());
  for (std::size_t i = 0; i < abstractions.size(); ++i) {
    const auto it = by_id.find(abstractions[i].uu_id);
    if (it == by_id.end()) {
      throw core::Error(core::ErrorKind::internal, "extrapolate: no UU " + abstractions[i].uu_id);
    }
    uu_of[i] = it->second;
    blanks[i].id = "E:" + abstractions[i].uu_id;
    blanks[i].task = kExtrapolation;
    blanks[i].uu_id = abstractions[i].uu_id;
    blanks[i].parent_id = abstractions[i].id;
    blanks[i].blind_spot = abstractions[i].blind_spot;
  }
  return ask_hypotheses(
      extrapolation_, std::move(blanks), [&](std::size_t i) { return abstractions[i].id; },
      [&](std::size_t i) {
        return extrapolation_.render({{"task_description", options_.task_description},
 {"model_description", model_description(options_)},
                                      {"labels", labels_text(options_.labels)},
                                      {"uu", describe_uu(*uu_of[i], options_.max_text_chars)},
                                      {"hypothesis", abstractions[i].text}});
      });
}

std::vector<Sample> LlmTeacher::generate(const std::vector<Hypothesis>& hypotheses, int per_hypothesis) {
  if (per_hypothesis < 1) throw core::Error(core::ErrorKind::usage, "samples per hypothesis must be at least 1");
  std::vector<std::vector<Sample>> made(hypotheses.size());
  const std::string schema = samples_schema(options_.labels, per_hypothesis).dump();
  run_task(
      "generation", hypotheses.size(), [&](std::size_t i) { return hypotheses[i].id; },
      [&](std::size_t i) {
        // Each sample needs room; a reply cut at max_tokens is not JSON and would be re-asked.
        return request(generation_.render({{"task_description", options_.task_description},
 {"model_description", model_description(options_)},
                                           {"labels", labels_text(options_.labels)},
                                           {"hypothesis", hypotheses[i].text},
                                           {"k", std::to_string(per_hypothesis)},
                                           {"length_hint", options_.length_hint}}),
                       schema, "samples", options_.max_tokens * per_hypothesis);
      },
      [&](std::size_t i, const Reply& reply, bool last) -> std::string {
        const auto it = reply.value.find("samples");
        if (it == reply.value.end() || !it->is_array() || it->empty()) return "no \"samples\" array";
        std::vector<Sample> samples;
        bool label_outside_set = false;
        for (const json& item : *it) {
          if (static_cast<int>(samples.size()) == per_hypothesis) break;
          if (!item.is_object()) return "a sample is not a JSON object";
          Sample s;
          s.id = hypotheses[i].id + "#" + std::to_string(samples.size() + 1);
          s.hypothesis_id = hypotheses[i].id;
          // Empty texts and labels are kept so that the filters record why they are rejected.
          const auto text = item.find("text");
          s.text = text != item.end() && text->is_string() ? core::sanitize_utf8(text->get<std::string>()) : "";
          const auto label = item.find("label");
          s.label = label != item.end() && label->is_string() ? core::sanitize_utf8(label->get<std::string>()) : "";
          label_outside_set = label_outside_set || !options_.labels.index_of(s.label);
          s.reasoning = text_member(item, "reasoning").value_or("");
          s.teacher = name();
          s.prompt_version = generation_.version();
          s.provenance_json = provenance(reply.keys, *reply.response);
          samples.push_back(std::move(s));
        }
        if (label_outside_set && !last) return "a sample's label is outside the label set";
        made[i] = std::move(samples);
        return {};
      });
  std::vector<Sample> out;
  for (auto& samples : made) {
    for (auto& s : samples) out.push_back(std::move(s));
  }
  return out;
}

void LlmTeacher::verify_labels(std::vector<Sample>& samples) {
  std::vector<std::size_t> asked;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].accepted) asked.push_back(i);
  }
  const std::string schema = verification_schema(options_.labels).dump();
  run_task(
      "verification", asked.size(), [&](std::size_t j) { return samples[asked[j]].id; },
      [&](std::size_t j) {
        llm::ChatRequest r = request(verification_.render({{"task_description", options_.task_description},
                                                           {"labels", labels_text(options_.labels)},
                                                           {"text", shorten(samples[asked[j]].text,
                                                                            options_.max_text_chars)}}),
                                     schema, "label", options_.max_tokens);
        // The verifier should give its single best answer, not a sample of opinions.
        r.temperature = 0;
        return r;
      },
      [&](std::size_t j, const Reply& reply, bool) -> std::string {
        const auto label = text_member(reply.value, "label");
        if (!label || !options_.labels.index_of(*label)) return "no \"label\" from the label set";
        Sample& sample = samples[asked[j]];
        if (*label != sample.label) {
          sample.accepted = false;
          sample.rejection = kLabelDisputed;
          sample.rejection_detail = fmt::format("the verifier ({}) labels it \"{}\": {}", name(), *label,
                                                text_member(reply.value, "reasoning").value_or(""));
        }
        return {};
      });
}

}  // namespace blindspot::teach
