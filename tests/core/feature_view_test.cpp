// Tests core/feature_view.*: layouts against hand-computed principal coordinates and against the
// isometry a principal layout of rank-2 data must be, the Procrustes rotation against known
// rotations and reflections, and the similarity map against hand-computed products.
#include "core/feature_view.h"

#include <gtest/gtest.h>

#include <cmath>

namespace uhop {
namespace {

TEST(FeatureViewTest, PointsOnALineLieOnTheFirstAxis) {
  // (0,0), (1,0), (5,0): mean (2,0), centred x = −2, −1, 3; the sign puts the 3 positive.
  Matrix X(2, 3);
  X << 0, 1, 5, 0, 0, 0;
  const PlaneLayout layout = principalLayout(X);
  EXPECT_NEAR(layout(0, 0), -2, 1e-6);
  EXPECT_NEAR(layout(0, 1), -1, 1e-6);
  EXPECT_NEAR(layout(0, 2), 3, 1e-6);
  for (int n = 0; n < 3; ++n) EXPECT_NEAR(layout(1, n), 0, 1e-6);
}

TEST(FeatureViewTest, ACrossInThreeDimensionsKeepsItsAxes) {
  // (±3, 0, 0) and (0, ±1, 0) shifted by (1, 1, 1): the first axis is x (spread 3), the second y.
  Matrix X(3, 4);
  X << 4, -2, 1, 1,  //
      1, 1, 2, 0,    //
      1, 1, 1, 1;
  const PlaneLayout layout = principalLayout(X);
  const double first[] = {3, -3, 0, 0}, second[] = {0, 0, 1, -1};
  for (int n = 0; n < 4; ++n) {
    EXPECT_NEAR(layout(0, n), first[n], 1e-5) << n;
    EXPECT_NEAR(layout(1, n), second[n], 1e-5) << n;
  }
}

TEST(FeatureViewTest, TheSignOfEachAxisDoesNotDependOnTheSolver) {
  // −X has the same covariance (the solver returns the same axes) but negated coordinates: only
  // the sign rule (largest entry positive) makes both layouts equal.
  Matrix X(3, 4);
  X << 4, -2, 1, 1.5,  //
      1, 1, 2, 0,      //
      1, 0, 1, 1;
  const PlaneLayout a = principalLayout(X), b = principalLayout((-X).eval());
  EXPECT_TRUE(a.isApprox(b, 1e-5)) << a << "\n" << b;
  for (int r = 0; r < 2; ++r) {
    Eigen::Index at = 0;
    a.row(r).cwiseAbs().maxCoeff(&at);
    EXPECT_GT(a(r, at), 0);
  }
}

// The principal coordinates by a full eigen-decomposition of the covariance (the definition),
// with the same sign rule: an independent check of the iterative solver used for large d.
PlaneLayout directLayout(const Matrix& X) {
  const MatrixD C = (X.colwise() - X.rowwise().mean()).cast<double>();
  Eigen::SelfAdjointEigenSolver<MatrixD> eig(C * C.transpose());
  const Eigen::Index d = X.rows();
  PlaneLayout l(2, X.cols());
  for (int k = 0; k < 2; ++k) {
    l.row(k) = eig.eigenvectors().col(d - 1 - k).transpose() * C;
    Eigen::Index at = 0;
    l.row(k).cwiseAbs().maxCoeff(&at);
    if (l(k, at) < 0) l.row(k) *= -1;
  }
  return l;
}

TEST(FeatureViewTest, LargeDimensionsMatchTheFullEigenDecomposition) {
  // d = 120 (> the direct solver's limit) and N = 400 points with spreads 9, 5, 2, 1, … along
  // the first axes plus small structured noise elsewhere.
  const int d = 120, n = 400;
  Matrix X(d, n);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < n; ++j) {
      const double spread = i == 0 ? 9 : i == 1 ? 5 : i == 2 ? 2 : 1.0 / (i + 1);
      X(i, j) = static_cast<float>(spread * std::sin(0.37 * (j + 1) * (i + 1) + 0.11 * i) + 0.5);
    }
  const PlaneLayout got = principalLayout(X), want = directLayout(X);
  EXPECT_LE((got - want).cwiseAbs().maxCoeff(), 1e-3 * want.cwiseAbs().maxCoeff())
      << (got - want).cwiseAbs().maxCoeff();
}

double distance(const PlaneLayout& l, int a, int b) {
  return (l.col(a) - l.col(b)).norm();
}

TEST(FeatureViewTest, FewPointsInManyDimensionsKeepTheirDistances) {
  // 4 points spanning a plane inside R^6 (fewer points than dimensions: the Gram path). Projecting
  // rank-2 data on its two principal axes is an isometry: every pairwise distance survives.
  Matrix X(6, 4);
  X << 1, 0, 2, -1,  //
      0, 1, 1, 3,    //
      2, 1, 5, 1,    //
      0, 0, 0, 0,    //
      -1, 2, 0, 7,   //
      3, 3, 9, 6;
  // rows 3.. are combinations of rows 0 and 1: row2 = 2·r0 + r1, row4 = −r0 + 2·r1, row5 = 3·r0 +
  // 3·r1.
  const PlaneLayout layout = principalLayout(X);
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b)
      EXPECT_NEAR(distance(layout, a, b), (X.col(a) - X.col(b)).norm(), 1e-4) << a << "," << b;
}

Eigen::Matrix2d rotation(double angle) {
  Eigen::Matrix2d r;
  r << std::cos(angle), -std::sin(angle), std::sin(angle), std::cos(angle);
  return r;
}

TEST(FeatureViewTest, ProcrustesUndoesARotationAndAReflection) {
  PlaneLayout a(2, 4);
  a << 1, -2, 0.5, 3, 2, 0, -1, 1;
  const PlaneLayout rotated = rotation(0.7) * a;
  const Eigen::Matrix2d r = procrustesRotation(rotated, a);
  EXPECT_TRUE(r.isApprox(rotation(-0.7), 1e-9)) << r;
  Eigen::Matrix2d flip;
  flip << 1, 0, 0, -1;
  const Eigen::Matrix2d back = procrustesRotation(flip * a, a);
  EXPECT_TRUE(back.isApprox(flip, 1e-9)) << back;
  EXPECT_THROW(procrustesRotation(a, PlaneLayout(2, 3)), ConfigError);
}

TEST(FeatureViewTest, AnOrthogonalWMovesNothingOnceAligned) {
  // Φ = Q x with Q orthogonal keeps every angle between memories, so the aligned feature layout
  // must be the one of W = I exactly, although Q turns the principal axes.
  Matrix X(3, 5);
  X << 1, 0, 0.5, 0.2, 0.9,  //
      0, 1, 0.5, 0.7, 0.1,   //
      0.3, 0.2, 0.1, 1, 0.4;
  const Matrix I = Matrix::Identity(3, 3);
  const PlaneLayout before = featureLayout(X, I, nullptr);
  Matrix Q(3, 3);
  const double c = std::cos(1.1), s = std::sin(1.1);
  Q << c, -s, 0, s, c, 0, 0, 0, 1;
  const PlaneLayout after = featureLayout(X, Q, &before);
  EXPECT_TRUE(after.isApprox(before, 1e-5)) << after << "\n" << before;
  // A scaled W gives the same layout too: the features are normalised first.
  const PlaneLayout scaled = featureLayout(X, (3.0f * I).eval(), &before);
  EXPECT_TRUE(scaled.isApprox(before, 1e-5));
  EXPECT_THROW(featureLayout(X, Matrix::Identity(2, 2), nullptr), ConfigError);
}

TEST(FeatureViewTest, LabelOrderGroupsByLabelAndKeepsIndexOrderWithin) {
  EXPECT_EQ(labelOrder({2, 0, 1, 0}, 4), (std::vector<int>{1, 3, 2, 0}));
  EXPECT_EQ(labelOrder({}, 3), (std::vector<int>{0, 1, 2}));
}

TEST(FeatureViewTest, SimilarityMapHoldsThePairProductsInOrder) {
  Matrix X(2, 3);
  X << 1, 0, 2,  //
      0, 3, 1;
  const MatrixD raw = similarityMap(X, nullptr, {2, 0, 1});
  MatrixD expected(3, 3);
  // order 2, 0, 1: ξ₂ = (2, 1), ξ₀ = (1, 0), ξ₁ = (0, 3)
  expected << 5, 2, 3,  //
      2, 1, 0,          //
      3, 0, 9;
  EXPECT_TRUE(raw.isApprox(expected)) << raw;
  Matrix W(1, 2);
  W << 1, 1;  // Φ(x) = x₁ + x₂: Φ = 3, 1, 3
  const MatrixD kernel = similarityMap(X, &W, {0, 1, 2});
  MatrixD k(3, 3);
  k << 1, 3, 3, 3, 9, 9, 3, 9, 9;
  EXPECT_TRUE(kernel.isApprox(k)) << kernel;
  EXPECT_THROW(similarityMap(X, nullptr, {0, 1, 2}, 2), ConfigError);
  EXPECT_THROW(similarityMap(X, nullptr, {0, 5}), ConfigError);
}

}  // namespace
}  // namespace uhop
