// `uhop`: the headless command-line twin of uhop-studio. Wires the subcommands to core/.
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli_commands.h"
#include "app/cli_args.h"
#include "core/types.h"

namespace {

const char* kUsage = R"(usage: uhop <command> [options]

commands:
  stage1    learn the feature map W (Stage I) and print the loss curve
            --data SRC --memories M --offset K --phi-init identity|gaussian|gaussian-scaled
            --phi-dim D --seed S --loss avg|max --t T --optimizer default|gd|reference
            --lr R --steps N [--normalize-rows] [--save-w FILE] [--json]
  retrieve  use every memory as a corrupted query and retrieve it (Stage II)
            --data SRC --memories M --offset K --similarity dot|meanproj|l2|l1|kernel
            --separation softmax|sparsemax|entmax:A|poly:N --beta B [--beta-after-separation]
            --steps T --corrupt none|mask:P|mask-rescale:P|noise:S|occlude:F|saltpepper:P
            --seed S [--load-w FILE | --stage1-steps N --stage1-optimizer ... (Stage I options
            prefixed with stage1-)] [--kernel-scale raw|row-normalized|matched] [--json]

data sources (--data): builtin (default), fashion-mnist, fashion-mnist-test,
  or a path to an IDX/IDX.gz file, a CIFAR-10/100 .bin batch, or a folder of images.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "stage1") return uhop::cli::runStage1(rest);
    if (command == "retrieve") return uhop::cli::runRetrieve(rest);
    throw uhop::cli::UsageError("unknown command '" + command + "'");
  } catch (const uhop::cli::UsageError& e) {
    std::fprintf(stderr, "uhop: %s\n\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uhop %s: %s\n", command.c_str(), e.what());
    return 1;
  }
}
