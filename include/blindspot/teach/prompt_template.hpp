#pragma once

#include "blindspot/llm/chat.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace blindspot::teach {

// A versioned prompt template file (docs/prompts.md): a first line "version: <name>", comment
// lines starting with '#', then sections "[system]" and "[user]" whose text becomes the
// messages. {{name}} is replaced by a value when rendering.
class PromptTemplate {
 public:
  // Throws Error{bad_input} naming the file and line: no version line, no [user] section, an
  // unknown section, a placeholder outside `allowed`, or an unclosed "{{".
  static PromptTemplate load(const std::filesystem::path& file, const std::set<std::string>& allowed);

  // "<version>@<first 12 hex digits of the file's SHA-256>": an edited template that keeps its
  // version line is still told apart from the original in every recorded output.
  const std::string& version() const noexcept { return version_; }
  const std::filesystem::path& file() const noexcept { return file_; }

  // The messages with every placeholder replaced. Throws Error{internal} for a placeholder
  // without a value (load() already rejected names outside `allowed`).
  std::vector<llm::Message> render(const std::map<std::string, std::string>& values) const;

 private:
  std::filesystem::path file_;
  std::string version_;
  std::vector<llm::Message> messages_;
};

// The prompts shipped with blindspot: prompts/ of its data folder (core::data_file; throws as it
// does when that folder is not found).
std::filesystem::path default_prompt_directory();

}  // namespace blindspot::teach
