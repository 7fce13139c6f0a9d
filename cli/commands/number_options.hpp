#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>

namespace blindspot::cli {

// What an option takes, from the C++ type CLI11 parses it into.
enum class ValueKind {
  flag,              // no value on the command line; true or false in the config file
  signed_integer,    // int, std::int64_t
  unsigned_integer,  // std::size_t, std::uint64_t: counts, sizes, budgets
  real,              // double
  text,              // strings, paths and names (--format, --recipe, ...)
};

ValueKind value_kind(const CLI::Option& option);

// "an integer", "a number", ...: how a config-file message names what an option takes.
const char* value_kind_description(ValueKind kind);

// One rule for every number an option takes, from a flag, the environment or the config file:
// an integer is decimal digits without a leading zero (a leading '-' only for signed types) within
// 64 bits, so the run store, which records what was typed, records the value used; a
// floating-point value is finite (no nan, inf or -inf). Adds that check to every option of `app`
// and of its commands at every depth; an option's own range check still applies.
void check_number_options(CLI::App& app);

// The largest seed: fastText's seed is an int, and one seed must mean the same in every command
// (`run --seed S` trains and attacks with S; `attack --seed S` repeats its attack).
inline constexpr std::uint64_t kMaxSeed = 2147483647;

// Adds --seed: a whole number in [0, kMaxSeed].
template <typename Seed>
CLI::Option* add_seed_option(CLI::App& command, Seed& seed, const std::string& description) {
  return command.add_option("--seed", seed, description + " (0 to 2147483647)")
      ->check(CLI::Range(Seed{0}, static_cast<Seed>(kMaxSeed)))
      ->capture_default_str();
}

}  // namespace blindspot::cli
