// Tests of the `uhop` CLI contract: JSON shape, determinism, exit codes, and that the
// CLI's U-Hop equals its pieces (Stage I then kernel retrieval; W = I equals the dot baseline).
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/datasets.h"
#include "core/npy.h"
#include "tests/app/cli_runner.h"

namespace {

using uhop::test::RunResult;
using uhop::test::runCli;

std::string stderrOf(const std::string& args) {
  return runCli(args, "", true).out;
}

std::string tmpPath(const std::string& name) {
  std::filesystem::create_directories(UHOP_TEST_TMP);
  return std::string(UHOP_TEST_TMP) + "/" + name;
}

TEST(CliStage1, JsonHasLossAndDistancesOfLengthStepsPlusOne) {
  RunResult r = runCli("stage1 --data builtin --memories 20 --steps 7 --json");
  ASSERT_EQ(r.exitCode, 0);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["loss"].size(), 8u);
  ASSERT_EQ(j["min_distance"].size(), 8u);
  ASSERT_EQ(j["mean_distance"].size(), 8u);
  EXPECT_LT(j["loss"][7].get<double>(), j["loss"][0].get<double>());
  // L_Φ ≥ −2t − 2t/(M−1) with t = 2 (pairwise mean of G is at least −1/(M−1)).
  EXPECT_GT(j["loss"][7].get<double>(), -4.0 - 4.0 / 19.0 - 1e-6);
  EXPECT_EQ(j["memories"], 20);
}

TEST(CliStage1, SameSeedSameBytes) {
  const std::string args = "stage1 --data builtin --memories 16 --phi-init gaussian --seed 7 --steps 5 --json";
  RunResult a = runCli(args), b = runCli(args);
  ASSERT_EQ(a.exitCode, 0);
  EXPECT_EQ(a.out, b.out);
  RunResult c = runCli("stage1 --data builtin --memories 16 --phi-init gaussian --seed 8 --steps 5 --json");
  EXPECT_NE(a.out, c.out);
}

TEST(CliRetrieve, JsonShapeMatchesContract) {
  RunResult r = runCli("retrieve --data builtin --memories 12 --similarity dot --separation sparsemax --beta 0.5 "
                       "--steps 3 --corrupt mask:0.3 --seed 2 --json");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"mean_error", "correct_fraction", "metastable_fraction", "queries"})
    EXPECT_TRUE(j.contains(key)) << key;
  ASSERT_EQ(j["queries"].size(), 12u);
  double sum = 0;
  for (const auto& q : j["queries"]) {
    for (const char* key : {"error", "retrieved", "max_weight", "support", "k90", "energy"})
      EXPECT_TRUE(q.contains(key)) << key;
    ASSERT_EQ(q["energy"].size(), 4u);
    // Theorem 1: the energy never rises along the dynamics.
    for (int t = 1; t < 4; ++t)
      EXPECT_LE(q["energy"][t].get<double>(), q["energy"][t - 1].get<double>() + 1e-4 * (1 + std::abs(q["energy"][t - 1].get<double>())));
    EXPECT_GE(q["k90"].get<int>(), 1);
    sum += q["error"].get<double>();
  }
  EXPECT_NEAR(j["mean_error"].get<double>(), sum / 12.0, 1e-9);
}

TEST(CliRetrieve, DiffuseFractionCompletesTheSupportHistogram) {
  // support_histogram counts k = 1..9, >= 10; diffuse queries (support 0) are in none of its bins.
  RunResult r = runCli("retrieve --data builtin --memories 20 --separation softmax --beta 0.01 --json");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("diffuse_fraction"));
  int counted = 0;
  for (const auto& c : j["support_histogram"]) counted += c.get<int>();
  EXPECT_NEAR(counted / 20.0 + j["diffuse_fraction"].get<double>(), 1.0, 1e-12);
}

TEST(CliRetrieve, PolyWithDistancesIsAUsageError) {
  RunResult r = runCli("retrieve --data builtin --memories 8 --similarity l2 --separation poly:3", "", true);
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.out.find("uniform mean"), std::string::npos) << r.out;
}

TEST(CliRetrieve, SameSeedSameBytes) {
  const std::string args = "retrieve --data builtin --memories 10 --similarity kernel --stage1-steps 3 --steps 2 "
                           "--corrupt noise:0.3 --seed 5 --json";
  RunResult a = runCli(args), b = runCli(args);
  ASSERT_EQ(a.exitCode, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST(CliRetrieve, KernelWithIdentityAndNoStage1EqualsDotBaseline) {
  RunResult dot = runCli("retrieve --data builtin --memories 16 --similarity dot --beta 0.2 --steps 2 --json");
  RunResult ker = runCli("retrieve --data builtin --memories 16 --similarity kernel --stage1-steps 0 "
                         "--stage1-phi-init identity --beta 0.2 --steps 2 --json");
  ASSERT_EQ(dot.exitCode, 0);
  ASSERT_EQ(ker.exitCode, 0);
  auto a = nlohmann::json::parse(dot.out), b = nlohmann::json::parse(ker.out);
  EXPECT_EQ(a["queries"], b["queries"]);
  EXPECT_EQ(a["mean_error"], b["mean_error"]);
}

TEST(CliRetrieve, SavedStage1WeightsReproduceTheBuiltInStage1) {
  const std::string w = tmpPath("cli_w.bin");
  std::filesystem::remove(w);
  RunResult s = runCli("stage1 --data builtin --memories 14 --steps 6 --normalize-rows --save-w " + w);
  ASSERT_EQ(s.exitCode, 0);
  ASSERT_TRUE(std::filesystem::exists(w));
  RunResult loaded = runCli("retrieve --data builtin --memories 14 --similarity kernel --load-w " + w +
                            " --steps 2 --json");
  RunResult trained = runCli("retrieve --data builtin --memories 14 --similarity kernel --stage1-steps 6 --steps 2 --json");
  ASSERT_EQ(loaded.exitCode, 0);
  ASSERT_EQ(trained.exitCode, 0);
  EXPECT_EQ(nlohmann::json::parse(loaded.out)["queries"], nlohmann::json::parse(trained.out)["queries"]);
}

TEST(CliRetrieve, SaveStatesWritesTheFinalStatesAsNpy) {
  const std::string path = tmpPath("cli_states.npy");
  std::filesystem::remove(path);
  RunResult r = runCli("retrieve --data builtin --memories 9 --beta 0.2 --steps 2 --save-states " +
                       path + " --json");
  ASSERT_EQ(r.exitCode, 0);
  const auto j = nlohmann::json::parse(r.out);
  // (N, d) float32: row n is query n's x_T. Its error against memory n, computed here from the
  // file and the built-in set, is the error the JSON reports.
  const uhop::Matrix states = uhop::loadNpyMatrix(path);
  ASSERT_EQ(states.rows(), 9);
  ASSERT_EQ(states.cols(), 784);
  uhop::LoadOptions first9;
  first9.count = 9;
  const uhop::MemorySet set = uhop::loadBuiltin(first9);
  for (int n = 0; n < 9; ++n) {
    double error = 0;
    for (int i = 0; i < 784; ++i) {
      const double x = std::clamp(states(n, i), 0.0f, 1.0f), xi = set.patterns(i, n);
      error += (x - xi) * (x - xi);
    }
    EXPECT_NEAR(error, j["queries"][n]["error"].get<double>(), 1e-3) << n;
  }
  EXPECT_NE(runCli("retrieve --data builtin --memories 9 --save-states /nonexistent/dir/x.npy")
                .exitCode,
            0);
}

TEST(CliErrors, BadFlagsExitTwoWithUsage) {
  EXPECT_EQ(runCli("retrieve --bogus 1").exitCode, 2);
  EXPECT_EQ(runCli("retrieve --separation entmax:3").exitCode, 2);
  EXPECT_EQ(runCli("retrieve --beta -1").exitCode, 2);
  EXPECT_EQ(runCli("retrieve --corrupt blur:2").exitCode, 2);
  EXPECT_EQ(runCli("stage1 --steps").exitCode, 2);
  EXPECT_EQ(runCli("stage1 --optimizer sgd").exitCode, 2);
  EXPECT_EQ(runCli("frobnicate").exitCode, 2);
  EXPECT_NE(stderrOf("retrieve --bogus 1").find("usage: uhop"), std::string::npos);
}

TEST(CliErrors, MissingDataNamesTheFileAndExitsOne) {
  const std::string path = tmpPath("does-not-exist.idx");
  RunResult r = runCli("retrieve --data " + path);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(stderrOf("retrieve --data " + path).find("does-not-exist.idx"), std::string::npos);
}

TEST(CliErrors, CorruptWeightFileIsRejected) {
  const std::string w = tmpPath("garbage_w.bin");
  FILE* f = fopen(w.c_str(), "wb");
  ASSERT_TRUE(f);
  fputs("not a feature map at all", f);
  fclose(f);
  RunResult r = runCli("retrieve --data builtin --similarity kernel --load-w " + w);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(stderrOf("retrieve --data builtin --similarity kernel --load-w " + w).find("garbage_w.bin"),
            std::string::npos);
}

// A folder of two 3×2 colour PNGs and one file that is not an image at all.
std::string colourFolderWithABadFile() {
  const std::filesystem::path dir = tmpPath("cli_colour_folder");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<unsigned char> rgb;
  for (int i = 0; i < 6; ++i) {  // push_back: GCC 12's -Wstringop-overflow misfires on insert
    rgb.push_back(200);
    rgb.push_back(100);
    rgb.push_back(static_cast<unsigned char>(i));
  }
  EXPECT_NE(stbi_write_png((dir / "a.png").c_str(), 3, 2, 3, rgb.data(), 9), 0);
  EXPECT_NE(stbi_write_png((dir / "c.png").c_str(), 3, 2, 3, rgb.data(), 9), 0);
  std::ofstream(dir / "b-bad.png") << "not a png";
  return dir.string();
}

TEST(CliData, UnreadableImageIsSkippedAndListedUnlessStrict) {
  const std::string dir = colourFolderWithABadFile();
  RunResult r = runCli("info --json --data " + dir);
  ASSERT_EQ(r.exitCode, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["count"], 2);
  EXPECT_EQ(j["channels"], 3);  // colour is kept: d = 3·2·3
  EXPECT_EQ(j["width"], 3);
  EXPECT_EQ(j["height"], 2);
  const std::string warning = stderrOf("info --data " + dir);
  EXPECT_NE(warning.find("uhop: warning: skipped " + dir + "/b-bad.png: cannot read the image"),
            std::string::npos)
      << warning;

  RunResult strict = runCli("info --strict --data " + dir);
  EXPECT_EQ(strict.exitCode, 1);
  EXPECT_NE(stderrOf("info --strict --data " + dir).find("b-bad.png"), std::string::npos);

  EXPECT_EQ(nlohmann::json::parse(runCli("info --json --grayscale --data " + dir).out)["channels"],
            1);
  const auto sized =
      nlohmann::json::parse(runCli("info --json --image-size 5x4 --data " + dir).out);
  EXPECT_EQ(sized["width"], 5);
  EXPECT_EQ(sized["height"], 4);
  EXPECT_EQ(runCli("info --image-size 5by4 --data " + dir).exitCode, 2);
  EXPECT_EQ(runCli("info --image-size 0x4 --data " + dir).exitCode, 2);
}

TEST(CliData, FewerMemoriesThanAskedForLoadAllWithAWarning) {
  // The built-in set holds 64 images.
  RunResult r = runCli("retrieve --data builtin --memories 80 --steps 1 --json");
  ASSERT_EQ(r.exitCode, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out)["memories"], 64);
  const std::string warning = stderrOf("retrieve --data builtin --memories 80 --steps 1");
  EXPECT_NE(warning.find("uhop: warning: "), std::string::npos) << warning;
  EXPECT_NE(warning.find("only 64 of the 80 images asked for"), std::string::npos) << warning;
  EXPECT_EQ(runCli("retrieve --data builtin --memories 80 --steps 1 --strict").exitCode, 1);
  // Without --memories, the default of 100 on a small source is a cap: the skipped file is
  // the only warning, and the 2 images there are used.
  const std::string dir = colourFolderWithABadFile();
  const std::string capped = stderrOf("retrieve --data " + dir + " --steps 1");
  EXPECT_NE(capped.find("b-bad.png"), std::string::npos) << capped;
  EXPECT_EQ(capped.find("only "), std::string::npos) << capped;
  EXPECT_EQ(
      nlohmann::json::parse(runCli("retrieve --json --steps 1 --data " + dir).out)["memories"], 2);
}

TEST(CliRetrieve, HumanReadableTableWithoutJson) {
  RunResult r = runCli("retrieve --data builtin --memories 8 --steps 1");
  ASSERT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("mean error"), std::string::npos);
  EXPECT_NE(r.out.find("k90"), std::string::npos);
}

}  // namespace
