// Tests of `uhop sweep` and `uhop metastable`: the files a sweep writes (CSV, per-seed
// CSV, JSON, SVG that parses as XML and names every series), CSV numbers equal to the JSON's, a
// sweep cell equal to a single `uhop retrieve` run, independence from --threads, the metastable
// JSON shape (before/after Stage I), progress on stderr only, and exit code 2 on bad flags.
#include <gtest/gtest.h>

#include "tests/app/cli_runner.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using uhop::test::RunResult;
using uhop::test::runCli;
using uhop::test::runShell;

std::string tmpPath(const std::string& name) {
  std::filesystem::create_directories(UHOP_TEST_TMP);
  return std::string(UHOP_TEST_TMP) + "/sweep_" + name;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::vector<std::string>> readCsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(readFile(path));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ls(line);
    std::string f;
    while (std::getline(ls, f, ',')) fields.push_back(f);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    rows.push_back(fields);
  }
  return rows;
}

double number(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

bool havePython() {
  return runShell("python3 -c pass 2>/dev/null").exitCode == 0;
}

// Retrieval flags of the sweep's model keys.
std::string retrieveFlags(const std::string& model) {
  if (model == "MHM") return "--similarity dot --separation softmax";
  if (model == "sparse MHM") return "--similarity dot --separation sparsemax";
  if (model == "mean-projected") return "--similarity meanproj --separation softmax";
  if (model == "U-Hop") return "--similarity kernel --separation softmax";
  if (model == "U-Hop (reference schedule)")
    return "--similarity kernel --separation softmax --stage1-optimizer reference";
  ADD_FAILURE() << "unexpected model " << model;
  return "";
}

const std::string kSmall =
    "--data builtin --seeds 2 --seed 3 --models mhm,sparse,uhop,uhop-ref --stage1-steps 10 --quiet";

TEST(CliSweep, WritesCsvJsonAndAnSvgThatParsesAndNamesEverySeries) {
  const std::string csv = tmpPath("cap.csv"), rows = tmpPath("cap_rows.csv"),
                    json = tmpPath("cap.json"), svg = tmpPath("cap.svg");
  for (const auto& f : {csv, rows, json, svg}) std::filesystem::remove(f);
  RunResult r = runCli("sweep capacity --grid 8,16 " + kSmall + " --csv " + csv + " --rows-csv " +
                       rows + " --json " + json + " --svg " + svg);
  ASSERT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("U-Hop (reference schedule)"), std::string::npos);  // the stdout table

  const auto j = nlohmann::json::parse(readFile(json));
  EXPECT_EQ(j["sweep"], "capacity");
  EXPECT_EQ(j["cells"], 2 * 4 * 2);
  EXPECT_TRUE(j["completed"].get<bool>());
  EXPECT_EQ(j["rows"].size(), 16u);
  EXPECT_EQ(j["aggregate"].size(), 8u);
  EXPECT_EQ(j["config"]["grid"], nlohmann::json({8.0, 16.0}));
  EXPECT_EQ(j["config"]["models"].size(), 4u);
  EXPECT_EQ(j["config"]["corrupt"], "mask:0.5");

  const auto table = readCsv(csv);
  ASSERT_EQ(table.size(), 9u);
  EXPECT_EQ(table[0][0], "sweep");
  EXPECT_EQ(table[0][4], "mean_error");
  EXPECT_EQ(readCsv(rows).size(), 17u);

  const std::string text = readFile(svg);
  ASSERT_FALSE(text.empty());
  for (const char* name : {"MHM", "sparse MHM", "U-Hop", "U-Hop (reference schedule)"})
    EXPECT_NE(text.find(std::string(">") + name + "<"), std::string::npos) << name;
  EXPECT_NE(text.find("memories M"), std::string::npos);
  if (!havePython()) GTEST_SKIP() << "python3 not available to parse the SVG as XML";
  RunResult parsed = runShell("python3 -c \"import sys, xml.dom.minidom as m; d = m.parse('" + svg +
                              "'); print(d.documentElement.tagName, "
                              "len(d.getElementsByTagName('path')))\"");
  ASSERT_EQ(parsed.exitCode, 0) << "the SVG is not well-formed XML";
  EXPECT_EQ(parsed.out.rfind("svg ", 0), 0u) << parsed.out;
}

TEST(CliSweep, CsvNumbersEqualTheJsonNumbers) {
  const std::string csv = tmpPath("noise.csv"), rows = tmpPath("noise_rows.csv"),
                    json = tmpPath("noise.json");
  RunResult r = runCli("sweep noise --memories 12 --grid 0,0.3,2 " + kSmall + " --csv " + csv +
                       " --rows-csv " + rows + " --json " + json);
  ASSERT_EQ(r.exitCode, 0);
  const auto j = nlohmann::json::parse(readFile(json));
  const auto table = readCsv(csv);
  ASSERT_EQ(table.size(), 1 + j["aggregate"].size());
  const std::vector<std::string> columns = {"mean_error",  "std_error",       "mean_correct",
                                            "std_correct", "mean_metastable", "std_metastable"};
  for (size_t i = 0; i < j["aggregate"].size(); ++i) {
    const auto& p = j["aggregate"][i];
    const auto& line = table[i + 1];
    ASSERT_EQ(line.size(), 11u);
    EXPECT_EQ(number(line[1]), p["x"].get<double>());
    EXPECT_EQ(line[2], p["model"].get<std::string>());
    EXPECT_EQ(std::stoi(line[3]), p["seeds"].get<int>());
    for (size_t c = 0; c < columns.size(); ++c)
      EXPECT_EQ(number(line[4 + c]), p[columns[c]].get<double>()) << columns[c] << " row " << i;
  }
  const auto perSeed = readCsv(rows);
  ASSERT_EQ(perSeed.size(), 1 + j["rows"].size());
  for (size_t i = 0; i < j["rows"].size(); ++i) {
    const auto& row = j["rows"][i];
    EXPECT_EQ(number(perSeed[i + 1][5]), row["mean_error"].get<double>());
    EXPECT_EQ(number(perSeed[i + 1][8]), row["metastable_fraction"].get<double>());
    ASSERT_EQ(perSeed[i + 1].size(), 13u);
    EXPECT_EQ(number(perSeed[i + 1][12]), row["diffuse_fraction"].get<double>());
  }
  EXPECT_EQ(perSeed[0].back(), "diffuse_fraction");
}

TEST(CliMetastable, TableHasADiffuseColumn) {
  RunResult r = runCli("metastable --data builtin --memories 12 --models mhm --steps 1");
  ASSERT_EQ(r.exitCode, 0);
  const size_t header = r.out.find("metastable  ");
  ASSERT_NE(header, std::string::npos) << r.out;
  const std::string line = r.out.substr(header, r.out.find('\n', header) - header);
  EXPECT_NE(line.find("diffuse"), std::string::npos) << line;
}

// A sweep cell is one `uhop retrieve` run: memories [offset, offset + M), --seed S, Stage I
// seeded S. With the default --eigen-threads 1 the cell runs single-threaded, as
// OMP_NUM_THREADS=1 uhop retrieve does; with --eigen-threads 0 it uses the OpenMP default, as a
// plain `uhop retrieve` does (checked on the models without Stage I, whose parallel loops are
// deterministic for any thread count). Either way the mean error must match to the last bit.
TEST(CliSweep, EachCellEqualsASingleRetrieveRun) {
  struct Case {
    std::string sweep, eigen, env, models;
  };
  const std::string all = "mhm,sparse,uhop,uhop-ref";
  const std::vector<Case> cases = {
      {"capacity --grid 6,20 --offset 5", "1", "OMP_NUM_THREADS=1", all},
      {"capacity --grid 20,40 --offset 5", "0", "", "mhm,sparse,meanproj"},
      {"noise --memories 12 --grid 0.3", "1", "OMP_NUM_THREADS=1", all},
      {"beta --memories 12 --grid 0.05,3", "1", "OMP_NUM_THREADS=1", all},
      {"stage1 --memories 12 --grid 0,4", "1", "OMP_NUM_THREADS=1", all},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sweep + " --eigen-threads " + c.eigen);
    const std::string json = tmpPath("cell.json");
    std::string flags = kSmall;
    flags.replace(flags.find(all), all.size(), c.models);
    if (c.sweep.rfind("stage1", 0) == 0)  // the stage1 sweep sets N itself
      flags.replace(flags.find(" --stage1-steps 10"), 18, "");
    RunResult r = runCli("sweep " + c.sweep + " " + flags + " --eigen-threads " + c.eigen +
                         " --json " + json);
    ASSERT_EQ(r.exitCode, 0);
    const auto j = nlohmann::json::parse(readFile(json));
    const std::string kind = j["sweep"];
    const int offset = j["config"]["offset"];
    ASSERT_FALSE(j["rows"].empty());
    for (const auto& row : j["rows"]) {
      const std::string model = row["model"];
      const double x = row["x"];
      std::ostringstream args;
      args.precision(17);
      args << "retrieve --data builtin --json --offset " << offset << " --memories "
           << row["memories"].get<int>() << " --seed " << row["seed"].get<uint64_t>()
           << " --stage1-seed " << row["seed"].get<uint64_t>() << " " << retrieveFlags(model);
      if (kind == "noise") args << " --corrupt noise:" << x;
      if (kind == "beta") args << " --beta " << x;
      if (model.rfind("U-Hop", 0) == 0)
        args << " --stage1-steps " << (kind == "stage1" ? static_cast<int>(x) : 10);
      RunResult single = runCli(args.str(), c.env);
      ASSERT_EQ(single.exitCode, 0) << args.str();
      const auto s = nlohmann::json::parse(single.out);
      EXPECT_EQ(s["mean_error"].get<double>(), row["mean_error"].get<double>())
          << model << " x=" << x << " seed " << row["seed"] << ": " << args.str();
      EXPECT_EQ(s["correct_fraction"].get<double>(), row["correct_fraction"].get<double>());
      EXPECT_EQ(s["support_histogram"], row["support_histogram"]);
    }
  }
}

TEST(CliSweep, ThreadCountDoesNotChangeTheNumbers) {
  const std::string a = tmpPath("t1.json"), b = tmpPath("t2.json");
  ASSERT_EQ(runCli("sweep capacity --grid 6,12,24 " + kSmall + " --threads 1 --json " + a).exitCode,
            0);
  ASSERT_EQ(runCli("sweep capacity --grid 6,12,24 " + kSmall + " --threads 2 --json " + b).exitCode,
            0);
  auto ja = nlohmann::json::parse(readFile(a)), jb = nlohmann::json::parse(readFile(b));
  for (auto* j : {&ja, &jb})
    for (auto& row : (*j)["rows"]) row.erase("seconds");
  EXPECT_EQ(ja["rows"], jb["rows"]);
  EXPECT_EQ(ja["aggregate"], jb["aggregate"]);
}

TEST(CliSweep, ProgressGoesToStderrAndStdoutCanCarryTheCsv) {
  const std::string args =
      "sweep beta --memories 10 --grid 0.5,2 --seeds 1 --models mhm,sparse --csv -";
  RunResult out = runCli(args);
  ASSERT_EQ(out.exitCode, 0);
  EXPECT_EQ(out.out.rfind("sweep,x,model,seeds,mean_error,std_error,", 0), 0u) << out.out;
  EXPECT_EQ(out.out.find("ETA"), std::string::npos);
  RunResult err = runCli(args, "", true);
  EXPECT_NE(err.out.find("ETA"), std::string::npos) << err.out;
  RunResult quiet = runCli(args + " --quiet", "", true);
  EXPECT_EQ(quiet.out.find("ETA"), std::string::npos) << quiet.out;
}

TEST(CliSweep, BadFlagsExitWithTwo) {
  for (const char* args : {
           "sweep",
           "sweep size",
           "sweep --grid 1,2",
           "sweep capacity --grid 10,x",
           "sweep capacity --grid 10.5",
           "sweep capacity --models mhm,hopfield",
           "sweep capacity --models mhm,mhm",
           "sweep capacity --memories 10",
           "sweep noise --corrupt mask:0.5",
           "sweep beta --grid 0,1",
           "sweep capacity --seeds 0",
           "sweep capacity --train-on some",
           "sweep capacity --plot energy",
           "sweep capacity --stage1-seed 3",
           "sweep capacity --bogus 1",
           "sweep stage1 --grid -1",
           "metastable --models mhm --similarity dot",
           "metastable --models nothing",
           "metastable --bogus",
       }) {
    EXPECT_EQ(runCli(std::string(args) + " --data builtin --quiet").exitCode, 2) << args;
  }
  // More memories than the data holds is a data problem (exit 1), with a message saying so.
  RunResult r = runCli("sweep capacity --data builtin --grid 10,1000 --quiet", "", true);
  EXPECT_NE(r.out.find("64"), std::string::npos) << r.out;
  EXPECT_EQ(runCli("sweep capacity --data builtin --grid 10,1000 --quiet").exitCode, 1);
}

TEST(CliMetastable, JsonHasBeforeAndAfterPerModelWithFractionsAndHistograms) {
  // One OpenMP thread in both runs, so "after" can be compared with `retrieve` bit for bit.
  const std::string single = "OMP_NUM_THREADS=1";
  RunResult r = runCli(
      "metastable --data builtin --memories 20 --models mhm,sparse,uhop --stage1-steps 10 "
      "--steps 2 --seed 4 --json",
      single);
  ASSERT_EQ(r.exitCode, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["memories"], 20);
  EXPECT_EQ(j["steps"], 2);
  EXPECT_EQ(j["support_bins"].size(), 10u);
  ASSERT_EQ(j["models"].size(), 3u);
  for (const auto& m : j["models"]) {
    for (const char* stage : {"before", "after"}) {
      const auto& s = m[stage];
      const double total = s["correct_fraction"].get<double>() +
                           s["wrong_single_fraction"].get<double>() +
                           s["metastable_fraction"].get<double>();
      EXPECT_NEAR(total, 1.0, 1e-12);
      ASSERT_EQ(s["support_histogram"].size(), 10u);
      int count = 0;
      for (const auto& c : s["support_histogram"]) count += c.get<int>();
      // Diffuse queries (support 0) are in none of the bins: bins + diffuse = every query.
      EXPECT_EQ(count + s["diffuse_count"].get<int>(), 20);
      EXPECT_EQ(s["diffuse_fraction"].get<double>(), s["diffuse_count"].get<int>() / 20.0);
    }
  }
  const auto& mhm = j["models"][0];
  EXPECT_EQ(mhm["name"], "MHM");
  EXPECT_FALSE(mhm["uses_stage1"].get<bool>());
  EXPECT_EQ(mhm["before"], mhm["after"]);
  const auto& uhop = j["models"][2];
  EXPECT_EQ(uhop["name"], "U-Hop");
  EXPECT_TRUE(uhop["uses_stage1"].get<bool>());
  EXPECT_EQ(uhop["stage1_steps_done"], 10);
  EXPECT_EQ(uhop["stage1"]["steps"], 10);
  // Before Stage I the identity-initialised kernel is the dot baseline.
  EXPECT_EQ(uhop["before"]["support_histogram"], mhm["after"]["support_histogram"]);
  EXPECT_NEAR(uhop["before"]["mean_error"].get<double>(), mhm["after"]["mean_error"].get<double>(),
              1e-4 * (1 + mhm["after"]["mean_error"].get<double>()));
  // After Stage I it is what `uhop retrieve --similarity kernel` computes.
  RunResult one = runCli(
      "retrieve --data builtin --memories 20 --similarity kernel --stage1-steps 10 --steps 2 "
      "--seed 4 --json",
      single);
  ASSERT_EQ(one.exitCode, 0);
  const auto s = nlohmann::json::parse(one.out);
  EXPECT_EQ(uhop["after"]["mean_error"].get<double>(), s["mean_error"].get<double>());
  EXPECT_EQ(uhop["after"]["support_histogram"], s["support_histogram"]);

  RunResult table =
      runCli("metastable --data builtin --memories 20 --models uhop --stage1-steps 5");
  ASSERT_EQ(table.exitCode, 0);
  EXPECT_NE(table.out.find("before"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("after 5"), std::string::npos) << table.out;
}

TEST(CliMetastable, SingleModelFromRetrieveFlags) {
  RunResult r = runCli(
      "metastable --data builtin --memories 12 --similarity kernel --separation sparsemax "
      "--beta 0.1 --stage1-steps 3 --json");
  ASSERT_EQ(r.exitCode, 0);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["models"].size(), 1u);
  EXPECT_EQ(j["models"][0]["name"], "sparse U-Hop");
  EXPECT_EQ(j["models"][0]["beta"], 0.1);
  EXPECT_EQ(j["models"][0]["stage1_steps_done"], 3);
}

}  // namespace
