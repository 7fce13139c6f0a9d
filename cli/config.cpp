#include "config.hpp"

#include "commands/number_options.hpp"

#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/number_format.hpp"
#include "blindspot/core/read_file.hpp"
#include "blindspot/core/utf8.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string_view>
#include <utility>

namespace blindspot::cli {
namespace {

using core::Error;
using core::ErrorKind;

std::string environment_name(const std::string& long_name) {
  std::string name = "BLINDSPOT_";
  for (char c : long_name) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string key_to_option_name(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

// Options that make sense in a config file: named (--x) and not --help/--config.
std::vector<CLI::Option*> configurable_options(CLI::App& app) {
  std::vector<CLI::Option*> result;
  for (CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty()) continue;
    const std::string& name = option->get_lnames().front();
    if (name == "help" || name == "config") continue;
    result.push_back(option);
  }
  return result;
}

CLI::Option* find_option(CLI::App& app, const std::string& name) {
  for (CLI::Option* option : configurable_options(app)) {
    if (option->get_lnames().front() == name) return option;
  }
  return nullptr;
}

// What the config file gave, as CLI11 reads it from a command line.
std::string scalar_text(const toml::node& item) {
  if (auto text = item.value<std::string>()) return *text;
  if (item.is_boolean()) return *item.value<bool>() ? "true" : "false";
  if (item.is_integer()) return std::to_string(*item.value<std::int64_t>());
  // Shortest round trip: a stream's 6 digits would train with lr 0.123457 for 0.123456789.
  return core::format_shortest(*item.value<double>());
}

const char* toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

bool fits(ValueKind kind, const toml::node& item) {
  switch (kind) {
    case ValueKind::flag: return item.is_boolean();
    case ValueKind::signed_integer:
    case ValueKind::unsigned_integer: return item.is_integer();
    case ValueKind::real: return item.is_integer() || item.is_floating_point();
    case ValueKind::text: return item.is_string();
  }
  return false;
}

// The option's values from one key: a TOML value of the option's type, or an array of them when the
// option takes several (--model-labels). A type CLI11 would coerce ("true" into an integer, "5"
// into a count) is refused: the file says something else than what would run.
std::vector<std::string> values_of(const CLI::Option& option, const toml::node& node, const std::string& where) {
  const ValueKind kind = value_kind(option);
  const auto wrong_type = [&](const toml::node& item) {
    return Error(ErrorKind::usage, fmt::format("{}: must be {}{}, got {}", where, value_kind_description(kind),
                                               option.get_expected_max() > 1 ? " or an array of them" : "",
                                               toml_type_name(item)));
  };
  std::vector<std::string> values;
  const auto* array = node.as_array();
  if (array == nullptr) {
    if (!fits(kind, node)) throw wrong_type(node);
    values.push_back(scalar_text(node));
    return values;
  }
  if (option.get_expected_max() <= 1) throw wrong_type(node);
  for (const toml::node& item : *array) {
    if (!fits(kind, item)) throw wrong_type(item);
    values.push_back(scalar_text(item));
  }
  return values;
}

void apply_value(CLI::Option* option, const toml::node& node, const std::string& where) {
  if (option->count() > 0) return;  // a flag or the environment already set it
  const std::vector<std::string> values = values_of(*option, node, where);
  try {
    for (const std::string& value : values) option->add_result(value);
    option->run_callback();
  } catch (const CLI::Error& error) {
    throw Error(ErrorKind::usage, where + ": " + error.what());
  }
}

std::string config_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* from_environment = std::getenv("BLINDSPOT_CONFIG"); from_environment && *from_environment) {
    return from_environment;
  }
  // A folder of that name is reported, not skipped.
  if (std::filesystem::exists("blindspot.toml")) return "blindspot.toml";
  return {};
}

}  // namespace

void add_environment_names(CLI::App& app) {
  for (CLI::Option* option : configurable_options(app)) {
    option->envname(environment_name(option->get_lnames().front()));
  }
  for (CLI::App* subcommand : app.get_subcommands([](CLI::App*) { return true; })) add_environment_names(*subcommand);
}

namespace {

// toml++ reports a bad UTF-8 byte on the line where its token began, which may be lines earlier.
void check_utf8(std::string_view text, const std::string& path) {
  const auto bad = core::find_invalid_utf8(text);
  if (!bad) return;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*bad), '\n');
  throw Error(ErrorKind::usage,
              fmt::format("not valid UTF-8 (byte 0x{:02X})", static_cast<unsigned char>(text[*bad])),
              core::InputLocation{path, static_cast<std::int64_t>(line), ""});
}

toml::table parse_config_text(std::string_view text, const std::string& path) {
  check_utf8(text, path);
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    throw Error(ErrorKind::usage, std::string(error.description()),
                core::InputLocation{path, static_cast<std::int64_t>(error.source().begin.line), ""});
  }
}

// A missing or unreadable file named by --config or $BLINDSPOT_CONFIG is an error, never "no
// config": the user meant a file and would otherwise run with defaults.
std::string read_config_file(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    throw Error(ErrorKind::usage, "config file " + path + " does not exist");
  }
  if (status.type() == std::filesystem::file_type::directory) {
    throw Error(ErrorKind::usage, "config file " + path + " is a directory");
  }
  return core::read_file(path);
}

// Applies one config file's keys to the options of the commands the command line chose, and
// refuses keys no command knows.
class ConfigApplier {
 public:
  ConfigApplier(CLI::App& app, std::string path) : app_(app), path_(std::move(path)) { collect(app); }

  // Command tables first: they win over top-level keys because a set option is never reset. A
  // table inside a command's table is its subcommand's: [annotators.list].
  void apply(const toml::table& table) {
    apply_tables(app_, table, "");
    for (const auto& [key, node] : table) {
      if (!node.is_table()) apply_top_level(std::string(key.str()), node);
    }
  }

 private:
  // Commands at every depth (`annotators list` is a command of a command), and the chain the
  // command line chose.
  void collect(CLI::App& parent) {
    for (CLI::App* sub : parent.get_subcommands([](CLI::App*) { return true; })) {
      all_commands_.push_back(sub);
      collect(*sub);
    }
    for (CLI::App* sub : parent.get_subcommands()) chosen_.push_back(sub);
  }

  bool is_chosen(CLI::App* command) const {
    return std::find(chosen_.begin(), chosen_.end(), command) != chosen_.end();
  }

  std::string line_of(const toml::node& node) const { return path_ + ":" + std::to_string(node.source().begin.line); }

  CLI::App& command_of(CLI::App& parent, std::string_view key, const std::string& prefix, const toml::node& node) {
    const auto subs = parent.get_subcommands([](CLI::App*) { return true; });
    const auto found = std::find_if(subs.begin(), subs.end(), [&](CLI::App* sub) { return sub->get_name() == key; });
    if (found != subs.end()) return **found;
    std::vector<std::string> names;
    for (CLI::App* sub : subs) names.push_back(prefix + sub->get_name());
    const std::string command = prefix + std::string(key);
    throw Error(ErrorKind::usage, "unknown command table [" + command + "]" + core::did_you_mean(command, names),
                core::InputLocation{path_, static_cast<std::int64_t>(node.source().begin.line), ""});
  }

  void apply_tables(CLI::App& parent, const toml::table& commands, const std::string& prefix) {
    for (const auto& [key, node] : commands) {
      if (!node.is_table()) continue;
      const std::string command_name = prefix + std::string(key.str());
      CLI::App& command = command_of(parent, key.str(), prefix, node);
      apply_tables(command, *node.as_table(), command_name + ".");
      for (const auto& [option_key, value] : *node.as_table()) {
        if (!value.is_table()) apply_command_key(command, command_name, std::string(option_key.str()), value);
      }
    }
  }

  void apply_command_key(CLI::App& command, const std::string& command_name, const std::string& key,
                         const toml::node& value) {
    const std::string name = key_to_option_name(key);
    const std::string where = line_of(value) + ": [" + command_name + "] " + name;
    CLI::Option* option = find_option(command, name);
    if (option == nullptr) {
      std::vector<std::string> names;
      for (CLI::Option* known : configurable_options(command)) names.push_back(known->get_lnames().front());
      throw Error(ErrorKind::usage,
                  where + ": no such option of `" + command_name + "`" + core::did_you_mean(name, names));
    }
    if (is_chosen(&command)) apply_value(option, value, where);
  }

  void apply_top_level(const std::string& key, const toml::node& node) {
    const std::string name = key_to_option_name(key);
    const std::string where = line_of(node) + ": " + name;
    bool known = false;
    if (CLI::Option* option = find_option(app_, name)) {
      known = true;
      apply_value(option, node, where);
    }
    for (CLI::App* command : all_commands_) {
      CLI::Option* option = find_option(*command, name);
      if (option == nullptr) continue;
      known = true;
      if (is_chosen(command)) apply_value(option, node, where);
    }
    if (known) return;
    std::vector<std::string> names;
    for (CLI::Option* option : configurable_options(app_)) names.push_back(option->get_lnames().front());
    for (CLI::App* command : all_commands_) {
      for (CLI::Option* option : configurable_options(*command)) names.push_back(option->get_lnames().front());
    }
    throw Error(ErrorKind::usage, where + ": no command has this option" + core::did_you_mean(name, names));
  }

  CLI::App& app_;
  std::string path_;
  std::vector<CLI::App*> all_commands_;
  std::vector<CLI::App*> chosen_;
};

}  // namespace

void apply_config_text(CLI::App& app, std::string_view text, const std::string& path) {
  const toml::table table = parse_config_text(text, path);
  ConfigApplier(app, path).apply(table);
}

void apply_config_file(CLI::App& app, const std::string& explicit_path) {
  const std::string path = config_path(explicit_path);
  if (path.empty()) return;
  apply_config_text(app, read_config_file(path), path);
}

}  // namespace blindspot::cli
