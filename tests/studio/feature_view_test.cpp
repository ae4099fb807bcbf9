// Tests studio/feature_view.*: the view's numbers against core computed directly (layouts, Δ_μ,
// Δ^Φ_μ, the heat-map pixels), and its wiring: computed only while shown, again when W changes,
// with the W the U-Hop column uses.
#include "studio/feature_view.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/datasets.h"
#include "studio/app_model.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const MemorySet> builtin(int count) {
  LoadOptions options;
  options.count = count;
  return std::make_shared<const MemorySet>(loadBuiltin(options));
}

TEST(FeatureViewStudioTest, NumbersEqualCoreComputedDirectly) {
  auto set = builtin(12);
  const Matrix& X = set->patterns;
  const int d = static_cast<int>(X.rows());
  FeatureViewJob job;
  job.memories = set;
  job.memoriesVersion = 7;
  job.stage1W = std::make_shared<const Matrix>(Matrix::Identity(d, d) * 2.0f);
  job.normalizeRows = false;  // W used as it is: Φ = 2x
  job.kernelScale = KernelScale::Raw;
  job.wStep = 3;
  std::atomic<bool> cancel{false};
  auto r = computeFeatureView(job, cancel);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error.empty()) << r->error;
  EXPECT_EQ(r->shown.size(), 12u);
  EXPECT_EQ(r->wStep, 3);
  EXPECT_TRUE(r->raw.isApprox(principalLayout(X), 1e-6));
  // Φ = 2x: the normalised features are the normalised memories.
  Matrix normalised = X;
  for (int m = 0; m < 12; ++m) normalised.col(m).normalize();
  EXPECT_TRUE(r->feature.isApprox(principalLayout(normalised), 1e-4));
  // Δ_μ from the Gram matrix computed here; Δ^Φ = 4 Δ for Φ = 2x.
  const MatrixD gram = X.cast<double>().transpose() * X.cast<double>();
  for (int m = 0; m < 12; ++m) {
    double rival = -1e300;
    for (int n = 0; n < 12; ++n)
      if (n != m) rival = std::max(rival, gram(m, n));
    EXPECT_NEAR(r->rawMargins[m], gram(m, m) - rival, 1e-3) << m;
    EXPECT_NEAR(r->kernelMargins[m], 4 * (gram(m, m) - rival), 4e-3) << m;
  }
  // Heat-map pixel (row 0, column 1): ⟨ξ_a, ξ_b⟩ of the first two memories in label order.
  ASSERT_EQ(r->mapOrder.size(), 12u);
  const int a = r->mapOrder[0], b = r->mapOrder[1];
  const double t = (gram(a, b) - r->rawMapMin) / (r->rawMapMax - r->rawMapMin);
  float expected[3];
  heatColour(t, expected);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(r->rawMap[3 + k], expected[k], 1e-4) << k;
  EXPECT_NEAR(r->rawMapMax, gram.maxCoeff(), 1e-3);
  EXPECT_NEAR(r->kernelMapMax, 4 * gram.maxCoeff(), 4e-3);
}

TEST(FeatureViewStudioTest, TheSameWAgainGivesTheSameAlignedLayout) {
  auto set = builtin(10);
  const int d = static_cast<int>(set->patterns.rows());
  FeatureViewJob job;
  job.memories = set;
  job.stage1W = std::make_shared<const Matrix>(Matrix::Identity(d, d));
  std::atomic<bool> cancel{false};
  auto first = computeFeatureView(job, cancel);
  job.previous = first;
  // An orthogonal change of W (a permutation of the feature coordinates) keeps every angle: the
  // aligned picture must not move.
  Matrix P = Matrix::Zero(d, d);
  for (int i = 0; i < d; ++i) P((i + 5) % d, i) = 1;
  job.stage1W = std::make_shared<const Matrix>(P);
  auto second = computeFeatureView(job, cancel);
  EXPECT_TRUE(second->feature.isApprox(first->feature, 1e-4));
  EXPECT_EQ(second->shown, first->shown);
  EXPECT_EQ(second->rawMargins, first->rawMargins);  // raw parts carried, not recomputed
  EXPECT_EQ(second->rawMap, first->rawMap);
  EXPECT_FALSE(second->rawMargins.empty());
}

TEST(FeatureViewStudioTest, HeatColourRunsFromDarkToLight) {
  float lo[3], mid[3], hi[3];
  heatColour(0, lo);
  heatColour(0.5, mid);
  heatColour(1, hi);
  auto luminance = [](const float* c) { return 0.2126f * c[0] + 0.7152f * c[1] + 0.0722f * c[2]; };
  EXPECT_LT(luminance(lo), luminance(mid));
  EXPECT_LT(luminance(mid), luminance(hi));
  float clamped[3];
  heatColour(7, clamped);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(clamped[k], hi[k]);
}

// Pumps updateModel until the view has a result for the current memories and W step.
bool waitForView(AppModel& model, int wStep) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    updateModel(model);
    const auto* r = model.featureView.result.get();
    if (r && r->memoriesVersion == model.memories.version && r->wStep == wStep) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

TEST(FeatureViewStudioTest, ComputedWhileShownAndAgainWhenWChanges) {
  AppModel model;
  applyCommand(model, LoadMemories{"builtin", 16, 0});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set);
  ASSERT_TRUE(model.stage1Worker->waitIdle(30s));
  for (int i = 0; i < 20; ++i) updateModel(model), std::this_thread::sleep_for(2ms);
  EXPECT_FALSE(model.featureView.result) << "nothing is computed while the view is hidden";

  applyCommand(model, ToggleFeatureView{});
  ASSERT_TRUE(model.featureView.shown);
  ASSERT_TRUE(waitForView(model, 0));
  const auto atStart = model.featureView.result;
  applyCommand(model, Stage1Step{});
  ASSERT_TRUE(model.stage1Worker->waitIdle(30s));
  ASSERT_TRUE(waitForView(model, 1));
  const auto* r = model.featureView.result.get();
  EXPECT_NE(r, atStart.get());
  // The kernel margins use the W the U-Hop column uses at step 1.
  auto W = model.scaledFeatureMap(model.stage1.snapshot.get());
  ASSERT_TRUE(W);
  const Matrix F = *W * model.memories.set->patterns;
  const VectorD margins = separationMargins((F.transpose() * F).cast<double>());
  for (int m = 0; m < 16; ++m)
    EXPECT_NEAR(r->kernelMargins[m], margins(m), 1e-3 * (1 + std::abs(margins(m))));
  applyCommand(model, SetFeatureViewShown{false});
  EXPECT_FALSE(model.featureView.shown);
}

}  // namespace
}  // namespace uhop::ui
