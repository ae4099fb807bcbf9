// Tests for core/hopfield: the retrieval step against hand-computed values, the energy against
// docs/method.md's formula computed independently, Theorem 1 (energy never increases), the
// identity-kernel = dot-baseline equivalence, exact one-step retrieval for sparse separations,
// retrieve()'s trace and the config errors.
#include "core/hopfield.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "core/evaluation.h"
#include "core/corruption.h"
#include "core/datasets.h"
#include "core/feature_map.h"
#include "core/stage1.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

std::shared_ptr<const Matrix> share(const Matrix& m) { return std::make_shared<const Matrix>(m); }

ModelConfig config(SimilarityKind sim, Separation sep, double beta, bool after = false) {
  ModelConfig c;
  c.similarity = sim;
  c.separation = sep;
  c.beta = beta;
  c.betaAfterSeparation = after;
  return c;
}

// Tiny case: Ξ has columns (1,0), (0,1), (1,1); x = (1,0) ⇒ s = Ξᵀx = (1, 0, 1).
Matrix tinyMemories() { return (Matrix(2, 3) << 1, 0, 1, 0, 1, 1).finished(); }

TEST(HopfieldStep, SoftmaxTinyCaseByHand) {
  // β = ln 2: exp(βs) = (2, 1, 2) ⇒ p = (0.4, 0.2, 0.4), x' = Ξp = (0.8, 0.6).
  HopfieldModel model(share(tinyMemories()), config(SimilarityKind::Dot, Separation::softmax(), std::log(2.0)));
  Matrix x(2, 1), next, p;
  x << 1, 0;
  model.step(x, next, p);
  EXPECT_NEAR(p(0, 0), 0.4, 1e-6);
  EXPECT_NEAR(p(1, 0), 0.2, 1e-6);
  EXPECT_NEAR(p(2, 0), 0.4, 1e-6);
  EXPECT_NEAR(next(0, 0), 0.8, 1e-6);
  EXPECT_NEAR(next(1, 0), 0.6, 1e-6);
  Matrix w;
  model.weights(x, w);
  EXPECT_EQ(w, p);
}

TEST(HopfieldStep, SparsemaxTinyCaseByHand) {
  // β = 1, s = (1, 0, 1): τ = 0.5, p = (0.5, 0, 0.5), x' = (1, 0.5).
  HopfieldModel model(share(tinyMemories()), config(SimilarityKind::Dot, Separation::sparsemax(), 1.0));
  Matrix x(2, 1), next, p;
  x << 1, 0;
  model.step(x, next, p);
  EXPECT_NEAR(p(0, 0), 0.5, 1e-6);
  EXPECT_EQ(p(1, 0), 0.0f);
  EXPECT_NEAR(p(2, 0), 0.5, 1e-6);
  EXPECT_NEAR(next(0, 0), 1.0, 1e-6);
  EXPECT_NEAR(next(1, 0), 0.5, 1e-6);
}

TEST(HopfieldStep, BetaAfterSeparationScalesTheWeights) {
  // Reference mode: x' = Ξ (β sep(s)). β = 3, s = (1, 0, 1): softmax(s) = (e, 1, e)/(2e+1).
  const double e = std::exp(1.0), z = 2 * e + 1, beta = 3.0;
  HopfieldModel model(share(tinyMemories()),
                      config(SimilarityKind::Dot, Separation::softmax(), beta, /*after=*/true));
  Matrix x(2, 1), next, p;
  x << 1, 0;
  model.step(x, next, p);
  EXPECT_NEAR(p(0, 0), beta * e / z, 1e-5);
  EXPECT_NEAR(p(1, 0), beta * 1 / z, 1e-5);
  EXPECT_NEAR(p(2, 0), beta * e / z, 1e-5);
  EXPECT_NEAR(next(0, 0), beta * 2 * e / z, 1e-5);
  EXPECT_NEAR(next(1, 0), beta * (1 + e) / z, 1e-5);
  // Against an independent reference on random data, for sparsemax too.
  Matrix xi = testref::uniformMatrix(10, 6, 21);
  Matrix q = testref::uniformMatrix(10, 3, 22);
  for (const Separation& s : {Separation::softmax(), Separation::sparsemax()}) {
    HopfieldModel ref(share(xi), config(SimilarityKind::Dot, s, 2.5, true));
    ref.step(q, next, p);
    for (int n = 0; n < 3; ++n) {
      VectorD sc = xi.cast<double>().transpose() * q.col(n).cast<double>();
      auto pr = testref::entmaxAlpha(std::vector<double>(sc.data(), sc.data() + 6), s.alpha);
      VectorD xr = VectorD::Zero(10);
      for (int m = 0; m < 6; ++m) xr += 2.5 * pr[m] * xi.col(m).cast<double>();
      for (int i = 0; i < 10; ++i) EXPECT_NEAR(next(i, n), xr(i), 1e-5) << s.name();
    }
  }
}

TEST(HopfieldStep, MatchesReferenceForEveryModel) {
  // x' = Ξ sep(β s(Ξ, x)) computed in double from the direct formulas.
  const int d = 12, M = 7, N = 4;
  Matrix xi = testref::uniformMatrix(d, M, 23);
  Matrix q = testref::uniformMatrix(d, N, 24);
  Matrix W = testref::normalMatrix(15, d, 25, 0.3);
  MatrixD xd = xi.cast<double>(), qd = q.cast<double>(), Wd = W.cast<double>();
  for (SimilarityKind sim : {SimilarityKind::Dot, SimilarityKind::NegL2, SimilarityKind::NegL1, SimilarityKind::Kernel})
    for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5),
                                Separation::polynomial(3)}) {
      if (!isInnerProduct(sim) && s.kind == SeparationKind::Polynomial) continue;  // refused (below)
      const double beta = 1.7;
      HopfieldModel model(share(xi), config(sim, s, beta), &W);
      Matrix next, p;
      model.step(q, next, p);
      for (int n = 0; n < N; ++n) {
        std::vector<double> z(M);
        for (int m = 0; m < M; ++m) {
          VectorD a = xd.col(m), b = qd.col(n);
          double sc = sim == SimilarityKind::Dot      ? a.dot(b)
                      : sim == SimilarityKind::NegL2  ? -(a - b).norm()
                      : sim == SimilarityKind::NegL1  ? -(a - b).lpNorm<1>()
                                                      : (Wd * a).dot(Wd * b);
          z[m] = beta * sc;
        }
        std::vector<double> pr;
        if (s.kind == SeparationKind::Polynomial) {
          double tot = 0;
          pr.resize(M);
          for (int m = 0; m < M; ++m) tot += pr[m] = std::pow(std::max(z[m], 0.0), 3);
          for (double& v : pr) v = tot > 0 ? v / tot : 1.0 / M;
        } else {
          pr = testref::entmaxAlpha(z, s.alpha);
        }
        VectorD xr = VectorD::Zero(d);
        for (int m = 0; m < M; ++m) {
          EXPECT_NEAR(p(m, n), pr[m], 2e-5) << similarityName(sim) << " " << s.name();
          xr += pr[m] * xd.col(m);
        }
        for (int i = 0; i < d; ++i) EXPECT_NEAR(next(i, n), xr(i), 5e-5) << similarityName(sim) << " " << s.name();
      }
    }
}

TEST(HopfieldStep, BatchEqualsPerColumnSteps) {
  const int d = 20, M = 9, N = 6;
  Matrix xi = testref::uniformMatrix(d, M, 26);
  Matrix q = testref::normalMatrix(d, N, 27, 0.5);
  Matrix W = testref::normalMatrix(d, d, 28, 1.0 / std::sqrt(d));
  for (SimilarityKind sim : {SimilarityKind::Dot, SimilarityKind::MeanProjected, SimilarityKind::NegL2,
                             SimilarityKind::NegL1, SimilarityKind::Kernel})
    for (const Separation& s : {Separation::softmax(), Separation::entmax(1.3)}) {
      HopfieldModel model(share(xi), config(sim, s, 4.0), &W);
      Matrix next, p;
      model.step(q, next, p);
      VectorD energies = model.energy(q);
      for (int n = 0; n < N; ++n) {
        Matrix one, nextOne, pOne;
        one = q.col(n);
        model.step(one, nextOne, pOne);
        for (int i = 0; i < d; ++i) EXPECT_NEAR(nextOne(i, 0), next(i, n), 1e-5) << similarityName(sim);
        for (int m = 0; m < M; ++m) EXPECT_NEAR(pOne(m, 0), p(m, n), 1e-5) << similarityName(sim);
        double e1 = model.energy(one)(0);
        if (model.hasEnergy()) {
          EXPECT_NEAR(e1, energies(n), 1e-5 * (1 + std::abs(e1)));
        } else {
          EXPECT_TRUE(std::isnan(e1) && std::isnan(energies(n)));
        }
      }
    }
}

// ------------------------------------------------------------------------- energy ---

// E(x) = ½K(x,x) − β⁻¹Ψ*(βK(Ξ,x)) + β⁻¹H(uniform_M) + ½ max_μ K(ξ_μ,ξ_μ), all in double,
// with P the map that defines K(u, v) = ⟨Pu, Pv⟩ (identity for dot, W for the kernel,
// I − μ̂μ̂ᵀ for meanproj).
double referenceEnergy(const MatrixD& P, const MatrixD& xi, const VectorD& x, double alpha, double beta) {
  const int M = static_cast<int>(xi.cols());
  MatrixD F = P * xi;
  VectorD fx = P * x;
  std::vector<double> z(M);
  double maxSelf = -INFINITY;
  for (int m = 0; m < M; ++m) {
    z[m] = beta * F.col(m).dot(fx);
    maxSelf = std::max(maxSelf, F.col(m).squaredNorm());
  }
  std::vector<double> uniform(M, 1.0 / M);
  return 0.5 * fx.squaredNorm() - testref::conjugate(z, alpha) / beta + testref::tsallis(uniform, alpha) / beta +
         0.5 * maxSelf;
}

TEST(HopfieldEnergy, MatchesPaperFormulaComputedIndependently) {
  const int d = 10, M = 6, N = 5;
  Matrix xi = testref::uniformMatrix(d, M, 31);
  Matrix q = testref::uniformMatrix(d, N, 32, -0.5, 1.5);
  Matrix W = testref::normalMatrix(8, d, 33, 0.35);
  MatrixD xd = xi.cast<double>();
  VectorD mean = xd.rowwise().mean();
  VectorD mu = mean / mean.norm();
  for (SimilarityKind sim : {SimilarityKind::Dot, SimilarityKind::MeanProjected, SimilarityKind::Kernel}) {
    MatrixD P = sim == SimilarityKind::Dot             ? MatrixD(MatrixD::Identity(d, d))
                : sim == SimilarityKind::MeanProjected ? MatrixD(MatrixD::Identity(d, d) - mu * mu.transpose())
                                                       : MatrixD(W.cast<double>());
    for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5),
                                Separation::entmax(1.2)})
      for (double beta : {0.3, 1.0, 8.0}) {
        HopfieldModel model(share(xi), config(sim, s, beta), &W);
        ASSERT_TRUE(model.hasEnergy());
        VectorD E = model.energy(q);
        ASSERT_EQ(E.size(), N);
        for (int n = 0; n < N; ++n) {
          double ref = referenceEnergy(P, xd, q.col(n).cast<double>(), s.alpha, beta);
          EXPECT_NEAR(E(n), ref, 1e-5 * (1 + std::abs(ref)))
              << similarityName(sim) << " " << s.name() << " beta=" << beta << " n=" << n;
        }
        // The constant term alone.
        double maxSelf = (P * xd).colwise().squaredNorm().maxCoeff();
        std::vector<double> uniform(M, 1.0 / M);
        EXPECT_NEAR(model.energyConstant(), testref::tsallis(uniform, s.alpha) / beta + 0.5 * maxSelf, 1e-5);
      }
  }
}

TEST(HopfieldEnergy, ManyCandidatesTakeTheDenseBranchAndStillMatch) {
  // With M = 40 memories and a small β every score is within reach of Ψ* (β(max s − s) < 40), more
  // than the 16 candidates energyFromScores recomputes one by one: it takes its DGEMM branch,
  // which must give the same formula.
  const int d = 12, M = 40, N = 4;
  Matrix xi = testref::uniformMatrix(d, M, 41);
  Matrix q = testref::uniformMatrix(d, N, 42, -0.5, 1.5);
  const MatrixD P = MatrixD::Identity(d, d);
  for (double beta : {0.05, 0.5}) {
    HopfieldModel model(share(xi), config(SimilarityKind::Dot, Separation::softmax(), beta));
    const VectorD E = model.energy(q);
    for (int n = 0; n < N; ++n) {
      const double ref = referenceEnergy(P, xi.cast<double>(), q.col(n).cast<double>(), 1.0, beta);
      EXPECT_NEAR(E(n), ref, 1e-5 * (1 + std::abs(ref))) << "beta=" << beta << " n=" << n;
    }
  }
}

TEST(HopfieldEnergy, TinyCaseByHand) {
  // Dot + softmax, β = 1, Ξ = tiny, x = (1, 0): ½‖x‖² = ½; Ψ* = log(2e + 1);
  // const = log 3 + ½·max(1, 1, 2) = log 3 + 1.
  HopfieldModel model(share(tinyMemories()), config(SimilarityKind::Dot, Separation::softmax(), 1.0));
  Matrix x(2, 1);
  x << 1, 0;
  const double expected = 0.5 - std::log(2 * std::exp(1.0) + 1) + std::log(3.0) + 1.0;
  EXPECT_NEAR(model.energy(x)(0), expected, 1e-6);
  EXPECT_NEAR(model.energyConstant(), std::log(3.0) + 1.0, 1e-7);
}

TEST(HopfieldEnergy, NonNegativeForEverySeparation) {
  // E ≥ ½(‖x‖ − max‖ξ‖)² ≥ 0 because Ψ*(z) ≤ max z + H(uniform).
  const int d = 16, M = 8, N = 30;
  Matrix xi = testref::normalMatrix(d, M, 34);
  Matrix q = testref::normalMatrix(d, N, 35, 2.0);
  q.col(0) = xi.col(3);
  Matrix W = testref::normalMatrix(d, d, 36, 0.25);
  for (SimilarityKind sim : {SimilarityKind::Dot, SimilarityKind::Kernel, SimilarityKind::MeanProjected})
    for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5)})
      for (double beta : {0.1, 1.0, 30.0}) {
        HopfieldModel model(share(xi), config(sim, s, beta), &W);
        VectorD E = model.energy(q);
        for (int n = 0; n < N; ++n) EXPECT_GE(E(n), -1e-5 * (1 + std::abs(E(n)))) << similarityName(sim) << s.name();
      }
}

TEST(HopfieldEnergy, NaNWithoutAnEnergy) {
  Matrix xi = testref::uniformMatrix(6, 4, 37);
  Matrix q = testref::uniformMatrix(6, 3, 38);
  for (auto [sim, sep] : {std::pair{SimilarityKind::NegL2, Separation::softmax()},
                          std::pair{SimilarityKind::NegL1, Separation::sparsemax()},
                          std::pair{SimilarityKind::Dot, Separation::polynomial(2)},
                          std::pair{SimilarityKind::Kernel, Separation::polynomial(3)}}) {
    Matrix W = Matrix::Identity(6, 6);
    HopfieldModel model(share(xi), config(sim, sep, 2.0), &W);
    EXPECT_FALSE(model.hasEnergy());
    VectorD E = model.energy(q);
    ASSERT_EQ(E.size(), 3);
    for (int n = 0; n < 3; ++n) EXPECT_TRUE(std::isnan(E(n)));
    RetrievalTrace t = retrieve(model, q, {.steps = 2, .recordEnergy = true, .recordStates = false});
    ASSERT_EQ(t.energies.rows(), 3);
    EXPECT_TRUE(t.energies.array().isNaN().all());
  }
  HopfieldModel ok(share(xi), config(SimilarityKind::Dot, Separation::softmax(), 1.0));
  EXPECT_TRUE(ok.hasEnergy());
}

// Theorem 1: E (E_K for the kernel) never increases along retrieval, for every inner-product
// similarity and every separation with a conjugate, at any β, for any W.
struct MonotoneCase {
  std::string name;
  SimilarityKind sim;
  int featureDim;  // rows of W (kernel only); < d means W is low-rank
};

TEST(HopfieldEnergy, NeverIncreasesAlongRetrieval) {
  const int d = 24, M = 12, N = 24, T = 20;
  // Memories with a shared positive component (like images) so the dynamics do interesting things.
  Matrix xi = testref::uniformMatrix(d, M, 41);
  Matrix q(d, N);
  Random rng(42);
  for (int n = 0; n < N; ++n) {
    if (n % 3 == 0) {
      for (int i = 0; i < d; ++i) q(i, n) = static_cast<float>(rng.uniform() * 1.5 - 0.25);  // random point
    } else {
      // A memory with half of its pixels masked and some noise.
      for (int i = 0; i < d; ++i)
        q(i, n) = rng.uniform() < 0.5 ? 0.0f : xi(i, n % M) + static_cast<float>(0.3 * rng.normal());
    }
  }
  const std::vector<MonotoneCase> cases = {
      {"dot", SimilarityKind::Dot, 0},
      {"meanproj", SimilarityKind::MeanProjected, 0},
      {"kernel-square", SimilarityKind::Kernel, d},
      {"kernel-wide", SimilarityKind::Kernel, 2 * d},
      {"kernel-lowrank", SimilarityKind::Kernel, d / 3},
  };
  int checkedDecreases = 0;
  for (const MonotoneCase& c : cases) {
    Matrix W = c.featureDim > 0 ? testref::normalMatrix(c.featureDim, d, 43 + c.featureDim, 1.0 / std::sqrt(c.featureDim))
                                : Matrix();
    for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5),
                                Separation::entmax(1.2)})
      for (double beta : {0.5, 2.0, 8.0, 50.0}) {
        HopfieldModel model(share(xi), config(c.sim, s, beta), c.featureDim > 0 ? &W : nullptr);
        RetrievalTrace trace = retrieve(model, q, {.steps = T, .recordEnergy = true, .recordStates = false});
        ASSERT_EQ(trace.energies.rows(), T + 1);
        ASSERT_EQ(trace.energies.cols(), N);
        for (int n = 0; n < N; ++n)
          for (int t = 1; t <= T; ++t) {
            const double before = trace.energies(t - 1, n), after = trace.energies(t, n);
            ASSERT_TRUE(std::isfinite(after));
            EXPECT_LE(after, before + 1e-5 * (1 + std::abs(before)))
                << c.name << " " << s.name() << " beta=" << beta << " query=" << n << " step=" << t;
            if (after < before - 1e-3) ++checkedDecreases;
          }
      }
  }
  // The property is not vacuous: energies really move.
  EXPECT_GT(checkedDecreases, 1000);
}

// With W = I (initFeatureMap Identity, D = d) the kernel model is the dot baseline, bit for bit.
TEST(HopfieldKernel, IdentityFeatureMapEqualsDotBaselineExactly) {
  const int d = 30, M = 10, N = 8;
  Matrix xi = testref::uniformMatrix(d, M, 51, 0.01, 1.0);
  Matrix q = testref::uniformMatrix(d, N, 52, 0.01, 1.0);
  Matrix W = initFeatureMap(FeatureInit::Identity, d, d, 0);
  for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5)})
    for (double beta : {0.5, 8.0}) {
      HopfieldModel dot(share(xi), config(SimilarityKind::Dot, s, beta));
      HopfieldModel ker(share(xi), config(SimilarityKind::Kernel, s, beta), &W);
      RetrievalOptions opt{.steps = 5, .recordEnergy = true, .recordStates = true};
      RetrievalTrace a = retrieve(dot, q, opt), b = retrieve(ker, q, opt);
      ASSERT_EQ(a.finalStates.size(), b.finalStates.size());
      EXPECT_EQ(0, std::memcmp(a.finalStates.data(), b.finalStates.data(), sizeof(float) * a.finalStates.size()));
      EXPECT_EQ(0, std::memcmp(a.finalWeights.data(), b.finalWeights.data(), sizeof(float) * a.finalWeights.size()));
      ASSERT_EQ(a.energies.size(), b.energies.size());
      EXPECT_EQ(0, std::memcmp(a.energies.data(), b.energies.data(), sizeof(double) * a.energies.size()))
          << s.name() << " beta=" << beta;
      ASSERT_EQ(a.states.size(), b.states.size());
      for (size_t t = 0; t < a.states.size(); ++t) EXPECT_TRUE(a.states[t] == b.states[t]) << "t=" << t;
      EXPECT_EQ(dot.energyConstant(), ker.energyConstant());
    }
}

// ------------------------------------------------------------- exact retrieval ---

TEST(HopfieldExactRetrieval, SparsemaxOneStepWhenMarginReachesOne) {
  // Random memories and queries: whenever β (s_μ − max_{ν≠μ} s_ν) ≥ 1, p is one-hot and
  // one step returns ξ_μ exactly; set β just above 1/margin for each query.
  const int d = 40, M = 15, N = 12;
  Matrix xi = testref::uniformMatrix(d, M, 61);
  Random rng(62);
  for (int n = 0; n < N; ++n) {
    const int target = n % M;
    Matrix x = xi.col(target);
    for (int i = 0; i < d; ++i)
      if (rng.uniform() < 0.3) x(i, 0) = 0.0f;
    VectorD s = xi.cast<double>().transpose() * x.cast<double>();
    int best = 0;
    s.maxCoeff(&best);
    double runner = -INFINITY;
    for (int m = 0; m < M; ++m)
      if (m != best) runner = std::max(runner, s(m));
    const double margin = s(best) - runner;
    ASSERT_GT(margin, 0.01);
    for (auto [sep, needed] : {std::pair{Separation::sparsemax(), 1.0}, std::pair{Separation::entmax(1.5), 2.0}}) {
      // Above the threshold: exact.
      HopfieldModel exact(share(xi), config(SimilarityKind::Dot, sep, 1.01 * needed / margin));
      Matrix next, p;
      exact.step(x, next, p);
      for (int m = 0; m < M; ++m) EXPECT_EQ(p(m, 0), m == best ? 1.0f : 0.0f) << sep.name() << " n=" << n;
      EXPECT_TRUE(next == xi.col(best)) << sep.name() << " n=" << n;
      // Clearly below the threshold: the runner-up keeps weight, no exact retrieval.
      HopfieldModel mixed(share(xi), config(SimilarityKind::Dot, sep, 0.9 * needed / margin));
      mixed.step(x, next, p);
      EXPECT_LT(p(best, 0), 1.0f) << sep.name() << " n=" << n;
      EXPECT_GT((p.array() > 0).count(), 1) << sep.name();
      EXPECT_FALSE(next == xi.col(best));
    }
  }
}

TEST(HopfieldExactRetrieval, HandConstructedMarginBelowAndAboveOne) {
  // Orthonormal memories e1, e2, e3 (d = 3); x = (1, 0.5, 0) ⇒ s = (1, 0.5, 0).
  auto xi = share(Matrix::Identity(3, 3));
  Matrix x(3, 1), next, p;
  x << 1, 0.5f, 0;
  // β = 1: margin β·0.5 = 0.5 < 1 ⇒ τ = (1 + 0.5 − 1)/2 = 0.25 ⇒ p = (0.75, 0.25, 0).
  HopfieldModel below(xi, config(SimilarityKind::Dot, Separation::sparsemax(), 1.0));
  below.step(x, next, p);
  EXPECT_NEAR(p(0, 0), 0.75, 1e-6);
  EXPECT_NEAR(p(1, 0), 0.25, 1e-6);
  EXPECT_EQ(p(2, 0), 0.0f);
  EXPECT_NEAR(next(1, 0), 0.25, 1e-6);
  // β = 2: margin exactly 1 ⇒ one-hot, x' = e1 exactly.
  HopfieldModel at(xi, config(SimilarityKind::Dot, Separation::sparsemax(), 2.0));
  at.step(x, next, p);
  EXPECT_TRUE(next == Matrix::Identity(3, 3).col(0));
  // entmax 1.5 needs margin 2: β = 4 ⇒ exact, β = 3 (margin 1.5) ⇒ not.
  HopfieldModel e4(xi, config(SimilarityKind::Dot, Separation::entmax(1.5), 4.0));
  e4.step(x, next, p);
  EXPECT_TRUE(next == Matrix::Identity(3, 3).col(0));
  HopfieldModel e3(xi, config(SimilarityKind::Dot, Separation::entmax(1.5), 3.0));
  e3.step(x, next, p);
  EXPECT_GT(p(1, 0), 0.0f);
  // Same for the U-Hop kernel: W = diag(1, 1, 1) scaled by √2 doubles every score.
  Matrix W = Matrix::Identity(3, 3) * std::sqrt(2.0f);
  HopfieldModel kernel(xi, config(SimilarityKind::Kernel, Separation::sparsemax(), 1.0), &W);
  kernel.step(x, next, p);  // margin 2·0.5 = 1 (up to rounding of √2²) ⇒ essentially one-hot
  EXPECT_NEAR(p(0, 0), 1.0, 1e-6);
  EXPECT_NEAR(p(1, 0), 0.0, 1e-6);
}

// ------------------------------------------------ evaluate() / advance() / withConfig() ---

TEST(HopfieldRetrievalStep, TinyCaseByHand) {
  // Dot + softmax, β = ln 2, x_0 = (1, 0): s = (1, 0, 1), p_0 = (0.4, 0.2, 0.4) and
  // E(x_0) = ½ − log(2 + 1 + 2)/β + log 3/β + 1 (TinyCaseByHand of the energy, with β = ln 2).
  // advance: x_1 = Ξp_0 = (0.8, 0.6), s = (0.8, 0.6, 1.4), p_1 ∝ 2^s.
  const double beta = std::log(2.0);
  HopfieldModel model(share(tinyMemories()),
                      config(SimilarityKind::Dot, Separation::softmax(), beta));
  Matrix x(2, 1);
  x << 1, 0;
  RetrievalStep step = model.evaluate(x);
  EXPECT_NEAR(step.weights(0, 0), 0.4, 1e-6);
  EXPECT_NEAR(step.weights(1, 0), 0.2, 1e-6);
  EXPECT_NEAR(step.weights(2, 0), 0.4, 1e-6);
  ASSERT_EQ(step.energy.size(), 1);
  EXPECT_NEAR(step.energy(0), 0.5 - std::log(5.0) / beta + std::log(3.0) / beta + 1.0, 1e-6);
  model.advance(step);
  EXPECT_NEAR(step.state(0, 0), 0.8, 1e-6);
  EXPECT_NEAR(step.state(1, 0), 0.6, 1e-6);
  const double z = std::pow(2.0, 0.8) + std::pow(2.0, 0.6) + std::pow(2.0, 1.4);
  EXPECT_NEAR(step.weights(0, 0), std::pow(2.0, 0.8) / z, 1e-6);
  EXPECT_NEAR(step.weights(2, 0), std::pow(2.0, 1.4) / z, 1e-6);
  EXPECT_NEAR(step.energy(0), 0.5 * (0.64 + 0.36) - std::log(z) / beta + std::log(3.0) / beta + 1.0,
              1e-6);
  // Without energy the state and weights are the same bits.
  RetrievalStep quiet = model.evaluate(x, false);
  model.advance(quiet, false);
  EXPECT_EQ(quiet.energy.size(), 0);
  EXPECT_TRUE(quiet.state == step.state);
  EXPECT_TRUE(quiet.weights == step.weights);
}

TEST(HopfieldRetrievalStep, EqualsStepWeightsAndEnergyOfAFreshModel) {
  // A step through evaluate()/advance() against step(), weights() and energy() of a separately
  // built model (each of which computes its own similarity product), for every kind of model.
  const int d = 12, M = 7, N = 4;
  Matrix xi = testref::uniformMatrix(d, M, 81);
  Matrix q = testref::uniformMatrix(d, N, 82, -0.5, 1.5);
  Matrix W = testref::normalMatrix(9, d, 83, 0.4);
  for (SimilarityKind sim : {SimilarityKind::Dot, SimilarityKind::MeanProjected,
                             SimilarityKind::Kernel, SimilarityKind::NegL2})
    for (const Separation& sep :
         {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5)}) {
      const ModelConfig c = config(sim, sep, 2.0);
      HopfieldModel model(share(xi), c, &W);
      HopfieldModel fresh(share(xi), c, &W);
      const std::string what = similarityName(sim) + " " + sep.name();
      RetrievalStep step = model.evaluate(q);
      Matrix next, p, w;
      fresh.step(q, next, p);
      EXPECT_TRUE(step.weights == p) << what;
      VectorD e = fresh.energy(q);
      for (int n = 0; n < N; ++n)
        if (std::isnan(e(n)))
          EXPECT_TRUE(std::isnan(step.energy(n))) << what;
        else
          EXPECT_NEAR(step.energy(n), e(n), 1e-12 * (1 + std::abs(e(n)))) << what;
      model.advance(step);
      EXPECT_TRUE(step.state == next) << what;
      fresh.weights(next, w);
      EXPECT_TRUE(step.weights == w) << what;
      e = fresh.energy(next);
      for (int n = 0; n < N; ++n)
        if (std::isnan(e(n)))
          EXPECT_TRUE(std::isnan(step.energy(n))) << what;
        else
          EXPECT_NEAR(step.energy(n), e(n), 1e-12 * (1 + std::abs(e(n)))) << what;
    }
}

TEST(HopfieldWithConfig, SharesTheOperatorAndEqualsAFreshModel) {
  const int d = 12, M = 7, N = 3;
  Matrix xi = testref::uniformMatrix(d, M, 91);
  Matrix q = testref::uniformMatrix(d, N, 92);
  Matrix W = testref::normalMatrix(9, d, 93, 0.4);
  HopfieldModel model(share(xi), config(SimilarityKind::Kernel, Separation::softmax(), 1.0), &W);
  for (const ModelConfig& c : {config(SimilarityKind::Kernel, Separation::softmax(), 7.5),
                               config(SimilarityKind::Kernel, Separation::entmax(1.5), 0.3),
                               config(SimilarityKind::Kernel, Separation::softmax(), 4.0, true)}) {
    const HopfieldModel reused = model.withConfig(c);
    EXPECT_EQ(reused.sharedSimilarity().get(), model.sharedSimilarity().get());  // not rebuilt
    EXPECT_EQ(reused.config().beta, c.beta);
    EXPECT_EQ(reused.config().separation, c.separation);
    EXPECT_EQ(reused.config().betaAfterSeparation, c.betaAfterSeparation);
    const HopfieldModel fresh(share(xi), c, &W);
    EXPECT_NE(fresh.sharedSimilarity().get(), model.sharedSimilarity().get());
    EXPECT_NEAR(reused.energyConstant(), fresh.energyConstant(), 1e-12);
    Matrix a, pa, b, pb;
    reused.step(q, a, pa);
    fresh.step(q, b, pb);
    EXPECT_TRUE(a == b);
    EXPECT_TRUE(pa == pb);
    const VectorD ea = reused.energy(a), eb = fresh.energy(b);
    for (int n = 0; n < N; ++n)
      if (std::isnan(eb(n)))
        EXPECT_TRUE(std::isnan(ea(n)));
      else
        EXPECT_NEAR(ea(n), eb(n), 1e-12 * (1 + std::abs(eb(n))));
  }
  // Another similarity needs another operator; a bad β is refused as at construction.
  EXPECT_THROW(model.withConfig(config(SimilarityKind::Dot, Separation::softmax(), 1.0)),
               ConfigError);
  EXPECT_THROW(model.withConfig(config(SimilarityKind::Kernel, Separation::softmax(), -1.0)),
               ConfigError);
}

// ------------------------------------------------------------------- kernel W ---

TEST(KernelFeatureMap, NormalisesRowsThenScales) {
  // Rows (3, 4, 0) and (0, 0, 2) have norms 5 and 2: normalised (0.6, 0.8, 0) and (0, 0, 1).
  Matrix W(2, 3);
  W << 3, 4, 0, 0, 0, 2;
  Matrix unit(2, 3);
  unit << 0.6f, 0.8f, 0, 0, 0, 1;
  EXPECT_TRUE(kernelFeatureMap(W, true, std::nullopt).isApprox(unit, 1e-7f));
  EXPECT_TRUE(kernelFeatureMap(W, true, KernelScale::Raw).isApprox(unit, 1e-7f));
  EXPECT_TRUE(kernelFeatureMap(W, false, std::nullopt) == W);
  EXPECT_TRUE(kernelFeatureMap(W, false, KernelScale::Raw) == W);
  // Row-normalised scale normalises even when the rows were not.
  EXPECT_TRUE(kernelFeatureMap(W, false, KernelScale::RowNormalized).isApprox(unit, 1e-7f));
  // Matched after normalising: ‖unit‖_F² = 2, d = 3, so the factor is √(3/2).
  EXPECT_TRUE(
      kernelFeatureMap(W, true, KernelScale::Matched).isApprox(unit * std::sqrt(1.5f), 1e-6f));
  // Matched on the raw W: ‖W‖_F² = 9 + 16 + 4 = 29, factor √(3/29).
  EXPECT_TRUE(kernelFeatureMap(W, false, KernelScale::Matched)
                  .isApprox(W * std::sqrt(3.0f / 29.0f), 1e-6f));
}

TEST(KernelFeatureMap, InitialIsWhatStage1StartsFrom) {
  auto xi = share(testref::uniformMatrix(6, 5, 95));
  Stage1Config c;
  c.init = FeatureInit::Gaussian;
  c.featureDim = 4;
  c.seed = 17;
  c.steps = 0;
  Stage1 stage1(xi, c);
  EXPECT_TRUE(initialKernelFeatureMap(c, 6, std::nullopt) == stage1.finalFeatureMap());
  for (int r = 0; r < 4; ++r)
    EXPECT_NEAR(initialKernelFeatureMap(c, 6, std::nullopt).row(r).norm(), 1.0, 1e-6);
  EXPECT_TRUE(initialKernelFeatureMap(c, 6, KernelScale::Matched) ==
              kernelFeatureMap(stage1.featureMap(), true, KernelScale::Matched));
  c.normalizeRows = false;
  EXPECT_TRUE(initialKernelFeatureMap(c, 6, std::nullopt) == stage1.featureMap());
}

// ------------------------------------------------------------------- retrieve() ---

TEST(Retrieve, TraceShapesAndConsistency) {
  const int d = 10, M = 5, N = 3, T = 4;
  Matrix xi = testref::uniformMatrix(d, M, 71);
  Matrix q = testref::uniformMatrix(d, N, 72);
  HopfieldModel model(share(xi), config(SimilarityKind::Dot, Separation::softmax(), 3.0));
  RetrievalTrace t = retrieve(model, q, {.steps = T, .recordEnergy = true, .recordStates = true});
  ASSERT_EQ(t.energies.rows(), T + 1);
  ASSERT_EQ(t.energies.cols(), N);
  ASSERT_EQ(t.states.size(), static_cast<size_t>(T + 1));
  EXPECT_TRUE(t.states[0] == q);
  EXPECT_TRUE(t.states[T] == t.finalStates);
  for (int s = 0; s < T; ++s) {
    Matrix next, p;
    model.step(t.states[s], next, p);
    EXPECT_TRUE(next.isApprox(t.states[s + 1], 1e-6f)) << "step " << s;
  }
  for (int s = 0; s <= T; ++s) {
    VectorD e = model.energy(t.states[s]);
    for (int n = 0; n < N; ++n) EXPECT_NEAR(t.energies(s, n), e(n), 1e-9);
  }
  Matrix w;
  model.weights(t.finalStates, w);
  EXPECT_TRUE(w.isApprox(t.finalWeights, 1e-6f));
  ASSERT_EQ(t.finalWeights.rows(), M);
  for (int n = 0; n < N; ++n) EXPECT_NEAR(t.finalWeights.col(n).sum(), 1.0, 1e-5);

  // Defaults: no states, energy recorded; T = 0 leaves the queries alone.
  RetrievalTrace zero = retrieve(model, q, {.steps = 0, .recordEnergy = true, .recordStates = true});
  EXPECT_TRUE(zero.finalStates == q);
  EXPECT_EQ(zero.energies.rows(), 1);
  EXPECT_EQ(zero.states.size(), 1u);
  RetrievalTrace quiet = retrieve(model, q, {.steps = 2, .recordEnergy = false, .recordStates = false});
  EXPECT_EQ(quiet.energies.size(), 0);
  EXPECT_TRUE(quiet.states.empty());
  EXPECT_TRUE(quiet.finalStates.isApprox(t.states[2], 1e-6f));
}

TEST(Retrieve, PolyWithDistancesIsRefused) {
  // −‖ξ − x‖ ≤ 0 for every memory, and poly weighs scores ≤ 0 with 0: every query would get the
  // uniform mean. Refused at construction with a message that says why.
  auto xi = share(testref::uniformMatrix(6, 4, 91));
  for (SimilarityKind sim : {SimilarityKind::NegL1, SimilarityKind::NegL2})
    for (int degree : {1, 2, 10}) {
      const ModelConfig c = config(sim, Separation::polynomial(degree), 1.0);
      try {
        HopfieldModel model(xi, c);
        ADD_FAILURE() << "accepted " << similarityName(sim) << " with poly:" << degree;
      } catch (const ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("poly:" + std::to_string(degree)), std::string::npos) << what;
        EXPECT_NE(what.find(similarityName(sim)), std::string::npos) << what;
        EXPECT_NE(what.find("uniform mean"), std::string::npos) << what;
      }
      EXPECT_THROW(validateModelConfig(c), ConfigError);
    }
  // The same separation with inner products, and l1/l2 with the other separations, are fine.
  for (SimilarityKind sim : {SimilarityKind::Dot, SimilarityKind::MeanProjected})
    EXPECT_NO_THROW(HopfieldModel(xi, config(sim, Separation::polynomial(3), 1.0)));
  for (const Separation& s : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5)})
    EXPECT_NO_THROW(HopfieldModel(xi, config(SimilarityKind::NegL2, s, 1.0)));
}

TEST(Retrieve, ConfigErrors) {
  auto xi = share(testref::uniformMatrix(6, 4, 73));
  for (double beta : {0.0, -1.0, std::nan(""), double(INFINITY), -double(INFINITY)})
    EXPECT_THROW(HopfieldModel(xi, config(SimilarityKind::Dot, Separation::softmax(), beta)), ConfigError)
        << beta;
  EXPECT_THROW(HopfieldModel(xi, config(SimilarityKind::Kernel, Separation::softmax(), 1.0)), ConfigError);
  Matrix badW = Matrix::Identity(6, 5);
  EXPECT_THROW(HopfieldModel(xi, config(SimilarityKind::Kernel, Separation::softmax(), 1.0), &badW), ConfigError);
  HopfieldModel model(xi, config(SimilarityKind::Dot, Separation::softmax(), 1.0));
  EXPECT_EQ(model.memoryCount(), 4);
  EXPECT_EQ(model.dimension(), 6);
  EXPECT_THROW(retrieve(model, Matrix::Zero(5, 2), {}), ConfigError);
  EXPECT_THROW(retrieve(model, Matrix::Zero(7, 1), {}), ConfigError);
  EXPECT_THROW(retrieve(model, Matrix::Zero(6, 1), {.steps = -1}), ConfigError);
}

// The energy trace is (T+1) × N doubles; over the budget it is refused before any step.
TEST(HopfieldTraceBudget, EnergyTraceOverTheBudgetIsRefusedUpFront) {
  Matrix memories(2, 3);
  memories << 1, 0, 1, 0, 1, 1;
  HopfieldModel model(share(memories), ModelConfig{});
  RetrievalOptions options;
  options.memoryBudgetBytes = 96;  // 3 queries × 4 states × 8 bytes
  options.steps = 3;
  EXPECT_EQ(retrieve(model, memories, options).energies.rows(), 4);
  options.steps = 4;
  try {
    retrieve(model, memories, options);
    ADD_FAILURE() << "a 120-byte trace passed a 96-byte budget";
  } catch (const UhopError& e) {
    EXPECT_EQ(dynamic_cast<const ConfigError*>(&e), nullptr) << "a limit, not a bad setting";
    const std::string message = e.what();
    EXPECT_NE(message.find("energy trace of 3 queries × 5 steps needs"), std::string::npos)
        << message;
    EXPECT_NE(message.find("--steps"), std::string::npos) << message;
  }
  options.recordEnergy = false;  // nothing recorded, nothing to bound
  EXPECT_EQ(retrieve(model, memories, options).energies.size(), 0);
}

TEST(HopfieldTraceBudget, SixtyThousandQueriesOfHundredThousandStepsAreRefusedWithTheSize) {
  // Only the count matters: d = 1 keeps the test small; the refusal comes before any work.
  MemorySet set;
  set.patterns = Matrix::Constant(1, 60000, 0.5f);
  set.shape = {1, 1, 1};
  auto patterns = std::make_shared<const Matrix>(set.patterns);
  try {
    evaluateAllMemories(set, patterns, ModelConfig{}, nullptr, Corruption::parse("mask:0.5"), 0,
                        100000, true);
    ADD_FAILURE() << "a 48 GB energy trace was accepted";
  } catch (const UhopError& e) {
    // 60000 · 100001 · 8 bytes = 48.0e9 bytes = 44.7 GiB.
    const std::string message = e.what();
    EXPECT_NE(
        message.find("energy trace of 60000 queries × 100001 steps needs 44.7 GiB, limit 2.0 GiB"),
        std::string::npos)
        << message;
  }
}


// Theorem 1 at float rounding: on real images (the built-in 64, half occluded) the recorded E never
// rises by more than 1e-7 relative. At a converged state ½K(x, x) and β⁻¹Ψ*(β s) both are
// ≈ ½‖ξ‖² and cancel; with float scores E rose by up to 1.7e-4 relative here.
using EnergyGridParam = std::tuple<SimilarityKind, std::string, double>;
class EnergyOnImages : public ::testing::TestWithParam<EnergyGridParam> {};

TEST_P(EnergyOnImages, NeverRisesBeyondDoubleRounding) {
  const auto& [sim, sepName, beta] = GetParam();
  static const MemorySet set = loadBuiltin({});
  const int d = set.dimension();
  static const Matrix W = testref::normalMatrix(d, d, 77, 1.0 / std::sqrt(static_cast<double>(d)));
  const Matrix queries = corruptMemories(Corruption::parse("occlude:0.5"), set, 5);
  HopfieldModel model(share(set.patterns), config(sim, Separation::parse(sepName), beta), &W);
  const int T = 10;
  RetrievalTrace trace = retrieve(model, queries, {.steps = T, .recordEnergy = true, .recordStates = false});
  double worst = 0;
  for (int n = 0; n < queries.cols(); ++n)
    for (int t = 1; t <= T; ++t) {
      const double before = trace.energies(t - 1, n), after = trace.energies(t, n);
      ASSERT_TRUE(std::isfinite(after));
      worst = std::max(worst, (after - before) / std::abs(before));
      EXPECT_LE(after, before + 1e-7 * std::abs(before)) << "query " << n << " step " << t;
    }
  RecordProperty("worst_relative_rise", std::to_string(worst));
  // energy() recomputes in double only the scores that reach Ψ*: the same E as all M scores in
  // double (to double rounding), at the final (converged) states and at the queries.
  for (const Matrix* X : {static_cast<const Matrix*>(&trace.finalStates), &queries}) {
    MatrixD S;
    model.similarity().scoresDouble(*X, S);
    const VectorD quadratic = model.similarity().selfSimilarity(*X), E = model.energy(*X);
    for (int n = 0; n < X->cols(); ++n) {
      VectorD z = S.col(n) * beta;
      const double ref = 0.5 * quadratic(n) -
                         conjugateEntropy(model.config().separation, z.data(), static_cast<int>(z.size())) / beta +
                         model.energyConstant();
      // Double rounding of the cancelling terms (both ≈ ½K(x, x)) in another summation order.
      EXPECT_NEAR(E(n), ref, 1e-12 * (std::abs(ref) + quadratic(n))) << "query " << n;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Grid, EnergyOnImages,
    ::testing::Combine(::testing::Values(SimilarityKind::Dot, SimilarityKind::MeanProjected, SimilarityKind::Kernel),
                       ::testing::Values(std::string("softmax"), std::string("sparsemax"), std::string("entmax:1.5")),
                       ::testing::Values(0.3, 1.0, 3.0, 10.0)),
    [](const ::testing::TestParamInfo<EnergyGridParam>& info) {
      char beta[32];
      std::snprintf(beta, sizeof beta, "%g", std::get<2>(info.param));  // 0.3 → beta0_3
      std::string name = similarityName(std::get<0>(info.param)) + "_" + std::get<1>(info.param) + "_beta" + beta;
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

}  // namespace
}  // namespace uhop
