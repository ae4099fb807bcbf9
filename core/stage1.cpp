#include "core/stage1.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "core/parallel_product.h"
#include "core/random.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace uhop {

OptimizerKind parseOptimizer(const std::string& name) {
  if (name == "backtracking") return OptimizerKind::Backtracking;
  // "default" named the relative Adam before backtracking became the default; scripts and saved
  // sessions that say "default" keep getting exactly that optimiser.
  if (name == "adam" || name == "default") return OptimizerKind::Adam;
  if (name == "gd") return OptimizerKind::GradientDescent;
  if (name == "reference") return OptimizerKind::Reference;
  throw ConfigError(
      "unknown optimizer '" + name +
      "' (expected backtracking, adam, gd or reference; default is an alias of adam)");
}

std::string optimizerName(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Backtracking:
      return "backtracking";
    case OptimizerKind::Adam:
      return "adam";
    case OptimizerKind::GradientDescent:
      return "gd";
    case OptimizerKind::Reference:
      return "reference";
  }
  return "?";
}

const std::vector<std::string>& optimizerNames() {
  static const std::vector<std::string> names{"backtracking", "adam", "gd", "reference", "default"};
  return names;
}

double defaultLearningRate(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Backtracking:
      return 0;
    case OptimizerKind::Adam:
      return 0.05;
    case OptimizerKind::GradientDescent:
      return 0.5;
    case OptimizerKind::Reference:
      return 0.5;
  }
  return 0.1;
}

namespace {
int memoryDimension(const std::shared_ptr<const Matrix>& memories) {
  if (!memories || memories->cols() < 2) throw ConfigError("Stage I needs at least 2 memories");
  return static_cast<int>(memories->rows());
}
}  // namespace

Matrix initialFeatureMap(const Stage1Config& config, int dimension) {
  return initFeatureMap(config.init, config.featureDim > 0 ? config.featureDim : dimension,
                        dimension, config.seed);
}

Matrix initialKernelFeatureMap(const Stage1Config& config, int dimension,
                               std::optional<KernelScale> scale) {
  return kernelFeatureMap(initialFeatureMap(config, dimension), config.normalizeRows, scale);
}

Stage1::Stage1(std::shared_ptr<const Matrix> memories, const Stage1Config& config)
    : Stage1(memories, config, initialFeatureMap(config, memoryDimension(memories))) {}

Stage1::Stage1(std::shared_ptr<const Matrix> memories, const Stage1Config& config, Matrix initialW)
    : memories_(std::move(memories)), config_(config), W_(std::move(initialW)) {
  if (!memories_ || memories_->cols() < 2) throw ConfigError("Stage I needs at least 2 memories");
  if (W_.cols() != memories_->rows())
    throw ConfigError("feature map has " + std::to_string(W_.cols()) +
                      " columns but memories have dimension " + std::to_string(memories_->rows()));
  if (config_.steps < 0 || config_.steps > 1000000)
    throw ConfigError("Stage I steps must be in 0..1000000");
  if (config_.batchSize < 0 || config_.batchSize == 1)
    throw ConfigError("Stage I batch size must be 0 (full batch) or at least 2 (got " +
                      std::to_string(config_.batchSize) + ")");
  if (config_.learningRate == 0) config_.learningRate = defaultLearningRate(config_.optimizer);
  const bool autoTrial =
      config_.optimizer == OptimizerKind::Backtracking && config_.learningRate == 0;
  if (!autoTrial && (!(config_.learningRate > 0) || !std::isfinite(config_.learningRate))) {
    std::ostringstream msg;
    msg << "learning rate must be a positive finite number (got " << config_.learningRate << ")";
    throw ConfigError(msg.str());
  }
  rate_ = config_.learningRate;
  // Adam moves every entry by about lr per step; scale by the typical entry so the rate is
  // relative to W's own size (identity: 1/√d per entry on average, Gaussian: 1).
  adamScale_ = std::sqrt(W_.cast<double>().squaredNorm() / static_cast<double>(W_.size()));
  history_.emplace_back();
  evaluate();
  if (!std::isfinite(history_.back().loss)) {
    diverged_ = true;
    divergenceMessage_ = "the separation loss is not finite at the initial W";
  }
  if (autoTrial) {
    // A first trial that moves W by its own norm: scale-free (∇L(cW) = ∇L(W)/c) and large
    // enough that the line search only ever shrinks it at the start.
    const double g = history_.back().gradientNorm, w = std::sqrt(W_.cast<double>().squaredNorm());
    rate_ = g > 0 && std::isfinite(g) && w > 0 && std::isfinite(w / g) ? w / g : 1.0;
    config_.learningRate = rate_;
  }
}

const Matrix& Stage1::evaluationMemories() {
  const Matrix& all = *memories_;
  const int M = static_cast<int>(all.cols()), B = config_.batchSize;
  if (B <= 0 || B >= M) return all;
  // Partial Fisher–Yates from the identity permutation, seeded by (seed, evaluation index): the
  // batch of evaluation k does not depend on what happened before it.
  Random rng(deriveSeed(config_.seed ^ 0x6261746368ull, history_.size() - 1));
  batchIndex_.resize(M);
  std::iota(batchIndex_.begin(), batchIndex_.end(), 0);
  for (int b = 0; b < B; ++b) {
    const int pick = b + static_cast<int>(rng.uniform() * (M - b));
    std::swap(batchIndex_[b], batchIndex_[std::min(pick, M - 1)]);
  }
  std::sort(batchIndex_.begin(), batchIndex_.begin() + B);  // gather in memory order
  batch_.resize(all.rows(), B);
  for (int b = 0; b < B; ++b) batch_.col(b) = all.col(batchIndex_[b]);
  return batch_;
}

void Stage1::evaluate() {
  evaluated_ = &evaluationMemories();
  separationLoss(W_, *evaluated_, config_.loss, true, workspace_, evaluation_);
  Stage1Record& r = history_.back();
  r.loss = evaluation_.loss;
  r.minDistance = evaluation_.minDistance;
  r.meanDistance = evaluation_.meanDistance;
  r.gradientNorm = std::sqrt(squaredNormSplit(evaluation_.gradient));
  gradient_.swap(evaluation_.gradient);  // keeps both buffers allocated
}

// One fused pass over W, ∇L and the moments (split between the cores), writing the candidate W
// into nextW_ so a rejected step costs no copy. Same arithmetic, in the same order, as the
// straightforward Eigen expressions of the update.
bool Stage1::adamUpdate(int i) {
  const Eigen::Index n = W_.size();
  nextW_.resize(W_.rows(), W_.cols());
  const float* g = gradient_.data();
  const float* w = W_.data();
  float* wn = nextW_.data();
  bool finite = true;
  switch (config_.optimizer) {
    case OptimizerKind::Adam: {
      constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
      if (adamM_.size() == 0) {
        adamM_ = Matrix::Zero(W_.rows(), W_.cols());
        adamV_ = Matrix::Zero(W_.rows(), W_.cols());
      }
      const double c1 = 1 - std::pow(b1, i + 1), c2 = 1 - std::pow(b2, i + 1);
      const float stepSize = static_cast<float>(rate_ * adamScale_ / c1);
      const float vScale = static_cast<float>(1.0 / c2);
      const float epsF = static_cast<float>(eps * adamScale_);
      const float b1F = static_cast<float>(b1), b1C = static_cast<float>(1 - b1);
      const float b2F = static_cast<float>(b2), b2C = static_cast<float>(1 - b2);
      float* m = adamM_.data();
      float* v = adamV_.data();
      // Memory-bound with a square root and a division per entry (a 784 × 784 W takes ~0.8 ms
      // on one core).
#pragma omp parallel reduction(&& : finite) if (worthSplitting(n))
      {
#ifdef _OPENMP
        const Eigen::Index T = omp_get_num_threads(), id = omp_get_thread_num();
#else
        const Eigen::Index T = 1, id = 0;
#endif
        const Eigen::Index begin = n * id / T, end = n * (id + 1) / T;
        // In L1-sized pieces, so the three updates and the check read each entry from cache.
        constexpr Eigen::Index kPiece = 2048;
        for (Eigen::Index p = begin; p < end; p += kPiece) {
          const Eigen::Index len = std::min(kPiece, end - p);
          Eigen::Map<const Eigen::ArrayXf> gA(g + p, len), wA(w + p, len);
          Eigen::Map<Eigen::ArrayXf> mA(m + p, len), vA(v + p, len), wnA(wn + p, len);
          mA = b1F * mA + b1C * gA;
          vA = b2F * vA + b2C * gA.square();
          wnA = wA - stepSize * mA / ((vA * vScale).sqrt() + epsF);
          finite = finite && wnA.allFinite();
        }
      }
      return finite;
    }
    case OptimizerKind::Backtracking:  // not reached: step() searches instead
    case OptimizerKind::GradientDescent:
    case OptimizerKind::Reference: {
      const float rate = static_cast<float>(rate_);
      Eigen::Map<const Eigen::ArrayXf> gA(g, n), wA(w, n);
      Eigen::Map<Eigen::ArrayXf> wnA(wn, n);
      wnA = wA - rate * gA;
      if (config_.optimizer == OptimizerKind::Reference)
        rate_ /= std::sqrt(static_cast<double>(i + 1));
      return wnA.allFinite();
    }
  }
  return false;
}

// Backtracking Armijo line search along −∇L (on the memories the gradient was computed on):
// the candidate goes to nextW_ and the accepted γ to rate_; false when kMaxHalvings halvings
// found no step with L(W − γ∇L) ≤ L(W) − c·γ‖∇L‖² (non-finite trials count as failures).
bool Stage1::backtrackingStep() {
  const Stage1Record& here = history_.back();
  const double loss0 = here.loss, g2 = here.gradientNorm * here.gradientNorm;
  double gamma = firstTrialPending_ ? rate_ : kGrowth * rate_;
  lastTrials_ = 0;
  nextW_.resize(W_.rows(), W_.cols());
  for (int h = 0; h <= kMaxHalvings; ++h, gamma *= 0.5) {
    ++lastTrials_;
    nextW_ = W_ - static_cast<float>(gamma) * gradient_;
    if (!nextW_.allFinite()) continue;
    try {
      separationLoss(nextW_, *evaluated_, config_.loss, false, workspace_, trial_);
    } catch (const ConfigError&) {
      continue;  // a memory mapped to the zero vector: no loss there, try a shorter step
    }
    if (std::isfinite(trial_.loss) && trial_.loss <= loss0 - kArmijo * gamma * g2) {
      rate_ = gamma;
      firstTrialPending_ = false;
      return true;
    }
  }
  return false;
}

bool Stage1::step() {
  if (diverged_) return false;
  const int i = stepsDone();
  double usedRate = rate_;
  int trials = 0;
  bool ok = true;
  if (config_.optimizer == OptimizerKind::Backtracking) {
    if (stallIsFinal_) {
      // Same W, same memories: the search would fail again. Record the step without moving.
      Stage1Record same = history_.back();
      same.rate = 0;
      same.trials = 0;
      history_.push_back(same);
      return true;
    }
    const bool found = backtrackingStep();
    trials = lastTrials_;
    usedRate = found ? rate_ : 0;
    if (!found) {
      // W is stationary to float precision along −∇L (on this batch): keep it. With minibatches
      // the next batch gives another direction, so only a full-batch stall is final.
      nextW_ = W_;
      stallIsFinal_ = config_.batchSize <= 0 || config_.batchSize >= memories_->cols();
      if (stallMessage_.empty())
        stallMessage_ =
            "Stage I stalled at step " + std::to_string(i + 1) +
            ": the line search found no step " +
            "that lowers the loss (W is stationary to float precision); kept the W of step " +
            std::to_string(i) + ".";
    }
  } else {
    ok = adamUpdate(i);
  }
  W_.swap(nextW_);  // nextW_ now holds the previous W
  history_.emplace_back();
  if (ok) {
    try {
      evaluate();
      // A finite ‖∇L‖ implies finite entries; only an overflowing norm needs the full check.
      ok = std::isfinite(history_.back().loss) &&
           (std::isfinite(history_.back().gradientNorm) || gradient_.allFinite());
    } catch (const ConfigError&) {
      ok = false;
    }
  }
  if (!ok) {
    history_.pop_back();
    W_.swap(nextW_);
    evaluate();
    diverged_ = true;
    divergenceMessage_ = "Stage I diverged at step " + std::to_string(i + 1) +
                         " (non-finite loss or W); kept the W of step " + std::to_string(i) + ".";
    if (config_.optimizer != OptimizerKind::Backtracking)
      divergenceMessage_ += " Lower the learning rate.";
    return false;
  }
  history_.back().rate = usedRate;
  history_.back().trials = trials;
  return true;
}

void Stage1::run(const std::atomic<bool>* cancel) {
  while (!finished()) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return;
    step();
  }
}

Matrix Stage1::finalFeatureMap() const {
  return kernelFeatureMap(W_, config_.normalizeRows, std::nullopt);
}

}  // namespace uhop
