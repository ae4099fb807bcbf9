// `uhop landscape`: the JSON contract (fields, the row-major grid layout), the figures, and the
// usage errors for bad --points / --range / --grid.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/app/cli_runner.h"

namespace {

using uhop::test::runCli;
using uhop::test::RunResult;

std::string tmpPath(const std::string& name) {
  std::filesystem::create_directories(UHOP_TEST_TMP);
  return std::string(UHOP_TEST_TMP) + "/" + name;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CliLandscape, JsonFieldsAndHandComputedEnergy) {
  // ξ₁ = (1, 0), ξ₂ = (0, 1), dot + softmax, β = 1; at (1, 0) (row 1, column 2 of the 3 × 3 grid)
  // E = ½ − log(e + 1) + log 2 + ½ = 1 − log((e + 1)/2).
  RunResult r = runCli(
      "landscape --points \"1,0;0,1\" --beta 1 --steps 2 --grid 3 "
      "--range -1,1,-1,1 --json -");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["grid"], 3);
  EXPECT_EQ(j["range"], nlohmann::json({-1.0, 1.0, -1.0, 1.0}));
  EXPECT_EQ(j["points"], nlohmann::json({{1.0, 0.0}, {0.0, 1.0}}));
  EXPECT_FALSE(j.contains("W"));  // the kernel's only
  for (const char* key : {"energy", "basin", "max_weight"}) ASSERT_EQ(j[key].size(), 9u) << key;
  EXPECT_NEAR(j["energy"][5].get<double>(), 1 - std::log((std::exp(1.0) + 1) / 2), 1e-6);
  EXPECT_NEAR(j["energy"][4].get<double>(), 0.5, 1e-6);  // (0, 0): −log 2 + log 2 + ½
  EXPECT_EQ(j["basin"][4], -1);                          // a tie: p = (½, ½)
  EXPECT_NEAR(j["max_weight"][4].get<double>(), 0.5, 1e-6);
}

TEST(CliLandscape, GridIsRowMajorWithTheSpecCoordinates) {
  // One memory at the origin: E(x) = ½‖x‖² − ⟨0, x⟩ + 0 + ½·0 = ½(x² + y²), so the energy at
  // index j·N + i names its coordinates x_i = x0 + i(x1 − x0)/(N − 1), y_j = y0 + j(y1 − y0)/(N −
  // 1).
  RunResult r = runCli("landscape --points \"0,0\" --grid 4 --range 0,3,10,40 --steps 0 --json -");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["energy"].size(), 16u);
  for (int row = 0; row < 4; ++row)
    for (int col = 0; col < 4; ++col) {
      const double x = col, y = 10 + 10 * row;
      EXPECT_NEAR(j["energy"][row * 4 + col].get<double>(), 0.5 * (x * x + y * y), 1e-3)
          << row << "," << col;
      EXPECT_EQ(j["basin"][row * 4 + col], 0);  // one memory holds all the weight
    }
}

TEST(CliLandscape, KernelWritesW) {
  RunResult r = runCli(
      "landscape --preset ring8 --similarity kernel --stage1-steps 3 "
      "--stage1-phi-dim 4 --grid 8 --json -");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["points"].size(), 8u);
  ASSERT_EQ(j["W"].size(), 4u);  // D_Φ × 2
  for (const auto& row : j["W"]) EXPECT_EQ(row.size(), 2u);
  EXPECT_EQ(j["preset"], "ring8");
}

TEST(CliLandscape, RandomPresetFollowsTheSeed) {
  auto points = [](const std::string& seed) {
    RunResult r = runCli("landscape --preset random12 --seed " + seed + " --grid 2 --json -");
    EXPECT_EQ(r.exitCode, 0);
    return nlohmann::json::parse(r.out)["points"];
  };
  EXPECT_EQ(points("3").size(), 12u);
  EXPECT_EQ(points("3"), points("3"));
  EXPECT_NE(points("3"), points("4"));
}

TEST(CliLandscape, WritesSvgAndPng) {
  const std::string svg = tmpPath("landscape.svg"), png = tmpPath("landscape.png");
  std::filesystem::remove(svg);
  std::filesystem::remove(png);
  RunResult r = runCli("landscape --preset pairs --grid 16 --svg " + svg + " --png " + png);
  ASSERT_EQ(r.exitCode, 0) << r.out;
  const std::string s = readFile(svg), p = readFile(png);
  EXPECT_EQ(s.rfind("<?xml", 0), 0u);
  EXPECT_NE(s.find("data:image/png;base64,"), std::string::npos);
  EXPECT_NE(s.find("basins"), std::string::npos);
  EXPECT_EQ(p.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST(CliLandscape, BadInputsAreUsageErrors) {
  struct Case {
    const char* args;
    const char* message;
  };
  for (const Case& c :
       {Case{"--points \"1,0;x,1\"", "--points"}, Case{"--points \"1,0;\"", "--points"},
        Case{"--points \"1,0,2\"", "--points"}, Case{"--preset pairs --range 1,0,0,1", "--range"},
        Case{"--preset pairs --range 0,1,0", "--range"}, Case{"--preset pairs --grid 1", "--grid"},
        Case{"--preset pairs --grid 5000", "--grid"}, Case{"--preset nine", "--preset"},
        Case{"--points 1,0 --preset pairs", "--p"}, Case{"--grid 8", "--preset"}}) {
    RunResult r = runCli(std::string("landscape ") + c.args, "", true);
    EXPECT_EQ(r.exitCode, 2) << c.args << ": " << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.args << ": " << r.out;
  }
}

}  // namespace
