// Tests for core/metrics: error, support, k90, query outcomes, summaries and separation margins
// against hand-computed values.
#include "core/metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "tests/core/test_reference.h"

namespace uhop {
namespace {

TEST(Metrics, RetrievalErrorClipsBothSides) {
  // clip(1.5, −0.2, 0.3) = (1, 0, 0.3) vs (1, 0, 0.5) ⇒ 0.2² = 0.04.
  const float s1[3] = {1.5f, -0.2f, 0.3f}, t1[3] = {1.0f, 0.0f, 0.5f};
  EXPECT_NEAR(retrievalError(s1, t1, 3), 0.04, 1e-7);
  // The target is clipped too: (2, 0.5) vs (−1, 0.5) ⇒ (1 − 0)² = 1.
  const float s2[2] = {2.0f, 0.5f}, t2[2] = {-1.0f, 0.5f};
  EXPECT_NEAR(retrievalError(s2, t2, 2), 1.0, 1e-12);
  // Unclipped values: plain sum of squares.
  const float s3[4] = {0.1f, 0.2f, 0.3f, 0.4f}, t3[4] = {0.4f, 0.2f, 0.0f, 1.0f};
  EXPECT_NEAR(retrievalError(s3, t3, 4), 0.09 + 0 + 0.09 + 0.36, 1e-6);
  EXPECT_EQ(retrievalError(s3, s3, 4), 0.0);
}

TEST(Metrics, SupportSizeIsStrictlyAboveEpsilon) {
  const float p[5] = {0.5f, 0.011f, 0.01f, 0.0f, 0.479f};
  EXPECT_EQ(supportSize(p, 5), 3);
  EXPECT_EQ(supportSize(p, 5, 0.0), 4);
  EXPECT_EQ(supportSize(p, 5, 0.2), 2);
  EXPECT_EQ(kSupportEpsilon, 0.01);
}

TEST(Metrics, SupportEpsilonIsExactForSparseSeparations) {
  EXPECT_EQ(supportEpsilon(Separation::softmax()), 0.01);
  EXPECT_EQ(supportEpsilon(Separation::polynomial(3)), 0.01);
  EXPECT_EQ(supportEpsilon(Separation::sparsemax()), 0.0);
  EXPECT_EQ(supportEpsilon(Separation::entmax(1.5)), 0.0);
}

TEST(Metrics, AssessQueryCountsExactNonZerosForEntmax) {
  // p = (0.7, 0.25, 0.004, 0.003, 0.002, 0.001, 0): six non-zeros, two above 0.01.
  Matrix xi = Matrix::Identity(7, 7), states = Matrix::Zero(7, 1), weights(7, 1);
  weights << 0.7f, 0.25f, 0.004f, 0.003f, 0.002f, 0.001f, 0.0f;
  EXPECT_EQ(assessQuery(states, weights, xi, 0, 0, Separation::entmax(1.5)).support, 6);
  EXPECT_EQ(assessQuery(states, weights, xi, 0, 0, Separation::sparsemax()).support, 6);
  EXPECT_EQ(assessQuery(states, weights, xi, 0, 0, Separation::softmax()).support, 2);
}

TEST(Metrics, EntmaxSupportMatchesTheNonZerosOfItsWeights) {
  // A real entmax-1.5 p over 200 spread scores: the support is exactly its non-zero count, which
  // is larger than the count above 0.01 (the old definition under-reported it).
  const int M = 200;
  Vector z(M);
  for (int i = 0; i < M; ++i) z(i) = 0.5f * std::sin(0.37f * i) + 0.002f * i;
  Matrix weights(M, 1);
  separate(Separation::entmax(1.5), z.data(), weights.data(), M);
  int nonZeros = 0, above = 0;
  for (int i = 0; i < M; ++i) {
    nonZeros += weights(i, 0) > 0;
    above += weights(i, 0) > 0.01f;
  }
  ASSERT_GT(nonZeros, above);
  Matrix xi = Matrix::Identity(M, M), states = Matrix::Zero(M, 1);
  EXPECT_EQ(assessQuery(states, weights, xi, 0, 0, Separation::entmax(1.5)).support, nonZeros);
}

TEST(Metrics, DiffuseQueriesAreNotSingleMemories) {
  // Softmax over M = 200 equal scores: every p = 0.005 ≤ 0.01, support 0, diffuse, metastable.
  const int M = 200;
  Matrix xi = Matrix::Identity(M, M), states = Matrix::Zero(M, 1);
  Matrix weights = Matrix::Constant(M, 1, 1.0f / M);
  QueryOutcome o = assessQuery(states, weights, xi, 0, 0, Separation::softmax());
  EXPECT_EQ(o.support, 0);
  EXPECT_TRUE(o.metastable);
  QueryOutcome single;
  single.support = 1;
  single.correct = true;
  OutcomeSummary s = summarize({o, o, o, single});
  EXPECT_EQ(s.diffuseCount, 3);
  EXPECT_NEAR(s.diffuseFraction, 0.75, 1e-12);
  // Only the real single-memory query is in the k = 1 bin.
  EXPECT_EQ(s.supportHistogram, (std::vector<int>{1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_NEAR(s.metastableFraction, 0.75, 1e-12);
}

TEST(Metrics, K90OnHandVectors) {
  const float a[4] = {0.5f, 0.3f, 0.15f, 0.05f};
  EXPECT_EQ(k90(a, 4), 3);
  const float b[4] = {0.05f, 0.15f, 0.3f, 0.5f};  // order does not matter
  EXPECT_EQ(k90(b, 4), 3);
  const float c[2] = {0.9f, 0.1f};
  EXPECT_EQ(k90(c, 2), 1);
  const float d[3] = {0.0f, 1.0f, 0.0f};
  EXPECT_EQ(k90(d, 3), 1);
  const float e[3] = {0.45f, 0.45f, 0.1f};
  EXPECT_EQ(k90(e, 3), 2);
  std::vector<float> uniform(10, 0.1f);
  EXPECT_EQ(k90(uniform.data(), 10), 9);
  std::vector<float> u20(20, 0.05f);
  EXPECT_EQ(k90(u20.data(), 20), 18);
  const float f[3] = {0.89f, 0.005f, 0.105f};
  EXPECT_EQ(k90(f, 3), 2);
}

// Three memories in R²: (0,0), (1,0), (0,1).
Matrix memories3() { return (Matrix(2, 3) << 0, 1, 0, 0, 0, 1).finished(); }

TEST(Metrics, AssessQueryCorrectMetastableWrong) {
  Matrix xi = memories3();
  Matrix states(2, 3), weights(3, 3);
  states << 0.1f, 0.4f, 1.0f,  //
      0.0f, 0.3f, 0.0f;
  weights << 0.95f, 0.5f, 0.02f,  //
      0.05f, 0.45f, 0.98f,        //
      0.0f, 0.05f, 0.0f;
  QueryOutcome ok = assessQuery(states, weights, xi, 0, 0, Separation::softmax());
  EXPECT_TRUE(ok.correct);
  EXPECT_FALSE(ok.metastable);
  EXPECT_EQ(ok.retrieved, 0);
  EXPECT_FLOAT_EQ(static_cast<float>(ok.maxWeight), 0.95f);
  EXPECT_EQ(ok.support, 2);
  EXPECT_EQ(ok.k90, 1);
  EXPECT_NEAR(ok.error, 0.01, 1e-7);

  QueryOutcome meta = assessQuery(states, weights, xi, 1, 0, Separation::softmax());
  EXPECT_FALSE(meta.correct);
  EXPECT_TRUE(meta.metastable);
  EXPECT_EQ(meta.retrieved, 0);
  EXPECT_EQ(meta.support, 3);
  EXPECT_EQ(meta.k90, 2);
  EXPECT_NEAR(meta.error, 0.16 + 0.09, 1e-6);

  QueryOutcome wrong = assessQuery(states, weights, xi, 2, 0, Separation::softmax());
  EXPECT_FALSE(wrong.correct);
  EXPECT_FALSE(wrong.metastable);
  EXPECT_EQ(wrong.retrieved, 1);
  EXPECT_EQ(wrong.support, 2);
  EXPECT_NEAR(wrong.error, 1.0, 1e-7);
  // The same query judged against the memory it did reach is correct.
  QueryOutcome right = assessQuery(states, weights, xi, 2, 1, Separation::softmax());
  EXPECT_TRUE(right.correct);
  EXPECT_NEAR(right.error, 0.0, 1e-12);
}

TEST(Metrics, CorrectNeedsMaxWeightAtLeastPointNine) {
  // Two memories; the target 0 holds 0.905 (just above the 0.9 threshold) or 0.895 (just below).
  // A threshold of 0.8 or 0.95 instead of 0.9 flips one of the two verdicts.
  Matrix xi = (Matrix(2, 2) << 1, 0, 0, 1).finished();
  Matrix states = (Matrix(2, 2) << 1, 1, 0, 0).finished();
  Matrix weights = (Matrix(2, 2) << 0.905f, 0.895f, 0.095f, 0.105f).finished();
  const QueryOutcome above = assessQuery(states, weights, xi, 0, 0, Separation::softmax());
  EXPECT_TRUE(above.correct);
  EXPECT_FALSE(above.metastable);
  const QueryOutcome below = assessQuery(states, weights, xi, 1, 0, Separation::softmax());
  EXPECT_FALSE(below.correct);
  EXPECT_TRUE(below.metastable);
  EXPECT_EQ(below.retrieved, 0);  // the right memory, but not held firmly enough
  // The same split on the wrong memory: 0.905 on memory 1 is a wrong single memory, 0.895 a
  // mixture.
  const QueryOutcome wrong = assessQuery(states, weights, xi, 0, 1, Separation::softmax());
  EXPECT_FALSE(wrong.correct);
  EXPECT_FALSE(wrong.metastable);
  const OutcomeSummary sum = summarize({above, below, wrong});
  EXPECT_NEAR(sum.correctFraction, 1.0 / 3, 1e-12);
  EXPECT_NEAR(sum.metastableFraction, 1.0 / 3, 1e-12);
  EXPECT_NEAR(sum.wrongSingleFraction, 1.0 / 3, 1e-12);
  EXPECT_EQ(kMetastableThreshold, 0.9);
}

TEST(Metrics, SummarizeFractionsAndHistogram) {
  std::vector<QueryOutcome> outcomes;
  auto add = [&](double error, bool correct, bool metastable, int support) {
    QueryOutcome o;
    o.error = error;
    o.correct = correct;
    o.metastable = metastable;
    o.support = support;
    outcomes.push_back(o);
  };
  add(1.0, true, false, 1);
  add(2.0, true, false, 1);
  add(3.0, false, true, 3);
  add(4.0, false, false, 2);   // wrong single memory
  add(5.0, false, true, 10);   // ≥ 10 ⇒ last bin
  add(6.0, false, true, 25);   // ≥ 10 ⇒ last bin
  add(7.0, false, true, 9);
  add(8.0, true, false, 1);
  OutcomeSummary s = summarize(outcomes);
  EXPECT_NEAR(s.meanError, 4.5, 1e-12);
  EXPECT_NEAR(s.correctFraction, 3.0 / 8, 1e-12);
  EXPECT_NEAR(s.metastableFraction, 4.0 / 8, 1e-12);
  EXPECT_NEAR(s.wrongSingleFraction, 1.0 / 8, 1e-12);
  EXPECT_NEAR(s.correctFraction + s.metastableFraction + s.wrongSingleFraction, 1.0, 1e-12);
  ASSERT_EQ(s.supportHistogram.size(), 10u);
  EXPECT_EQ(s.supportHistogram, (std::vector<int>{3, 1, 1, 0, 0, 0, 0, 0, 1, 2}));

  EXPECT_EQ(s.diffuseCount, 0);
  EXPECT_EQ(s.diffuseFraction, 0.0);

  OutcomeSummary empty = summarize({});
  EXPECT_EQ(empty.supportHistogram, std::vector<int>(10, 0));
  EXPECT_EQ(empty.meanError, 0.0);
  EXPECT_EQ(empty.correctFraction, 0.0);
}

TEST(Metrics, SeparationMarginsOnHandGram) {
  MatrixD g(3, 3);
  g << 4, 1, 2,  //
      1, 3, 0.5,  //
      2, 0.5, 5;
  VectorD m = separationMargins(g);
  ASSERT_EQ(m.size(), 3);
  EXPECT_DOUBLE_EQ(m(0), 2.0);  // 4 − max(1, 2)
  EXPECT_DOUBLE_EQ(m(1), 2.0);  // 3 − max(1, 0.5)
  EXPECT_DOUBLE_EQ(m(2), 3.0);  // 5 − max(2, 0.5)
  MatrixD h(2, 2);
  h << 1, 2, 2, 5;
  VectorD n = separationMargins(h);
  EXPECT_DOUBLE_EQ(n(0), -1.0);  // negative: a neighbour scores higher than the memory itself
  EXPECT_DOUBLE_EQ(n(1), 3.0);
  MatrixD one(1, 1);
  one << 2.0;
  EXPECT_TRUE(std::isinf(separationMargins(one)(0)));
}

TEST(Metrics, SeparationStatsHandValuesRawAndFeatureSpace) {
  // Memories (1,0), (0,2), (1,1): Gram [[1,0,1],[0,4,2],[1,2,2]].
  Matrix xi = (Matrix(2, 3) << 1, 0, 1, 0, 2, 1).finished();
  SeparationStats raw = separationStats(xi);
  EXPECT_DOUBLE_EQ(raw.margins(0), 0.0);
  EXPECT_DOUBLE_EQ(raw.margins(1), 2.0);
  EXPECT_DOUBLE_EQ(raw.margins(2), 0.0);
  EXPECT_DOUBLE_EQ(raw.minMargin, 0.0);
  EXPECT_NEAR(raw.meanMargin, 2.0 / 3, 1e-12);
  EXPECT_NEAR(raw.minPairDistance, 1.0, 1e-12);  // between (1,0) and (1,1)
  EXPECT_NEAR(raw.maxNorm, 2.0, 1e-12);
  // W = identity gives the same numbers; W = 2I scales margins by 4 and lengths by 2.
  Matrix I = Matrix::Identity(2, 2);
  SeparationStats same = separationStats(xi, &I);
  EXPECT_TRUE(same.margins == raw.margins);
  EXPECT_EQ(same.minPairDistance, raw.minPairDistance);
  EXPECT_EQ(same.maxNorm, raw.maxNorm);
  Matrix twoI = 2 * I;
  SeparationStats scaled = separationStats(xi, &twoI);
  EXPECT_DOUBLE_EQ(scaled.margins(1), 8.0);
  EXPECT_NEAR(scaled.minPairDistance, 2.0, 1e-12);
  EXPECT_NEAR(scaled.maxNorm, 4.0, 1e-12);
}

TEST(Metrics, SeparationStatsMatchDirectComputationWithRandomW) {
  Matrix xi = testref::uniformMatrix(8, 6, 61);
  Matrix W = testref::normalMatrix(5, 8, 62);
  SeparationStats s = separationStats(xi, &W);
  MatrixD F = W.cast<double>() * xi.cast<double>();
  double minD = INFINITY, maxN = 0, sumM = 0, minM = INFINITY;
  for (int m = 0; m < 6; ++m) {
    maxN = std::max(maxN, F.col(m).norm());
    double best = -INFINITY;
    for (int n = 0; n < 6; ++n) {
      if (n == m) continue;
      best = std::max(best, F.col(m).dot(F.col(n)));
      minD = std::min(minD, (F.col(m) - F.col(n)).norm());
    }
    const double margin = F.col(m).squaredNorm() - best;
    EXPECT_NEAR(s.margins(m), margin, 1e-4 * (1 + std::abs(margin)));
    sumM += margin;
    minM = std::min(minM, margin);
  }
  EXPECT_NEAR(s.minMargin, minM, 1e-4 * (1 + std::abs(minM)));
  EXPECT_NEAR(s.meanMargin, sumM / 6, 1e-4 * (1 + std::abs(sumM)));
  EXPECT_NEAR(s.minPairDistance, minD, 1e-4);
  EXPECT_NEAR(s.maxNorm, maxN, 1e-4);
  // Raw space equals the explicit identity map, also on random data.
  Matrix I = Matrix::Identity(8, 8);
  SeparationStats raw = separationStats(xi), viaI = separationStats(xi, &I);
  EXPECT_TRUE(raw.margins.isApprox(viaI.margins, 1e-12));
  EXPECT_DOUBLE_EQ(raw.minPairDistance, viaI.minPairDistance);
}

TEST(Metrics, BlockedSeparationStatsEqualTheDirectGramComputation) {
  // 13 memories with two near-duplicates (so the minimum distance is a specific pair) against
  // the direct M × M Gram matrix, for blocks of 1 column, a few columns, and wider than M.
  const int d = 9, M = 13;
  Matrix xi = testref::uniformMatrix(d, M, 71);
  xi.col(11) = xi.col(4);
  xi(0, 11) += 0.01f;
  Matrix W = testref::normalMatrix(6, d, 72);
  for (const Matrix* map : std::vector<const Matrix*>{nullptr, &W}) {
    const MatrixD F = map ? MatrixD((*map * xi).cast<double>()) : MatrixD(xi.cast<double>());
    const MatrixD gram = F.transpose() * F;
    const VectorD direct = separationMargins(gram);
    double minD2 = INFINITY;
    for (int j = 0; j < M; ++j)
      for (int i = 0; i < j; ++i) minD2 = std::min(minD2, (F.col(i) - F.col(j)).squaredNorm());
    const double maxNorm = std::sqrt(gram.diagonal().maxCoeff());
    const std::size_t column = sizeof(double) * M;
    for (std::size_t bytes : {std::size_t{1}, column, 3 * column, 5 * column, 100 * column}) {
      std::atomic<double> progress{0};
      StatsOptions options;
      options.blockBytes = bytes;
      options.progress = &progress;
      SeparationStats s;
      ASSERT_TRUE(separationStats(xi, map, options, s));
      ASSERT_EQ(s.margins.size(), M);
      for (int m = 0; m < M; ++m)
        EXPECT_NEAR(s.margins(m), direct(m), 1e-9 * (1 + std::abs(direct(m))))
            << "memory " << m << ", block bytes " << bytes;
      EXPECT_NEAR(s.minMargin, direct.minCoeff(), 1e-9);
      EXPECT_NEAR(s.meanMargin, direct.mean(), 1e-9);
      EXPECT_NEAR(s.minPairDistance, std::sqrt(minD2), 1e-6);
      EXPECT_NEAR(s.maxNorm, maxNorm, 1e-9);
      EXPECT_DOUBLE_EQ(progress.load(), 1.0);
    }
  }
}

TEST(Metrics, BlockedSeparationStatsStopWhenCancelled) {
  Matrix xi = testref::uniformMatrix(4, 10, 73);
  std::atomic<bool> cancel{true};
  std::atomic<double> progress{0};
  StatsOptions options;
  options.blockBytes = 1;
  options.cancel = &cancel;
  options.progress = &progress;
  SeparationStats s;
  EXPECT_FALSE(separationStats(xi, nullptr, options, s));
  EXPECT_EQ(progress.load(), 0.0);
}

}  // namespace
}  // namespace uhop
