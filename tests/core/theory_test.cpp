// Δ, R, the error bound and the exact-retrieval condition against values worked out by hand on two
// or three points in the plane (docs/method.md §10).
#include "core/theory.h"

#include <gtest/gtest.h>

#include <atomic>
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

TheoryConfig config(SimilarityKind sim, Separation sep, double beta) {
  TheoryConfig c;
  c.model.similarity = sim;
  c.model.separation = sep;
  c.model.beta = beta;
  return c;
}

TEST(Theory, DeltaAndRadiusForDotByHand) {
  // ξ₁ = (2, 0), ξ₂ = (0, 1), ξ₃ = (1, 1). K = [[4, 0, 2], [0, 1, 1], [2, 1, 2]].
  // Δ₁ = 4 − max(0, 2) = 2, Δ₂ = 1 − max(0, 1) = 0, Δ₃ = 2 − max(2, 1) = 0.
  // Distances: |ξ₁ − ξ₂| = √5, |ξ₁ − ξ₃| = √2, |ξ₂ − ξ₃| = 1 → R = ½. m = m_Φ = 2.
  auto xi = points({{2, 0}, {0, 1}, {1, 1}});
  const TheoryReport r = computeTheory(xi, config(SimilarityKind::Dot, Separation::softmax(), 3));
  ASSERT_EQ(r.memories.size(), 3u);
  EXPECT_NEAR(r.memories[0].delta, 2, 1e-9);
  EXPECT_NEAR(r.memories[1].delta, 0, 1e-9);
  EXPECT_NEAR(r.memories[2].delta, 0, 1e-9);
  EXPECT_NEAR(r.radius, 0.5, 1e-7);
  EXPECT_NEAR(r.maxNorm, 2, 1e-9);
  EXPECT_NEAR(r.maxFeatureNorm, 2, 1e-9);
  // Bound of memory 1 at β = 3: 2·2·(3 − 1)·exp(−3 (2 − 2·2·½)) = 8 ≥ 2m = 4: vacuous.
  EXPECT_NEAR(r.memories[0].bound, 8, 1e-6);
  EXPECT_NEAR(r.memories[0].logBound, std::log(8.0), 1e-6);
  EXPECT_TRUE(r.memories[0].vacuous);
  EXPECT_FALSE(r.memories[0].exact.has_value());  // softmax: no exact-retrieval condition
}

TEST(Theory, BoundFormulaByHand) {
  // 2 m (M − 1) exp(−β (Δ − 2 m_Φ R)) with m = 3, M = 2, β = 0.5, Δ = 9, m_Φ = 3, R = 3/√2:
  // 6 exp(−0.5 (9 − 9√2)) = 6 exp(4.5 (√2 − 1)).
  const double want = 6 * std::exp(4.5 * (std::sqrt(2.0) - 1));
  EXPECT_NEAR(retrievalErrorBound(3, 2, 0.5, 9, 3, 3 / std::sqrt(2.0)), want, 1e-9 * want);
  EXPECT_NEAR(logRetrievalErrorBound(3, 2, 0.5, 9, 3, 3 / std::sqrt(2.0)), std::log(want), 1e-12);
  // The log stays finite where the bound overflows.
  EXPECT_TRUE(std::isinf(retrievalErrorBound(1, 2, 1000, -1, 1, 1)));
  EXPECT_NEAR(logRetrievalErrorBound(1, 2, 1000, -1, 1, 1), std::log(2.0) + 3000, 1e-9);
}

TEST(Theory, KernelFeatureSpaceByHand) {
  // W = diag(2, 1): Φξ₁ = (2, 0), Φξ₂ = (0, 1). K₁₁ = 4, K₂₂ = 1, K₁₂ = 0 → Δ = (4, 1);
  // feature distance √5, R = √5/2; m = 1 (raw norms), m_Φ = 2.
  auto xi = points({{1, 0}, {0, 1}});
  Matrix W(2, 2);
  W << 2, 0, 0, 1;
  const TheoryReport r =
      computeTheory(xi, config(SimilarityKind::Kernel, Separation::softmax(), 1), &W);
  EXPECT_NEAR(r.memories[0].delta, 4, 1e-9);
  EXPECT_NEAR(r.memories[1].delta, 1, 1e-9);
  EXPECT_NEAR(r.radius, std::sqrt(5.0) / 2, 1e-7);
  EXPECT_NEAR(r.maxNorm, 1, 1e-9);
  EXPECT_NEAR(r.maxFeatureNorm, 2, 1e-9);
}

TEST(Theory, MeanProjectedFeatureSpaceByHand) {
  // ξ₁ = (1, 0), ξ₂ = (0, 1): μ̂ = (1, 1)/√2, Φ = I − μ̂μ̂ᵀ maps them to ±(½, −½).
  // K₁₁ = K₂₂ = ½, K₁₂ = −½ → Δ = 1; distance √2, R = √2/2; m_Φ = √½.
  auto xi = points({{1, 0}, {0, 1}});
  const TheoryReport r =
      computeTheory(xi, config(SimilarityKind::MeanProjected, Separation::softmax(), 1));
  EXPECT_NEAR(r.memories[0].delta, 1, 1e-6);
  EXPECT_NEAR(r.memories[1].delta, 1, 1e-6);
  EXPECT_NEAR(r.radius, std::sqrt(2.0) / 2, 1e-6);
  EXPECT_NEAR(r.maxFeatureNorm, std::sqrt(0.5), 1e-6);
}

TEST(Theory, NonVacuousBoundHoldsForTheMeasuredQuery) {
  // ξ₁ = (10, 0), ξ₂ = (0, 0.1), ξ₃ = (0, −0.1): R = 0.1, m = m_Φ = 10, Δ₁ = 100 − 0 = 100:
  // bound₁ = 2·10·2·exp(−(100 − 2)) ≈ 1e-41, far below 2m. Δ₂ = 0.01 − max(0, −0.01) = 0.01 <
  // 2 m_Φ R = 2: vacuous. The measured one-step error from inside the sphere must respect the
  // bound.
  auto xi = points({{10, 0}, {0, 0.1f}, {0, -0.1f}});
  const TheoryReport r = computeTheory(xi, config(SimilarityKind::Dot, Separation::softmax(), 1));
  EXPECT_NEAR(r.memories[0].delta, 100, 1e-4);
  EXPECT_NEAR(r.memories[1].delta, 0.01, 1e-6);
  EXPECT_NEAR(r.radius, 0.1, 1e-6);
  EXPECT_NEAR(r.memories[0].logBound, std::log(40.0) - (100 - 2), 1e-3);
  EXPECT_FALSE(r.memories[0].vacuous);
  EXPECT_TRUE(r.memories[1].vacuous);
  EXPECT_LE(r.memories[0].measuredError, r.memories[0].bound + 1e-6);
}

TEST(Theory, QueryLiesAtTheRequestedFeatureDistance) {
  // With queryFraction 0 the query is the memory itself: the gap is β Δ_μ.
  auto xi = points({{2, 0}, {0, 1}, {1, 1}});
  TheoryConfig c = config(SimilarityKind::Dot, Separation::sparsemax(), 2);
  c.queryFraction = 0;
  const TheoryReport r = computeTheory(xi, c);
  EXPECT_NEAR(r.memories[0].queryGap, 2 * 2, 1e-6);
  EXPECT_NEAR(r.memories[1].queryGap, 0, 1e-6);
}

TEST(Theory, ExactRetrievalConditionAndMeasuredErrorAgree) {
  // Sparsemax (α = 2) is one-hot when β·gap ≥ 1. ξ₁ = (3, 0), ξ₂ = (0, 3), query at ½R from ξ_μ:
  // the gap is at least Δ − 2 m_Φ ½R = 9 − 3·3/√2 ≈ 2.64, so at β = 1 retrieval is exact.
  auto xi = points({{3, 0}, {0, 3}});
  const TheoryReport r = computeTheory(xi, config(SimilarityKind::Dot, Separation::sparsemax(), 1));
  for (const MemoryTheory& t : r.memories) {
    ASSERT_TRUE(t.exact.has_value());
    EXPECT_TRUE(*t.exact);
    EXPECT_TRUE(*t.exactAtMemory);  // β Δ = 9 ≥ 1
    EXPECT_GE(t.queryGap, 9 - 9 / std::sqrt(2.0) - 1e-4);
    EXPECT_NEAR(t.measuredError, 0, 1e-6);
    EXPECT_TRUE(std::isnan(t.bound));  // the bound is the softmax one
  }
  // At β = 0.05 the gap is β·(at most 9 + 3·3/√2) ≈ 0.77 < 1: not one-hot, the step mixes.
  const TheoryReport soft =
      computeTheory(xi, config(SimilarityKind::Dot, Separation::sparsemax(), 0.05));
  for (const MemoryTheory& t : soft.memories) {
    EXPECT_FALSE(*t.exact);
    EXPECT_FALSE(*t.exactAtMemory);  // 0.05 · 9 < 1
    EXPECT_GT(t.measuredError, 0.1);
  }
  EXPECT_TRUE(exactRetrievalCondition(2.0, 1.5));  // 1/(1.5 − 1) = 2
  EXPECT_FALSE(exactRetrievalCondition(1.99, 1.5));
}

TEST(Theory, BlockedEqualsOneBlock) {
  // A 64-byte budget forces one Gram row and one query per block; the report must not change.
  auto xi = std::make_shared<Matrix>(Matrix::Random(5, 23));
  TheoryConfig big = config(SimilarityKind::Dot, Separation::softmax(), 2);
  TheoryConfig tiny = big;
  tiny.blockBytes = 64;
  const TheoryReport a = computeTheory(xi, big), b = computeTheory(xi, tiny);
  EXPECT_NEAR(a.radius, b.radius, 1e-6);
  for (int mu = 0; mu < 23; ++mu) {
    EXPECT_NEAR(a.memories[mu].delta, b.memories[mu].delta, 1e-5);
    EXPECT_NEAR(a.memories[mu].measuredError, b.memories[mu].measuredError, 1e-6);
  }
  // Δ checked against a direct double computation on the full Gram matrix.
  const MatrixD X = xi->cast<double>();
  const MatrixD G = X.transpose() * X;
  for (int mu = 0; mu < 23; ++mu) {
    double runnerUp = -1e300;
    for (int nu = 0; nu < 23; ++nu)
      if (nu != mu) runnerUp = std::max(runnerUp, G(nu, mu));
    EXPECT_NEAR(b.memories[mu].delta, G(mu, mu) - runnerUp, 1e-5);
  }
}

TEST(Theory, ProgressRisesToOneAndACancelStopsIt) {
  // 64-byte blocks: one Gram row, then one query per block, so progress is reported 2·M times:
  // the Gram rows to ½, the queries from ½ to 1, never going back.
  auto xi = std::make_shared<Matrix>(Matrix::Random(4, 9));
  TheoryConfig c = config(SimilarityKind::Dot, Separation::softmax(), 1);
  c.blockBytes = 64;
  std::atomic<bool> cancel{false};
  std::vector<double> seen;
  c.control.cancel = &cancel;
  c.control.progress = [&](double f) { seen.push_back(f); };
  const TheoryReport done = computeTheory(xi, c);
  EXPECT_FALSE(done.cancelled);
  ASSERT_EQ(seen.size(), 18u);
  EXPECT_DOUBLE_EQ(seen[8], 0.5);
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i], seen[i - 1]) << i;
  // The hook does not change the numbers.
  TheoryConfig plain = config(SimilarityKind::Dot, Separation::softmax(), 1);
  EXPECT_EQ(computeTheory(xi, plain).memories[3].measuredError, done.memories[3].measuredError);
  // A cancel raised after the third Gram row stops before the fourth.
  seen.clear();
  c.control.progress = [&](double f) {
    seen.push_back(f);
    if (seen.size() == 3) cancel = true;
  };
  EXPECT_TRUE(computeTheory(xi, c).cancelled);
  EXPECT_EQ(seen.size(), 3u);
}

TEST(Theory, RefusesWhatHasNoTheory) {
  auto xi = points({{1, 0}, {0, 1}});
  EXPECT_THROW(computeTheory(xi, config(SimilarityKind::NegL2, Separation::softmax(), 1)),
               ConfigError);
  EXPECT_THROW(computeTheory(xi, config(SimilarityKind::Dot, Separation::polynomial(2), 1)),
               ConfigError);
  EXPECT_THROW(
      computeTheory(points({{1, 0}}), config(SimilarityKind::Dot, Separation::softmax(), 1)),
      ConfigError);
}

}  // namespace
}  // namespace uhop
