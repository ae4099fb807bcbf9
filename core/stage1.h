// Stage I as a step-able optimiser (PAPER.md, Algorithm 1 step 1–2): each step() does one update
// of W on the separation loss and records loss, min and mean pairwise feature distance.
//
// Optimisers:
//   default    Adam (β₁ 0.9, β₂ 0.999) with step size lr · rms(W₀), so the same lr works for
//              identity and Gaussian inits (the loss is invariant to the scale of W). Adam is the
//              robust default: it keeps moving where the raw gradient is tiny or badly scaled.
//   gd         W ← W − lr ∇L, constant rate.
//   reference  the public scripts' schedule: after step i the rate is divided by √(i+1),
//              cumulatively (PAPER.md deviation 3) — it stalls after about a dozen steps.
// A step that produces a non-finite loss or W is rejected: W keeps the last good value, the
// optimiser reports divergence and refuses further steps.
//
// Minibatch mode (batchSize B with 2 ≤ B < M): every evaluation uses B memories drawn without
// replacement by a generator seeded with (seed, evaluation index), so runs are reproducible and the
// cost per step is O(D·d·B + D·B²) whatever M is. The recorded loss and distances are then those of
// the batch (a noisy estimate of the full-set values).
// A step reuses all of its buffers (loss workspace, gradient, Adam moments, W double buffer).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/feature_map.h"
#include "core/separation_loss.h"

namespace uhop {

enum class OptimizerKind { Default, GradientDescent, Reference };
OptimizerKind parseOptimizer(const std::string& name);  // "default" | "gd" | "reference"
std::string optimizerName(OptimizerKind kind);

struct Stage1Config {
  int featureDim = 0;  // D_Φ; 0 = the memories' dimension d
  FeatureInit init = FeatureInit::Identity;
  uint64_t seed = 0;
  LossConfig loss;
  OptimizerKind optimizer = OptimizerKind::Default;
  double learningRate = 0;  // 0 = the optimiser's default (defaultLearningRate)
  int steps = 100;
  bool normalizeRows = true;  // applied by finalFeatureMap() (the paper's step 2)
  int batchSize = 0;          // memories per step; 0 (or ≥ M) = full batch
};

double defaultLearningRate(OptimizerKind kind);

struct Stage1Record {
  double loss = 0;
  double minDistance = 0;
  double meanDistance = 0;
  double gradientNorm = 0;  // ‖∇L‖_F at this W (0 for the last record until a step is taken)
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
  const std::vector<Stage1Record>& history() const { return history_; }
  const Stage1Config& config() const { return config_; }
  double learningRate() const { return rate_; }

  const Matrix& featureMap() const { return W_; }  // current (last good) W
  Matrix finalFeatureMap() const;                  // W with rows normalised if configured

 private:
  void evaluate();  // loss + gradient at W_, into history_.back() / gradient_
  const Matrix& evaluationMemories();  // all memories, or this evaluation's minibatch
  bool adamUpdate(int stepIndex);      // W_next_ from W_ and gradient_; false if not finite

  std::shared_ptr<const Matrix> memories_;
  Stage1Config config_;
  Matrix W_, gradient_, adamM_, adamV_;
  Matrix nextW_;                 // double buffer: the candidate W of a step
  LossWorkspace workspace_;
  LossEvaluation evaluation_;
  Matrix batch_;                 // d × B gathered minibatch
  std::vector<int> batchIndex_;  // sampling scratch
  double rate_ = 0;
  double adamScale_ = 1;
  std::vector<Stage1Record> history_;
  bool diverged_ = false;
  std::string divergenceMessage_;
};

}  // namespace uhop
