// The `uhop` subcommands. Each takes the arguments after its name and returns the exit code;
// UsageError escapes to main() (exit 2), other UhopErrors are reported as exit 1.
#pragma once

#include <string>
#include <vector>

namespace uhop::cli {

int runStage1(const std::vector<std::string>& args);
int runRetrieve(const std::vector<std::string>& args);
int runSweep(const std::vector<std::string>& args);
int runMetastable(const std::vector<std::string>& args);

}  // namespace uhop::cli
