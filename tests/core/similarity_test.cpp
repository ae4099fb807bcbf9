// Tests for core/similarity: every similarity against its formula computed directly in double
// (docs/method.md §2.1), self-similarities, the cached score matrix and config errors.
#include "core/similarity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "core/datasets.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

constexpr int kD = 7, kM = 5, kN = 4;

struct Data {
  std::shared_ptr<const Matrix> memories;
  Matrix states;
  Matrix W;      // D × d kernel map (D = 9)
  MatrixD xi, x, Wd;
};

Data makeData() {
  Data data;
  data.memories = std::make_shared<const Matrix>(testref::uniformMatrix(kD, kM, 101, -0.5, 1.5));
  data.states = testref::normalMatrix(kD, kN, 102);
  data.W = testref::normalMatrix(9, kD, 103, 0.4);
  data.xi = data.memories->cast<double>();
  data.x = data.states.cast<double>();
  data.Wd = data.W.cast<double>();
  return data;
}

// Unit mean direction μ̂ of the memories, straight from the definition.
VectorD unitMean(const MatrixD& xi) {
  VectorD mean = VectorD::Zero(xi.rows());
  for (int m = 0; m < xi.cols(); ++m) mean += xi.col(m);
  mean /= static_cast<double>(xi.cols());
  return mean / mean.norm();
}

double directScore(SimilarityKind kind, const Data& data, int m, int n) {
  VectorD xi = data.xi.col(m), x = data.x.col(n);
  double s = 0;
  switch (kind) {
    case SimilarityKind::Dot:
      for (int i = 0; i < kD; ++i) s += xi(i) * x(i);
      return s;
    case SimilarityKind::MeanProjected: {
      VectorD mu = unitMean(data.xi);
      MatrixD P = MatrixD::Identity(kD, kD) - mu * mu.transpose();
      return xi.dot(P * x);
    }
    case SimilarityKind::NegL2:
      for (int i = 0; i < kD; ++i) s += (xi(i) - x(i)) * (xi(i) - x(i));
      return -std::sqrt(s);
    case SimilarityKind::NegL1:
      for (int i = 0; i < kD; ++i) s += std::abs(xi(i) - x(i));
      return -s;
    case SimilarityKind::Kernel: {
      VectorD a = data.Wd * xi, b = data.Wd * x;
      return a.dot(b);
    }
  }
  return NAN;
}

class SimilarityKinds : public ::testing::TestWithParam<SimilarityKind> {};

TEST_P(SimilarityKinds, ScoresMatchDirectFormulas) {
  Data data = makeData();
  SimilarityOperator op(GetParam(), data.memories, &data.W);
  EXPECT_EQ(op.kind(), GetParam());
  Matrix S;
  op.scores(data.states, S);
  ASSERT_EQ(S.rows(), kM);
  ASSERT_EQ(S.cols(), kN);
  for (int n = 0; n < kN; ++n)
    for (int m = 0; m < kM; ++m) {
      double ref = directScore(GetParam(), data, m, n);
      EXPECT_NEAR(S(m, n), ref, 1e-5 * (1 + std::abs(ref))) << similarityName(GetParam()) << " m=" << m << " n=" << n;
    }
  // A single column gives the same scores as inside the batch.
  Matrix one;
  op.scores(data.states.col(2), one);
  for (int m = 0; m < kM; ++m) EXPECT_NEAR(one(m, 0), S(m, 2), 1e-5 * (1 + std::abs(S(m, 2))));
}

TEST_P(SimilarityKinds, SelfSimilarityAndScoreMatrix) {
  Data data = makeData();
  SimilarityOperator op(GetParam(), data.memories, &data.W);
  VectorD self = op.selfSimilarity(data.states);
  ASSERT_EQ(self.size(), kN);
  const bool inner = isInnerProduct(GetParam());
  for (int n = 0; n < kN; ++n) {
    if (!inner) {
      EXPECT_TRUE(std::isnan(self(n)));
      continue;
    }
    // K(x, x) with the formula of the kind: the memory-vs-state formula applied to (x, x).
    VectorD x = data.x.col(n);
    double ref = 0;
    if (GetParam() == SimilarityKind::Dot) ref = x.dot(x);
    if (GetParam() == SimilarityKind::MeanProjected) {
      VectorD mu = unitMean(data.xi);
      ref = x.dot((MatrixD::Identity(kD, kD) - mu * mu.transpose()) * x);
    }
    if (GetParam() == SimilarityKind::Kernel) ref = (data.Wd * x).squaredNorm();
    EXPECT_NEAR(self(n), ref, 1e-5 * (1 + ref));
  }
  double maxSelf = op.maxMemorySelfSimilarity();
  if (!inner) {
    EXPECT_TRUE(std::isnan(maxSelf));
    EXPECT_EQ(op.scoreMatrix().size(), 0);
    return;
  }
  // max_μ K(ξ_μ, ξ_μ) = max_μ of the direct score s(ξ_μ, ξ_μ).
  Data selfData = data;
  selfData.x = data.xi;
  double ref = -INFINITY;
  for (int m = 0; m < kM; ++m) ref = std::max(ref, directScore(GetParam(), selfData, m, m));
  EXPECT_NEAR(maxSelf, ref, 1e-5 * (1 + std::abs(ref)));
  // s = A x with the cached A.
  ASSERT_EQ(op.scoreMatrix().rows(), kM);
  ASSERT_EQ(op.scoreMatrix().cols(), kD);
  MatrixD viaA = op.scoreMatrix().cast<double>() * data.x;
  for (int n = 0; n < kN; ++n)
    for (int m = 0; m < kM; ++m) EXPECT_NEAR(viaA(m, n), directScore(GetParam(), data, m, n), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(All, SimilarityKinds,
                         ::testing::Values(SimilarityKind::Dot, SimilarityKind::MeanProjected, SimilarityKind::NegL2,
                                           SimilarityKind::NegL1, SimilarityKind::Kernel),
                         [](const auto& info) { return similarityName(info.param); });

TEST(Similarity, HandComputedSmallCase) {
  // Ξ = [[1, 0], [0, 2]] (columns (1,0) and (0,2)), x = (3, 1).
  auto xi = std::make_shared<const Matrix>((Matrix(2, 2) << 1, 0, 0, 2).finished());
  Matrix x(2, 1);
  x << 3, 1;
  Matrix S;
  SimilarityOperator(SimilarityKind::Dot, xi).scores(x, S);
  EXPECT_FLOAT_EQ(S(0, 0), 3.0f);
  EXPECT_FLOAT_EQ(S(1, 0), 2.0f);
  SimilarityOperator(SimilarityKind::NegL2, xi).scores(x, S);
  EXPECT_NEAR(S(0, 0), -std::sqrt(5.0), 1e-6);  // (2, 1)
  EXPECT_NEAR(S(1, 0), -std::sqrt(10.0), 1e-6);  // (3, −1)
  SimilarityOperator(SimilarityKind::NegL1, xi).scores(x, S);
  EXPECT_FLOAT_EQ(S(0, 0), -3.0f);
  EXPECT_FLOAT_EQ(S(1, 0), -4.0f);
  // Mean (0.5, 1), μ̂ = (1, 2)/√5. ξ_1ᵀ(I − μ̂μ̂ᵀ)x = 3 − (1·5)/5 = 2; ξ_2: 2 − (4·5)/5 = −2.
  SimilarityOperator(SimilarityKind::MeanProjected, xi).scores(x, S);
  EXPECT_NEAR(S(0, 0), 2.0, 1e-6);
  EXPECT_NEAR(S(1, 0), -2.0, 1e-6);
  // W = diag(2, 0): K(ξ, x) = 4 ξ₁x₁ → (12, 0).
  Matrix W = (Matrix(2, 2) << 2, 0, 0, 0).finished();
  SimilarityOperator kernel(SimilarityKind::Kernel, xi, &W);
  kernel.scores(x, S);
  EXPECT_FLOAT_EQ(S(0, 0), 12.0f);
  EXPECT_FLOAT_EQ(S(1, 0), 0.0f);
  EXPECT_FLOAT_EQ(static_cast<float>(kernel.selfSimilarity(x)(0)), 36.0f);
  EXPECT_FLOAT_EQ(static_cast<float>(kernel.maxMemorySelfSimilarity()), 4.0f);
}

TEST(Similarity, MeanProjectedEqualsDotWhenTheMeanIsZero) {
  Matrix base = testref::normalMatrix(6, 3, 44);
  Matrix sym(6, 6);
  sym << base, -base;  // mean memory exactly zero
  auto xi = std::make_shared<const Matrix>(sym);
  Matrix x = testref::normalMatrix(6, 3, 45), a, b;
  SimilarityOperator(SimilarityKind::MeanProjected, xi).scores(x, a);
  SimilarityOperator(SimilarityKind::Dot, xi).scores(x, b);
  EXPECT_TRUE(a.isApprox(b, 1e-6f));
}

TEST(Similarity, MeanProjectedRemovesTheSharedDirection) {
  // A state along the mean direction scores 0 against every memory.
  auto xi = std::make_shared<const Matrix>(testref::uniformMatrix(8, 6, 46));
  Matrix x = xi->rowwise().mean() * 3.0f, S;
  SimilarityOperator(SimilarityKind::MeanProjected, xi).scores(x, S);
  for (int m = 0; m < 6; ++m) EXPECT_NEAR(S(m, 0), 0.0, 1e-5);
}

TEST(Similarity, NegativeDistancesAreLargestForTheQueryItself) {
  // The minus sign (docs/method.md §7 item 5): a memory used as query scores highest against itself.
  auto xi = std::make_shared<const Matrix>(testref::uniformMatrix(50, 10, 47));
  for (SimilarityKind k : {SimilarityKind::NegL2, SimilarityKind::NegL1}) {
    Matrix S;
    SimilarityOperator(k, xi).scores(*xi, S);
    for (int n = 0; n < 10; ++n) {
      int best = 0;
      S.col(n).maxCoeff(&best);
      EXPECT_EQ(best, n) << similarityName(k);
      EXPECT_LE(S(n, n), 0.0f);
      EXPECT_GT(S(n, n), -5e-3f) << "self-distance should be ~0";
    }
  }
}

// ‖ξ − x‖² from ‖ξ‖² − 2⟨ξ, x⟩ + ‖x‖² in float cancels to rounding noise when x ≈ ξ (‖ξ − ξ‖ was
// up to 0.017 on the built-in images); near pairs are recomputed directly.
TEST(Similarity, NegL2IsExactNearTheMemories) {
  const MemorySet set = loadBuiltin({});
  auto xi = std::make_shared<const Matrix>(set.patterns);
  SimilarityOperator op(SimilarityKind::NegL2, xi);
  Matrix states = set.patterns;
  // Column 1 moved by a known tiny step: distance 1e-3 to memory 1 (one pixel +1e-3).
  states(5, 1) += 1e-3f;
  const double moved = std::abs(double(states(5, 1)) - double(set.patterns(5, 1)));
  Matrix S;
  op.scores(states, S);
  const MatrixD xd = set.patterns.cast<double>(), sd = states.cast<double>();
  for (int n = 0; n < set.count(); ++n)
    for (int m = 0; m < set.count(); ++m) {
      const double ref = (xd.col(m) - sd.col(n)).norm();
      if (m == n) {
        EXPECT_NEAR(-S(m, n), n == 1 ? moved : 0.0, 1e-6) << "memory " << m;
      } else {
        EXPECT_NEAR(-S(m, n), ref, 1e-4 * ref) << m << " " << n;
      }
    }
}

TEST(Similarity, ParseAndNames) {
  for (SimilarityKind k : {SimilarityKind::Dot, SimilarityKind::MeanProjected, SimilarityKind::NegL2,
                           SimilarityKind::NegL1, SimilarityKind::Kernel})
    EXPECT_EQ(parseSimilarity(similarityName(k)), k);
  EXPECT_EQ(parseSimilarity("meanproj"), SimilarityKind::MeanProjected);
  EXPECT_THROW(parseSimilarity("cosine"), ConfigError);
  EXPECT_THROW(parseSimilarity(""), ConfigError);
  EXPECT_THROW(parseSimilarity("Dot"), ConfigError);
  EXPECT_TRUE(isInnerProduct(SimilarityKind::Kernel));
  EXPECT_TRUE(isInnerProduct(SimilarityKind::MeanProjected));
  EXPECT_FALSE(isInnerProduct(SimilarityKind::NegL1));
  EXPECT_FALSE(isInnerProduct(SimilarityKind::NegL2));
}

TEST(Similarity, ConfigErrors) {
  auto xi = std::make_shared<const Matrix>(testref::uniformMatrix(5, 3, 48));
  EXPECT_THROW(SimilarityOperator(SimilarityKind::Kernel, xi), ConfigError);
  Matrix wrongWidth = Matrix::Identity(5, 4);
  EXPECT_THROW(SimilarityOperator(SimilarityKind::Kernel, xi, &wrongWidth), ConfigError);
  Matrix ok = Matrix::Identity(3, 5);  // D < d is allowed
  EXPECT_NO_THROW(SimilarityOperator(SimilarityKind::Kernel, xi, &ok));
  EXPECT_THROW(SimilarityOperator(SimilarityKind::Dot, nullptr), ConfigError);
  EXPECT_THROW(SimilarityOperator(SimilarityKind::Dot, std::make_shared<const Matrix>(5, 0)), ConfigError);
}

}  // namespace
}  // namespace uhop
