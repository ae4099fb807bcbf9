// Tests studio/playground.* and studio/workers/playground_worker.*: the commands (points added,
// moved, deleted, the 64-point cap), the worker's maps against core::computeLandscape, basins and
// energies on a two-point case worked out by hand, the trajectory, contours and fixed points, and
// the wiring through AppModel and a script (computed only while shown).
#include "studio/playground.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <thread>

#include "core/random.h"
#include "studio/app_model.h"
#include "studio/script.h"
#include "tests/studio/settle.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

PlaygroundCommand cmd(PlaygroundAction a) {
  return PlaygroundCommand{std::move(a)};
}

// A PlaygroundSet with one knob given.
template <class F>
PlaygroundCommand withKnob(F&& fill) {
  PlaygroundSet s;
  fill(s);
  return cmd(s);
}

// Two memories ξ₀ = (−1, 0) and ξ₁ = (1, 0).
std::shared_ptr<const Matrix> twoPoints() {
  auto m = std::make_shared<Matrix>(2, 2);
  *m << -1, 1, 0, 0;
  return m;
}

// Runs updatePlayground until the newest result is of the current state (false after 30 s).
bool settle(PlaygroundState& s) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    updatePlayground(s);
    if (s.idle()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

TEST(PlaygroundTest, AddMoveDeleteAndTheCap) {
  PlaygroundState s;
  ASSERT_EQ(s.count(), 4);  // the "pairs" preset
  const uint64_t v0 = s.version;
  applyPlayground(s, cmd(PlaygroundAddPoint{0.25, -0.5}));
  ASSERT_EQ(s.count(), 5);
  EXPECT_FLOAT_EQ((*s.points)(0, 4), 0.25f);
  EXPECT_FLOAT_EQ((*s.points)(1, 4), -0.5f);
  EXPECT_GT(s.version, v0);
  applyPlayground(s, cmd(PlaygroundMovePoint{1, 0.1, 0.2}));
  EXPECT_FLOAT_EQ((*s.points)(0, 1), 0.1f);
  EXPECT_FLOAT_EQ((*s.points)(1, 1), 0.2f);
  // Deleting point 0 shifts the others down: the moved point is now index 0.
  applyPlayground(s, cmd(PlaygroundDeletePoint{0}));
  ASSERT_EQ(s.count(), 4);
  EXPECT_FLOAT_EQ((*s.points)(0, 0), 0.1f);
  EXPECT_FLOAT_EQ((*s.points)(0, 3), 0.25f);
  applyPlayground(s, cmd(PlaygroundDeletePoint{9}));
  EXPECT_EQ(s.count(), 4);
  EXPECT_NE(s.message.find("no point 9"), std::string::npos) << s.message;

  while (s.count() < kLandscapeMaxMemories)
    applyPlayground(s, cmd(PlaygroundAddPoint{0.01 * s.count(), 0}));
  const uint64_t full = s.version;
  applyPlayground(s, cmd(PlaygroundAddPoint{0.5, 0.5}));
  EXPECT_EQ(s.count(), kLandscapeMaxMemories);
  EXPECT_EQ(s.version, full);
  EXPECT_NE(s.message.find("at most 64 points"), std::string::npos) << s.message;

  applyPlayground(s, cmd(PlaygroundPreset{"ring8"}));
  EXPECT_EQ(s.count(), 8);
  EXPECT_TRUE(s.message.empty());
  while (s.count() > 1) applyPlayground(s, cmd(PlaygroundDeletePoint{0}));
  applyPlayground(s, cmd(PlaygroundDeletePoint{0}));
  EXPECT_EQ(s.count(), 1);
  EXPECT_NE(s.message.find("last point"), std::string::npos) << s.message;
  // One point: no Stage I, U-Hop keeps W₀.
  EXPECT_FALSE(s.run);
  EXPECT_EQ(s.wAfter, s.wBefore);
}

TEST(PlaygroundTest, RefusedKnobsChangeNothing) {
  PlaygroundState s;
  const uint64_t v = s.version;
  PlaygroundSet set;
  set.similarity = SimilarityKind::NegL2;
  set.separation = Separation::parse("poly:2");  // core refuses poly with −L2
  applyPlayground(s, cmd(set));
  EXPECT_EQ(s.baselineSimilarity, SimilarityKind::Dot);
  EXPECT_EQ(s.version, v);
  EXPECT_FALSE(s.message.empty());
  PlaygroundSet beta;
  beta.beta = 3;
  applyPlayground(s, cmd(beta));
  EXPECT_EQ(s.beta, 3);
  EXPECT_GT(s.version, v);
}

TEST(PlaygroundTest, WorkerMapsEqualComputeLandscape) {
  auto points = std::make_shared<const Matrix>(landscapePreset("random12", 3));
  const Matrix W = initialKernelFeatureMap(
      [] {
        Stage1Config c;
        c.featureDim = 5;
        c.init = FeatureInit::Gaussian;
        c.seed = 4;
        return c;
      }(),
      2, std::nullopt);
  PlaygroundJob job;
  job.points = points;
  job.configs[0].similarity = SimilarityKind::Dot;
  job.configs[0].beta = 6;
  job.configs[1].similarity = SimilarityKind::Kernel;
  job.configs[1].beta = 6;
  job.W = std::make_shared<const Matrix>(W);
  job.grid = 17;
  job.steps = 3;
  job.version = 42;
  std::atomic<bool> cancel{false};
  auto r = computePlayground(job, cancel);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, 42u);
  for (int s = 0; s < 2; ++s) {
    ASSERT_TRUE(r->sides[s].error.empty()) << r->sides[s].error;
    const HopfieldModel model(points, job.configs[s], s == 1 ? &W : nullptr);
    const Landscape expected = computeLandscape(model, 17, job.range, 3);
    const Landscape& got = r->sides[s].land;
    ASSERT_EQ(got.energy.size(), 17u * 17u);
    for (size_t k = 0; k < got.energy.size(); ++k) {
      EXPECT_DOUBLE_EQ(got.energy[k], expected.energy[k]) << s << " " << k;
      EXPECT_EQ(got.basin[k], expected.basin[k]) << s << " " << k;
      EXPECT_DOUBLE_EQ(got.maxWeight[k], expected.maxWeight[k]) << s << " " << k;
    }
  }
  // The two maps differ: the kernel is not the dot product.
  EXPECT_NE(r->sides[0].land.energy[100], r->sides[1].land.energy[100]);
}

TEST(PlaygroundTest, TwoPointsBasinsEnergiesAndFixedPointsByHand) {
  PlaygroundJob job;
  job.points = twoPoints();
  const double beta = 20;
  for (auto& c : job.configs) c.beta = beta;
  job.configs[1] = job.configs[0];  // both dot: the hand values below are the dot product's
  job.grid = 5;                     // x, y ∈ {−1.5, −0.75, 0, 0.75, 1.5}
  job.steps = 5;
  std::atomic<bool> cancel{false};
  auto r = computePlayground(job, cancel);
  ASSERT_TRUE(r);
  const Landscape& land = r->sides[0].land;
  ASSERT_TRUE(r->sides[0].error.empty()) << r->sides[0].error;
  for (int j = 0; j < 5; ++j) {
    // Left half → ξ₀, right half → ξ₁: from x = ±0.75 one step already gives
    // p = σ(2β·0.75) = 1 − 3e-14 on the nearer memory.
    EXPECT_EQ(land.basin[j * 5 + 0], 0) << j;
    EXPECT_EQ(land.basin[j * 5 + 1], 0) << j;
    EXPECT_EQ(land.basin[j * 5 + 3], 1) << j;
    EXPECT_EQ(land.basin[j * 5 + 4], 1) << j;
    // On x = 0 both scores are equal at every step: p = (½, ½), metastable (grey).
    EXPECT_EQ(land.basin[j * 5 + 2], -1) << j;
    EXPECT_NEAR(land.maxWeight[j * 5 + 2], 0.5, 1e-6) << j;
  }
  // E(x) = ½‖x‖² − β⁻¹ log Σ_μ exp(β⟨ξ_μ, x⟩) + β⁻¹ log 2 + ½ max‖ξ‖².
  // At the origin: 0 − β⁻¹ log 2 + β⁻¹ log 2 + ½ = ½.
  EXPECT_NEAR(land.energy[2 * 5 + 2], 0.5, 1e-6);
  // At (0.75, 0): ½·0.5625 − β⁻¹ log(e^{15} + e^{−15}) + β⁻¹ log 2 + ½.
  const double e =
      0.5 * 0.5625 - std::log(std::exp(15.0) + std::exp(-15.0)) / beta + std::log(2.0) / beta + 0.5;
  EXPECT_NEAR(land.energy[2 * 5 + 3], e, 1e-5);
  // Fixed points: x* = tanh(β x*) on the axis, ±1 to double precision; every start ends there
  // (the grid of starts has no column on x = 0, where the unstable origin is).
  const auto& fixed = r->sides[0].fixedPoints;
  ASSERT_EQ(fixed.size(), 2u);
  for (const auto& p : fixed) {
    EXPECT_NEAR(std::fabs(p[0]), 1.0, 1e-5);
    EXPECT_NEAR(p[1], 0.0, 1e-6);
  }
  EXPECT_NE(fixed[0][0], fixed[1][0]);
}

TEST(PlaygroundTest, TrajectoryByHandAndEnergyNeverRises) {
  // Two points at β = 1 from (0.5, 0.3): x₁ = Ξp = p₁ − p₀ on the axis = tanh(β·0.5), y₁ = 0.
  ModelConfig dot;
  dot.beta = 1;
  const HopfieldModel two(twoPoints(), dot);
  const PlaygroundTrajectory tr = playgroundTrajectory(two, 0.5, 0.3, 2);
  ASSERT_EQ(tr.states.size(), 3u);
  EXPECT_NEAR(tr.states[0][0], 0.5, 1e-7);
  EXPECT_NEAR(tr.states[1][0], std::tanh(0.5), 1e-6);
  EXPECT_NEAR(tr.states[1][1], 0.0, 1e-7);
  EXPECT_NEAR(tr.states[2][0], std::tanh(std::tanh(0.5)), 1e-6);
  // E(x₀) = ½‖x₀‖² − log(e^{0.5} + e^{−0.5}) + log 2 + ½.
  EXPECT_NEAR(tr.energy[0], 0.5 * 0.34 - std::log(2 * std::cosh(0.5)) + std::log(2.0) + 0.5, 1e-6);

  // Softmax with the dot product: E never increases along the dynamics (Theorem 1).
  ModelConfig config;
  config.beta = 8;
  const HopfieldModel model(std::make_shared<const Matrix>(landscapePreset("random12", 7)), config);
  for (const auto& q : {std::array<double, 2>{0.3, -0.2}, {-1.2, 1.1}, {0.05, 0.9}}) {
    const PlaygroundTrajectory t = playgroundTrajectory(model, q[0], q[1], 30);
    ASSERT_EQ(t.energy.size(), 31u);
    for (size_t k = 1; k < t.energy.size(); ++k)
      EXPECT_LE(t.energy[k], t.energy[k - 1] + 1e-9) << q[0] << " step " << k;
  }
}

TEST(PlaygroundTest, ContoursOfALinearEnergyByHand) {
  // E = x on a 2 × 2 grid over [0, 1]²: the level ½ (one band of [0, 1]) is the line x = ½.
  Landscape land;
  land.grid = 2;
  land.range = {0, 1, 0, 1};
  land.energy = {0, 1, 0, 1};
  std::vector<double> xs, ys;
  energyContours(land, 1, 0, 1, xs, ys);
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_DOUBLE_EQ(xs[0], 0.5);
  EXPECT_DOUBLE_EQ(xs[1], 0.5);
  EXPECT_TRUE(std::isnan(xs[2]));
  EXPECT_DOUBLE_EQ(std::min(ys[0], ys[1]), 0.0);
  EXPECT_DOUBLE_EQ(std::max(ys[0], ys[1]), 1.0);
}

TEST(PlaygroundTest, StageOneMovesWAndTheMapsFollowOnlyWhileShown) {
  PlaygroundState s;
  applyPlayground(s, withKnob([](auto& k) { k.grid = 32; }));
  updatePlayground(s);
  EXPECT_FALSE(s.worker->busy());  // hidden: nothing computed
  EXPECT_FALSE(s.result);
  applyPlayground(s, cmd(PlaygroundShow{true}));
  ASSERT_TRUE(settle(s));
  ASSERT_TRUE(s.result);
  EXPECT_EQ(s.result->version, s.version);
  EXPECT_EQ(s.result->sides[0].land.grid, 32);
  const auto before = s.result;
  const Matrix w0 = *s.wAfter;
  applyPlayground(s, cmd(PlaygroundStage1{PlaygroundStage1::Op::Step, 5}));
  ASSERT_TRUE(settle(s));
  EXPECT_EQ(s.run->stepsDone(), 5);
  EXPECT_FALSE(s.wAfter->isApprox(w0));
  EXPECT_NE(s.result, before);
  // The baseline map does not depend on W (it is kept from the last result); U-Hop's does.
  EXPECT_TRUE(s.result->sides[0].reused);
  EXPECT_FALSE(s.result->sides[1].reused);
  EXPECT_EQ(s.result->sides[0].land.energy, before->sides[0].land.energy);
  EXPECT_NE(s.result->sides[1].land.energy, before->sides[1].land.energy);
  // "before" shows U-Hop with W₀ again: the same numbers as the first result.
  applyPlayground(s, withKnob([](auto& k) { k.before = true; }));
  ASSERT_TRUE(settle(s));
  EXPECT_EQ(s.result->sides[1].land.energy, before->sides[1].land.energy);
  // A query gets a trajectory of T + 1 states under both models.
  applyPlayground(s, cmd(PlaygroundQuery{std::array<double, 2>{0.2, 0.1}}));
  ASSERT_TRUE(settle(s));
  EXPECT_EQ(s.trajectories[0].states.size(), size_t(s.steps + 1));
  EXPECT_EQ(s.trajectories[1].states.size(), size_t(s.steps + 1));
  // Play runs to the target and stops.
  applyPlayground(s, withKnob([](auto& k) { k.stage1Steps = 12; }));
  applyPlayground(s, cmd(PlaygroundStage1{PlaygroundStage1::Op::Play}));
  EXPECT_TRUE(s.playing);
  ASSERT_TRUE(settle(s));
  EXPECT_EQ(s.run->stepsDone(), 12);
  EXPECT_FALSE(s.playing);
}

TEST(PlaygroundTest, PreviewGridWhilePlayingThenTheFullGrid) {
  PlaygroundState s;
  applyPlayground(s, withKnob([](auto& k) {
                    k.grid = kPlaygroundPreviewGrid + 32;
                    k.stage1Steps = 100000;
                  }));
  applyPlayground(s, cmd(PlaygroundShow{true}));
  applyPlayground(s, cmd(PlaygroundStage1{PlaygroundStage1::Op::Play}));
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!s.result && std::chrono::steady_clock::now() < deadline) {
    updatePlayground(s);
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_TRUE(s.result);
  EXPECT_EQ(s.result->grid, kPlaygroundPreviewGrid);
  EXPECT_FALSE(s.idle());
  applyPlayground(s, cmd(PlaygroundStage1{PlaygroundStage1::Op::Pause}));
  ASSERT_TRUE(settle(s));
  EXPECT_EQ(s.result->grid, kPlaygroundPreviewGrid + 32);
  EXPECT_EQ(s.result->sides[1].land.grid, kPlaygroundPreviewGrid + 32);
}

TEST(PlaygroundTest, ScriptLinesDriveTheModel) {
  AppModel model;
  const auto lines = parseScript(
      "playground show\n"
      "playground preset ring8\n"
      "playground point 0.1 0.2\n"
      "playground set similarity=l2 beta=4 steps=3 grid=24 view=basins\n"
      "playground query 0.3 0.3\n"
      "playground stage1 step 3\n"
      "wait playground\n",
      "pg.uhop");
  ScriptRunner runner(lines, "pg.uhop", false);
  runScript(model, runner);
  ASSERT_FALSE(runner.failed()) << runner.error();
  ASSERT_TRUE(runner.finished());
  const PlaygroundState& s = model.playground;
  EXPECT_TRUE(s.shown);
  EXPECT_EQ(s.count(), 9);
  EXPECT_EQ(s.baselineSimilarity, SimilarityKind::NegL2);
  EXPECT_EQ(s.beta, 4);
  EXPECT_EQ(s.steps, 3);
  EXPECT_TRUE(s.basins);
  EXPECT_EQ(s.run->stepsDone(), 3);
  ASSERT_TRUE(s.result);
  EXPECT_EQ(s.result->version, s.version);
  EXPECT_EQ(s.result->sides[0].land.grid, 24);
  EXPECT_EQ(s.trajectories[0].states.size(), 4u);

  EXPECT_THROW(parseScript("playground set beta=0\n", "bad.uhop"), ScriptError);
  EXPECT_THROW(parseScript("playground preset nowhere\n", "bad.uhop"), ScriptError);
  EXPECT_THROW(parseScript("playground set colour=red\n", "bad.uhop"), ScriptError);
  EXPECT_THROW(parseScript("playground stage1 step 2 3\n", "bad.uhop"), ScriptError);
}

// Not a test (speed is never asserted): the README's timing of the 256² grid at M = 64. Run with
//   build/tests/uhop_studio_tests --gtest_also_run_disabled_tests
//       --gtest_filter='*DISABLED_TimeTheGrid*'
// It prints the wall time of each map (computeLandscape: energy + T = 5 steps) and the wall and
// process CPU time of the whole worker job (both maps, contours, fixed points), best of 5, for
// the full grid and the preview grid.
TEST(PlaygroundTest, DISABLED_TimeTheGrid) {
  Random rng(1);
  auto points = std::make_shared<Matrix>(2, kLandscapeMaxMemories);
  for (int k = 0; k < kLandscapeMaxMemories; ++k)
    (*points)(0, k) = float(2 * rng.uniform() - 1), (*points)(1, k) = float(2 * rng.uniform() - 1);
  Stage1Config stage1;
  stage1.featureDim = 8;
  PlaygroundJob job;
  job.points = points;
  job.configs[0].beta = job.configs[1].beta = 15;
  job.configs[1].similarity = SimilarityKind::Kernel;
  job.W = std::make_shared<const Matrix>(initialKernelFeatureMap(stage1, 2, std::nullopt));
  job.steps = 5;
  std::atomic<bool> cancel{false};
  for (int grid : {256, kPlaygroundPreviewGrid}) {
    job.grid = grid;
    double wall[3] = {1e300, 1e300, 1e300}, cpu = 1e300;
    for (int rep = 0; rep < 5; ++rep) {
      const std::clock_t c0 = std::clock();
      auto r = computePlayground(job, cancel);
      cpu = std::min(cpu, 1000.0 * double(std::clock() - c0) / CLOCKS_PER_SEC);
      wall[0] = std::min(wall[0], r->sides[0].milliseconds);
      wall[1] = std::min(wall[1], r->sides[1].milliseconds);
      wall[2] = std::min(wall[2], r->milliseconds);
    }
    std::printf(
        "grid %d², M = 64, T = 5: dot %.1f ms, kernel (D_Φ = 8) %.1f ms, whole job %.1f ms "
        "wall (%.1f ms CPU)\n",
        grid, wall[0], wall[1], wall[2], cpu);
  }
}

}  // namespace
}  // namespace uhop::ui
