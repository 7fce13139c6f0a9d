#include "blindspot/discover/attack/wordnet.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"

#include "utf8_chars.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>
#include <unordered_map>

namespace blindspot::discover {
namespace {

constexpr std::array<PartOfSpeech, 4> kPartsOfSpeech = {PartOfSpeech::noun, PartOfSpeech::verb, PartOfSpeech::adjective,
                                                        PartOfSpeech::adverb};

// File name suffix of each part of speech (index.noun, data.adj, adv.exc, ...).
constexpr std::array<std::string_view, 4> kFileSuffix = {"noun", "verb", "adj", "adv"};

// morphy(7WN)'s detachment rules: remove `suffix`, add `ending`. Adverbs have none.
struct SuffixRule {
  std::string_view suffix;
  std::string_view ending;
};
constexpr SuffixRule kNounRules[] = {{"s", ""},      {"ses", "s"},   {"xes", "x"},   {"zes", "z"},
                                     {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
constexpr SuffixRule kVerbRules[] = {{"s", ""},   {"ies", "y"}, {"es", "e"},  {"es", ""},
                                     {"ed", "e"}, {"ed", ""},   {"ing", "e"}, {"ing", ""}};
constexpr SuffixRule kAdjectiveRules[] = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};

std::span<const SuffixRule> rules_of(PartOfSpeech part_of_speech) {
  switch (part_of_speech) {
    case PartOfSpeech::noun:
      return kNounRules;
    case PartOfSpeech::verb:
      return kVerbRules;
    case PartOfSpeech::adjective:
      return kAdjectiveRules;
    case PartOfSpeech::adverb:
      break;
  }
  return {};
}

std::size_t slot(PartOfSpeech part_of_speech) { return static_cast<std::size_t>(part_of_speech); }

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = detail::ascii_lower(c);
  return result;
}

// WordNet writes spaces in lemmas as '_' and stores lemmas in lower case in its indexes.
std::string index_key(std::string_view lemma) {
  std::string key = lower(lemma);
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

// Space-separated fields of one line.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

std::uint32_t parse_number(std::string_view field, int base, const std::filesystem::path& file, std::int64_t line) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value, base);
  if (error != std::errc() || end != field.data() + field.size()) {
    throw core::Error(core::ErrorKind::bad_input,
                      "malformed WordNet entry: \"" + std::string(field) + "\" is not a number",
                      core::InputLocation{file, line, ""});
  }
  return value;
}

std::string read_wordnet_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    throw core::Error(core::ErrorKind::io,
                      "WordNet database file is missing (install Debian's wordnet-base package, or point "
                      "--wordnet-dir at a WordNet 3.0 dict folder)",
                      core::InputLocation{file, 0, ""});
  }
  return core::read_file(file);
}

// Calls visit(line, line_number) for every line of `text`.
template <typename Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  std::int64_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    visit(text.substr(start, end - start), ++number);
    start = end + 1;
  }
}

}  // namespace

const char* to_string(PartOfSpeech part_of_speech) noexcept {
  switch (part_of_speech) {
    case PartOfSpeech::noun:
      return "noun";
    case PartOfSpeech::verb:
      return "verb";
    case PartOfSpeech::adjective:
      return "adjective";
    case PartOfSpeech::adverb:
      return "adverb";
  }
  return "unknown";
}

struct WordNet::Impl {
  struct Part {
    std::filesystem::path data_file;
    std::string data;  // the whole data.<pos> file; index offsets are byte offsets into it
    std::unordered_map<std::string, std::vector<std::uint32_t>> index;     // lemma -> synsets, sense order
    std::unordered_map<std::string, std::vector<std::string>> exceptions;  // inflected form -> lemmas
  };
  std::array<Part, 4> parts;

  // The lemmas of the synset at `offset` of `part` (data file line format of wndb(5WN)).
  std::vector<std::string_view> synset_words(const Part& part, std::uint32_t offset) const {
    const auto malformed = [&](const std::string& what) {
      return core::Error(core::ErrorKind::bad_input,
                         "malformed WordNet synset at byte offset " + std::to_string(offset) + ": " + what,
                         core::InputLocation{part.data_file, 0, ""});
    };
    if (offset >= part.data.size()) throw malformed("past the end of the file");
    const std::string_view data = part.data;
    std::size_t end = data.find('\n', offset);
    if (end == std::string_view::npos) end = data.size();
    // The gloss after " | " can be long and is not needed.
    const std::string_view line = data.substr(offset, end - offset);
    const auto fields = fields_of(line.substr(0, line.find(" | ")));
    if (fields.size() < 4 || parse_number(fields[0], 10, part.data_file, 0) != offset) {
      throw malformed("no synset starts there");
    }
    const std::size_t count = parse_number(fields[3], 16, part.data_file, 0);
    if (fields.size() < 4 + 2 * count) throw malformed("fewer words than its count");
    std::vector<std::string_view> words;
    words.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      std::string_view word = fields[4 + 2 * i];
      // Adjectives may carry a syntactic marker: "galore(ip)", "elect(p)".
      if (!word.empty() && word.back() == ')') word = word.substr(0, word.find('('));
      words.push_back(word);
    }
    return words;
  }
};

WordNet::WordNet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WordNet::WordNet(WordNet&&) noexcept = default;
WordNet& WordNet::operator=(WordNet&&) noexcept = default;
WordNet::~WordNet() = default;

WordNet WordNet::load(const std::filesystem::path& directory) {
  auto impl = std::make_unique<Impl>();
  for (PartOfSpeech part_of_speech : kPartsOfSpeech) {
    Impl::Part& part = impl->parts[slot(part_of_speech)];
    const std::string suffix(kFileSuffix[slot(part_of_speech)]);
    part.data_file = directory / ("data." + suffix);
    part.data = read_wordnet_file(part.data_file);

    const auto index_file = directory / ("index." + suffix);
    const std::string index = read_wordnet_file(index_file);
    for_each_line(index, [&](std::string_view line, std::int64_t number) {
      if (line.empty() || line.front() == ' ') return;  // the licence header is indented
      // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
      const auto fields = fields_of(line);
      const auto malformed = [&] {
        return core::Error(core::ErrorKind::bad_input, "malformed WordNet index entry",
                           core::InputLocation{index_file, number, ""});
      };
      if (fields.size() < 4) throw malformed();
      const std::size_t synsets = parse_number(fields[2], 10, index_file, number);
      const std::size_t pointers = parse_number(fields[3], 10, index_file, number);
      const std::size_t first = 4 + pointers + 2;
      if (fields.size() != first + synsets) throw malformed();
      auto& offsets = part.index[std::string(fields[0])];
      for (std::size_t i = first; i < fields.size(); ++i)
        offsets.push_back(parse_number(fields[i], 10, index_file, number));
    });

    const std::string exceptions = read_wordnet_file(directory / (suffix + ".exc"));
    for_each_line(exceptions, [&](std::string_view line, std::int64_t) {
      const auto fields = fields_of(line);
      if (fields.size() < 2) return;
      auto& lemmas = part.exceptions[std::string(fields[0])];
      for (std::size_t i = 1; i < fields.size(); ++i) lemmas.emplace_back(fields[i]);
    });
  }
  return WordNet(std::move(impl));
}

bool WordNet::contains(std::string_view lemma, PartOfSpeech part_of_speech) const {
  return impl_->parts[slot(part_of_speech)].index.count(index_key(lemma)) > 0;
}

std::vector<BaseForm> WordNet::base_forms(std::string_view word, PartOfSpeech part_of_speech) const {
  const std::string form = index_key(word);
  std::vector<BaseForm> forms;
  const auto add = [&](BaseForm base) {
    if (!contains(base.lemma, part_of_speech)) return;
    const bool seen = std::any_of(forms.begin(), forms.end(), [&](const BaseForm& f) { return f.lemma == base.lemma; });
    if (!seen) forms.push_back(std::move(base));
  };
  const Impl::Part& part = impl_->parts[slot(part_of_speech)];
  if (const auto exception = part.exceptions.find(form); exception != part.exceptions.end()) {
    add({form, part_of_speech, "", "", false});
    for (const auto& lemma : exception->second) add({lemma, part_of_speech, "", "", true});
    return forms;
  }
  add({form, part_of_speech, "", "", false});
  // morph.c: nouns ending in "ss" ("glass") and very short words are not de-pluralised.
  if (part_of_speech == PartOfSpeech::noun && (form.ends_with("ss") || form.size() <= 2)) return forms;
  for (const SuffixRule& rule : rules_of(part_of_speech)) {
    if (form.size() <= rule.suffix.size() || !form.ends_with(rule.suffix)) continue;
    std::string lemma = form.substr(0, form.size() - rule.suffix.size()) + std::string(rule.ending);
    add({std::move(lemma), part_of_speech, std::string(rule.suffix), std::string(rule.ending), false});
  }
  return forms;
}

std::vector<std::string> WordNet::synonyms(std::string_view lemma, PartOfSpeech part_of_speech) const {
  const Impl::Part& part = impl_->parts[slot(part_of_speech)];
  const std::string key = index_key(lemma);
  const auto entry = part.index.find(key);
  if (entry == part.index.end()) return {};
  std::vector<std::string> result;
  std::vector<std::string> seen = {key};  // lower case
  for (std::uint32_t offset : entry->second) {
    for (std::string_view word : impl_->synset_words(part, offset)) {
      std::string folded = lower(word);
      if (std::find(seen.begin(), seen.end(), folded) != seen.end()) continue;
      seen.push_back(std::move(folded));
      result.emplace_back(word);
    }
  }
  return result;
}

}  // namespace blindspot::discover
