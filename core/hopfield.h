// Stage II: a Hopfield model = similarity + separation + β (docs/method.md §2).
//
//   one step      x ← Ξ · sep(β · s(Ξ, x))         (β inside the separation)
//   reference     x ← Ξ · (β · sep(s(Ξ, x)))       (public scripts, deviation 1; opt-in only)
//   energy        E(x) = ½ K(x, x) − β⁻¹ Ψ*_α(β s(Ξ, x)) + β⁻¹ H_α(uniform_M) + ½ max_μ K(ξ_μ, ξ_μ)
//                 with K = ⟨·,·⟩ for dot (E) or ⟨W·, W·⟩ for the kernel (E_K).
//
// By the concave–convex argument of the paper's Theorem 1, E never increases along the
// dynamics for every inner-product similarity (dot, meanproj, kernel — for any W, since x = Ξp
// minimises the convex bound ½K(x,x) − K(x, Ξp)) and every separation that has a conjugate
// (softmax, sparsemax, entmax). l1/l2, poly and the reference mode (β after the separation)
// have no such energy: it is reported as NaN.
// All states are batched: a d × N matrix holds N queries, and a step is two matrix products.
#pragma once

#include <memory>
#include <vector>

#include "core/separation.h"
#include "core/similarity.h"

namespace uhop {

struct ModelConfig {
  SimilarityKind similarity = SimilarityKind::Dot;
  Separation separation = Separation::softmax();
  double beta = 1.0;
  bool betaAfterSeparation = false;  // the public scripts' convention (reference mode only)
};

// Throws ConfigError naming the setting when the configuration cannot retrieve anything: β not a
// positive finite number, or poly:N with l1/l2 (−distances are ≤ 0, and poly gives every score
// ≤ 0 the weight 0, so every query would return the uniform mean of the memories).
void validateModelConfig(const ModelConfig& config);

class HopfieldModel {
 public:
  // Throws ConfigError for what validateModelConfig refuses, or when the kernel has no W.
  HopfieldModel(std::shared_ptr<const Matrix> memories, const ModelConfig& config,
                const Matrix* featureMap = nullptr);

  const ModelConfig& config() const { return config_; }
  const SimilarityOperator& similarity() const { return similarity_; }
  int memoryCount() const { return static_cast<int>(similarity_.memories().cols()); }
  int dimension() const { return static_cast<int>(similarity_.memories().rows()); }
  bool hasEnergy() const;

  // P = sep(β S) for S = s(Ξ, X), column per query (M × N).
  void weights(const Matrix& states, Matrix& out) const;
  // X_next = Ξ P; `weightsOut` receives P of the *input* states.
  void step(const Matrix& states, Matrix& next, Matrix& weightsOut) const;
  // E of each column (NaN when the model has no energy). Evaluated in double from the float
  // states: K(x, x) and the scores that reach Ψ* are accumulated in double, because at a converged
  // state ½K(x, x) − β⁻¹Ψ*(β s) cancels to a small number and float scores would let E rise along
  // the dynamics by ~1e-4 relative.
  VectorD energy(const Matrix& states) const;

  // The two halves of weights()/energy() for a caller that already holds the float S = s(Ξ, X)
  // (retrieve() uses the scores of x_t for both E(x_t) and the step from x_t). weightsFromScores
  // turns S into P = sep(β S) in place; energyFromScores(X, S) == energy(X): S only chooses which
  // scores are recomputed in double (see hopfield.cpp).
  void weightsFromScores(Matrix& scoresInOut) const;
  VectorD energyFromScores(const Matrix& states, const Matrix& scores) const;
  // The additive constant of E (docs/method.md): β⁻¹ H_α(uniform) + ½ max_μ K(ξ_μ, ξ_μ).
  double energyConstant() const { return energyConstant_; }

 private:
  ModelConfig config_;
  SimilarityOperator similarity_;
  double energyConstant_ = 0;
};

struct RetrievalTrace {
  Matrix finalStates;          // x_T, d × N
  Matrix finalWeights;         // p = sep(β s(Ξ, x_T)), M × N
  MatrixD energies;            // (T+1) × N: E(x_0) … E(x_T); empty unless requested
  std::vector<Matrix> states;  // x_0 … x_T; empty unless requested
};

struct RetrievalOptions {
  int steps = 1;
  bool recordEnergy = true;
  bool recordStates = false;
  // Upper bound on the bytes of the recorded traces (energies: (T+1)·N doubles; states:
  // (T+1)·d·N floats). A longer trace is refused up front with a UhopError naming its size
  // rather than streamed: every caller keeps the whole trace (the CLI's JSON prints it). It is
  // a resource limit, not a bad setting, hence not a ConfigError (the CLI's usage errors).
  std::size_t memoryBudgetBytes = kDefaultMemoryBudgetBytes;
};

// Throws UhopError when the traces `options` asks for, for `queryCount` queries of
// `dimension`, would exceed options.memoryBudgetBytes. retrieve() calls it first; callers that
// prepare a lot before retrieving call it earlier to fail fast.
void checkTraceBudget(long long queryCount, long long dimension, const RetrievalOptions& options);

// Runs T steps of the dynamics for all queries at once. Each s(Ξ, x_t) is computed once and used
// for E(x_t) (when recorded), the step from x_t, and p of x_T; states are the same bits with and
// without energy recording.
RetrievalTrace retrieve(const HopfieldModel& model, const Matrix& queries, const RetrievalOptions& options);

}  // namespace uhop
