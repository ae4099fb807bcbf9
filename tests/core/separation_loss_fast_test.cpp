// Tests for the fast separation loss (core/separation_loss: lower-triangle Gram and pair-weight
// passes, radial term after the product, reusable workspace) against the straightforward separationLossReference, and for the
// Stage I minibatch mode built on it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "core/separation_loss.h"
#include "core/stage1.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

std::shared_ptr<const Matrix> share(const Matrix& m) { return std::make_shared<const Matrix>(m); }

double relativeDifference(const Matrix& a, const Matrix& b) {
  return (a.cast<double>() - b.cast<double>()).norm() / std::max(1e-300, b.cast<double>().norm());
}

void expectMatchesReference(const Matrix& W, const Matrix& xi, const LossConfig& config, const std::string& what) {
  LossEvaluation ref = separationLossReference(W, xi, config, true);
  LossEvaluation fast = separationLoss(W, xi, config, true);
  EXPECT_NEAR(fast.loss, ref.loss, 1e-5 * (1 + std::abs(ref.loss))) << what;
  EXPECT_NEAR(fast.minDistance, ref.minDistance, 1e-5 * (1 + ref.minDistance)) << what;
  EXPECT_NEAR(fast.meanDistance, ref.meanDistance, 1e-5 * (1 + ref.meanDistance)) << what;
  ASSERT_EQ(fast.gradient.rows(), ref.gradient.rows()) << what;
  ASSERT_EQ(fast.gradient.cols(), ref.gradient.cols()) << what;
  EXPECT_LT(relativeDifference(fast.gradient, ref.gradient), 1e-5) << what;
}

// Shapes cover one Gram tile (M ≤ 256), several tiles with a ragged last one, the M × M passes on
// one core (M² < 2¹⁶) and split over the cores (M ≥ 256), square, tall and wide W.
TEST(SeparationLossFast, AverageMatchesReferenceValuesAndGradients) {
  struct Shape {
    int D, d, M;
  };
  for (Shape s : {Shape{6, 5, 2}, Shape{6, 5, 3}, Shape{12, 9, 40}, Shape{20, 16, 319}, Shape{16, 24, 320},
                  Shape{24, 16, 481}, Shape{32, 32, 700}})
    for (double t : {0.5, 2.0, 8.0}) {
      Matrix W = testref::normalMatrix(s.D, s.d, 1000 + s.M, 1.0 / std::sqrt(s.d));
      Matrix xi = testref::uniformMatrix(s.d, s.M, 2000 + s.M);
      expectMatchesReference(W, xi, {LossKind::Average, t},
                             "D=" + std::to_string(s.D) + " d=" + std::to_string(s.d) + " M=" + std::to_string(s.M) +
                                 " t=" + std::to_string(t));
    }
}

// Small sets only: with thousands of pairs two near-equal closest pairs could swap under rounding.
TEST(SeparationLossFast, WorstPairMatchesReference) {
  for (int M : {2, 3, 7, 25}) {
    Matrix W = testref::normalMatrix(10, 8, 3000 + M);
    Matrix xi = testref::uniformMatrix(8, M, 3100 + M);
    expectMatchesReference(W, xi, {LossKind::WorstPair, 2.0}, "M=" + std::to_string(M));
  }
}

TEST(SeparationLossFast, WithoutGradientGivesTheSameValuesAndNoGradient) {
  Matrix W = testref::normalMatrix(16, 12, 41);
  Matrix xi = testref::uniformMatrix(12, 350, 42);
  for (LossKind kind : {LossKind::Average, LossKind::WorstPair}) {
    LossEvaluation with = separationLoss(W, xi, {kind, 2.0}, true);
    LossEvaluation without = separationLoss(W, xi, {kind, 2.0}, false);
    EXPECT_EQ(with.loss, without.loss);
    EXPECT_EQ(with.minDistance, without.minDistance);
    EXPECT_EQ(with.meanDistance, without.meanDistance);
    EXPECT_EQ(without.gradient.size(), 0);
  }
}

// A reused workspace (shapes changing between calls) gives exactly the bits of a fresh one, and the
// same call twice gives the same bits (no dependence on scheduling or buffer addresses).
TEST(SeparationLossFast, WorkspaceReuseAndRepeatedCallsAreBitIdentical) {
  LossWorkspace workspace;
  LossEvaluation reused;
  for (int M : {400, 30, 700, 30}) {
    Matrix W = testref::normalMatrix(20, 14, 50 + M);
    Matrix xi = testref::uniformMatrix(14, M, 60 + M);
    separationLoss(W, xi, {}, true, workspace, reused);
    LossEvaluation fresh = separationLoss(W, xi, {}, true);
    EXPECT_EQ(reused.loss, fresh.loss) << M;
    EXPECT_EQ(reused.meanDistance, fresh.meanDistance) << M;
    ASSERT_EQ(reused.gradient.size(), fresh.gradient.size());
    EXPECT_EQ(0, std::memcmp(reused.gradient.data(), fresh.gradient.data(), sizeof(float) * fresh.gradient.size()))
        << M;
  }
}

TEST(SeparationLossFast, ZeroFeatureStillThrows) {
  Matrix xi = testref::uniformMatrix(6, 400, 70);
  xi.col(321).setZero();
  EXPECT_THROW(separationLoss(Matrix::Identity(6, 6), xi, {}, true), ConfigError);
  EXPECT_THROW(separationLoss(Matrix::Identity(6, 6), xi.leftCols(1), {}, true), ConfigError);
}

TEST(SeparationLossFast, FlopCountIsTheFourProducts) {
  EXPECT_DOUBLE_EQ(separationLossFlops(784, 784, 500), 4.0 * 784 * 784 * 500 + 4.0 * 784 * 500 * 500);
}

// ---------------------------------------------------------------- Stage I minibatches ---

Stage1Config batchConfig(int batch, uint64_t seed = 5) {
  Stage1Config c;
  c.steps = 30;
  c.seed = seed;
  c.batchSize = batch;
  return c;
}

TEST(Stage1Minibatch, BatchOfAtLeastMIsTheFullBatchBitForBit) {
  auto xi = share(testref::uniformMatrix(10, 24, 80));
  Stage1 full(xi, batchConfig(0)), same(xi, batchConfig(24)), larger(xi, batchConfig(1000));
  full.run();
  same.run();
  larger.run();
  EXPECT_TRUE(full.featureMap() == same.featureMap());
  EXPECT_TRUE(full.featureMap() == larger.featureMap());
  for (size_t k = 0; k < full.history().size(); ++k) EXPECT_EQ(full.history()[k].loss, same.history()[k].loss);
}

TEST(Stage1Minibatch, SeededReproducibleAndDifferentFromFullBatch) {
  auto xi = share(testref::uniformMatrix(10, 60, 81));
  Stage1 a(xi, batchConfig(12)), b(xi, batchConfig(12)), other(xi, batchConfig(12, 6)), full(xi, batchConfig(0));
  a.run();
  b.run();
  other.run();
  full.run();
  EXPECT_TRUE(a.featureMap() == b.featureMap());
  for (size_t k = 0; k < a.history().size(); ++k) EXPECT_EQ(a.history()[k].loss, b.history()[k].loss);
  EXPECT_FALSE(a.featureMap() == other.featureMap());
  EXPECT_FALSE(a.featureMap() == full.featureMap());
}

// The batch estimate is noisy, but training on batches still lowers the full-set loss.
TEST(Stage1Minibatch, LowersTheFullSetLoss) {
  Matrix memories = testref::uniformMatrix(12, 80, 82);
  Stage1Config c = batchConfig(16);
  c.steps = 60;
  Stage1 s(share(memories), c);
  const double before = separationLoss(s.featureMap(), memories, {}, false).loss;
  s.run();
  ASSERT_FALSE(s.diverged()) << s.divergenceMessage();
  const double after = separationLoss(s.featureMap(), memories, {}, false).loss;
  EXPECT_LT(after, before - 0.1);
}

TEST(Stage1Minibatch, TenThousandMemoriesWork) {
  auto xi = share(testref::uniformMatrix(16, 10000, 83));
  Stage1Config c = batchConfig(256);
  c.steps = 3;
  Stage1 s(xi, c);
  s.run();
  EXPECT_FALSE(s.diverged());
  EXPECT_EQ(s.stepsDone(), 3);
  EXPECT_TRUE(std::isfinite(s.history().back().loss));
}

TEST(Stage1Minibatch, BatchOfOneOrNegativeIsAConfigError) {
  auto xi = share(testref::uniformMatrix(6, 10, 84));
  EXPECT_THROW(Stage1(xi, batchConfig(1)), ConfigError);
  EXPECT_THROW(Stage1(xi, batchConfig(-3)), ConfigError);
  EXPECT_NO_THROW(Stage1(xi, batchConfig(2)));
}

}  // namespace
}  // namespace uhop
