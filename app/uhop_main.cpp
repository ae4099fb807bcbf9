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
  sweep     capacity|noise|stage1|beta: the paper's experiments: error, correct and metastable
            fractions vs x for several models and seeds; each cell uses every memory as a
            corrupted query. Options:
            --data SRC --offset K --memories M (not for capacity; default 100, builtin 64)
            --grid X1,X2,...  capacity: M (10,20,30,50,100,200,500), noise: sigma (0,.01,.05,
                 .1,.3,.5,.7,1,1.2,1.4,2,3,4), stage1: Stage I steps N (0,1,2,5,10,20,50,100,
                 200), beta: beta (9 points, 0.01 to 100, log-spaced)
            --models LIST (default mhm,sparse,meanproj,uhop,uhop-ref; see model keys)
            --seeds S (default 5) --seed S0: seed s = S0 + s seeds the corruption and Stage I
            --steps T (default 1) --corrupt SPEC (default mask:0.5; noise uses noise:sigma)
            --beta B --train-on all|first-half (memories Stage I trains on) --stage1-steps N
            and the other --stage1-* options, --kernel-scale S (apply to every kernel model)
            --threads K (cells in parallel; 0 = all cores) --eigen-threads E (OpenMP threads
                 inside a cell; default 1; 0 = OpenMP default). Numbers depend on E (last
                 bits), never on K. A cell equals `OMP_NUM_THREADS=E retrieve --seed S
                 --stage1-seed S` with the cell's settings.
            --quiet (no progress/ETA line on stderr)
            outputs ("-" = stdout):
            --csv FILE       one row per (x, model): sweep,x,model,seeds,mean_error,std_error,
                             mean_correct,std_correct,mean_metastable,std_metastable,failed
                             (std = sample standard deviation over seeds, n - 1)
            --rows-csv FILE  one row per cell: sweep,x,model,seed,memories,mean_error,
                             correct_fraction,wrong_single_fraction,metastable_fraction,seconds,
                             failure
            --json FILE      {sweep, config, cells, completed, threads, wall_seconds, rows,
                             aggregate}, same numbers as the CSVs
            --svg FILE       the figure: --plot error|correct|metastable (default error) vs x,
                             one series per model, error bars = std over seeds, log x for
                             capacity and beta
            Ctrl-C stops between cells and writes the finished ones (exit 130).
  metastable  per model, the fractions of queries ending correct / wrong single memory /
            metastable and the support histogram (k = 1..9, >=10), before and after Stage I
            --data SRC --memories M --offset K [--models LIST | --similarity ... --separation ...]
            --beta B --steps T --corrupt SPEC --seed S --train-on all|first-half
            [--stage1-* options] [--kernel-scale ...] [--eigen-threads E (default 0)] [--json]
            "before" is the kernel at Stage I's initial W (identity init: the dot baseline);
            "after" equals `retrieve` with the same flags.

model keys (--models, comma-separated): mhm (dot+softmax), sparse (dot+sparsemax), entmax:A,
  meanproj (meanproj+softmax), l2, l1, uhop (kernel+softmax, Stage I: identity init, default
  optimiser, 100 steps, rows normalised), uhop-ref (the same with the reference schedule),
  uhop-sparse, uhop-entmax:A, or SIM+SEP[@ref], e.g. kernel+poly:3, kernel+sparsemax@ref.
  --beta and --stage1-* options apply to every model of the list.

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
    if (command == "sweep") return uhop::cli::runSweep(rest);
    if (command == "metastable") return uhop::cli::runMetastable(rest);
    throw uhop::cli::UsageError("unknown command '" + command + "'");
  } catch (const uhop::cli::UsageError& e) {
    std::fprintf(stderr, "uhop: %s\n\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uhop %s: %s\n", command.c_str(), e.what());
    return 1;
  }
}
