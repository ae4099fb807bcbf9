// The files `uhop sweep` writes (aggregate CSV, per-cell rows CSV, JSON, SVG figure), built from
// one SweepResult. A sweep run and `uhop sweep merge` both fill a SweepResult and call the same
// writers, so a merged sweep's files equal the unsharded run's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/experiments.h"
#include "plot/sweep_plot.h"

namespace uhop::cli {

struct SweepResult {
  // kind, grid, models (only their names are used here), steps, seeds, corruption, firstSeed.
  SweepConfig config;
  nlohmann::json configJson;  // the JSON's "config" object: data, offset, grid, models, ...
  std::string source;         // the data source, for the figure's title
  int cells = 0;              // cells of the whole sweep
  bool completed = false;
  int threads = 0;
  double wallSeconds = 0;
  std::vector<SweepRow> rows;  // in cell order
};

struct SweepOutputs {
  std::string csv, rowsCsv, json, svg;  // "" = not written, "-" = stdout
  ui::SweepMetric metric = ui::SweepMetric::Error;
  std::string rowsPreamble;  // comment lines before the rows CSV's header (a shard's identity)
  bool usesStdout() const { return csv == "-" || rowsCsv == "-" || json == "-" || svg == "-"; }
};

// The JSON "config" object of a finished sweep (config as Sweep resolved it).
nlohmann::json sweepConfigJson(const SweepConfig& used, const std::string& source, int offset);

std::string aggregateCsv(const std::string& kind, const std::vector<SweepPoint>& points);
// One line per cell: sweep,x,model,seed,memories,mean_error,correct_fraction,
// wrong_single_fraction,metastable_fraction,seconds,failure,support_histogram (the histogram's
// counts for k = 1 … 9, ≥ 10, separated by spaces).
std::string rowsCsv(const std::string& kind, const std::vector<SweepRow>& rows);

// The comment lines that open a shard's rows CSV, so `uhop sweep merge` can rebuild the sweep:
//   # shard: {"shard":I,"shards":N,"cells":cells of this shard,"completed":…,"threads":…,
//             "wall_seconds":…}
//   # config: {"sweep":KIND,"cells":cells of the whole sweep,"config":{the JSON's "config"}}
std::string shardPreamble(const SweepResult& result, int shard, int shards, int shardCells);
inline constexpr const char* kShardLine = "# shard: ";
inline constexpr const char* kConfigLine = "# config: ";

// Writes every output asked for from the rows and their aggregate (core's aggregateRows). Throws
// DataError when a file cannot be written.
void writeSweepOutputs(const SweepResult& result, const std::vector<SweepPoint>& points,
                       const SweepOutputs& outputs);

// Writes through a temporary file and a rename, so a reader never sees half a file ("-" = stdout).
void writeOutput(const std::string& path, const std::string& content);

// Numbers as the CSVs write them: shortest text that reads back to the same double, "nan" for NaN.
std::string csvNumber(double v);

}  // namespace uhop::cli
