#include "blindspot/teach/prompt_template.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/data_files.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/line_reader.hpp"
#include "blindspot/core/sha256.hpp"

#include <string_view>

namespace blindspot::teach {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view trim_left_lines(std::string_view text) {
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  return text;
}

// Checks every {{name}} of one line against `allowed`.
void check_placeholders(const std::filesystem::path& file, std::int64_t line, std::string_view text,
                        const std::set<std::string>& allowed) {
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const std::size_t end = text.find("}}", pos + 2);
    if (end == std::string_view::npos) {
      throw Error(ErrorKind::bad_input, "\"{{\" is never closed by \"}}\"", InputLocation{file, line, ""});
    }
    const std::string name(text.substr(pos + 2, end - pos - 2));
    if (!allowed.contains(name)) {
      std::string known;
      for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
      throw Error(ErrorKind::bad_input, "unknown placeholder {{" + name + "}} (this template may use: " + known + ")",
                  InputLocation{file, line, ""});
    }
    pos = end + 2;
  }
}

}  // namespace

PromptTemplate PromptTemplate::load(const std::filesystem::path& file, const std::set<std::string>& allowed) {
  const std::string content = core::read_file(file);
  PromptTemplate result;
  result.file_ = file;
  std::string* section = nullptr;
  core::LineReader lines(content);
  while (const auto next = lines.next()) {
    const std::int64_t line_number = lines.number();
    const std::string_view line = trim_right(*next);
    if (result.version_.empty()) {
      if (line.empty()) continue;
      if (!line.starts_with("version:") || trim_right(line.substr(8)).find_first_not_of(' ') == std::string_view::npos) {
        throw Error(ErrorKind::bad_input, "the first line must be \"version: <name>\"",
                    InputLocation{file, line_number, ""});
      }
      const std::string_view name = line.substr(line.find_first_not_of(' ', 8));
      result.version_ = std::string(name);
      continue;
    }
    if (line == "[system]" || line == "[user]") {
      result.messages_.push_back({line == "[system]" ? "system" : "user", ""});
      section = &result.messages_.back().content;
      continue;
    }
    if (line.starts_with('[') && line.ends_with(']') && line.find(' ') == std::string_view::npos) {
      throw Error(ErrorKind::bad_input, "unknown section " + std::string(line) + " (sections: [system], [user])",
                  InputLocation{file, line_number, ""});
    }
    if (section == nullptr) {
      if (line.empty() || line.starts_with('#')) continue;
      throw Error(ErrorKind::bad_input, "text before the first section; start a section with [system] or [user]",
                  InputLocation{file, line_number, ""});
    }
    check_placeholders(file, line_number, line, allowed);
    *section += line;
    *section += '\n';
  }
  if (result.version_.empty()) throw Error(ErrorKind::bad_input, "file is empty", InputLocation{file, 0, ""});
  bool has_user = false;
  for (auto& message : result.messages_) {
    message.content = std::string(trim_right(trim_left_lines(message.content)));
    has_user = has_user || message.role == "user";
  }
  if (!has_user) throw Error(ErrorKind::bad_input, "no [user] section", InputLocation{file, 0, ""});
  result.version_ += "@" + core::sha256_hex(content).substr(0, 12);
  return result;
}

std::vector<llm::Message> PromptTemplate::render(const std::map<std::string, std::string>& values) const {
  std::vector<llm::Message> messages = messages_;
  for (auto& message : messages) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
      const std::size_t open = message.content.find("{{", pos);
      if (open == std::string::npos) break;
      const std::size_t close = message.content.find("}}", open);
      const std::string name = message.content.substr(open + 2, close - open - 2);
      const auto it = values.find(name);
      if (it == values.end()) {
        throw Error(ErrorKind::internal, "no value for placeholder {{" + name + "}} of " + file_.string());
      }
      out.append(message.content, pos, open - pos);
      out += it->second;  // values are never scanned again, so text containing "{{" is safe
      pos = close + 2;
    }
    out.append(message.content, pos);
    message.content = std::move(out);
  }
  return messages;
}

std::filesystem::path default_prompt_directory() { return core::data_file("prompts"); }

}  // namespace blindspot::teach
