// `uhop theory`: the JSON contract, Δ against an independent computation on the built-in set, the
// exact flag for α > 1, and the refused similarities and separations.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "core/datasets.h"
#include "tests/app/cli_runner.h"

namespace {

using uhop::test::runCli;
using uhop::test::RunResult;

TEST(CliTheory, JsonFieldsAndDeltaOfTheDotProduct) {
  RunResult r = runCli(
      "theory --data builtin --memories 10 --similarity dot --separation softmax "
      "--beta 0.1 --json");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["memories"].size(), 10u);
  // Δ_μ = ‖ξ_μ‖² − max_{ν≠μ} ⟨ξ_ν, ξ_μ⟩ and R = ½ min ‖ξ_μ − ξ_ν‖, computed here in double.
  uhop::LoadOptions load;
  load.count = 10;
  const uhop::MatrixD X = uhop::loadDataSource("builtin", load).patterns.cast<double>();
  const uhop::MatrixD G = X.transpose() * X;
  double minD2 = 1e300;
  for (int mu = 0; mu < 10; ++mu) {
    const auto& m = j["memories"][mu];
    for (const char* key :
         {"index", "delta", "radius", "bound", "vacuous", "measured_error", "exact"})
      EXPECT_TRUE(m.contains(key)) << key;
    double runnerUp = -1e300;
    for (int nu = 0; nu < 10; ++nu) {
      if (nu == mu) continue;
      runnerUp = std::max(runnerUp, G(nu, mu));
      minD2 = std::min(minD2, G(mu, mu) + G(nu, nu) - 2 * G(nu, mu));
    }
    EXPECT_EQ(m["index"], mu);
    EXPECT_NEAR(m["delta"].get<double>(), G(mu, mu) - runnerUp, 1e-3 * (1 + G(mu, mu)));
    EXPECT_TRUE(m["exact"].is_null());  // softmax
    // The bound as PAPER.md states it, from the reported constants.
    const double bound =
        2 * j["max_norm"].get<double>() * 9 *
        std::exp(-0.1 * (m["delta"].get<double>() -
                         2 * j["max_feature_norm"].get<double>() * j["radius"].get<double>()));
    EXPECT_NEAR(m["bound"].get<double>(), bound, 1e-9 * bound);
    EXPECT_EQ(m["vacuous"].get<bool>(), bound >= 2 * j["max_norm"].get<double>());
    EXPECT_GE(m["measured_error"].get<double>(), 0);
  }
  EXPECT_NEAR(j["radius"].get<double>(), std::sqrt(minD2) / 2, 1e-4);
}

TEST(CliTheory, SparseSeparationReportsExactAndNoBound) {
  RunResult r =
      runCli("theory --data builtin --memories 8 --separation sparsemax --beta 50 --json");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  for (const auto& m : j["memories"]) {
    ASSERT_TRUE(m["exact"].is_boolean());
    EXPECT_TRUE(m["bound"].is_null());
    // One-hot p returns the memory itself: the condition holding means no error.
    if (m["exact"].get<bool>()) {
      EXPECT_NEAR(m["measured_error"].get<double>(), 0, 1e-4);
    }
  }
}

TEST(CliTheory, KernelRunsStageIFirst) {
  RunResult r =
      runCli("theory --data builtin --memories 6 --similarity kernel --stage1-steps 2 --json");
  ASSERT_EQ(r.exitCode, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["feature_map"], "stage1");
}

TEST(CliTheory, RefusesWhatHasNoTheory) {
  for (const char* args :
       {"--memories 4 --similarity l2", "--memories 4 --similarity l1",
        "--memories 4 --separation poly:2", "--memories 4 --beta-after-separation", "--memories 1",
        "--memories 4 --query-radius 2"}) {
    RunResult r = runCli(std::string("theory --data builtin ") + args, "", true);
    EXPECT_EQ(r.exitCode, 2) << args << ": " << r.out;
  }
}

}  // namespace
