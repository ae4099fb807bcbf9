#include "app/cli_sweep_output.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/cli_models.h"
#include "plot/plot_export.h"

namespace uhop::cli {

namespace {

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
  j["diffuse_fraction"] = r.diffuseFraction;
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

}  // namespace

std::string csvNumber(double v) {
  if (std::isnan(v)) return "nan";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

nlohmann::json sweepConfigJson(const SweepConfig& used, const std::string& source, int offset) {
  nlohmann::json cfg;
  cfg["data"] = source;
  cfg["offset"] = offset;
  if (used.kind != SweepKind::Capacity) cfg["memories"] = used.memories;
  cfg["grid"] = used.grid;
  nlohmann::json models = nlohmann::json::array();
  for (const ModelSpec& m : used.models) models.push_back(modelJson(m));
  cfg["models"] = models;
  cfg["corrupt"] = used.kind == SweepKind::Noise ? "noise:x" : used.corruption.name();
  cfg["steps"] = used.steps;
  cfg["seeds"] = used.seeds;
  cfg["first_seed"] = used.firstSeed;
  cfg["train_on"] = kernelTrainingName(used.training);
  cfg["eigen_threads"] = used.eigenThreads;
  return cfg;
}

std::string aggregateCsv(const std::string& kind, const std::vector<SweepPoint>& points) {
  std::string out =
      "sweep,x,model,seeds,mean_error,std_error,mean_correct,std_correct,mean_metastable,"
      "std_metastable,failed\n";
  for (const SweepPoint& p : points)
    out += kind + "," + csvNumber(p.x) + "," + csvField(p.model) + "," + std::to_string(p.seeds) +
           "," + csvNumber(p.meanError) + "," + csvNumber(p.stdError) + "," +
           csvNumber(p.meanCorrect) + "," + csvNumber(p.stdCorrect) + "," +
           csvNumber(p.meanMetastable) + "," + csvNumber(p.stdMetastable) + "," +
           std::to_string(p.failed) + "\n";
  return out;
}

std::string rowsCsv(const std::string& kind, const std::vector<SweepRow>& rows) {
  std::string out =
      "sweep,x,model,seed,memories,mean_error,correct_fraction,wrong_single_fraction,"
      "metastable_fraction,seconds,failure,support_histogram,diffuse_fraction\n";
  for (const SweepRow& r : rows) {
    std::string histogram;
    for (int count : r.supportHistogram) {
      if (!histogram.empty()) histogram += ' ';
      histogram += std::to_string(count);
    }
    out += kind + "," + csvNumber(r.x) + "," + csvField(r.model) + "," + std::to_string(r.seed) +
           "," + std::to_string(r.memories) + "," + csvNumber(r.meanError) + "," +
           csvNumber(r.correctFraction) + "," + csvNumber(r.wrongSingleFraction) + "," +
           csvNumber(r.metastableFraction) + "," + csvNumber(r.seconds) + "," +
           csvField(r.failure) + "," + histogram + "," + csvNumber(r.diffuseFraction) + "\n";
  }
  return out;
}

std::string shardPreamble(const SweepResult& result, int shard, int shards, int shardCells) {
  nlohmann::json s, c;
  s["shard"] = shard;
  s["shards"] = shards;
  s["cells"] = shardCells;
  s["completed"] = result.completed;
  s["threads"] = result.threads;
  s["wall_seconds"] = result.wallSeconds;
  c["sweep"] = sweepKindName(result.config.kind);
  c["cells"] = result.cells;
  c["config"] = result.configJson;
  // dump() without indentation is one line: strings with line breaks are escaped.
  return kShardLine + s.dump() + "\n" + kConfigLine + c.dump() + "\n";
}

void writeSweepOutputs(const SweepResult& result, const std::vector<SweepPoint>& points,
                       const SweepOutputs& outputs) {
  const std::string kind = sweepKindName(result.config.kind);
  if (!outputs.csv.empty()) writeOutput(outputs.csv, aggregateCsv(kind, points));
  if (!outputs.rowsCsv.empty())
    writeOutput(outputs.rowsCsv, outputs.rowsPreamble + rowsCsv(kind, result.rows));
  if (!outputs.json.empty()) {
    nlohmann::json j;
    j["sweep"] = kind;
    j["config"] = result.configJson;
    j["cells"] = result.cells;
    j["completed"] = result.completed;
    j["threads"] = result.threads;
    j["wall_seconds"] = result.wallSeconds;
    nlohmann::json rowsJ = nlohmann::json::array(), pointsJ = nlohmann::json::array();
    for (const SweepRow& r : result.rows) rowsJ.push_back(rowJson(r));
    for (const SweepPoint& p : points) pointsJ.push_back(pointJson(p));
    j["rows"] = rowsJ;
    j["aggregate"] = pointsJ;
    writeOutput(outputs.json, j.dump(2) + "\n");
  }
  if (!outputs.svg.empty()) {
    const ui::PlotSpec figure = ui::sweepPlotSpec(result.config, points, outputs.metric,
                                                  figureContext(result.config, result.source));
    writeOutput(outputs.svg, ui::plotToSvg(figure, 800, 500));
  }
}

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

}  // namespace uhop::cli
