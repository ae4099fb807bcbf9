// `uhop sweep merge FILE...`: the rows CSVs of a sharded sweep (`uhop sweep KIND --shard I/N
// --rows-csv FILE`) back into one sweep, written by the same code as an unsharded run (see
// app/cli_sweep_output.h): the aggregate CSV, the SVG and the JSON equal the unsharded run's
// except for the timings (rows' seconds; wall_seconds here is the sum of the shards' wall times).
// The files must come from one sweep (same kind and config), hold every shard 1 … N once and,
// together, every cell once; otherwise the error names the file and exit code is 1.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli_commands.h"
#include "app/cli_options.h"
#include "app/cli_sweep_output.h"
#include "core/experiments.h"

namespace uhop::cli {

namespace {

struct MergeArgs {
  std::vector<std::string> files;
  std::string plot = "error";
  SweepOutputs outputs;
};

// Splits RFC 4180 CSV text into records of fields (quoted fields may hold commas, quotes and
// line breaks).
std::vector<std::vector<std::string>> parseCsv(const std::string& text, const std::string& file) {
  std::vector<std::vector<std::string>> records(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& field = records.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().emplace_back();
    } else if (c == '\n') {
      records.emplace_back(1);
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) throw DataError(file + ": unterminated quoted field");
  if (records.back().size() == 1 && records.back()[0].empty()) records.pop_back();
  return records;
}

double numberField(const std::string& text, const std::string& file, size_t line) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw DataError(file + ": line " + std::to_string(line) + ": '" + text + "' is not a number");
  return v;
}

long long wholeField(const std::string& text, const std::string& file, size_t line) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    throw DataError(file + ": line " + std::to_string(line) + ": '" + text +
                    "' is not a whole number");
  return std::stoll(text);
}

struct ShardFile {
  std::string path;
  nlohmann::json shard, sweep;                    // the two comment lines
  std::vector<std::vector<std::string>> records;  // after the CSV header
  size_t fields = 0;  // 13, or 12 in files written before diffuse_fraction
};

ShardFile readShardFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  ShardFile f;
  f.path = path;
  auto commentLine = [&](const std::string& prefix) {
    if (text.rfind(prefix, 0) != 0)
      throw DataError(path + ": not the rows CSV of a shard (it should start with '" + prefix +
                      "'; write it with `uhop sweep KIND --shard I/N --rows-csv FILE`)");
    const size_t end = text.find('\n');
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text.substr(prefix.size(), end - prefix.size()));
    } catch (const nlohmann::json::exception& e) {
      throw DataError(path + ": the '" + prefix + "' line is not valid JSON");
    }
    text.erase(0, end == std::string::npos ? text.size() : end + 1);
    return j;
  };
  f.shard = commentLine(kShardLine);
  f.sweep = commentLine(kConfigLine);
  f.records = parseCsv(text, path);
  // Shards written before the diffuse_fraction column existed have the same header without it.
  std::vector<std::string> header = parseCsv(rowsCsv("", {}), path).front();
  std::vector<std::string> older(header.begin(), header.end() - 1);
  if (f.records.empty() || (f.records.front() != header && f.records.front() != older))
    throw DataError(path + ": the CSV header is not that of `uhop sweep --rows-csv`");
  f.fields = f.records.front().size();
  f.records.erase(f.records.begin());
  return f;
}

// The SweepConfig the output writers need, rebuilt from the JSON's "config" object.
SweepConfig configFrom(const nlohmann::json& sweep) {
  SweepConfig c;
  const nlohmann::json& cfg = sweep.at("config");
  c.kind = parseSweepKind(sweep.at("sweep").get<std::string>());
  c.grid = cfg.at("grid").get<std::vector<double>>();
  for (const auto& m : cfg.at("models")) {
    ModelSpec spec;
    spec.name = m.at("name").get<std::string>();
    c.models.push_back(spec);
  }
  if (cfg.contains("memories")) c.memories = cfg.at("memories").get<int>();
  c.offset = cfg.at("offset").get<int>();
  if (c.kind != SweepKind::Noise)
    c.corruption = Corruption::parse(cfg.at("corrupt").get<std::string>());
  c.steps = cfg.at("steps").get<int>();
  c.seeds = cfg.at("seeds").get<int>();
  c.firstSeed = cfg.at("first_seed").get<uint64_t>();
  c.training = parseKernelTraining(cfg.at("train_on").get<std::string>());
  c.eigenThreads = cfg.at("eigen_threads").get<int>();
  return c;
}

int runMerge(const MergeArgs& args) {
  std::vector<ShardFile> files;
  for (const std::string& path : args.files) files.push_back(readShardFile(path));
  const ShardFile& first = files.front();
  SweepConfig config;
  try {
    config = configFrom(first.sweep);
  } catch (const std::exception& e) {
    throw DataError(first.path + ": the '# config:' line does not describe a sweep (" + e.what() +
                    ")");
  }
  const int shards = first.shard.value("shards", 0);
  const int cells = first.sweep.value("cells", 0);
  const int nx = static_cast<int>(config.grid.size()), nm = static_cast<int>(config.models.size());
  if (shards < 1 || cells != nx * nm * config.seeds)
    throw DataError(first.path + ": the '# shard:' or '# config:' line is inconsistent");

  // One sweep: same kind and config, shards 1 … N each once.
  std::map<int, std::string> shardFile;
  for (const ShardFile& f : files) {
    if (f.sweep != first.sweep)
      throw DataError(f.path + ": from a different sweep than " + first.path +
                      " (kind or config differ)");
    const int shard = f.shard.value("shard", 0);
    if (f.shard.value("shards", 0) != shards || shard < 1 || shard > shards)
      throw DataError(f.path + ": shard " + std::to_string(shard) + "/" +
                      std::to_string(f.shard.value("shards", 0)) + " does not belong with " +
                      first.path + "'s " + std::to_string(shards) + " shards");
    if (auto [it, added] = shardFile.emplace(shard, f.path); !added)
      throw DataError(f.path + ": shard " + std::to_string(shard) + "/" + std::to_string(shards) +
                      " again (also in " + it->second + ")");
    const int expected = f.shard.value("cells", -1);
    if (static_cast<int>(f.records.size()) != expected || !f.shard.value("completed", false))
      throw DataError(f.path + ": holds " + std::to_string(f.records.size()) + " of its shard's " +
                      std::to_string(expected) + " cells (was the run interrupted?)");
  }
  for (int s = 1; s <= shards; ++s)
    if (!shardFile.count(s))
      throw DataError("shard " + std::to_string(s) + "/" + std::to_string(shards) +
                      " is missing (given: " + std::to_string(files.size()) + " file(s))");

  // Rows back to their cells: x by its grid index, model by name, seed by its offset from S0.
  const std::string kind = sweepKindName(config.kind);
  std::vector<std::optional<SweepRow>> byCell(static_cast<size_t>(cells));
  std::vector<std::string> fileOfCell(static_cast<size_t>(cells));
  SweepResult result;
  result.wallSeconds = 0;
  for (const ShardFile& f : files) {
    result.wallSeconds += f.shard.value("wall_seconds", 0.0);
    for (size_t i = 0; i < f.records.size(); ++i) {
      const auto& r = f.records[i];
      const size_t line = i + 4;  // two comment lines and the header come first
      if (r.size() != f.fields)
        throw DataError(f.path + ": line " + std::to_string(line) + " has " +
                        std::to_string(r.size()) + " fields, not " + std::to_string(f.fields));
      if (r[0] != kind)
        throw DataError(f.path + ": line " + std::to_string(line) + " is from a " + r[0] +
                        " sweep");
      SweepRow row;
      row.x = numberField(r[1], f.path, line);
      row.model = r[2];
      row.seed = static_cast<uint64_t>(wholeField(r[3], f.path, line));
      row.memories = static_cast<int>(wholeField(r[4], f.path, line));
      row.meanError = numberField(r[5], f.path, line);
      row.correctFraction = numberField(r[6], f.path, line);
      row.wrongSingleFraction = numberField(r[7], f.path, line);
      row.metastableFraction = numberField(r[8], f.path, line);
      row.seconds = numberField(r[9], f.path, line);
      row.failure = r[10];
      std::istringstream histogram(r[11]);
      for (int count; histogram >> count;) row.supportHistogram.push_back(count);
      row.diffuseFraction = f.fields > 12 ? numberField(r[12], f.path, line) : std::nan("");
      const auto x = std::find(config.grid.begin(), config.grid.end(), row.x);
      const auto m = std::find_if(config.models.begin(), config.models.end(),
                                  [&](const ModelSpec& s) { return s.name == row.model; });
      if (x == config.grid.end() || m == config.models.end() || row.seed < config.firstSeed ||
          row.seed - config.firstSeed >= static_cast<uint64_t>(config.seeds))
        throw DataError(f.path + ": line " + std::to_string(line) + " (x = " + r[1] + ", " +
                        row.model + ", seed " + r[3] + ") is not a cell of this sweep");
      row.xIndex = static_cast<int>(x - config.grid.begin());
      row.modelIndex = static_cast<int>(m - config.models.begin());
      row.seedIndex = static_cast<int>(row.seed - config.firstSeed);
      // Cell order: x outer, then seed, then model (core/experiments.h).
      row.index = (row.xIndex * config.seeds + row.seedIndex) * nm + row.modelIndex;
      if (byCell[row.index])
        throw DataError(f.path + ": line " + std::to_string(line) + " (x = " + r[1] + ", " +
                        row.model + ", seed " + r[3] + ") is also in " + fileOfCell[row.index]);
      fileOfCell[row.index] = f.path;
      byCell[row.index] = std::move(row);
    }
  }
  for (int i = 0; i < cells; ++i)
    if (!byCell[i])
      throw DataError("cell " + std::to_string(i) + " of " + std::to_string(cells) +
                      " is in none of the files");

  for (auto& row : byCell) result.rows.push_back(std::move(*row));
  result.config = config;
  result.configJson = first.sweep.at("config");
  result.source = result.configJson.value("data", "");
  result.cells = cells;
  result.completed = true;
  result.threads = first.shard.value("threads", 0);
  const std::vector<SweepPoint> points = aggregateRows(result.rows, config);
  writeSweepOutputs(result, points, args.outputs);
  if (!args.outputs.usesStdout())
    std::printf("merged %zu shard(s) of the %s sweep: %d cells, %zu points\n", files.size(),
                kind.c_str(), cells, points.size());
  return 0;
}

}  // namespace

Command addSweepMergeCommand(CLI::App& sweep) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = sweep.add_subcommand(
      "merge",
      "combine the --rows-csv files of `uhop sweep KIND --shard I/N` (all N of them) into the "
      "unsharded sweep's --csv, --json, --svg and --rows-csv");
  cmd->add_option("files", args->files, "the shards' rows CSV files")->required()->default_str("");
  cmd->add_option("--csv", args->outputs.csv, "aggregate CSV (\"-\" = stdout)");
  cmd->add_option("--rows-csv", args->outputs.rowsCsv, "all rows, in cell order");
  cmd->add_option("--json", args->outputs.json, "the JSON of the whole sweep");
  cmd->add_option("--svg", args->outputs.svg, "the figure");
  addChoice(*cmd, "--plot", args->plot, {"error", "correct", "metastable"},
            "what the figure shows");
  return {cmd, [args] {
            args->outputs.metric = args->plot == "correct"      ? ui::SweepMetric::Correct
                                   : args->plot == "metastable" ? ui::SweepMetric::Metastable
                                                                : ui::SweepMetric::Error;
            return runMerge(*args);
          }};
}

}  // namespace uhop::cli
