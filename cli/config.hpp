#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace blindspot::cli {

// Configuration precedence, for every option of every command:
//   command-line flag > BLINDSPOT_<OPTION> environment variable > TOML config file > built-in default.
// The environment variable of `--word-ngrams` is BLINDSPOT_WORD_NGRAMS.
void add_environment_names(CLI::App& app);

// The config file: --config FILE, else $BLINDSPOT_CONFIG, else ./blindspot.toml if it exists, else none.
// Its top-level keys set options of any command; a [train] (etc.) table sets that command's
// options and wins over top-level keys. Keys are option names with '-' or '_'
// (word-ngrams = 2 or word_ngrams = 2).
// Applies the file to the options that neither a flag nor the environment set. Throws
// Error{usage} naming the file and line for a syntax error, bad UTF-8, an unknown key, a value of
// the wrong TOML type (true for an integer) or a value the option refuses (nan, -5 for a count);
// naming the file when it does not exist or is a directory (when it is ./blindspot.toml too).
void apply_config_file(CLI::App& app, const std::string& explicit_path);

// The same for a config file's text (`path` only names it in messages): the fuzz target's entry.
// Throws only core::Error.
void apply_config_text(CLI::App& app, std::string_view text, const std::string& path);

}  // namespace blindspot::cli
