// Tests for core/separation: the separation functions against hand-derived values, their
// KKT conditions and independent references; stability; parse/name; Tsallis entropy and its
// conjugate Ψ*_α (docs/method.md §2.2 and §3).
#include "core/separation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/core/test_reference.h"

namespace uhop {
namespace {

std::vector<float> sep(const Separation& s, std::vector<float> z) {
  std::vector<float> p(z.size());
  separate(s, z.data(), p.data(), static_cast<int>(z.size()));
  return p;
}

double sum(const std::vector<float>& p) {
  double s = 0;
  for (float v : p) s += v;
  return s;
}

std::vector<Separation> allSeparations() {
  return {Separation::softmax(),     Separation::sparsemax(),     Separation::entmax(1.5),
          Separation::entmax(1.2),   Separation::entmax(1.8),     Separation::polynomial(1),
          Separation::polynomial(2), Separation::polynomial(64)};
}

// ---------------------------------------------------------------- hand-computed values ---

TEST(Softmax, LogIntegersGiveProportionalWeights) {
  // exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3 → p = (1, 2, 3) / 6.
  auto p = sep(Separation::softmax(), {0.0f, std::log(2.0f), std::log(3.0f)});
  EXPECT_NEAR(p[0], 1.0 / 6.0, 1e-6);
  EXPECT_NEAR(p[1], 2.0 / 6.0, 1e-6);
  EXPECT_NEAR(p[2], 3.0 / 6.0, 1e-6);
}

TEST(Softmax, ShiftInvariantAndEqualScoresUniform) {
  auto p = sep(Separation::softmax(), {100.0f + std::log(4.0f), 100.0f, 100.0f, 100.0f});
  EXPECT_NEAR(p[0], 4.0 / 7.0, 1e-6);
  for (int i = 1; i < 4; ++i) EXPECT_NEAR(p[i], 1.0 / 7.0, 1e-6);
  auto u = sep(Separation::softmax(), {-3.0f, -3.0f, -3.0f, -3.0f, -3.0f});
  for (float v : u) EXPECT_NEAR(v, 0.2, 1e-7);
}

TEST(Sparsemax, HandSolvedVector) {
  // τ = (1.2 + 0.8 − 1) / 2 = 0.5 → p = (0.7, 0.3, 0); −1 − 0.5 < 0 is off the support.
  auto p = sep(Separation::sparsemax(), {1.2f, 0.8f, -1.0f});
  EXPECT_NEAR(p[0], 0.7, 1e-6);
  EXPECT_NEAR(p[1], 0.3, 1e-6);
  EXPECT_EQ(p[2], 0.0f);
}

TEST(Sparsemax, HandSolvedFullSupportAndOneHot) {
  // All three in the support: τ = (0.5 + 0.4 + 0.3 − 1) / 3 = 0.2/3.
  auto p = sep(Separation::sparsemax(), {0.5f, 0.4f, 0.3f});
  const double tau = 0.2 / 3.0;
  EXPECT_NEAR(p[0], 0.5 - tau, 1e-6);
  EXPECT_NEAR(p[1], 0.4 - tau, 1e-6);
  EXPECT_NEAR(p[2], 0.3 - tau, 1e-6);
  // Top score ahead of the runner-up by exactly 1: τ = 1, p = e_0 exactly.
  auto q = sep(Separation::sparsemax(), {0.0f, 3.0f, 2.0f, -5.0f});
  EXPECT_EQ(q, (std::vector<float>{0.0f, 1.0f, 0.0f, 0.0f}));
  // Margin 0.5 < 1 between the top two, others far below: p = ((1+m)/2, (1−m)/2).
  auto r = sep(Separation::sparsemax(), {2.5f, 2.0f, -1.0f});
  EXPECT_NEAR(r[0], 0.75, 1e-6);
  EXPECT_NEAR(r[1], 0.25, 1e-6);
  EXPECT_EQ(r[2], 0.0f);
}

TEST(Entmax15, TwoElementCaseSolvedByHand) {
  // α = 1.5: p_i = [(z_i/2 − τ)]₊². For z = (1, 0) both stay in the support and
  // √p1 − √p2 = 0.5(z1 − z2) = 0.5, p1 + p2 = 1 ⇒ √p2 = (√7 − 1)/4, p2 = (4 − √7)/8.
  auto p = sep(Separation::entmax(1.5), {1.0f, 0.0f});
  const double p2 = (4.0 - std::sqrt(7.0)) / 8.0, p1 = (4.0 + std::sqrt(7.0)) / 8.0;
  EXPECT_NEAR(p[0], p1, 1e-6);
  EXPECT_NEAR(p[1], p2, 1e-6);
  EXPECT_NEAR(sum(p), 1.0, 1e-6);
  EXPECT_NEAR(std::sqrt(double(p[0])) - std::sqrt(double(p[1])), 0.5, 1e-5);
  // Shifted scores, z = (3.4, 2.6): the square-root gap is 0.4.
  auto q = sep(Separation::entmax(1.5), {3.4f, 2.6f});
  EXPECT_NEAR(sum(q), 1.0, 1e-6);
  EXPECT_NEAR(std::sqrt(double(q[0])) - std::sqrt(double(q[1])), 0.4, 1e-5);
  EXPECT_GT(q[1], 0.0f);
}

TEST(Entmax15, MarginOfTwoGivesOneHot) {
  // 0.5(z1 − z2) ≥ 1 ⇒ the runner-up leaves the support: p = (1, 0) exactly.
  EXPECT_EQ(sep(Separation::entmax(1.5), {2.0f, 0.0f}), (std::vector<float>{1.0f, 0.0f}));
  EXPECT_EQ(sep(Separation::entmax(1.5), {-1.0f, 7.0f, 4.5f}), (std::vector<float>{0.0f, 1.0f, 0.0f}));
  // Margin 1.9 < 2: still two memories in the support.
  auto p = sep(Separation::entmax(1.5), {1.9f, 0.0f});
  EXPECT_GT(p[1], 0.0f);
  EXPECT_LT(p[0], 1.0f);
}

TEST(Polynomial, NormalisedPositivePart) {
  // degree 2: (1, 4, 0, 0) / 5; degree 3: (1, 8, 0, 0) / 9; negative scores get zero weight.
  auto p = sep(Separation::polynomial(2), {1.0f, 2.0f, -3.0f, 0.0f});
  EXPECT_NEAR(p[0], 0.2, 1e-6);
  EXPECT_NEAR(p[1], 0.8, 1e-6);
  EXPECT_EQ(p[2], 0.0f);
  EXPECT_EQ(p[3], 0.0f);
  auto q = sep(Separation::polynomial(3), {1.0f, 2.0f, -3.0f, 0.0f});
  EXPECT_NEAR(q[0], 1.0 / 9.0, 1e-6);
  EXPECT_NEAR(q[1], 8.0 / 9.0, 1e-6);
  auto r = sep(Separation::polynomial(1), {0.5f, 1.5f});
  EXPECT_NEAR(r[0], 0.25, 1e-6);
  EXPECT_NEAR(r[1], 0.75, 1e-6);
}

TEST(Polynomial, UniformWhenNoScoreIsPositive) {
  for (int degree : {1, 2, 5}) {
    auto p = sep(Separation::polynomial(degree), {-1.0f, 0.0f, -7.0f, -0.5f});
    for (float v : p) EXPECT_FLOAT_EQ(v, 0.25f);
  }
}

// ------------------------------------------------------------- KKT and references ---

// Checks the optimality conditions of α-entmax (α > 1) for p = sep(z):
// support (p_i > 0): (α−1) z_i − τ = p_i^{α−1}; elsewhere (α−1) z_i ≤ τ; Σp = 1, p ≥ 0.
void expectKkt(const std::vector<float>& zf, const std::vector<float>& p, double alpha, double tol) {
  const int n = static_cast<int>(zf.size());
  double s = 0, tauSum = 0;
  int support = 0;
  for (int i = 0; i < n; ++i) {
    ASSERT_GE(p[i], 0.0f);
    s += p[i];
    if (p[i] > 0) {
      tauSum += (alpha - 1) * zf[i] - std::pow(double(p[i]), alpha - 1);
      ++support;
    }
  }
  ASSERT_GT(support, 0);
  EXPECT_NEAR(s, 1.0, 1e-5);
  const double tau = tauSum / support;
  for (int i = 0; i < n; ++i) {
    if (p[i] > 0) {
      EXPECT_NEAR((alpha - 1) * zf[i] - tau, std::pow(double(p[i]), alpha - 1), tol) << "i=" << i;
    } else {
      EXPECT_LE((alpha - 1) * zf[i], tau + tol) << "i=" << i;
    }
  }
}

TEST(SparseSeparations, SatisfyKktOnRandomVectors) {
  Random rng(7);
  for (double alpha : {2.0, 1.5, 1.2, 1.7}) {
    Separation s = alpha == 2.0 ? Separation::sparsemax() : Separation::entmax(alpha);
    for (int trial = 0; trial < 40; ++trial) {
      const int n = 1 + trial % 17;
      const double scale = 0.3 + 0.2 * trial;
      std::vector<float> z(n);
      for (float& v : z) v = static_cast<float>(scale * rng.normal());
      auto p = sep(s, z);
      SCOPED_TRACE("alpha=" + std::to_string(alpha) + " trial=" + std::to_string(trial));
      expectKkt(z, p, alpha, 2e-4 * (1 + scale));
    }
  }
}

TEST(Separations, MatchIndependentDoubleReferences) {
  Random rng(11);
  for (double alpha : {1.0, 2.0, 1.5, 1.2, 1.8}) {
    Separation s = alpha == 1.0   ? Separation::softmax()
                   : alpha == 2.0 ? Separation::sparsemax()
                                  : Separation::entmax(alpha);
    for (int trial = 0; trial < 30; ++trial) {
      const int n = 2 + trial;
      std::vector<float> z(n);
      for (float& v : z) v = static_cast<float>((1 + trial % 5) * rng.normal());
      auto p = sep(s, z);
      std::vector<double> zd(z.begin(), z.end());
      auto ref = testref::entmaxAlpha(zd, alpha);
      for (int i = 0; i < n; ++i)
        EXPECT_NEAR(p[i], ref[i], 2e-6) << "alpha=" << alpha << " trial=" << trial << " i=" << i;
    }
  }
}

TEST(Separations, EntmaxOfTwoIsSparsemaxAndColumnsMatchSingleCalls) {
  EXPECT_EQ(Separation::entmax(2.0), Separation::sparsemax());
  Matrix scores = testref::normalMatrix(9, 6, 3, 2.0);
  for (const Separation& s : allSeparations()) {
    Matrix batch = scores;
    separateColumns(s, batch);
    for (int c = 0; c < scores.cols(); ++c) {
      std::vector<float> z(scores.col(c).data(), scores.col(c).data() + scores.rows());
      auto p = sep(s, z);
      for (int i = 0; i < scores.rows(); ++i) EXPECT_EQ(batch(i, c), p[i]) << s.name();
      // In place (z and p aliasing) gives the same result.
      separate(s, z.data(), z.data(), static_cast<int>(z.size()));
      EXPECT_EQ(z, p) << s.name();
    }
  }
}

TEST(Separations, FlagsMatchKinds) {
  EXPECT_TRUE(Separation::softmax().hasEnergy());
  EXPECT_FALSE(Separation::softmax().isSparse());
  EXPECT_TRUE(Separation::sparsemax().isSparse());
  EXPECT_TRUE(Separation::entmax(1.3).isSparse());
  EXPECT_TRUE(Separation::entmax(1.3).hasEnergy());
  EXPECT_FALSE(Separation::polynomial(3).hasEnergy());
  EXPECT_FALSE(Separation::polynomial(3).isSparse());
  EXPECT_EQ(Separation::sparsemax().alpha, 2.0);
  EXPECT_EQ(Separation::softmax().alpha, 1.0);
}

// ------------------------------------------------------------------------ stability ---

TEST(Separations, StableForHugeScores) {
  const std::vector<std::vector<float>> cases = {
      {1e6f, -1e6f, 0.0f, 5e5f},
      {1e6f, 1e6f - 0.5f, -1e6f},
      {-1e6f, -1e6f, -1e6f + 1.0f},
      {1e6f, 1e6f, 1e6f, 1e6f},
      {-1e6f, 1e6f},
      {3e5f, -2e5f, 1e6f, 999999.0f, -1e6f, 12.0f},
  };
  for (const Separation& s : allSeparations())
    for (const auto& z : cases) {
      auto p = sep(s, z);
      for (float v : p) {
        EXPECT_TRUE(std::isfinite(v)) << s.name();
        EXPECT_GE(v, 0.0f) << s.name();
      }
      EXPECT_NEAR(sum(p), 1.0, 1e-5) << s.name();
    }
  // And the values are right, not just finite: a gap of 0.5 at 1e6 (exact in float).
  auto p = sep(Separation::softmax(), {1e6f, 1e6f - 0.5f, -1e6f});
  EXPECT_NEAR(p[0], 1.0 / (1.0 + std::exp(-0.5)), 1e-6);
  auto q = sep(Separation::sparsemax(), {1e6f, 1e6f - 0.5f, -1e6f});
  EXPECT_NEAR(q[0], 0.75, 1e-6);
  EXPECT_NEAR(q[1], 0.25, 1e-6);
  auto r = sep(Separation::entmax(1.5), {-1e6f + 1.0f, -1e6f});
  EXPECT_NEAR(r[0], (4.0 + std::sqrt(7.0)) / 8.0, 1e-6);
  auto u = sep(Separation::polynomial(2), {1e6f, 5e5f, -1e6f});
  EXPECT_NEAR(u[0], 0.8, 1e-6);
  EXPECT_NEAR(u[1], 0.2, 1e-6);
}

// --------------------------------------------------------------------- parse / name ---

TEST(SeparationParse, RoundTripsNames) {
  for (const Separation& s : allSeparations()) EXPECT_EQ(Separation::parse(s.name()), s) << s.name();
  EXPECT_EQ(Separation::parse("softmax"), Separation::softmax());
  EXPECT_EQ(Separation::parse("sparsemax"), Separation::sparsemax());
  EXPECT_EQ(Separation::parse("entmax:1.5").alpha, 1.5);
  EXPECT_EQ(Separation::parse("entmax:1.5").kind, SeparationKind::Entmax);
  EXPECT_EQ(Separation::parse("poly:4").degree, 4);
  EXPECT_EQ(Separation::parse("entmax:2"), Separation::sparsemax());
  EXPECT_EQ(Separation::entmax(1.5).name(), "entmax:1.5");
  EXPECT_EQ(Separation::polynomial(3).name(), "poly:3");
  // Any valid α survives the round trip exactly (names are stored in session files).
  for (double alpha : {1.1, 1.2345678901234, 1.0000001, 1.9999999999, 1.0 + 1e-12}) {
    Separation s = Separation::entmax(alpha);
    EXPECT_EQ(Separation::parse(s.name()), s) << s.name();
    EXPECT_EQ(Separation::parse(s.name()).alpha, alpha) << s.name();
  }
}

TEST(SeparationParse, RejectsBadSpecs) {
  for (const char* bad : {"entmax:2.5", "entmax:1", "entmax:0.5", "entmax:nan", "entmax:abc", "entmax:1.5x",
                          "poly:0", "poly:-2", "poly:2.5", "poly:65", "poly:1e10", "poly:-1e300", "foo", "",
                          "softmax:1", "Softmax", "sparsemax:2"})
    EXPECT_THROW(Separation::parse(bad), ConfigError) << bad;
  EXPECT_THROW(Separation::entmax(1.0), ConfigError);
  EXPECT_THROW(Separation::entmax(2.0001), ConfigError);
  EXPECT_THROW(Separation::polynomial(0), ConfigError);
}

// ----------------------------------------------------------- Tsallis entropy, Ψ* ---

TEST(TsallisEntropy, HandValuesAndUniform) {
  const double half[2] = {0.5, 0.5};
  EXPECT_NEAR(tsallisEntropy(Separation::softmax(), half, 2), std::log(2.0), 1e-12);
  EXPECT_NEAR(tsallisEntropy(Separation::sparsemax(), half, 2), 0.25, 1e-12);  // (1 − ½)/2
  // α = 1.5: (1 − 2·0.5^1.5)/0.75.
  EXPECT_NEAR(tsallisEntropy(Separation::entmax(1.5), half, 2), (1 - 2 * std::pow(0.5, 1.5)) / 0.75, 1e-12);
  const double oneHot[3] = {0, 1, 0};
  for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.3)})
    EXPECT_NEAR(tsallisEntropy(s, oneHot, 3), 0.0, 1e-12) << s.name();

  for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5),
                              Separation::entmax(1.2)})
    for (int M : {1, 2, 3, 7, 30}) {
      std::vector<double> u(M, 1.0 / M);
      EXPECT_NEAR(uniformEntropy(s, M), tsallisEntropy(s, u.data(), M), 1e-12) << s.name() << " M=" << M;
      EXPECT_NEAR(uniformEntropy(s, M), testref::tsallis(u, s.alpha), 1e-12) << s.name() << " M=" << M;
    }
  EXPECT_NEAR(uniformEntropy(Separation::softmax(), 10), std::log(10.0), 1e-12);
  EXPECT_NEAR(uniformEntropy(Separation::sparsemax(), 4), 0.75 / 2, 1e-12);
}

std::vector<double> randomSimplex(Random& rng, int n, bool sparse) {
  std::vector<double> p(n);
  double s = 0;
  for (double& v : p) {
    v = -std::log(1.0 - rng.uniform());  // Dirichlet(1) via exponentials
    if (sparse && rng.uniform() < 0.5) v = 0;
    s += v;
  }
  if (s == 0) {
    p[0] = 1;
    s = 1;
  }
  for (double& v : p) v /= s;
  return p;
}

TEST(ConjugateEntropy, IsTheMaximumAttainedAtTheSeparation) {
  Random rng(5);
  for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5),
                              Separation::entmax(1.2), Separation::entmax(1.8)}) {
    for (int trial = 0; trial < 20; ++trial) {
      const int n = 2 + trial % 9;
      std::vector<double> z(n);
      for (double& v : z) v = 3.0 * rng.normal();
      const double psi = conjugateEntropy(s, z.data(), n);
      // Independent reference value.
      EXPECT_NEAR(psi, testref::conjugate(z, s.alpha), 1e-9) << s.name();
      // Max property against random points of the simplex (dense and sparse).
      for (int k = 0; k < 20; ++k) {
        auto p = randomSimplex(rng, n, k % 2 == 1);
        double inner = 0;
        for (int i = 0; i < n; ++i) inner += p[i] * z[i];
        EXPECT_GE(psi + 1e-12, inner + testref::tsallis(p, s.alpha)) << s.name();
      }
      // Equality at p* = sep(z) computed by the library (float) — equal up to float rounding.
      std::vector<float> zf(z.begin(), z.end()), pf(n);
      separate(s, zf.data(), pf.data(), n);
      std::vector<double> pd(pf.begin(), pf.end());
      double inner = 0;
      for (int i = 0; i < n; ++i) inner += pd[i] * z[i];
      EXPECT_NEAR(psi, inner + tsallisEntropy(s, pd.data(), n), 1e-5) << s.name();
      // ∇Ψ* = p*: central differences of the library's Ψ*.
      const double h = 1e-5;
      auto pref = testref::entmaxAlpha(z, s.alpha);
      for (int i = 0; i < n; ++i) {
        auto zp = z, zm = z;
        zp[i] += h;
        zm[i] -= h;
        double g = (conjugateEntropy(s, zp.data(), n) - conjugateEntropy(s, zm.data(), n)) / (2 * h);
        EXPECT_NEAR(g, pref[i], 1e-5) << s.name() << " i=" << i;
      }
    }
  }
}

TEST(ConjugateEntropy, SoftmaxIsLogSumExpAndShiftsByConstants) {
  const double z[3] = {1000.0, 999.0, -1000.0};
  EXPECT_NEAR(conjugateEntropy(Separation::softmax(), z, 3), 1000.0 + std::log1p(std::exp(-1.0)), 1e-9);
  const double y[4] = {0.0, std::log(2.0), std::log(3.0), std::log(4.0)};
  EXPECT_NEAR(conjugateEntropy(Separation::softmax(), y, 4), std::log(10.0), 1e-12);
  // Sparsemax with a one-hot maximiser: Ψ* = max z (H(one-hot) = 0).
  const double w[3] = {5.0, 2.0, 3.5};
  EXPECT_NEAR(conjugateEntropy(Separation::sparsemax(), w, 3), 5.0, 1e-12);
  // Sparsemax at z = (0, 0): p = (½, ½), Ψ* = 0 + H = 0.25.
  const double zero[2] = {0.0, 0.0};
  EXPECT_NEAR(conjugateEntropy(Separation::sparsemax(), zero, 2), 0.25, 1e-12);

  Random rng(9);
  for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5),
                              Separation::entmax(1.25)}) {
    for (int trial = 0; trial < 10; ++trial) {
      std::vector<double> v(6);
      for (double& x : v) x = 2.0 * rng.normal();
      const double c = 10.0 * rng.normal();
      auto shifted = v;
      for (double& x : shifted) x += c;
      EXPECT_NEAR(conjugateEntropy(s, shifted.data(), 6), conjugateEntropy(s, v.data(), 6) + c, 1e-9) << s.name();
    }
  }
}

TEST(ConjugateEntropy, PolynomialHasNone) {
  const double z[2] = {1, 2};
  EXPECT_THROW(conjugateEntropy(Separation::polynomial(2), z, 2), ConfigError);
}

}  // namespace
}  // namespace uhop
