// `uhop`: the headless command-line twin of uhop-studio. Parses with CLI11 and wires the
// subcommands (app/cli_*.cpp) to core/. Exit codes: 0 done, 1 bad data or a run that failed,
// 2 bad usage (unknown command or flag, a bad value, no command), 130 a sweep stopped by Ctrl-C.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "app/cli_activity.h"
#include "app/cli_commands.h"
#include "app/cli_validators.h"
#include "core/types.h"

namespace {

const char* kFooter = R"(
model keys (--models, comma-separated): mhm (dot+softmax), sparse (dot+sparsemax), entmax:A,
  meanproj (meanproj+softmax), l2, l1, uhop (kernel+softmax, Stage I: identity init, default
  optimiser, 100 steps, rows normalised), uhop-ref (the same with the reference schedule),
  uhop-sparse, uhop-entmax:A, or SIM+SEP[@ref], e.g. kernel+poly:3, kernel+sparsemax@ref.
  --beta and --stage1-* options apply to every model of the list.

data sources (--data): builtin (default), fashion-mnist, fashion-mnist-test,
  or a path to an IDX/IDX.gz file, a CIFAR-10/100 .bin batch, or a folder of images.

`uhop <command> --help` lists a command's options with their defaults and allowed values.)";

// "retrieve", "sweep merge", or "" when no command was reached.
std::string commandPath(const CLI::App& root) {
  std::string path;
  const CLI::App* at = &root;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
  return path;
}

int usageError(const std::string& command, const std::string& message) {
  const std::string name = command.empty() ? "uhop" : "uhop " + command;
  std::fprintf(stderr, "%s: %s\nusage: %s %s  (`%s --help` lists %s)\n", name.c_str(),
               message.c_str(), name.c_str(), command.empty() ? "<command> [options]" : "[options]",
               name.c_str(), command.empty() ? "the commands" : "the options");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("uhop " UHOP_VERSION
               ": modern Hopfield memories with a learned kernel (U-Hop), from the command line",
               "uhop");
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", "uhop " UHOP_VERSION);
  app.footer(kFooter);
  app.require_subcommand(0, 1);
  const std::vector<uhop::cli::Command> commands = {
      uhop::cli::addStage1Command(app), uhop::cli::addRetrieveCommand(app),
      uhop::cli::addSweepCommand(app), uhop::cli::addMetastableCommand(app),
      uhop::cli::addInfoCommand(app), uhop::cli::addLandscapeCommand(app),
      uhop::cli::addTheoryCommand(app)};

  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  if (args.size() == 1 && args[0] == "help") {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  const bool known = std::any_of(commands.begin(), commands.end(),
                                 [&](const auto& c) { return c.app->get_name() == args[0]; });
  if (args[0].rfind("-", 0) != 0 && !known)
    return usageError("", "unknown command '" + args[0] + "'");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help or --version, printed to stdout
    return usageError(commandPath(app), e.what());
  }
  const std::string command = commandPath(app);
  const uhop::cli::Command* chosen = nullptr;
  for (const auto& c : commands)
    if (c.app->parsed()) chosen = &c;
  if (!chosen) return usageError("", "no command given");
  try {
    return chosen->run();
  } catch (const uhop::cli::UsageError& e) {
    return usageError(command, e.what());
  } catch (const std::bad_alloc& e) {
    const std::string& what = uhop::cli::activity();
    std::fprintf(stderr,
                 "uhop %s: out of memory%s%s (%s); try fewer --memories, a smaller "
                 "--memory-budget or fewer --steps\n",
                 command.c_str(), what.empty() ? "" : " while ", what.c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uhop %s: %s\n", command.c_str(), e.what());
    return 1;
  }
}
