#include "core/separation_loss.h"

#include <cmath>
#include <limits>

namespace uhop {
namespace {

// Normalises the columns of F in place and returns their original norms; throws when a memory
// is mapped to (numerically) zero, where φ̂ is undefined.
Vector normalizeColumns(Matrix& F) {
  Vector norms = F.colwise().norm().transpose();
  for (int m = 0; m < F.cols(); ++m) {
    if (!(norms(m) > 1e-30f) || !std::isfinite(norms(m)))
      throw ConfigError("memory " + std::to_string(m) +
                        " has a zero or non-finite feature vector Wξ; the separation loss needs Wξ ≠ 0");
    F.col(m) /= norms(m);
  }
  return norms;
}

void distanceStatsFromGram(const Matrix& G, double& minDistance, double& meanDistance) {
  const int M = static_cast<int>(G.cols());
  double minD = std::numeric_limits<double>::infinity(), sum = 0;
  for (int j = 1; j < M; ++j)
    for (int i = 0; i < j; ++i) {
      double d = std::sqrt(std::max(0.0, 2.0 - 2.0 * G(i, j)));
      minD = std::min(minD, d);
      sum += d;
    }
  minDistance = minD;
  meanDistance = sum / (0.5 * M * (M - 1.0));
}

}  // namespace

LossKind parseLossKind(const std::string& name) {
  if (name == "avg" || name == "average") return LossKind::Average;
  if (name == "max" || name == "worst-pair") return LossKind::WorstPair;
  throw ConfigError("unknown separation loss '" + name + "' (expected avg or max)");
}

std::string lossKindName(LossKind kind) { return kind == LossKind::Average ? "avg" : "max"; }

void pairwiseDistanceStats(const Matrix& features, double& minDistance, double& meanDistance) {
  Matrix F = features;
  normalizeColumns(F);
  Matrix G = F.transpose() * F;
  distanceStatsFromGram(G, minDistance, meanDistance);
}

LossEvaluation separationLoss(const Matrix& W, const Matrix& memories, const LossConfig& config,
                              bool withGradient) {
  const int M = static_cast<int>(memories.cols());
  if (M < 2) throw ConfigError("the separation loss needs at least 2 memories");
  if (!(config.t > 0) || !std::isfinite(config.t)) throw ConfigError("the loss temperature t must be positive");
  const double t = config.t;

  Matrix Fhat = W * memories;  // F = WΞ, D × M
  Vector norms = normalizeColumns(Fhat);
  Matrix G = Fhat.transpose() * Fhat;

  LossEvaluation out;
  distanceStatsFromGram(G, out.minDistance, out.meanDistance);

  // Ω: symmetric weights ∂L/∂G over pairs (times 1/(2t)), zero diagonal.
  Matrix omega = Matrix::Zero(M, M);
  double gmax = -std::numeric_limits<double>::infinity();
  int bestI = 0, bestJ = 1;
  for (int j = 1; j < M; ++j)
    for (int i = 0; i < j; ++i)
      if (G(i, j) > gmax) {
        gmax = G(i, j);
        bestI = i;
        bestJ = j;
      }
  if (config.kind == LossKind::WorstPair) {
    out.loss = -2.0 * t + 2.0 * t * gmax;
    omega(bestI, bestJ) = omega(bestJ, bestI) = 1.0f;
  } else {
    // log-mean-exp stabilised by the largest exponent 2t·gmax.
    double sum = 0;
    for (int j = 1; j < M; ++j)
      for (int i = 0; i < j; ++i) {
        double e = std::exp(2.0 * t * (G(i, j) - gmax));
        omega(i, j) = static_cast<float>(e);
        sum += e;
      }
    const double pairs = 0.5 * M * (M - 1.0);
    out.loss = -2.0 * t + 2.0 * t * gmax + std::log(sum / pairs);
    for (int j = 1; j < M; ++j)
      for (int i = 0; i < j; ++i) omega(j, i) = omega(i, j) = static_cast<float>(omega(i, j) / sum);
  }
  if (!withGradient) return out;

  Matrix gradFhat = Fhat * omega;  // Σ_ν Ω_μν φ̂_ν, times 2t below
  gradFhat *= static_cast<float>(2.0 * t);
  // Project out the radial part and divide by ‖F_μ‖ (derivative of x / ‖x‖).
  Eigen::RowVectorXf radial = (Fhat.array() * gradFhat.array()).colwise().sum();
  Matrix gradF = gradFhat - Fhat * radial.asDiagonal();
  for (int m = 0; m < M; ++m) gradF.col(m) /= norms(m);
  out.gradient.noalias() = gradF * memories.transpose();
  return out;
}

}  // namespace uhop
