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

#include <atomic>
#include <functional>
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

// One point of the dynamics for a batch, with everything the single similarity product
// S_t = s(Ξ, x_t) gives: the weights that take x_t to x_{t+1} and the energy of x_t.
// HopfieldModel::evaluate() starts one from the queries; advance() moves it from t to t + 1.
struct RetrievalStep {
  Matrix state;    // x_t, d × N
  Matrix weights;  // P_t = sep(β S_t), M × N
  VectorD energy;  // E(x_t), N; empty when not asked for (NaN entries when the model has none)
};

class HopfieldModel {
 public:
  // Throws ConfigError for what validateModelConfig refuses, or when the kernel has no W.
  HopfieldModel(std::shared_ptr<const Matrix> memories, const ModelConfig& config,
                const Matrix* featureMap = nullptr);

  // The same memories and similarity (the same W) with another β, separation or β convention:
  // shares the cached score operator (for the kernel ΞᵀWᵀW, a D·d·M product to build), so a
  // knob that changes none of them costs nothing to turn. ConfigError when config.similarity is
  // not this model's, or for what validateModelConfig refuses.
  HopfieldModel withConfig(const ModelConfig& config) const;

  const ModelConfig& config() const { return config_; }
  const SimilarityOperator& similarity() const { return *similarity_; }
  // The shared operator itself (models made by withConfig() hold the same one).
  const std::shared_ptr<const SimilarityOperator>& sharedSimilarity() const { return similarity_; }
  int memoryCount() const { return static_cast<int>(similarity_->memories().cols()); }
  int dimension() const { return static_cast<int>(similarity_->memories().rows()); }
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

  // The step loop's two halves, one similarity product each. evaluate(X) is x_0 = X with P_0 and
  // (when withEnergy) E(x_0); advance() replaces x_t by x_{t+1} = Ξ P_t and then computes P_{t+1}
  // and E(x_{t+1}) from the one product s(Ξ, x_{t+1}). A caller that shows x_t, its weights and
  // its energy after every step (the studio) thus pays for one similarity product per step, as
  // retrieve() does; evaluate(X).weights equals weights(X) and .energy equals energy(X).
  RetrievalStep evaluate(Matrix states, bool withEnergy = true) const;
  void advance(RetrievalStep& step, bool withEnergy = true) const;

 private:
  HopfieldModel(std::shared_ptr<const SimilarityOperator> similarity, const ModelConfig& config,
                double maxMemorySelfSimilarity);
  // P (and E) of step.state from one similarity product.
  void scoreState(RetrievalStep& step, bool withEnergy) const;

  ModelConfig config_;
  std::shared_ptr<const SimilarityOperator> similarity_;
  double maxMemorySelfSimilarity_ = 0;  // ½ of it is in E's constant; a D·d·M product to compute
  double energyConstant_ = 0;
};

struct RetrievalTrace {
  Matrix finalStates;          // x_T, d × N
  Matrix finalWeights;         // p = sep(β s(Ξ, x_T)), M × N
  MatrixD energies;            // (T+1) × N: E(x_0) … E(x_T); empty unless requested
  std::vector<Matrix> states;  // x_0 … x_T; empty unless requested
  bool cancelled = false;      // RetrievalControl::cancel stopped the run: the rest is incomplete
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

// Hooks for a caller on another thread (the studio's metastable worker), beside the options.
struct RetrievalControl {
  // Checked before every similarity product: once it reads true, the run returns at once
  // with `cancelled` set in what it returns (the rest of the result is then incomplete).
  const std::atomic<bool>* cancel = nullptr;
  // Called after every similarity product with the fraction of the run done (0..1, on the
  // calling thread). retrieve(): (t + 1)/(T + 1) after the product of x_t.
  std::function<void(double)> progress;
};

// Throws UhopError when the traces `options` asks for, for `queryCount` queries of
// `dimension`, would exceed options.memoryBudgetBytes. retrieve() calls it first; callers that
// prepare a lot before retrieving call it earlier to fail fast.
void checkTraceBudget(long long queryCount, long long dimension, const RetrievalOptions& options);

// Runs T steps of the dynamics for all queries at once: evaluate() then T × advance(), the one
// step loop of the program. Each s(Ξ, x_t) is computed once and used for E(x_t) (when recorded),
// the step from x_t, and p of x_T; states are the same bits with and without energy recording.
RetrievalTrace retrieve(const HopfieldModel& model, const Matrix& queries,
                        const RetrievalOptions& options, const RetrievalControl& control = {});

}  // namespace uhop
