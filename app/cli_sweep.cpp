// `uhop sweep capacity|noise|stage1|beta`: the paper's experiments (core/experiments.h) from the
// command line. Runs every (x, model, seed) cell on a thread pool, prints a progress line with
// an ETA to stderr and the mean ± std table to stdout, and writes the aggregate CSV, the per-seed
// CSV, the JSON (config + rows + aggregate) and the finished SVG figure (plot/plot_export.h).
// Ctrl-C cancels between cells (and inside Stage I) and still writes the cells that finished.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "app/cli_activity.h"
#include "app/cli_commands.h"
#include "app/cli_models.h"
#include "app/cli_options.h"
#include "app/cli_sweep_output.h"
#include "core/datasets.h"
#include "core/experiments.h"

namespace uhop::cli {

namespace {

std::atomic<bool> gInterrupted{false};
extern "C" void onInterrupt(int) {
  gInterrupted.store(true);
}

std::vector<double> parseGrid(const std::string& text) {
  std::vector<double> grid;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      const double v = std::stod(item, &used);
      if (used != item.size() || !std::isfinite(v)) throw std::invalid_argument("trailing");
      grid.push_back(v);
    } catch (const std::exception&) {
      throw UsageError("--grid expects comma-separated numbers, got '" + item + "'");
    }
  }
  if (grid.empty()) throw UsageError("--grid is empty");
  return grid;
}

std::string formatDuration(double seconds) {
  char buffer[32];
  if (seconds < 90)
    std::snprintf(buffer, sizeof buffer, "%.0fs", seconds);
  else if (seconds < 5400)
    std::snprintf(buffer, sizeof buffer, "%.0fm%02.0fs", std::floor(seconds / 60),
                  std::fmod(seconds, 60));
  else
    std::snprintf(buffer, sizeof buffer, "%.1fh", seconds / 3600);
  return buffer;
}

struct SweepArgs {
  std::string kind;
  DataOptions data;
  ModelListOptions models;
  std::string grid;
  int seeds = 5;
  uint64_t seed = 0;
  int steps = 1;
  std::string corrupt = "mask:0.5";
  std::string trainOn = "all";
  int threads = 0;
  int eigenThreads = 1;
  std::string plot = "error";
  bool quiet = false;
  std::string shard;  // "I/N"
  SweepOutputs outputs;
  CLI::Option *gridOption = nullptr, *corruptOption = nullptr;
};

// "I/N" with 1 <= I <= N.
std::pair<int, int> parseShard(const std::string& text) {
  const std::string bad = "--shard expects I/N with 1 <= I <= N, got '" + text + "'";
  const size_t slash = text.find('/');
  if (slash == std::string::npos) throw UsageError(bad);
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 6 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!digits(a) || !digits(b)) throw UsageError(bad);
  const int i = std::stoi(a), n = std::stoi(b);
  if (i < 1 || i > n) throw UsageError(bad);
  return {i, n};
}

int runSweep(const SweepArgs& args) {
  if (args.kind.empty()) throw UsageError("sweep needs a kind: capacity, noise, stage1 or beta");
  const SweepKind kind = asUsage([&] { return parseSweepKind(args.kind); });
  if (args.models.stage1.has("seed"))
    throw UsageError("in a sweep, seed s also seeds Stage I (--seed sets the first one)");
  if (kind == SweepKind::Capacity && given(args.data.memoriesOption))
    throw UsageError("the capacity sweep takes M from --grid; drop --memories");
  if (kind == SweepKind::Noise && given(args.corruptOption))
    throw UsageError("the noise sweep corrupts with noise:σ for σ in --grid; drop --corrupt");

  SweepConfig config;
  config.kind = kind;
  config.grid = given(args.gridOption) ? parseGrid(args.grid) : defaultGrid(kind);
  config.models = modelList(args.models);
  config.memories = args.data.memories;
  config.steps = args.steps;
  config.seeds = args.seeds;
  config.firstSeed = args.seed;
  config.corruption = asUsage([&] { return Corruption::parse(args.corrupt); });
  config.training = asUsage([&] { return parseKernelTraining(args.trainOn); });
  config.eigenThreads = args.eigenThreads;
  if (!args.shard.empty()) {
    std::tie(config.shard, config.shards) = parseShard(args.shard);
    // A shard's aggregate would be a partial one; `uhop sweep merge` makes the real files.
    if (args.outputs.rowsCsv.empty() || args.outputs.rowsCsv == "-")
      throw UsageError("--shard needs --rows-csv FILE (merge the shards with `uhop sweep merge`)");
    if (!args.outputs.csv.empty() || !args.outputs.json.empty() || !args.outputs.svg.empty())
      throw UsageError(
          "with --shard only --rows-csv is written; `uhop sweep merge` writes "
          "--csv, --json and --svg from the shards' rows");
  }
  const int threads = args.threads;
  const bool quiet = args.quiet;

  asUsage([&] {
    validateGrid(kind, config.grid);
    return 0;
  });
  // Load exactly the memories the grid needs: [offset, offset + max M).
  int needed = config.memories;
  if (kind == SweepKind::Capacity) {
    const double maxM = *std::max_element(config.grid.begin(), config.grid.end());
    if (maxM > 1e6) throw UsageError("capacity grid values must be at most 1000000 memories");
    needed = static_cast<int>(maxM);
  }
  LoadOptions load = args.data.loadOptions();
  load.count = needed;
  const std::string& source = args.data.data;
  // The built-in set holds 64 memories: without --memories, its sweeps use all of them.
  const bool builtinDefault =
      source == "builtin" && kind != SweepKind::Capacity && !given(args.data.memoriesOption);
  if (builtinDefault) load.count = -1;
  setActivity("loading the memories from " + source);
  auto pool = std::make_shared<const MemorySet>(loadDataSource(source, load));
  if (builtinDefault) config.memories = needed = std::min(needed, pool->count());
  if (pool->count() < needed)
    throw DataError(source + ": the sweep needs " + std::to_string(needed) +
                    " memories from offset " + std::to_string(load.offset) + " but only " +
                    std::to_string(pool->count()) + " are there");
  printLoadWarnings(*pool);
  Sweep sweep = asUsage([&] { return Sweep(pool, config); });

  const int total = sweep.totalCells();
  const bool tty = isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  double lastPrint = -1e9;
  auto progress = [&](const SweepRow& row) {
    if (!row.failure.empty())
      std::fprintf(stderr, "%swarning: %s, x = %g, seed %llu: %s\n", tty ? "\r" : "",
                   row.model.c_str(), row.x, static_cast<unsigned long long>(row.seed),
                   row.failure.c_str());
    if (quiet) return;
    const int done = sweep.cellsDone();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (done < total && elapsed - lastPrint < (tty ? 0.2 : 5.0)) return;
    lastPrint = elapsed;
    // The ETA extrapolates the work done (cells weighted by their estimated flops), not the
    // cell count: the capacity sweep's last cells cost far more than its first.
    const double fraction = done < total ? std::max(sweep.progress(), 1e-9) : 1.0;
    const double eta = elapsed * (1.0 - fraction) / fraction;
    // Too early to extrapolate: the first cells are the cheapest and Stage I has not run yet.
    const bool etaKnown = done == total || (elapsed >= 2.0 && fraction >= 0.02);
    std::fprintf(stderr, "%ssweep %s: %d/%d cells, %.0f%% of the work, elapsed %s, ETA %s   %s",
                 tty ? "\r" : "", sweepKindName(kind).c_str(), done, total, 100.0 * fraction,
                 formatDuration(elapsed).c_str(), etaKnown ? formatDuration(eta).c_str() : "?",
                 tty && done < total ? "" : "\n");
    std::fflush(stderr);
  };
  gInterrupted.store(false);
  setActivity("running the sweep's cells");
  auto previousHandler = std::signal(SIGINT, onInterrupt);
  sweep.run(&gInterrupted, threads, progress);
  std::signal(SIGINT, previousHandler);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool complete = sweep.finished();
  if (!complete)
    std::fprintf(stderr, "\nsweep %s: interrupted after %d of %d cells; writing what finished\n",
                 sweepKindName(kind).c_str(), sweep.cellsDone(), total);

  SweepResult result;
  result.config = sweep.config();
  result.configJson = sweepConfigJson(sweep.config(), pool->source, load.offset);
  result.source = pool->source;
  result.cells = sweep.allCells();
  result.completed = complete;
  result.threads = threads;
  result.wallSeconds = wall;
  result.rows = sweep.rows();
  const std::vector<SweepPoint> points = sweep.aggregate();
  const std::vector<SweepRow>& rows = result.rows;
  const std::string kindName = sweepKindName(kind);
  const SweepConfig& used = sweep.config();
  SweepOutputs outputs = args.outputs;
  if (!args.shard.empty())
    outputs.rowsPreamble = shardPreamble(result, used.shard, used.shards, total);
  writeSweepOutputs(result, points, outputs);

  const bool stdoutTaken = args.outputs.usesStdout();
  if (!stdoutTaken) {
    std::printf(
        "sweep %s on %s: %zu models x %zu grid points x %d seeds = %d cells, %s, T = %d, "
        "%.1f s\n",
        kindName.c_str(), pool->source.c_str(), used.models.size(), used.grid.size(), used.seeds,
        sweep.allCells(), kind == SweepKind::Noise ? "noise:x" : used.corruption.name().c_str(),
        used.steps, wall);
    if (!args.shard.empty())
      std::printf("shard %d/%d: %d of the cells (a partial aggregate; merge the shards' rows)\n",
                  used.shard, used.shards, total);
    std::printf("%12s  %-28s %5s  %22s  %16s  %16s\n", "x", "model", "seeds", "error (mean ± std)",
                "correct", "metastable");
    for (const SweepPoint& p : points)
      std::printf("%12g  %-28s %5d  %11.4f ± %8.4f  %7.3f ± %6.3f  %7.3f ± %6.3f\n", p.x,
                  p.model.c_str(), p.seeds, p.meanError, p.stdError, p.meanCorrect, p.stdCorrect,
                  p.meanMetastable, p.stdMetastable);
  }
  if (!complete) return 130;
  for (const SweepRow& r : rows)
    if (!r.failure.empty()) return 1;
  return 0;
}

}  // namespace

Command addSweepCommand(CLI::App& root) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = root.add_subcommand(
      "sweep",
      "the paper's experiments: error, correct and metastable fractions vs x for several models "
      "and seeds; each cell uses every memory as a corrupted query. Ctrl-C stops between cells "
      "and writes the finished ones (exit 130).");
  const Command merge = addSweepMergeCommand(*cmd);
  cmd->add_option("kind", args->kind,
                  "what x is: capacity (M), noise (sigma), stage1 (Stage I "
                  "steps N) or beta")
      ->check(CLI::IsMember({"capacity", "noise", "stage1", "beta"}));
  addDataOptions(*cmd, args->data, 2,
                 "M of the noise, stage1 and beta sweeps (default 100; all 64 of builtin)");
  args->gridOption = cmd->add_option(
      "--grid", args->grid,
      "X1,X2,... (default: capacity 10,20,30,50,100,200,500; noise 0,.01,.05,.1,.3,.5,.7,1,1.2,"
      "1.4,2,3,4; stage1 0,1,2,5,10,20,50,100,200; beta 9 points 0.01..100 log-spaced)");
  addModelListOptions(*cmd, args->models);
  addInt(*cmd, "--seeds", args->seeds, 1, 10000, "seeds per (x, model)");
  addSeed(*cmd, "--seed", args->seed,
          "first seed S0: seed s = S0 + s seeds the corruption and Stage I");
  addInt(*cmd, "--steps", args->steps, 0, 100000, "retrieval steps T");
  args->corruptOption = addCorruptOption(*cmd, args->corrupt);
  addChoice(*cmd, "--train-on", args->trainOn, {"all", "first-half"},
            "memories Stage I trains the kernel on");
  addInt(*cmd, "--threads", args->threads, 0, 256, "cells in parallel (0 = all cores)");
  addInt(*cmd, "--eigen-threads", args->eigenThreads, 0, 256,
         "OpenMP threads inside a cell (0 = OpenMP default); numbers depend on it (last bits), "
         "never on --threads");
  cmd->add_flag("--quiet", args->quiet, "no progress/ETA line on stderr");
  cmd->add_option("--csv", args->outputs.csv,
                  "one row per (x, model): sweep,x,model,seeds,mean_error,std_error,mean_correct,"
                  "std_correct,mean_metastable,std_metastable,failed (\"-\" = stdout)");
  cmd->add_option("--rows-csv", args->outputs.rowsCsv,
                  "one row per cell: sweep,x,model,seed,memories,mean_error,correct_fraction,"
                  "wrong_single_fraction,metastable_fraction,seconds,failure,support_histogram,"
                  "diffuse_fraction");
  cmd->add_option("--shard", args->shard,
                  "I/N: run only the I-th of N disjoint slices of the cells (about equal work) "
                  "and write their --rows-csv; `uhop sweep merge` combines the N files");
  cmd->add_option("--json", args->outputs.json,
                  "{sweep, config, cells, completed, threads, wall_seconds, rows, aggregate}");
  cmd->add_option("--svg", args->outputs.svg,
                  "the figure: one series per model, error bars = std over seeds");
  addChoice(*cmd, "--plot", args->plot, {"error", "correct", "metastable"},
            "what the figure shows");
  return {cmd, [args, merge] {
            if (merge.app->parsed()) return merge.run();
            args->outputs.metric = args->plot == "correct"      ? ui::SweepMetric::Correct
                                   : args->plot == "metastable" ? ui::SweepMetric::Metastable
                                                                : ui::SweepMetric::Error;
            return runSweep(*args);
          }};
}

}  // namespace uhop::cli
