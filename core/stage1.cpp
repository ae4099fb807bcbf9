#include "core/stage1.h"

#include <cmath>
#include <sstream>

namespace uhop {

OptimizerKind parseOptimizer(const std::string& name) {
  if (name == "default" || name == "adam") return OptimizerKind::Default;
  if (name == "gd") return OptimizerKind::GradientDescent;
  if (name == "reference") return OptimizerKind::Reference;
  throw ConfigError("unknown optimizer '" + name + "' (expected default, gd or reference)");
}

std::string optimizerName(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Default: return "default";
    case OptimizerKind::GradientDescent: return "gd";
    case OptimizerKind::Reference: return "reference";
  }
  return "?";
}

double defaultLearningRate(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Default: return 0.05;
    case OptimizerKind::GradientDescent: return 0.5;
    case OptimizerKind::Reference: return 0.5;
  }
  return 0.1;
}

Stage1::Stage1(std::shared_ptr<const Matrix> memories, const Stage1Config& config)
    : Stage1(memories, config,
             initFeatureMap(config.init, config.featureDim > 0 ? config.featureDim : static_cast<int>(memories->rows()),
                            static_cast<int>(memories->rows()), config.seed)) {}

Stage1::Stage1(std::shared_ptr<const Matrix> memories, const Stage1Config& config, Matrix initialW)
    : memories_(std::move(memories)), config_(config), W_(std::move(initialW)) {
  if (!memories_ || memories_->cols() < 2) throw ConfigError("Stage I needs at least 2 memories");
  if (W_.cols() != memories_->rows())
    throw ConfigError("feature map has " + std::to_string(W_.cols()) + " columns but memories have dimension " +
                      std::to_string(memories_->rows()));
  if (config_.steps < 0 || config_.steps > 1000000) throw ConfigError("Stage I steps must be in 0..1000000");
  if (config_.learningRate == 0) config_.learningRate = defaultLearningRate(config_.optimizer);
  if (!(config_.learningRate > 0) || !std::isfinite(config_.learningRate)) {
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
}

void Stage1::evaluate() {
  LossEvaluation e = separationLoss(W_, *memories_, config_.loss, true);
  Stage1Record& r = history_.back();
  r.loss = e.loss;
  r.minDistance = e.minDistance;
  r.meanDistance = e.meanDistance;
  r.gradientNorm = e.gradient.norm();
  gradient_ = std::move(e.gradient);
}

bool Stage1::step() {
  if (diverged_) return false;
  Matrix previous = W_;
  const int i = stepsDone();
  switch (config_.optimizer) {
    case OptimizerKind::Default: {
      constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
      if (adamM_.size() == 0) {
        adamM_ = Matrix::Zero(W_.rows(), W_.cols());
        adamV_ = Matrix::Zero(W_.rows(), W_.cols());
      }
      adamM_ = b1 * adamM_ + (1 - b1) * gradient_;
      adamV_ = b2 * adamV_ + (1 - b2) * gradient_.cwiseAbs2();
      const double c1 = 1 - std::pow(b1, i + 1), c2 = 1 - std::pow(b2, i + 1);
      const float stepSize = static_cast<float>(rate_ * adamScale_ / c1);
      const float vScale = static_cast<float>(1.0 / c2);
      W_.array() -= stepSize * adamM_.array() / ((adamV_.array() * vScale).sqrt() + float(eps * adamScale_));
      break;
    }
    case OptimizerKind::GradientDescent:
      W_ -= static_cast<float>(rate_) * gradient_;
      break;
    case OptimizerKind::Reference:
      W_ -= static_cast<float>(rate_) * gradient_;
      rate_ /= std::sqrt(static_cast<double>(i + 1));
      break;
  }
  history_.emplace_back();
  bool ok = W_.allFinite();
  if (ok) {
    try {
      evaluate();
      ok = std::isfinite(history_.back().loss) && gradient_.allFinite();
    } catch (const ConfigError&) {
      ok = false;
    }
  }
  if (!ok) {
    history_.pop_back();
    W_ = std::move(previous);
    evaluate();
    diverged_ = true;
    divergenceMessage_ = "Stage I diverged at step " + std::to_string(i + 1) +
                         " (non-finite loss or W); kept the W of step " + std::to_string(i) +
                         ". Lower the learning rate.";
    return false;
  }
  return true;
}

void Stage1::run(const std::atomic<bool>* cancel) {
  while (!finished()) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return;
    step();
  }
}

Matrix Stage1::finalFeatureMap() const {
  Matrix W = W_;
  if (config_.normalizeRows) normalizeRows(W);
  return W;
}

}  // namespace uhop
