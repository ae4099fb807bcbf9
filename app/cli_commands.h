// The `uhop` subcommands. Each registers itself on the root CLI11 app with its options bound to
// a struct it owns, and hands back what to run once parsing succeeded. run() returns the exit
// code; UsageError escapes to main() (exit 2), other errors are reported as exit 1.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace uhop::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command addStage1Command(CLI::App& root);
Command addRetrieveCommand(CLI::App& root);
Command addSweepCommand(CLI::App& root);
Command addMetastableCommand(CLI::App& root);
Command addInfoCommand(CLI::App& root);
Command addLandscapeCommand(CLI::App& root);
Command addTheoryCommand(CLI::App& root);
// `uhop sweep merge FILE...`, a subcommand of `uhop sweep`.
Command addSweepMergeCommand(CLI::App& sweep);

}  // namespace uhop::cli
