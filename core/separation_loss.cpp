#include "core/separation_loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/parallel_product.h"

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

LossEvaluation separationLossReference(const Matrix& W, const Matrix& memories, const LossConfig& config,
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

namespace {

struct PairStats {
  float gmax = -std::numeric_limits<float>::infinity();
  int bestLow = 0, bestHigh = 1;  // the pair (bestLow < bestHigh) attaining gmax
  double distanceSum = 0;
};

// Keeps the first maximum in the reference's scan order (column-major over the upper triangle:
// larger index outer, smaller inner), so ties resolve the same way for any thread count.
bool better(float g, int low, int high, const PairStats& s) {
  if (g != s.gmax) return g > s.gmax;
  return high < s.bestHigh || (high == s.bestHigh && low < s.bestLow);
}

}  // namespace

double separationLossFlops(int featureDim, int dimension, int memoryCount) {
  const double D = featureDim, d = dimension, M = memoryCount;
  return 4.0 * D * d * M + 4.0 * D * M * M;
}

void separationLoss(const Matrix& W, const Matrix& memories, const LossConfig& config, bool withGradient,
                    LossWorkspace& ws, LossEvaluation& out) {
  const int M = static_cast<int>(memories.cols());
  if (M < 2) throw ConfigError("the separation loss needs at least 2 memories");
  if (!(config.t > 0) || !std::isfinite(config.t)) throw ConfigError("the loss temperature t must be positive");
  const double t = config.t;
  const int D = static_cast<int>(W.rows());

  Matrix& F = ws.features;
  F.resize(D, M);
  parallelProduct(F, W, memories);
  // Only the lower triangle of the Gram is computed, and every M × M pass below walks the strict
  // lower triangle (each pair once); the pair weights are mirrored just before their product.
  Matrix& G = ws.pairs;
  lowerGram(F, G);

  Vector& inv = ws.inverseNorms;
  inv.resize(M);
  for (int m = 0; m < M; ++m) {
    const float norm = std::sqrt(G(m, m));
    if (!(norm > 1e-30f) || !std::isfinite(norm))
      throw ConfigError("memory " + std::to_string(m) +
                        " has a zero or non-finite feature vector Wξ; the separation loss needs Wξ ≠ 0");
    inv(m) = 1.0f / norm;
  }

  // Pass 1: normalise the strict lower triangle in place (G_μν ← ⟨φ̂_μ, φ̂_ν⟩), find its largest
  // entry and sum the pairwise distances √(2 − 2G).
  // Per-column partial sums, added up serially below: the bits do not depend on the scheduling.
  VectorD& columnSums = ws.columnSums;
  columnSums.setZero(M);
  PairStats stats;
#pragma omp parallel if (worthSplitting(static_cast<long>(M) * M))
  {
    PairStats local;
#pragma omp for schedule(dynamic, 8) nowait
    for (int j = 0; j < M - 1; ++j) {
      Eigen::Map<Eigen::ArrayXf> below(G.col(j).data() + j + 1, M - j - 1);
      below *= inv.array().tail(M - j - 1) * inv(j);
      Eigen::Index at = 0;
      const float colMax = below.maxCoeff(&at);
      if (better(colMax, j, j + 1 + static_cast<int>(at), local)) {
        local.gmax = colMax;
        local.bestLow = j;
        local.bestHigh = j + 1 + static_cast<int>(at);
      }
      columnSums(j) = static_cast<double>((2.0f - 2.0f * below).max(0.0f).sqrt().sum());
    }
#pragma omp critical
    {
      if (better(local.gmax, local.bestLow, local.bestHigh, stats)) {
        stats.gmax = local.gmax;
        stats.bestLow = local.bestLow;
        stats.bestHigh = local.bestHigh;
      }
    }
  }
  stats.distanceSum = columnSums.sum();
  const double pairCount = 0.5 * M * (M - 1.0);
  const double gmax = stats.gmax;
  out.minDistance = std::sqrt(std::max(0.0, 2.0 - 2.0 * gmax));
  out.meanDistance = stats.distanceSum / pairCount;

  if (config.kind == LossKind::WorstPair) {
    out.loss = -2.0 * t + 2.0 * t * gmax;
    if (!withGradient) {
      out.gradient.resize(0, 0);
      return;
    }
    // Only the closest pair (a, b) moves: ∂L/∂F_a = 2t (φ̂_b − G_ab φ̂_a) / ‖F_a‖, and symmetrically.
    const int a = stats.bestLow, b = stats.bestHigh;
    const float g = G(b, a), scale = static_cast<float>(2.0 * t);
    Vector gradA = scale * inv(a) * (F.col(b) * inv(b) - g * inv(a) * F.col(a));
    Vector gradB = scale * inv(b) * (F.col(a) * inv(a) - g * inv(b) * F.col(b));
    out.gradient.resize(D, memories.rows());
    out.gradient.noalias() = gradA * memories.col(a).transpose();
    out.gradient.noalias() += gradB * memories.col(b).transpose();
    return;
  }

  // Pass 2 (average), strict lower triangle: e_μν = exp(2t (G_μν − gmax)) and, in place, the
  // off-diagonal pair weights Q_μν = e_μν / (‖F_μ‖‖F_ν‖); the diagonal of Q is 0.
  const float c = static_cast<float>(2.0 * t), gmaxF = stats.gmax;
  columnSums(M - 1) = 0;
#pragma omp parallel for schedule(dynamic, 8) if (worthSplitting(static_cast<long>(M) * M))
  for (int j = 0; j < M - 1; ++j) {
    Eigen::Map<Eigen::ArrayXf> below(G.col(j).data() + j + 1, M - j - 1);
    below = (c * (below - gmaxF)).exp();
    columnSums(j) = static_cast<double>(below.sum());
    if (withGradient) {
      below *= inv.array().tail(M - j - 1) * inv(j);
      G(j, j) = 0.0f;
    }
  }
  G(M - 1, M - 1) = 0.0f;
  const double sum = columnSums.sum();  // Σ_{μ<ν} e_μν
  out.loss = -2.0 * t + 2.0 * t * gmax + std::log(sum / pairCount);
  if (!withGradient) {
    out.gradient.resize(0, 0);
    return;
  }
  // P = (2t / Σe) F Q, then the radial part is removed column by column:
  //   ∂L/∂F_μ = P_μ − (⟨F_μ, P_μ⟩ / ‖F_μ‖²) F_μ,
  // since ⟨F_μ, (F Q)_μ⟩ = Σ_ν e_μν G_μν: the −Σ_ν e_μν G_μν / ‖F_μ‖² diagonal term of the header.
  mirrorLowerToUpper(G);
  Matrix& gradF = ws.featureGrad;
  gradF.resize(D, M);
  parallelProduct(gradF, F, G, static_cast<float>(2.0 * t / sum));
#pragma omp parallel for schedule(static) if (worthSplitting(static_cast<long>(D) * M))
  for (int m = 0; m < M; ++m) {
    const float radial = F.col(m).dot(gradF.col(m)) * inv(m) * inv(m);
    gradF.col(m) -= radial * F.col(m);
  }
  out.gradient.resize(D, memories.rows());
  parallelProduct(out.gradient, gradF, memories.transpose());
}

LossEvaluation separationLoss(const Matrix& W, const Matrix& memories, const LossConfig& config,
                              bool withGradient) {
  LossWorkspace workspace;
  LossEvaluation out;
  separationLoss(W, memories, config, withGradient, workspace, out);
  return out;
}

}  // namespace uhop
