// The 2-D landscape against values computed by hand from the energy (docs/method.md (3.2)) and the
// retrieval rule on two or three points.
#include "core/landscape.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

namespace uhop {
namespace {

std::shared_ptr<const Matrix> points(std::initializer_list<std::pair<float, float>> xy) {
  auto m = std::make_shared<Matrix>(2, static_cast<int>(xy.size()));
  int k = 0;
  for (auto [x, y] : xy) {
    (*m)(0, k) = x;
    (*m)(1, k++) = y;
  }
  return m;
}

HopfieldModel dotSoftmax(std::shared_ptr<const Matrix> xi, double beta) {
  ModelConfig c;
  c.beta = beta;
  return HopfieldModel(std::move(xi), c);
}

TEST(Landscape, GridIsRowMajorWithRowsAlongY) {
  // N = 3 on [−1, 3] × [10, 20]: x ∈ {−1, 1, 3}, y ∈ {10, 15, 20}; index j·3 + i.
  const Matrix q = landscapeGrid(3, {-1, 3, 10, 20});
  ASSERT_EQ(q.cols(), 9);
  EXPECT_FLOAT_EQ(q(0, 5), 3);  // j = 1, i = 2
  EXPECT_FLOAT_EQ(q(1, 5), 15);
  EXPECT_FLOAT_EQ(q(0, 6), -1);  // j = 2, i = 0
  EXPECT_FLOAT_EQ(q(1, 6), 20);
  EXPECT_FLOAT_EQ(q(0, 1), 1);  // j = 0, i = 1
  EXPECT_FLOAT_EQ(q(1, 1), 10);
}

TEST(Landscape, EnergyAtGridPointsMatchesHandComputation) {
  // ξ₁ = (1, 0), ξ₂ = (0, 1), dot + softmax, β = 1. C = log 2 + ½.
  // x = (0, 0): ½·0 − log(e⁰ + e⁰) + log 2 + ½ = ½.
  // x = (1, 0): ½·1 − log(e¹ + e⁰) + log 2 + ½ = 1 − log((e + 1)/2).
  // x = (−1, 1): ½·2 − log(e⁻¹ + e¹) + log 2 + ½ = 1.5 − log(cosh 1).
  HopfieldModel model = dotSoftmax(points({{1, 0}, {0, 1}}), 1.0);
  const Landscape l = computeLandscape(model, 3, {-1, 1, -1, 1}, 2);
  ASSERT_EQ(l.energy.size(), 9u);
  EXPECT_NEAR(l.energy[4], 0.5, 1e-6);
  EXPECT_NEAR(l.energy[5], 1 - std::log((std::exp(1.0) + 1) / 2), 1e-6);
  EXPECT_NEAR(l.energy[6], 1.5 - std::log(std::cosh(1.0)), 1e-6);
}

TEST(Landscape, BasinOfPointsNextToMemoriesAndMixtureOnTheDiagonal) {
  // β = 10. At (1, −1) the scores are (1, −1): p₁ = 1/(1 + e⁻²⁰) → memory 0; (−1, 1) → memory 1.
  // On the diagonal (0, 0), (−1, −1), (1, 1) the scores tie, p = (½, ½) at every step: no basin.
  HopfieldModel model = dotSoftmax(points({{1, 0}, {0, 1}}), 10.0);
  const Landscape l = computeLandscape(model, 3, {-1, 1, -1, 1}, 3);
  EXPECT_EQ(l.basin[2], 0);
  EXPECT_EQ(l.basin[6], 1);
  EXPECT_EQ(l.basin[5], 0);  // (1, 0): scores (1, 0), p₁ = 1/(1 + e⁻¹⁰)
  for (int k : {0, 4, 8}) {
    EXPECT_EQ(l.basin[k], -1) << k;
    EXPECT_NEAR(l.maxWeight[k], 0.5, 1e-6) << k;
  }
  // x_T sits at ≈ ξ₁, whose scores (1, 0) give p₁ = 1/(1 + e⁻¹⁰) (the fixed point moves it by
  // ~1e-8).
  EXPECT_NEAR(l.maxWeight[2], 1 / (1 + std::exp(-10.0)), 1e-6);
}

TEST(Landscape, BasinWeightThresholdIsPointNine) {
  // Three memories, β = 1, zero steps: p is softmax of the scores of the grid point itself.
  // At (1, 0) with ξ = (1,0), (0,1), (0,−1): scores (1, 0, 0), p₁ = e/(e + 2) ≈ 0.576 < 0.9.
  HopfieldModel model = dotSoftmax(points({{1, 0}, {0, 1}, {0, -1}}), 1.0);
  const Landscape l = computeLandscape(model, 3, {-1, 1, -1, 1}, 0);
  EXPECT_NEAR(l.maxWeight[5], std::exp(1.0) / (std::exp(1.0) + 2), 1e-6);
  EXPECT_EQ(l.basin[5], -1);
  // β = 5: p₁ = e⁵/(e⁵ + 2) ≈ 0.9867 ≥ 0.9.
  HopfieldModel sharp = dotSoftmax(points({{1, 0}, {0, 1}, {0, -1}}), 5.0);
  const Landscape s = computeLandscape(sharp, 3, {-1, 1, -1, 1}, 0);
  EXPECT_NEAR(s.maxWeight[5], std::exp(5.0) / (std::exp(5.0) + 2), 1e-6);
  EXPECT_EQ(s.basin[5], 0);
}

TEST(Landscape, NoEnergyForDistanceSimilarity) {
  ModelConfig c;
  c.similarity = SimilarityKind::NegL2;
  HopfieldModel model(points({{1, 0}, {0, 1}}), c);
  const Landscape l = computeLandscape(model, 2, {-1, 1, -1, 1}, 1);
  EXPECT_TRUE(std::isnan(l.energy[0]));
}

TEST(Landscape, RefusesWrongDimensionAndTooManyMemories) {
  auto threeD = std::make_shared<const Matrix>(Matrix::Ones(3, 2));
  EXPECT_THROW(computeLandscape(dotSoftmax(threeD, 1), 4, {}, 1), ConfigError);
  auto many = std::make_shared<const Matrix>(Matrix::Ones(2, kLandscapeMaxMemories + 1));
  EXPECT_THROW(computeLandscape(dotSoftmax(many, 1), 4, {}, 1), ConfigError);
  EXPECT_THROW(landscapeGrid(1, {}), ConfigError);
  EXPECT_THROW(landscapeGrid(kLandscapeMaxGrid + 1, {}), ConfigError);
}

TEST(Landscape, ParsesPoints) {
  const Matrix m = parseLandscapePoints("1,2; -0.5 ,3e-1;0,0");
  ASSERT_EQ(m.cols(), 3);
  EXPECT_FLOAT_EQ(m(0, 1), -0.5f);
  EXPECT_FLOAT_EQ(m(1, 1), 0.3f);
  EXPECT_FLOAT_EQ(m(1, 0), 2);
  for (const char* bad : {"", "1,2;", "1;2", "1,2,3", "a,b", "1,inf", "1,2;;3,4"})
    EXPECT_THROW(parseLandscapePoints(bad), ConfigError) << bad;
  std::string many;
  for (int k = 0; k <= kLandscapeMaxMemories; ++k) {
    if (k > 0) many += ';';
    many += std::to_string(k);
    many += ",0";
  }
  EXPECT_THROW(parseLandscapePoints(many), ConfigError);
}

TEST(Landscape, ParsesRange) {
  const LandscapeRange r = parseLandscapeRange("-2,2.5,0,1");
  EXPECT_EQ(r.x0, -2);
  EXPECT_EQ(r.x1, 2.5);
  EXPECT_EQ(r.y0, 0);
  EXPECT_EQ(r.y1, 1);
  for (const char* bad : {"1,0,0,1", "0,1,1,1", "0,1,0", "0,1,0,1,2", "0,1,0,x", "0,nan,0,1"})
    EXPECT_THROW(parseLandscapeRange(bad), ConfigError) << bad;
}

TEST(Landscape, Presets) {
  EXPECT_EQ(landscapePreset("pairs").cols(), 4);
  EXPECT_EQ(landscapePreset("cluster-outlier").cols(), 6);
  const Matrix ring = landscapePreset("ring8");
  ASSERT_EQ(ring.cols(), 8);
  for (int k = 0; k < 8; ++k) EXPECT_NEAR(ring.col(k).norm(), 1.0, 1e-6);
  EXPECT_NEAR(ring(0, 2), 0.0, 1e-6);  // 90°
  EXPECT_NEAR(ring(1, 2), 1.0, 1e-6);
  const Matrix a = landscapePreset("random12", 1), b = landscapePreset("random12", 2);
  ASSERT_EQ(a.cols(), 12);
  EXPECT_TRUE(a.isApprox(landscapePreset("random12", 1)));
  EXPECT_FALSE(a.isApprox(b));
  EXPECT_LE(a.cwiseAbs().maxCoeff(), 1.0f);
  EXPECT_THROW(landscapePreset("ring9"), ConfigError);
}

}  // namespace
}  // namespace uhop
