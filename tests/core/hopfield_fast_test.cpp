// Tests for the Stage II fast paths: retrieve() computes s(Ξ, x_t) once for the energy and the step
// (states must not depend on whether energies are recorded), the split weights/energy API, and the
// vectorised float softmax / sparsemax against the plain double references.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "core/feature_map.h"
#include "core/hopfield.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

std::shared_ptr<const Matrix> share(const Matrix& m) { return std::make_shared<const Matrix>(m); }

bool sameBits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
}

struct Case {
  SimilarityKind similarity;
  Separation separation;
  bool betaAfter;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (SimilarityKind sim : {SimilarityKind::Dot, SimilarityKind::MeanProjected, SimilarityKind::Kernel,
                             SimilarityKind::NegL2, SimilarityKind::NegL1})
    for (const Separation& sep : {Separation::softmax(), Separation::sparsemax(), Separation::entmax(1.5),
                                  Separation::polynomial(3)})
      if (isInnerProduct(sim) || sep.kind != SeparationKind::Polynomial)  // poly with l1/l2 is refused
        out.push_back({sim, sep, false});
  out.push_back({SimilarityKind::Dot, Separation::softmax(), true});
  return out;
}

TEST(RetrieveFast, StatesAndWeightsAreIdenticalWithAndWithoutEnergy) {
  const int d = 40, M = 30, N = 17, T = 6;
  auto xi = share(testref::uniformMatrix(d, M, 501));
  Matrix q = testref::uniformMatrix(d, N, 502);
  Matrix W = testref::normalMatrix(50, d, 503, 1.0 / std::sqrt(50.0));
  for (const Case& c : cases()) {
    ModelConfig config{c.similarity, c.separation, 4.0, c.betaAfter};
    HopfieldModel model(xi, config, &W);
    const std::string what = similarityName(c.similarity) + " " + c.separation.name();
    RetrievalTrace with = retrieve(model, q, {.steps = T, .recordEnergy = true, .recordStates = true});
    RetrievalTrace without = retrieve(model, q, {.steps = T, .recordEnergy = false, .recordStates = true});
    ASSERT_EQ(with.states.size(), without.states.size()) << what;
    for (size_t t = 0; t < with.states.size(); ++t) EXPECT_TRUE(sameBits(with.states[t], without.states[t])) << what;
    EXPECT_TRUE(sameBits(with.finalStates, without.finalStates)) << what;
    EXPECT_TRUE(sameBits(with.finalWeights, without.finalWeights)) << what;
    // Each recorded energy is exactly model.energy of that state (same scores, same bits).
    for (int t = 0; t <= T; ++t) {
      VectorD e = model.energy(with.states[t]);
      for (int n = 0; n < N; ++n) {
        if (std::isnan(e(n))) {
          EXPECT_TRUE(std::isnan(with.energies(t, n))) << what;
        } else {
          EXPECT_EQ(with.energies(t, n), e(n)) << what << " t=" << t;
        }
      }
    }
    // And the step is the plain one: x_{t+1} = Ξ sep(β s(Ξ, x_t)) through model.step().
    for (int t = 0; t < T; ++t) {
      Matrix next, p;
      model.step(with.states[t], next, p);
      EXPECT_TRUE(sameBits(next, with.states[t + 1])) << what << " t=" << t;
    }
    Matrix p;
    model.weights(with.finalStates, p);
    EXPECT_TRUE(sameBits(p, with.finalWeights)) << what;
  }
}

TEST(RetrieveFast, SplitApiEqualsWeightsAndEnergy) {
  auto xi = share(testref::uniformMatrix(20, 12, 511));
  Matrix q = testref::uniformMatrix(20, 9, 512);
  for (const Case& c : cases()) {
    Matrix W = testref::normalMatrix(20, 20, 513, 0.2);
    HopfieldModel model(xi, {c.similarity, c.separation, 2.5, c.betaAfter}, &W);
    Matrix scores, p;
    model.similarity().scores(q, scores);
    VectorD fromScores = model.energyFromScores(q, scores), direct = model.energy(q);
    for (int n = 0; n < q.cols(); ++n)
      if (std::isnan(direct(n))) {
        EXPECT_TRUE(std::isnan(fromScores(n)));
      } else {
        EXPECT_EQ(fromScores(n), direct(n));
      }
    model.weightsFromScores(scores);
    model.weights(q, p);
    EXPECT_TRUE(sameBits(scores, p));
  }
}

// Long score vectors with a wide range: the vectorised float paths against double references.
TEST(SeparationFast, SoftmaxAndSparsemaxMatchDoubleReferencesOnLongColumns) {
  for (int M : {1, 7, 500, 2001}) {
    Matrix scores = testref::normalMatrix(M, 5, 520 + M, 3.0);
    scores(0, 1) = 400.0f;  // one dominant score
    scores.col(2).setConstant(-2.0f);  // all equal
    for (const Separation& sep : {Separation::softmax(), Separation::sparsemax()}) {
      Matrix p = scores;
      separateColumns(sep, p);
      for (int c = 0; c < scores.cols(); ++c) {
        std::vector<double> z(scores.col(c).data(), scores.col(c).data() + M);
        std::vector<double> ref = sep.kind == SeparationKind::Softmax ? testref::softmax(z) : testref::sparsemax(z);
        for (int i = 0; i < M; ++i) EXPECT_NEAR(p(i, c), ref[i], 2e-6 + 1e-5 * ref[i]) << sep.name() << " M=" << M;
        EXPECT_NEAR(p.col(c).cast<double>().sum(), 1.0, 1e-4);  // float threshold over ~2000 equal scores
      }
    }
  }
}

}  // namespace
}  // namespace uhop
