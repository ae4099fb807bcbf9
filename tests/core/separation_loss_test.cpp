// Tests for core/separation_loss: the Stage I loss against an independent double-precision
// implementation straight from the definition (docs/method.md §4), its analytic gradient against
// central finite differences of that implementation, invariances, distance statistics, errors.
#include "core/separation_loss.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>

#include "tests/core/test_reference.h"

namespace uhop {
namespace {

// φ̂_μ = Wξ_μ / ‖Wξ_μ‖ and the pair quantities, all in double, no Gram-matrix shortcuts.
struct RefLoss {
  double loss = 0, minDistance = 0, meanDistance = 0;
};

RefLoss referenceLoss(const MatrixD& W, const MatrixD& xi, LossKind kind, double t) {
  const int M = static_cast<int>(xi.cols());
  MatrixD F = W * xi;
  for (int m = 0; m < M; ++m) F.col(m) /= F.col(m).norm();
  RefLoss r;
  double sumExp = 0, worst = -std::numeric_limits<double>::infinity(), sumD = 0;
  double minD = std::numeric_limits<double>::infinity();
  int pairs = 0;
  for (int mu = 0; mu < M; ++mu)
    for (int nu = mu + 1; nu < M; ++nu) {
      const double d2 = (F.col(mu) - F.col(nu)).squaredNorm();
      sumExp += std::exp(-t * d2);
      worst = std::max(worst, -t * d2);
      sumD += std::sqrt(d2);
      minD = std::min(minD, std::sqrt(d2));
      ++pairs;
    }
  r.loss = kind == LossKind::Average ? std::log(sumExp / pairs) : worst;
  r.minDistance = minD;
  r.meanDistance = sumD / pairs;
  return r;
}

MatrixD finiteDifferenceGradient(const MatrixD& W, const MatrixD& xi, LossKind kind, double t, double h) {
  MatrixD g(W.rows(), W.cols());
  for (int r = 0; r < W.rows(); ++r)
    for (int c = 0; c < W.cols(); ++c) {
      MatrixD Wp = W, Wm = W;
      Wp(r, c) += h;
      Wm(r, c) -= h;
      g(r, c) = (referenceLoss(Wp, xi, kind, t).loss - referenceLoss(Wm, xi, kind, t).loss) / (2 * h);
    }
  return g;
}

TEST(SeparationLoss, MatchesDefinitionComputedInDouble) {
  for (int trial = 0; trial < 6; ++trial) {
    const int D = 4 + trial, d = 5 + trial % 3, M = 3 + 2 * trial;
    Matrix W = testref::normalMatrix(D, d, 200 + trial);
    Matrix xi = testref::uniformMatrix(d, M, 300 + trial);
    for (LossKind kind : {LossKind::Average, LossKind::WorstPair})
      for (double t : {2.0, 0.5, 5.0}) {
        LossEvaluation e = separationLoss(W, xi, {kind, t}, false);
        RefLoss ref = referenceLoss(W.cast<double>(), xi.cast<double>(), kind, t);
        EXPECT_NEAR(e.loss, ref.loss, 1e-5 * (1 + std::abs(ref.loss))) << lossKindName(kind) << " t=" << t;
        EXPECT_NEAR(e.minDistance, ref.minDistance, 2e-4);
        EXPECT_NEAR(e.meanDistance, ref.meanDistance, 1e-5);
        EXPECT_EQ(e.gradient.size(), 0);  // not requested
      }
  }
}

TEST(SeparationLoss, HandValues) {
  // Two memories mapped to orthogonal directions: ‖φ̂1 − φ̂2‖² = 2 ⇒ L = −2t.
  Matrix W = Matrix::Identity(2, 2);
  Matrix orth = (Matrix(2, 2) << 3, 0, 0, 0.5f).finished();
  EXPECT_NEAR(separationLoss(W, orth, {LossKind::Average, 2.0}, false).loss, -4.0, 1e-6);
  EXPECT_NEAR(separationLoss(W, orth, {LossKind::WorstPair, 0.5}, false).loss, -1.0, 1e-6);
  // Opposite directions: distance 2 ⇒ L = −4t. Same direction: L = 0.
  Matrix opposite = (Matrix(2, 2) << 1, -2, 1, -2).finished();
  LossEvaluation e = separationLoss(W, opposite, {LossKind::Average, 2.0}, false);
  EXPECT_NEAR(e.loss, -8.0, 1e-5);
  EXPECT_NEAR(e.minDistance, 2.0, 1e-6);
  Matrix same = (Matrix(2, 2) << 1, 2, 1, 2).finished();
  EXPECT_NEAR(separationLoss(W, same, {LossKind::Average, 2.0}, false).loss, 0.0, 1e-6);
  // Three memories e1, e2, −e1: squared distances 2, 4, 2 ⇒ avg L = log((2e^{−2t} + e^{−4t})/3),
  // max L = −2t, min distance √2, mean (2√2 + 2)/3.
  Matrix three = (Matrix(2, 3) << 1, 0, -1, 0, 1, 0).finished();
  const double t = 1.5;
  LossEvaluation a = separationLoss(W, three, {LossKind::Average, t}, false);
  EXPECT_NEAR(a.loss, std::log((2 * std::exp(-2 * t) + std::exp(-4 * t)) / 3), 1e-6);
  EXPECT_NEAR(a.minDistance, std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(a.meanDistance, (2 * std::sqrt(2.0) + 2) / 3, 1e-6);
  EXPECT_NEAR(separationLoss(W, three, {LossKind::WorstPair, t}, false).loss, -2 * t, 1e-6);
}

void expectGradientMatchesFiniteDifferences(LossKind kind, double t, uint64_t seed) {
  const int D = 6, d = 5, M = 7;
  Matrix W = testref::normalMatrix(D, d, seed);
  Matrix xi = testref::uniformMatrix(d, M, seed + 1, -0.2, 1.0);
  MatrixD Wd = W.cast<double>(), xd = xi.cast<double>();
  if (kind == LossKind::WorstPair) {
    // Make sure the worst pair is unique with a clear gap, so L_max is differentiable here.
    MatrixD F = Wd * xd;
    for (int m = 0; m < M; ++m) F.col(m).normalize();
    std::vector<double> g;
    for (int i = 0; i < M; ++i)
      for (int j = i + 1; j < M; ++j) g.push_back(F.col(i).dot(F.col(j)));
    std::sort(g.begin(), g.end(), std::greater<double>());
    ASSERT_GT(g[0] - g[1], 1e-3) << "worst pair not unique at this seed";
  }
  LossEvaluation e = separationLoss(W, xi, {kind, t}, true);
  ASSERT_EQ(e.gradient.rows(), D);
  ASSERT_EQ(e.gradient.cols(), d);
  MatrixD fd = finiteDifferenceGradient(Wd, xd, kind, t, 1e-6);
  const double rel = (e.gradient.cast<double>() - fd).norm() / fd.norm();
  EXPECT_LT(rel, 1e-3) << lossKindName(kind) << " t=" << t << " |fd|=" << fd.norm();
  EXPECT_GT(fd.norm(), 1e-3);  // a real gradient, not a flat spot
  const double maxAbs = fd.cwiseAbs().maxCoeff();
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < d; ++c) EXPECT_NEAR(e.gradient(r, c), fd(r, c), 1e-3 * maxAbs) << r << "," << c;
}

TEST(SeparationLossGradient, AverageT2MatchesFiniteDifferences) { expectGradientMatchesFiniteDifferences(LossKind::Average, 2.0, 400); }
TEST(SeparationLossGradient, AverageTHalfMatchesFiniteDifferences) { expectGradientMatchesFiniteDifferences(LossKind::Average, 0.5, 410); }
TEST(SeparationLossGradient, AverageOtherSeedMatchesFiniteDifferences) { expectGradientMatchesFiniteDifferences(LossKind::Average, 2.0, 420); }
TEST(SeparationLossGradient, WorstPairMatchesFiniteDifferences) { expectGradientMatchesFiniteDifferences(LossKind::WorstPair, 2.0, 430); }

TEST(SeparationLossGradient, NonSquareTallAndWideMaps) {
  for (auto [D, d] : {std::pair{3, 8}, std::pair{10, 4}}) {
    const int M = 6;
    Matrix W = testref::normalMatrix(D, d, 440 + D);
    Matrix xi = testref::uniformMatrix(d, M, 450 + D);
    LossEvaluation e = separationLoss(W, xi, {LossKind::Average, 2.0}, true);
    MatrixD fd = finiteDifferenceGradient(W.cast<double>(), xi.cast<double>(), LossKind::Average, 2.0, 1e-6);
    EXPECT_LT((e.gradient.cast<double>() - fd).norm() / fd.norm(), 1e-3) << D << "x" << d;
  }
}

TEST(SeparationLoss, FastPathMatchesReferenceImplementations) {
  // Includes M ≥ 320, where the Gram matrix is built block by block on several threads.
  for (auto [D, d, M] : {std::array{6, 5, 7}, std::array{9, 12, 40}, std::array{8, 10, 330}}) {
    Matrix W = testref::normalMatrix(D, d, 600 + M);
    Matrix xi = testref::uniformMatrix(d, M, 610 + M);
    for (LossKind kind : {LossKind::Average, LossKind::WorstPair}) {
      LossEvaluation fast = separationLoss(W, xi, {kind, 2.0}, true);
      LossEvaluation ref = separationLossReference(W, xi, {kind, 2.0}, true);
      RefLoss exact = referenceLoss(W.cast<double>(), xi.cast<double>(), kind, 2.0);
      EXPECT_NEAR(fast.loss, exact.loss, 1e-5 * (1 + std::abs(exact.loss))) << M;
      EXPECT_NEAR(ref.loss, exact.loss, 1e-5 * (1 + std::abs(exact.loss))) << M;
      EXPECT_NEAR(fast.minDistance, exact.minDistance, 2e-4) << M;
      EXPECT_NEAR(fast.meanDistance, exact.meanDistance, 1e-5) << M;
      ASSERT_EQ(fast.gradient.rows(), D);
      ASSERT_EQ(fast.gradient.cols(), d);
      EXPECT_LT((fast.gradient - ref.gradient).norm(), 1e-4 * ref.gradient.norm()) << M << " " << lossKindName(kind);
    }
  }
}

TEST(SeparationLoss, WorkspaceReuseAcrossShapesGivesFreshResults) {
  LossWorkspace ws;
  LossEvaluation out;
  for (auto [D, d, M] : {std::array{6, 5, 7}, std::array{4, 5, 3}, std::array{10, 8, 12}, std::array{6, 5, 7}})
    for (bool grad : {true, false}) {
      Matrix W = testref::normalMatrix(D, d, 700 + D);
      Matrix xi = testref::uniformMatrix(d, M, 710 + M);
      separationLoss(W, xi, {}, grad, ws, out);
      LossEvaluation fresh = separationLoss(W, xi, {}, grad);
      EXPECT_EQ(out.loss, fresh.loss);
      EXPECT_EQ(out.minDistance, fresh.minDistance);
      EXPECT_EQ(out.meanDistance, fresh.meanDistance);
      EXPECT_EQ(out.gradient.size(), grad ? D * d : 0);
      if (grad) {
        EXPECT_TRUE(out.gradient == fresh.gradient);
      }
    }
}

TEST(SeparationLoss, InvariantToScalingW) {
  Matrix W = testref::normalMatrix(8, 6, 500);
  Matrix xi = testref::uniformMatrix(6, 9, 501);
  for (LossKind kind : {LossKind::Average, LossKind::WorstPair}) {
    LossEvaluation base = separationLoss(W, xi, {kind, 2.0}, true);
    for (float c : {1e-3f, 0.5f, 3.7f, 1e3f}) {
      Matrix Wc = W * c;
      LossEvaluation e = separationLoss(Wc, xi, {kind, 2.0}, true);
      EXPECT_NEAR(e.loss, base.loss, 1e-5) << c;
      EXPECT_NEAR(e.minDistance, base.minDistance, 1e-5);
      EXPECT_NEAR(e.meanDistance, base.meanDistance, 1e-5);
      // L(cW) = L(W) ⇒ ∇L(cW) = ∇L(W) / c, and ⟨∇L, W⟩ = 0 (no radial component).
      EXPECT_TRUE((e.gradient * c).isApprox(base.gradient, 1e-4f)) << c;
    }
    const double radial = (base.gradient.cast<double>().array() * W.cast<double>().array()).sum();
    EXPECT_NEAR(radial, 0.0, 1e-5 * base.gradient.norm() * W.norm());
  }
  // Scaling one memory does not change anything either.
  Matrix xs = xi;
  xs.col(3) *= 5.0f;
  EXPECT_NEAR(separationLoss(W, xs, {}, false).loss, separationLoss(W, xi, {}, false).loss, 1e-5);
}

TEST(SeparationLoss, DefaultConfigIsAverageWithT2) {
  LossConfig c;
  EXPECT_EQ(c.kind, LossKind::Average);
  EXPECT_EQ(c.t, 2.0);
  Matrix W = testref::normalMatrix(4, 4, 510);
  Matrix xi = testref::uniformMatrix(4, 5, 511);
  EXPECT_NEAR(separationLoss(W, xi, {}, false).loss,
              referenceLoss(W.cast<double>(), xi.cast<double>(), LossKind::Average, 2.0).loss, 1e-5);
}

TEST(PairwiseDistanceStats, MatchesDirectComputation) {
  Matrix F = testref::normalMatrix(5, 8, 520);
  double minD = 0, meanD = 0;
  pairwiseDistanceStats(F, minD, meanD);
  RefLoss ref = referenceLoss(MatrixD::Identity(5, 5), F.cast<double>(), LossKind::Average, 1.0);
  EXPECT_NEAR(minD, ref.minDistance, 2e-4);
  EXPECT_NEAR(meanD, ref.meanDistance, 1e-5);
  // Norms do not matter: e1, 3·e2, −0.2·e1 ⇒ min √2, mean (2√2 + 2)/3.
  Matrix three = (Matrix(2, 3) << 1, 0, -0.2f, 0, 3, 0).finished();
  pairwiseDistanceStats(three, minD, meanD);
  EXPECT_NEAR(minD, std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(meanD, (2 * std::sqrt(2.0) + 2) / 3, 1e-6);
  EXPECT_THROW(pairwiseDistanceStats((Matrix(2, 2) << 1, 0, 0, 0).finished(), minD, meanD), ConfigError);
}

TEST(SeparationLoss, ConfigErrors) {
  Matrix W = Matrix::Identity(3, 3);
  EXPECT_THROW(separationLoss(W, testref::uniformMatrix(3, 1, 1), {}, false), ConfigError);
  EXPECT_THROW(separationLoss(W, Matrix(3, 0), {}, false), ConfigError);
  // A zero memory, and a nonzero memory in W's null space.
  Matrix withZero = testref::uniformMatrix(3, 4, 2);
  withZero.col(2).setZero();
  EXPECT_THROW(separationLoss(W, withZero, {}, true), ConfigError);
  Matrix proj = (Matrix(2, 3) << 1, 0, 0, 0, 1, 0).finished();
  Matrix xi = testref::uniformMatrix(3, 4, 3);
  xi.col(1) << 0, 0, 1;
  EXPECT_THROW(separationLoss(proj, xi, {}, false), ConfigError);
  Matrix good = testref::uniformMatrix(3, 4, 4);
  EXPECT_THROW(separationLoss(W, good, {LossKind::Average, 0.0}, false), ConfigError);
  EXPECT_THROW(separationLoss(W, good, {LossKind::Average, -1.0}, false), ConfigError);
  EXPECT_THROW(separationLoss(W, good, {LossKind::Average, std::nan("")}, false), ConfigError);
}

TEST(SeparationLoss, KindNames) {
  EXPECT_EQ(parseLossKind("avg"), LossKind::Average);
  EXPECT_EQ(parseLossKind("max"), LossKind::WorstPair);
  EXPECT_EQ(parseLossKind(lossKindName(LossKind::Average)), LossKind::Average);
  EXPECT_EQ(parseLossKind(lossKindName(LossKind::WorstPair)), LossKind::WorstPair);
  EXPECT_THROW(parseLossKind("min"), ConfigError);
  EXPECT_THROW(parseLossKind(""), ConfigError);
}

}  // namespace
}  // namespace uhop
