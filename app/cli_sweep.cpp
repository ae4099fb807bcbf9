// `uhop sweep capacity|noise|stage1|beta`: the paper's experiments (core/experiments.h) from the
// command line. Runs every (x, model, seed) cell on a thread pool, prints a progress line with
// an ETA to stderr and the mean ± std table to stdout, and writes the aggregate CSV, the per-seed
// CSV, the JSON (config + rows + aggregate) and the finished SVG figure (ui/plot_export.h).
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

#include "app/cli_commands.h"
#include "app/cli_models.h"
#include "app/cli_options.h"
#include "core/datasets.h"
#include "core/experiments.h"
#include "ui/plot_export.h"
#include "ui/sweep_plot.h"

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

std::string num(double v) {
  if (std::isnan(v)) return "nan";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

// RFC 4180 quoting for names with commas, quotes or line breaks.
std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string aggregateCsv(const std::string& kind, const std::vector<SweepPoint>& points) {
  std::string out =
      "sweep,x,model,seeds,mean_error,std_error,mean_correct,std_correct,mean_metastable,"
      "std_metastable,failed\n";
  for (const SweepPoint& p : points)
    out += kind + "," + num(p.x) + "," + csvField(p.model) + "," + std::to_string(p.seeds) + "," +
           num(p.meanError) + "," + num(p.stdError) + "," + num(p.meanCorrect) + "," +
           num(p.stdCorrect) + "," + num(p.meanMetastable) + "," + num(p.stdMetastable) + "," +
           std::to_string(p.failed) + "\n";
  return out;
}

std::string rowsCsv(const std::string& kind, const std::vector<SweepRow>& rows) {
  std::string out =
      "sweep,x,model,seed,memories,mean_error,correct_fraction,wrong_single_fraction,"
      "metastable_fraction,seconds,failure\n";
  for (const SweepRow& r : rows)
    out += kind + "," + num(r.x) + "," + csvField(r.model) + "," + std::to_string(r.seed) + "," +
           std::to_string(r.memories) + "," + num(r.meanError) + "," + num(r.correctFraction) +
           "," + num(r.wrongSingleFraction) + "," + num(r.metastableFraction) + "," +
           num(r.seconds) + "," + csvField(r.failure) + "\n";
  return out;
}

// What follows the figure's title: the data, corruption, T and seeds.
std::string figureContext(const SweepConfig& c, const std::string& source) {
  return source + ", " +
         (c.kind == SweepKind::Noise ? std::string("noise:σ") : c.corruption.name()) +
         ", T = " + std::to_string(c.steps) + ", " + std::to_string(c.seeds) +
         (c.seeds == 1 ? " seed" : " seeds, ± std");
}

nlohmann::json rowJson(const SweepRow& r) {
  nlohmann::json j;
  j["x"] = r.x;
  j["model"] = r.model;
  j["seed"] = r.seed;
  j["memories"] = r.memories;
  j["mean_error"] = r.meanError;
  j["correct_fraction"] = r.correctFraction;
  j["wrong_single_fraction"] = r.wrongSingleFraction;
  j["metastable_fraction"] = r.metastableFraction;
  j["support_histogram"] = r.supportHistogram;
  j["seconds"] = r.seconds;
  if (!r.failure.empty()) j["failure"] = r.failure;
  return j;
}

nlohmann::json pointJson(const SweepPoint& p) {
  nlohmann::json j;
  j["x"] = p.x;
  j["model"] = p.model;
  j["seeds"] = p.seeds;
  j["failed"] = p.failed;
  j["mean_error"] = p.meanError;
  j["std_error"] = p.stdError;
  j["mean_correct"] = p.meanCorrect;
  j["std_correct"] = p.stdCorrect;
  j["mean_metastable"] = p.meanMetastable;
  j["std_metastable"] = p.stdMetastable;
  return j;
}

// Writes through a temporary file and a rename, so a reader never sees half a file.
void writeOutput(const std::string& path, const std::string& content) {
  if (path == "-") {
    std::cout << content;
    return;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw DataError(path + ": cannot open for writing");
    out << content;
    if (!out.flush()) throw DataError(path + ": write failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw DataError(path + ": cannot rename the temporary file into place");
  }
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

}  // namespace

int runSweep(const std::vector<std::string>& argvAll) {
  if (argvAll.empty() || argvAll[0].rfind("--", 0) == 0)
    throw UsageError("sweep needs a kind: capacity, noise, stage1 or beta");
  const SweepKind kind = asUsage([&] { return parseSweepKind(argvAll[0]); });
  const std::vector<std::string> argv(argvAll.begin() + 1, argvAll.end());

  std::set<std::string> values{"grid",     "seeds",   "seed",          "steps", "corrupt",
                               "train-on", "threads", "eigen-threads", "csv",   "rows-csv",
                               "json",     "svg",     "plot"},
      switches{"quiet"};
  addDataFlags(values);
  addModelListFlags(values, switches);
  Args args(argv, values, switches);
  if (args.has("stage1-seed"))
    throw UsageError("in a sweep, seed s also seeds Stage I (--seed sets the first one)");
  if (kind == SweepKind::Capacity && args.has("memories"))
    throw UsageError("the capacity sweep takes M from --grid; drop --memories");
  if (kind == SweepKind::Noise && args.has("corrupt"))
    throw UsageError("the noise sweep corrupts with noise:σ for σ in --grid; drop --corrupt");

  SweepConfig config;
  config.kind = kind;
  config.grid = args.has("grid") ? parseGrid(args.text("grid", "")) : defaultGrid(kind);
  config.models = modelList(args);
  config.memories = args.integer("memories", 100, 2, 1000000);
  config.steps = args.integer("steps", 1, 0, 100000);
  config.seeds = args.integer("seeds", 5, 1, 10000);
  config.firstSeed = args.seed("seed", 0);
  config.corruption = asUsage([&] { return Corruption::parse(args.text("corrupt", "mask:0.5")); });
  config.training = asUsage([&] { return parseKernelTraining(args.text("train-on", "all")); });
  config.eigenThreads = args.integer("eigen-threads", 1, 0, 256);
  const int threads = args.integer("threads", 0, 0, 256);
  const bool quiet = args.flag("quiet");
  const std::string plotName = args.text("plot", "error");
  ui::SweepMetric metric = ui::SweepMetric::Error;
  if (plotName == "correct")
    metric = ui::SweepMetric::Correct;
  else if (plotName == "metastable")
    metric = ui::SweepMetric::Metastable;
  else if (plotName != "error")
    throw UsageError("--plot expects error, correct or metastable, got '" + plotName + "'");

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
  LoadOptions load;
  load.offset = args.integer("offset", 0, 0, 100000000);
  load.count = needed;
  const std::string source = args.text("data", "builtin");
  // The built-in set holds 64 memories: without --memories, its sweeps use all of them.
  const bool builtinDefault =
      source == "builtin" && kind != SweepKind::Capacity && !args.has("memories");
  if (builtinDefault) load.count = -1;
  auto pool = std::make_shared<const MemorySet>(loadDataSource(source, load));
  if (builtinDefault) config.memories = needed = std::min(needed, pool->count());
  if (pool->count() < needed)
    throw DataError(source + ": the sweep needs " + std::to_string(needed) +
                    " memories from offset " + std::to_string(load.offset) + " but only " +
                    std::to_string(pool->count()) + " are there");
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
  auto previousHandler = std::signal(SIGINT, onInterrupt);
  sweep.run(&gInterrupted, threads, progress);
  std::signal(SIGINT, previousHandler);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool complete = sweep.finished();
  if (!complete)
    std::fprintf(stderr, "\nsweep %s: interrupted after %d of %d cells; writing what finished\n",
                 sweepKindName(kind).c_str(), sweep.cellsDone(), total);

  const std::vector<SweepRow> rows = sweep.rows();
  const std::vector<SweepPoint> points = sweep.aggregate();
  const std::string kindName = sweepKindName(kind);
  const SweepConfig& used = sweep.config();

  if (args.has("csv")) writeOutput(args.text("csv", ""), aggregateCsv(kindName, points));
  if (args.has("rows-csv")) writeOutput(args.text("rows-csv", ""), rowsCsv(kindName, rows));
  if (args.has("json")) {
    nlohmann::json j, cfg;
    cfg["data"] = pool->source;
    cfg["offset"] = load.offset;
    if (kind != SweepKind::Capacity) cfg["memories"] = used.memories;
    cfg["grid"] = used.grid;
    nlohmann::json models = nlohmann::json::array();
    for (const ModelSpec& m : used.models) models.push_back(modelJson(m));
    cfg["models"] = models;
    cfg["corrupt"] = kind == SweepKind::Noise ? "noise:x" : used.corruption.name();
    cfg["steps"] = used.steps;
    cfg["seeds"] = used.seeds;
    cfg["first_seed"] = used.firstSeed;
    cfg["train_on"] = kernelTrainingName(used.training);
    cfg["eigen_threads"] = used.eigenThreads;
    j["sweep"] = kindName;
    j["config"] = cfg;
    j["cells"] = total;
    j["completed"] = complete;
    j["threads"] = threads;
    j["wall_seconds"] = wall;
    nlohmann::json rowsJ = nlohmann::json::array(), pointsJ = nlohmann::json::array();
    for (const SweepRow& r : rows) rowsJ.push_back(rowJson(r));
    for (const SweepPoint& p : points) pointsJ.push_back(pointJson(p));
    j["rows"] = rowsJ;
    j["aggregate"] = pointsJ;
    writeOutput(args.text("json", ""), j.dump(2) + "\n");
  }
  if (args.has("svg")) {
    const ui::PlotSpec figure = ui::sweepPlotSpec(sweep.config(), points, metric,
                                                  figureContext(sweep.config(), pool->source));
    writeOutput(args.text("svg", ""), ui::plotToSvg(figure, 800, 500));
  }

  const bool stdoutTaken = args.text("csv", "") == "-" || args.text("rows-csv", "") == "-" ||
                           args.text("json", "") == "-" || args.text("svg", "") == "-";
  if (!stdoutTaken) {
    std::printf(
        "sweep %s on %s: %zu models x %zu grid points x %d seeds = %d cells, %s, T = %d, "
        "%.1f s\n",
        kindName.c_str(), pool->source.c_str(), used.models.size(), used.grid.size(), used.seeds,
        total, kind == SweepKind::Noise ? "noise:x" : used.corruption.name().c_str(), used.steps,
        wall);
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

}  // namespace uhop::cli
