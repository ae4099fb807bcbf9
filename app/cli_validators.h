// Typed, range-checked options for the `uhop` subcommands on top of CLI11. Numbers keep the
// spelling the CLI always accepted ("--steps 1e3" is 1000, "--seed 007" is 7); a bad value is a
// CLI::ValidationError with CLI11's message, which main() turns into exit code 2.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace uhop::cli {

// A usage error found after parsing (conflicting flags, a value core rejects): exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether the option was given on the command line (not just defaulted).
inline bool given(const CLI::Option* option) {
  return option != nullptr && option->count() > 0;
}

CLI::Option* addInt(CLI::App& cmd, const std::string& name, int& value, int lo, int hi,
                    const std::string& help);
CLI::Option* addReal(CLI::App& cmd, const std::string& name, double& value, double lo, double hi,
                     const std::string& help);
// A non-negative whole number of up to 64 bits (seeds).
CLI::Option* addSeed(CLI::App& cmd, const std::string& name, uint64_t& value,
                     const std::string& help);
// One of a fixed set of names.
CLI::Option* addChoice(CLI::App& cmd, const std::string& name, std::string& value,
                       const std::vector<std::string>& choices, const std::string& help);
// A value that core parses itself (a spec like mask:0.5 or entmax:1.5, an optimiser name): the
// parser runs during parsing and its ConfigError message becomes the usage error. `forms`
// describes the accepted values in --help.
CLI::Option* addSpec(CLI::App& cmd, const std::string& name, std::string& value,
                     const std::function<void(const std::string&)>& parse, const std::string& forms,
                     const std::string& help);

}  // namespace uhop::cli
