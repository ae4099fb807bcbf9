// Stage I as a step-able optimiser (docs/method.md §4, the algorithm's steps 1–2): each step() does one update
// of W on the separation loss and records loss, min and mean pairwise feature distance.
//
// Optimisers:
//   backtracking  (the default) gradient descent W ← W − γ ∇L, the paper's Algorithm 1, with γ
//              chosen at every step by a backtracking Armijo line search: the trial step is twice
//              the last accepted one (the first is lr, or ‖W₀‖/‖∇L(W₀)‖ when lr = 0: a move as
//              large as W itself, scale-free because L(cW) = L(W)), halved until
//              L(W − γ∇L) ≤ L(W) − c·γ‖∇L‖² with c = 1e-4. Nothing to tune, every step lowers
//              the loss, and every column of W moves in proportion to its gradient, so columns of
//              rarely active inputs stay near their initial size (a rate-free optimiser like Adam
//              inflates them, and noise on those inputs then dominates the kernel scores).
//              If kMaxHalvings halvings find no decrease (W is stationary to float precision) the
//              step leaves W unchanged with rate 0 and the optimiser reports a stall; with the full
//              batch later steps do the same without searching again (they would fail alike).
//   adam       Adam (β₁ 0.9, β₂ 0.999) with step size lr · rms(W₀), so the same lr works for
//              identity and Gaussian inits (the loss is invariant to the scale of W). `default` is
//              its historical name (the default optimiser before backtracking) and still parses.
//   gd         W ← W − lr ∇L, constant rate.
//   reference  the public scripts' schedule: after step i the rate is divided by √(i+1),
//              cumulatively (docs/method.md §7 item 3) — it stalls after about a dozen steps.
// A step that produces a non-finite loss or W is rejected: W keeps the last good value, the
// optimiser reports divergence and refuses further steps. (The line search rejects such a trial
// like any other that does not decrease the loss, so backtracking only diverges at W₀.)
//
// Minibatch mode (batchSize B with 2 ≤ B < M): every evaluation uses B memories drawn without
// replacement by a generator seeded with (seed, evaluation index), so runs are reproducible and the
// cost per step is O(D·d·B + D·B²) whatever M is. The recorded loss and distances are then those of
// the batch (a noisy estimate of the full-set values). The line search runs on the batch of the
// gradient it follows.
// A step reuses all of its buffers (loss workspace, gradient, Adam moments, W double buffer).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/feature_map.h"
#include "core/separation_loss.h"

namespace uhop {

enum class OptimizerKind { Backtracking, Adam, GradientDescent, Reference };
// "backtracking" | "adam" | "gd" | "reference", and "default" = adam (historical name).
OptimizerKind parseOptimizer(const std::string& name);
std::string optimizerName(OptimizerKind kind);  // the canonical name (adam → "adam")
// Every name parseOptimizer accepts, canonical ones first, for help texts.
const std::vector<std::string>& optimizerNames();

struct Stage1Config {
  int featureDim = 0;  // D_Φ; 0 = the memories' dimension d
  FeatureInit init = FeatureInit::Identity;
  uint64_t seed = 0;
  LossConfig loss;
  OptimizerKind optimizer = OptimizerKind::Backtracking;
  double learningRate = 0;  // 0 = the optimiser's default (defaultLearningRate); backtracking:
                            // the first trial step. Stage1::config() holds the resolved value.
  int steps = 100;
  bool normalizeRows = true;  // applied by finalFeatureMap() (the paper's step 2)
  int batchSize = 0;          // memories per step; 0 (or ≥ M) = full batch
};

// W₀, the W a Stage I with `config` starts from for memories of dimension `dimension`
// (initFeatureMap with its init, D_Φ and seed). ConfigError on bad sizes.
Matrix initialFeatureMap(const Stage1Config& config, int dimension);
// The kernel's W before any Stage I step: kernelFeatureMap(W₀, config.normalizeRows, scale),
// what "before Stage I" retrieves with (metastable comparison, studio and CLI alike).
Matrix initialKernelFeatureMap(const Stage1Config& config, int dimension,
                               std::optional<KernelScale> scale);

// 0 for backtracking: its first trial step is then ‖W₀‖/‖∇L(W₀)‖.
double defaultLearningRate(OptimizerKind kind);

struct Stage1Record {
  double loss = 0;
  double minDistance = 0;
  double meanDistance = 0;
  double gradientNorm = 0;  // ‖∇L‖_F at this W (0 for the last record until a step is taken)
  double rate = 0;          // the rate of the step that led to this W (0 at step 0 and for a
                            // stalled backtracking step); Adam: lr, not lr·rms(W₀)
  int trials = 0;           // loss evaluations of the line search in that step (backtracking)
};

class Stage1 {
 public:
  // Initialises W and evaluates the loss at step 0. Throws ConfigError on bad settings.
  Stage1(std::shared_ptr<const Matrix> memories, const Stage1Config& config);
  // Starts from a given W instead of an init.
  Stage1(std::shared_ptr<const Matrix> memories, const Stage1Config& config, Matrix initialW);

  // One optimiser step. Returns false (and changes nothing) once diverged.
  bool step();
  // Runs until config.steps steps are done, divergence, or *cancel becomes true.
  void run(const std::atomic<bool>* cancel = nullptr);

  int stepsDone() const { return static_cast<int>(history_.size()) - 1; }
  bool finished() const { return diverged_ || stepsDone() >= config_.steps; }
  bool diverged() const { return diverged_; }
  const std::string& divergenceMessage() const { return divergenceMessage_; }
  // Backtracking found no decreasing step at some step (see above); not an error, W is kept.
  bool stalled() const { return !stallMessage_.empty(); }
  const std::string& stallMessage() const { return stallMessage_; }
  const std::vector<Stage1Record>& history() const { return history_; }
  const Stage1Config& config() const { return config_; }
  // The rate the next step starts from: constant for gd, the decayed one for reference, the
  // last accepted one for backtracking (its first trial step before any step).
  double learningRate() const { return rate_; }

  static constexpr double kArmijo = 1e-4;  // c of the sufficient-decrease condition
  static constexpr double kGrowth = 2;     // trial step = kGrowth × last accepted step
  static constexpr int kMaxHalvings = 40;  // 2⁻⁴⁰: far below float resolution of W

  const Matrix& featureMap() const { return W_; }  // current (last good) W
  // W with rows normalised if configured: kernelFeatureMap(W, config.normalizeRows, no scale).
  Matrix finalFeatureMap() const;

 private:
  void evaluate();                     // loss + gradient at W_, into history_.back() / gradient_
  const Matrix& evaluationMemories();  // all memories, or this evaluation's minibatch
  bool adamUpdate(int stepIndex);      // W_next_ from W_ and gradient_; false if not finite
  bool backtrackingStep();             // line search + evaluation; false only if no finite W

  std::shared_ptr<const Matrix> memories_;
  Stage1Config config_;
  Matrix W_, gradient_, adamM_, adamV_;
  Matrix nextW_;  // double buffer: the candidate W of a step
  LossWorkspace workspace_;
  LossEvaluation evaluation_;
  LossEvaluation trial_;  // loss-only evaluations of the line search (gradient stays empty)
  const Matrix* evaluated_ =
      nullptr;                   // the memories of the last evaluate() (the batch to search on)
  Matrix batch_;                 // d × B gathered minibatch
  std::vector<int> batchIndex_;  // sampling scratch
  double rate_ = 0;
  double adamScale_ = 1;
  std::vector<Stage1Record> history_;
  bool diverged_ = false;
  std::string divergenceMessage_;
  std::string stallMessage_;
  bool stallIsFinal_ = false;
  bool firstTrialPending_ =
      true;             // no step accepted yet: the next trial is rate_ itself, not grown
  int lastTrials_ = 0;  // full batch: a stall at this W repeats, so later steps skip the search
};

}  // namespace uhop
