// Tests studio/theory_view.*: the job's numbers equal core's computeTheory for the same inputs,
// the model's state holds hand-computed values on three memories in the plane, a stale result
// (computed for memories no longer loaded) is never taken, a cancelled job returns nothing, and
// a change of β makes the numbers stale until they are recomputed.
#include "studio/theory_view.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "core/datasets.h"
#include "studio/app_model.h"
#include "studio/state_json.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

// Pumps updateModel until the theory for the current settings is in.
bool waitForTheory(AppModel& model) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    updateModel(model);
    if (currentTheory(model)) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

// Installs memories directly (no load worker): columns of `xi` as 2 × 1 one-channel images.
void install(AppModel& model, const Matrix& xi) {
  auto set = std::make_shared<MemorySet>();
  set->patterns = xi;
  set->shape = ImageShape{static_cast<int>(xi.rows()), 1, 1};
  set->source = "test";
  model.memories.set = set;
  model.memories.patterns = std::shared_ptr<const Matrix>(set, &set->patterns);
  ++model.memories.version;
}

TEST(TheoryViewTest, JobEqualsCoreComputeTheory) {
  LoadOptions options;
  options.count = 10;
  auto set = std::make_shared<const MemorySet>(loadBuiltin(options));
  auto patterns = std::shared_ptr<const Matrix>(set, &set->patterns);
  const int d = set->dimension();
  TheoryViewJob job;
  job.patterns = patterns;
  job.key.memoriesVersion = 3;
  job.key.configs[0] = ModelConfig{SimilarityKind::Dot, Separation::softmax(), 0.05, false};
  job.key.configs[1] = ModelConfig{SimilarityKind::Kernel, Separation::entmax(1.5), 0.05, false};
  job.key.normalizeRows = false;  // W used as it is
  job.key.kernelScale = KernelScale::Raw;
  job.key.wStep = 2;
  Matrix W = Matrix::Identity(d, d) * 0.5f;
  W(0, 1) = 0.25f;
  job.stage1W = std::make_shared<const Matrix>(W);
  std::atomic<bool> cancel{false};
  std::atomic<double> progress{0};
  auto r = computeTheoryView(job, cancel, progress);
  ASSERT_TRUE(r);
  EXPECT_EQ(progress.load(), 1.0);
  EXPECT_TRUE(r->key == job.key);
  ASSERT_TRUE(r->reports[0]) << r->errors[0];
  ASSERT_TRUE(r->reports[1]) << r->errors[1];

  TheoryConfig raw;
  raw.model = job.key.configs[0];
  raw.queryFraction = kTheoryQueryFraction;
  raw.seed = kTheorySeed;
  const TheoryReport wantRaw = computeTheory(patterns, raw);
  TheoryConfig kernel = raw;
  kernel.model = job.key.configs[1];
  const Matrix scaled = kernelFeatureMap(W, false, KernelScale::Raw);
  const TheoryReport wantKernel = computeTheory(patterns, kernel, &scaled);
  for (const auto& [got, want] :
       {std::pair{&*r->reports[0], &wantRaw}, std::pair{&*r->reports[1], &wantKernel}}) {
    EXPECT_DOUBLE_EQ(got->radius, want->radius);
    EXPECT_DOUBLE_EQ(got->maxFeatureNorm, want->maxFeatureNorm);
    ASSERT_EQ(got->memories.size(), want->memories.size());
    for (size_t m = 0; m < want->memories.size(); ++m) {
      EXPECT_DOUBLE_EQ(got->memories[m].delta, want->memories[m].delta) << m;
      EXPECT_DOUBLE_EQ(got->memories[m].measuredError, want->memories[m].measuredError) << m;
      EXPECT_EQ(got->memories[m].vacuous, want->memories[m].vacuous) << m;
      EXPECT_EQ(got->memories[m].exact, want->memories[m].exact) << m;
    }
  }
  // The kernel report really is in W's feature space: Δ^Φ differs from the raw Δ.
  EXPECT_NE(r->reports[1]->memories[0].delta, r->reports[0]->memories[0].delta);
  // Softmax has a bound, entmax an exact-retrieval condition instead.
  EXPECT_FALSE(std::isnan(r->reports[0]->memories[0].bound));
  EXPECT_TRUE(std::isnan(r->reports[1]->memories[0].bound));
  EXPECT_TRUE(r->reports[1]->memories[0].exact.has_value());
}

TEST(TheoryViewTest, CancelledJobReturnsNothing) {
  TheoryViewJob job;
  job.patterns = std::make_shared<const Matrix>(Matrix::Identity(3, 3));
  std::atomic<bool> cancel{true};
  std::atomic<double> progress{0};
  EXPECT_FALSE(computeTheoryView(job, cancel, progress));
}

TEST(TheoryViewTest, ModelHoldsHandComputedNumbers) {
  // ξ₁ = (10, 0), ξ₂ = (0, 1), ξ₃ = (0, −1), dot similarity. K = [[100, 0, 0], [0, 1, −1],
  // [0, −1, 1]] → Δ = (100 − 0, 1 − 0, 1 − 0) = (100, 1, 1). Nearest pair ξ₂, ξ₃ at distance 2
  // → R = 1; m = m_Φ = 10. Softmax bound of ξ₁ at β = 0.1:
  // 2·10·(3 − 1)·exp(−0.1·(100 − 2·10·1)) = 40·e^{−8} = 0.013418…, below 2m = 20: not vacuous.
  // ξ₂: 40·exp(−0.1·(1 − 20)) = 40·e^{1.9} ≥ 20: vacuous.
  // U-Hop column set to dot + sparsemax (α = 2): exact at ξ₁ itself iff β·Δ₁ = 10 ≥ 1/(α − 1) = 1;
  // at ξ₂ β·Δ₂ = 0.1 < 1. Its query x = ξ₁ + u, ‖u‖ = R/2 = 0.5: ⟨ξ₁, x⟩ ≥ 100 − 5 and
  // ⟨ξ₂,₃, x⟩ ≤ 0.5, so β·gap ≥ 9.45 ≥ 1: exact at the query too.
  AppModel model;
  Matrix xi(2, 3);
  xi << 10, 0, 0, 0, 1, -1;
  install(model, xi);
  model.column(Side::Baseline).config =
      ModelConfig{SimilarityKind::Dot, Separation::softmax(), 0.1, false};
  model.column(Side::UHop).config =
      ModelConfig{SimilarityKind::Dot, Separation::sparsemax(), 0.1, false};
  applyCommand(model, SetTheoryViewShown{true});
  ASSERT_TRUE(waitForTheory(model));
  const TheoryViewResult& r = *currentTheory(model);
  ASSERT_TRUE(r.reports[0]) << r.errors[0];
  ASSERT_TRUE(r.reports[1]) << r.errors[1];
  const TheoryReport& base = *r.reports[0];
  EXPECT_NEAR(base.radius, 1, 1e-7);
  EXPECT_NEAR(base.maxNorm, 10, 1e-9);
  EXPECT_NEAR(base.maxFeatureNorm, 10, 1e-9);
  EXPECT_NEAR(base.memories[0].delta, 100, 1e-9);
  EXPECT_NEAR(base.memories[1].delta, 1, 1e-9);
  EXPECT_NEAR(base.memories[2].delta, 1, 1e-9);
  const double bound = 40 * std::exp(-8.0);  // 0.0134185…
  EXPECT_NEAR(base.memories[0].bound, bound, 1e-9 * bound);
  EXPECT_FALSE(base.memories[0].vacuous);
  EXPECT_NEAR(base.memories[1].bound, 40 * std::exp(1.9), 1e-6);
  EXPECT_TRUE(base.memories[1].vacuous);
  // The theorem: a query inside the sphere is retrieved with at most the bound's error.
  EXPECT_LE(base.memories[0].measuredError, bound);
  const TheoryReport& sparse = *r.reports[1];
  EXPECT_EQ(sparse.memories[0].exactAtMemory, std::optional<bool>(true));
  EXPECT_EQ(sparse.memories[1].exactAtMemory, std::optional<bool>(false));
  EXPECT_EQ(sparse.memories[0].exact, std::optional<bool>(true));
  // Sparsemax retrieves ξ₁ exactly: no error at all.
  EXPECT_EQ(sparse.memories[0].measuredError, 0.0);

  // The state JSON's target (memory 0) carries the same numbers.
  const nlohmann::json t = stateJson(model)["theory"];
  EXPECT_TRUE(t["done"].get<bool>());
  EXPECT_NEAR(t["target"]["delta"].get<double>(), 100, 1e-9);
  EXPECT_NEAR(t["target"]["delta_kernel"].get<double>(), 100, 1e-9);
  EXPECT_NEAR(t["target"]["bound_baseline"].get<double>(), bound, 1e-9 * bound);
  EXPECT_TRUE(t["target"]["bound_uhop"].is_null()) << "sparsemax has no bound";
  EXPECT_FALSE(t["target"]["vacuous_baseline"].get<bool>());
  EXPECT_TRUE(t["target"]["exact_uhop"].get<bool>());
  EXPECT_NEAR(t["target"]["radius"].get<double>(), 1, 1e-7);

  // β changes: the numbers are stale (not current) until recomputed with the new β.
  model.column(Side::Baseline).config.beta = 0.2;
  EXPECT_FALSE(currentTheory(model));
  ASSERT_TRUE(waitForTheory(model));
  // 40·exp(−0.2·80) = 40·e^{−16}.
  EXPECT_NEAR(currentTheory(model)->reports[0]->memories[0].bound, 40 * std::exp(-16.0),
              1e-9 * 40 * std::exp(-16.0));
}

TEST(TheoryViewTest, StaleResultForOtherMemoriesIsDropped) {
  AppModel model;
  Matrix xi(2, 3);
  xi << 10, 0, 0, 0, 1, -1;
  install(model, xi);
  model.column(Side::UHop).config.similarity = SimilarityKind::Dot;
  // A job for the memories before: its result must never be shown for these.
  TheoryViewJob stale;
  stale.key = currentTheoryKey(model);
  stale.key.memoriesVersion = model.memories.version - 1;
  stale.patterns = model.memories.patterns;
  model.theoryView.worker->start(stale);
  ASSERT_TRUE(model.theoryView.worker->waitIdle(30s));
  ASSERT_TRUE(model.theoryView.worker->latest());
  updateModel(model);
  EXPECT_TRUE(!model.theoryView.result ||
              model.theoryView.result->key.memoriesVersion == model.memories.version);
  // The job for the current memories follows, and only it is taken.
  ASSERT_TRUE(waitForTheory(model));
  EXPECT_EQ(model.theoryView.result->key.memoriesVersion, model.memories.version);

  // New memories: the old result goes at once, before any new one arrives.
  Matrix other(2, 2);
  other << 1, 0, 0, 1;
  install(model, other);
  updateModel(model);
  EXPECT_TRUE(!model.theoryView.result ||
              model.theoryView.result->key.memoriesVersion == model.memories.version);
  EXPECT_FALSE(currentTheory(model) && currentTheory(model)->reports[0]->memories.size() == 3);
}

TEST(TheoryViewTest, KernelColumnWaitsForW) {
  AppModel model;
  Matrix xi(2, 3);
  xi << 10, 0, 0, 0, 1, -1;
  install(model, xi);  // no Stage I run for these: no W
  applyCommand(model, SetTheoryViewShown{true});
  ASSERT_TRUE(waitForTheory(model));
  const TheoryViewResult& r = *currentTheory(model);
  EXPECT_TRUE(r.reports[0]);
  EXPECT_FALSE(r.reports[1]);
  EXPECT_EQ(r.errors[1], "waiting for Stage I's W");
}

}  // namespace
}  // namespace uhop::ui
