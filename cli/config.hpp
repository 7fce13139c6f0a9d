#pragma once

#include <CLI/CLI.hpp>

#include <string>

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
// Error{usage} naming the file for a syntax error, an unknown key or an invalid value.
void apply_config_file(CLI::App& app, const std::string& explicit_path);

}  // namespace blindspot::cli
