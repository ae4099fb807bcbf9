// Tests of sharded sweeps: `uhop sweep KIND --shard I/N --rows-csv FILE` for I = 1 … N, then
// `uhop sweep merge` gives the same aggregate CSV, SVG, JSON and rows CSV as the unsharded run,
// byte for byte, except the timings, which differ from run to run: the rows' `seconds` and the
// JSON's `wall_seconds` are blanked before comparing. Also: bad --shard values exit 2; merging
// files that are mixed, duplicated, missing or incomplete exits 1 naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/cli_runner.h"

namespace {

using uhop::test::runCli;
using uhop::test::RunResult;

std::string tmpPath(const std::string& name) {
  std::filesystem::create_directories(UHOP_TEST_TMP);
  return std::string(UHOP_TEST_TMP) + "/shard_" + name;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The rows CSV with its 10th field (seconds) blanked on every line (no quoted fields here).
std::string withoutSeconds(const std::string& csv) {
  std::stringstream in(csv);
  std::string line, out;
  while (std::getline(in, line)) {
    size_t start = 0;
    for (int i = 0; i < 9; ++i) start = line.find(',', start) + 1;
    const size_t end = line.find(',', start);
    out += line.substr(0, start) + line.substr(end) + "\n";
  }
  return out;
}

nlohmann::json withoutTimings(nlohmann::json j) {
  j.erase("wall_seconds");
  for (auto& row : j["rows"]) row.erase("seconds");
  return j;
}

// Stage I sweep: the cells share Stage I trajectories, which shards must retrain identically.
const std::string kSweep =
    "sweep stage1 --data builtin --memories 16 --grid 0,2,5 --seeds 2 --seed 1 "
    "--models mhm,uhop,uhop-ref --quiet";

std::vector<std::string> runShards(int n, const std::string& prefix) {
  std::vector<std::string> files;
  for (int i = 1; i <= n; ++i) {
    files.push_back(tmpPath(prefix + std::to_string(i) + ".csv"));
    RunResult r = runCli(kSweep + " --shard " + std::to_string(i) + "/" + std::to_string(n) +
                         " --rows-csv " + files.back());
    EXPECT_EQ(r.exitCode, 0) << i;
  }
  return files;
}

TEST(CliSweepShard, ThreeShardsMergedEqualTheUnshardedRun) {
  const std::string csv = tmpPath("full.csv"), json = tmpPath("full.json"),
                    svg = tmpPath("full.svg"), rows = tmpPath("full_rows.csv");
  ASSERT_EQ(
      runCli(kSweep + " --csv " + csv + " --json " + json + " --svg " + svg + " --rows-csv " + rows)
          .exitCode,
      0);
  const std::vector<std::string> shards = runShards(3, "s");
  // Disjoint slices that cover the 3 x 3 x 2 = 18 cells: each line once, none lost.
  size_t lines = 0;
  for (const auto& f : shards) {
    const std::string text = readFile(f);
    EXPECT_EQ(text.rfind("# shard: ", 0), 0u) << f;
    lines += static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) - 3;
  }
  EXPECT_EQ(lines, 18u);

  const std::string mcsv = tmpPath("m.csv"), mjson = tmpPath("m.json"), msvg = tmpPath("m.svg"),
                    mrows = tmpPath("m_rows.csv");
  // Shards in any order.
  RunResult merged =
      runCli("sweep merge " + shards[2] + " " + shards[0] + " " + shards[1] + " --csv " + mcsv +
             " --json " + mjson + " --svg " + msvg + " --rows-csv " + mrows);
  ASSERT_EQ(merged.exitCode, 0);
  EXPECT_EQ(readFile(mcsv), readFile(csv));
  EXPECT_EQ(readFile(msvg), readFile(svg));
  EXPECT_FALSE(readFile(svg).empty());
  EXPECT_EQ(withoutSeconds(readFile(mrows)), withoutSeconds(readFile(rows)));
  const auto a = nlohmann::json::parse(readFile(json)), b = nlohmann::json::parse(readFile(mjson));
  EXPECT_EQ(withoutTimings(b), withoutTimings(a));
  // Byte for byte too: the JSON text with its timings removed.
  EXPECT_EQ(withoutTimings(b).dump(2), withoutTimings(a).dump(2));
  EXPECT_EQ(b["rows"].size(), 18u);
  EXPECT_EQ(b["rows"][0]["support_histogram"].size(), 10u);
}

// Shards written before the diffuse_fraction column existed (12 fields) still merge; their
// rows' diffuse fraction is unknown (NaN in the CSV, null in the JSON).
TEST(CliSweepShard, MergeReadsShardsWithoutTheDiffuseColumn) {
  const std::vector<std::string> shards = runShards(2, "old");
  for (const std::string& f : shards) {
    std::stringstream in(readFile(f));
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.rfind("#", 0) != 0) line = line.substr(0, line.rfind(','));
      out += line + "\n";
    }
    writeFile(f, out);
  }
  const std::string mrows = tmpPath("old_rows.csv"), mjson = tmpPath("old.json");
  RunResult merged = runCli("sweep merge " + shards[0] + " " + shards[1] + " --rows-csv " + mrows +
                            " --json " + mjson);
  ASSERT_EQ(merged.exitCode, 0);
  const auto j = nlohmann::json::parse(readFile(mjson));
  ASSERT_EQ(j["rows"].size(), 18u);
  EXPECT_TRUE(j["rows"][0]["diffuse_fraction"].is_null()) << j["rows"][0];
  EXPECT_NE(readFile(mrows).find(",nan\n"), std::string::npos);
}

TEST(CliSweepShard, BadShardValuesExitTwo) {
  const std::string rows = tmpPath("bad.csv");
  for (const char* shard : {"0/3", "4/3", "1/0", "x/3", "1", "1/3/5", "-1/3"})
    EXPECT_EQ(runCli(kSweep + " --shard " + shard + " --rows-csv " + rows).exitCode, 2) << shard;
  EXPECT_EQ(runCli(kSweep + " --shard 1/3").exitCode, 2) << "without --rows-csv";
  EXPECT_EQ(runCli(kSweep + " --shard 1/3 --rows-csv " + rows + " --csv x.csv").exitCode, 2);
}

TEST(CliSweepShard, MergeRefusesMixedDuplicatedMissingOrIncompleteFiles) {
  const std::vector<std::string> shards = runShards(2, "m");
  auto stderrOf = [](const std::string& args) { return runCli(args, "", true).out; };

  // Missing shard 2.
  EXPECT_EQ(runCli("sweep merge " + shards[0]).exitCode, 1);
  EXPECT_NE(stderrOf("sweep merge " + shards[0]).find("2/2"), std::string::npos);
  // The same shard twice.
  const std::string twice = "sweep merge " + shards[0] + " " + shards[1] + " " + shards[0];
  EXPECT_EQ(runCli(twice).exitCode, 1);
  EXPECT_NE(stderrOf(twice).find(shards[0]), std::string::npos);
  // A shard of another sweep (other seeds).
  const std::string other = tmpPath("other.csv");
  ASSERT_EQ(runCli("sweep stage1 --data builtin --memories 16 --grid 0,2,5 --seeds 3 --seed 1 "
                   "--models mhm,uhop,uhop-ref --quiet --shard 2/2 --rows-csv " +
                   other)
                .exitCode,
            0);
  EXPECT_EQ(runCli("sweep merge " + shards[0] + " " + other).exitCode, 1);
  EXPECT_NE(stderrOf("sweep merge " + shards[0] + " " + other).find(other), std::string::npos);
  // A shard with a row cut off.
  const std::string cut = tmpPath("cut.csv");
  std::string text = readFile(shards[1]);
  text.erase(text.rfind('\n', text.size() - 2) + 1);
  writeFile(cut, text);
  EXPECT_EQ(runCli("sweep merge " + shards[0] + " " + cut).exitCode, 1);
  EXPECT_NE(stderrOf("sweep merge " + shards[0] + " " + cut).find(cut), std::string::npos);
  // A row duplicated into the other shard (its own count then fits the other's header no more,
  // so make the count fit: replace shard 2's first row with shard 1's first row).
  const std::string dup = tmpPath("dup.csv");
  const std::string one = readFile(shards[0]);
  size_t at = 0;
  for (int i = 0; i < 3; ++i) at = one.find('\n', at) + 1;
  const std::string firstRow = one.substr(at, one.find('\n', at) + 1 - at);
  std::string two = readFile(shards[1]);
  size_t at2 = 0;
  for (int i = 0; i < 3; ++i) at2 = two.find('\n', at2) + 1;
  two.replace(at2, two.find('\n', at2) + 1 - at2, firstRow);
  writeFile(dup, two);
  EXPECT_EQ(runCli("sweep merge " + shards[0] + " " + dup).exitCode, 1);
  EXPECT_NE(stderrOf("sweep merge " + shards[0] + " " + dup).find(dup), std::string::npos);
  // A rows CSV of an unsharded run has no shard line.
  const std::string plain = tmpPath("plain.csv");
  ASSERT_EQ(runCli(kSweep + " --rows-csv " + plain).exitCode, 0);
  EXPECT_EQ(runCli("sweep merge " + plain).exitCode, 1);
  EXPECT_NE(stderrOf("sweep merge " + plain).find(plain), std::string::npos);
  EXPECT_EQ(runCli("sweep merge").exitCode, 2);
  EXPECT_EQ(runCli("sweep merge " + tmpPath("does-not-exist.csv")).exitCode, 1);
}

}  // namespace
