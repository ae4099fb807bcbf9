#include "core/similarity.h"

#include "core/parallel_product.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace uhop {

SimilarityKind parseSimilarity(const std::string& name) {
  if (name == "dot") return SimilarityKind::Dot;
  if (name == "meanproj") return SimilarityKind::MeanProjected;
  if (name == "l2") return SimilarityKind::NegL2;
  if (name == "l1") return SimilarityKind::NegL1;
  if (name == "kernel") return SimilarityKind::Kernel;
  throw ConfigError("unknown similarity '" + name + "' (expected dot, meanproj, l2, l1 or kernel)");
}

std::string similarityName(SimilarityKind kind) {
  switch (kind) {
    case SimilarityKind::Dot: return "dot";
    case SimilarityKind::MeanProjected: return "meanproj";
    case SimilarityKind::NegL2: return "l2";
    case SimilarityKind::NegL1: return "l1";
    case SimilarityKind::Kernel: return "kernel";
  }
  return "?";
}

SimilarityOperator::SimilarityOperator(SimilarityKind kind, std::shared_ptr<const Matrix> memories,
                                       const Matrix* featureMap)
    : kind_(kind), memories_(std::move(memories)) {
  if (!memories_ || memories_->cols() == 0) throw ConfigError("a model needs at least one memory");
  const Matrix& xi = *memories_;
  switch (kind_) {
    case SimilarityKind::Dot: scoreMatrix_ = xi.transpose(); break;
    case SimilarityKind::MeanProjected: {
      // Mean in double; a mean that is only rounding noise next to the memories has no direction
      // (normalising it would project out an arbitrary one), so it counts as zero.
      VectorD mean = xi.cast<double>().rowwise().mean();
      const double norm = mean.norm(), scale = xi.cast<double>().colwise().norm().maxCoeff();
      meanDirection_ = norm > 1e-9 * scale ? Vector((mean / norm).cast<float>()) : Vector::Zero(xi.rows());
      scoreMatrix_ = xi.transpose();
      Vector projections = xi.transpose() * meanDirection_;
      scoreMatrix_.noalias() -= projections * meanDirection_.transpose();
      break;
    }
    case SimilarityKind::Kernel: {
      if (!featureMap) throw ConfigError("the kernel similarity needs a feature map W (run Stage I)");
      if (featureMap->cols() != xi.rows())
        throw ConfigError("feature map has " + std::to_string(featureMap->cols()) +
                          " columns but memories have dimension " + std::to_string(xi.rows()));
      featureMap_ = featureMap->cast<double>();
      Matrix features(featureMap->rows(), xi.cols());
      parallelProduct(features, *featureMap, xi);  // WΞ, D × M
      scoreMatrix_.resize(xi.cols(), featureMap->cols());
      parallelProduct(scoreMatrix_, features.transpose(), *featureMap);  // ΞᵀWᵀW, M × d
      break;
    }
    case SimilarityKind::NegL2: memoryNorms2_ = xi.cast<double>().colwise().squaredNorm().transpose(); break;
    case SimilarityKind::NegL1: break;
  }
}

void SimilarityOperator::scores(const Matrix& states, Matrix& out) const {
  const Matrix& xi = *memories_;
  if (isInnerProduct(kind_)) {
    out.resize(scoreMatrix_.rows(), states.cols());
    parallelProduct(out, scoreMatrix_, states);
    return;
  }
  const int M = static_cast<int>(xi.cols()), N = static_cast<int>(states.cols());
  out.resize(M, N);
  if (kind_ == SimilarityKind::NegL2) {
    // ‖ξ − x‖² = ‖ξ‖² − 2⟨ξ, x⟩ + ‖x‖² with the batched float product for ⟨ξ, x⟩. Its rounding
    // (~1e-6 of ‖ξ‖² + ‖x‖²) is all that is left when ξ ≈ x, where the square root magnifies it
    // (‖ξ − ξ‖ came out as 0.017 on images). Pairs that close are few (the memory a state is
    // converging to), so they are recomputed directly as Σ(ξ_i − x_i)² in double: exactly 0 for
    // x = ξ, and accurate to double rounding below the threshold.
    constexpr double kRefineBelow = 1.0 / 64;  // of ‖ξ‖² + ‖x‖²
    parallelProduct(out, xi.transpose(), states);
    const VectorD stateNorms2 = states.cast<double>().colwise().squaredNorm().transpose();
#pragma omp parallel for schedule(static) if (worthSplitting(static_cast<long>(M) * N))
    for (int n = 0; n < N; ++n)
      for (int m = 0; m < M; ++m) {
        const double scale = memoryNorms2_(m) + stateNorms2(n);
        double d2 = scale - 2.0 * out(m, n);
        if (d2 < kRefineBelow * scale) d2 = (xi.col(m).cast<double>() - states.col(n).cast<double>()).squaredNorm();
        out(m, n) = -static_cast<float>(std::sqrt(std::max(d2, 0.0)));
      }
    return;
  }
#pragma omp parallel for collapse(2) schedule(static)
  for (int n = 0; n < N; ++n)
    for (int m = 0; m < M; ++m) out(m, n) = -(xi.col(m) - states.col(n)).lpNorm<1>();
}

void SimilarityOperator::scoresDouble(const Matrix& states, MatrixD& out) const {
  if (!isInnerProduct(kind_)) throw ConfigError("l1/l2 similarities have no energy");
  const int M = static_cast<int>(scoreMatrix_.rows()), N = static_cast<int>(states.cols());
  out.resize(M, N);
  const MatrixD X = states.cast<double>();
  // A is cast in row blocks so the double copy stays a few MB however many memories there are;
  // each block is one DGEMM.
  constexpr int kBlock = 1024;
  MatrixD block;
  for (int r = 0; r < M; r += kBlock) {
    const int rows = std::min(kBlock, M - r);
    block = scoreMatrix_.middleRows(r, rows).cast<double>();
    out.middleRows(r, rows).noalias() = block * X;
  }
}

VectorD SimilarityOperator::selfSimilarity(const Matrix& states) const {
  const int N = static_cast<int>(states.cols());
  VectorD out(N);
  switch (kind_) {
    case SimilarityKind::Dot: {
      // The same reduction over double columns as the kernel's ‖Wx‖² below, so W = I gives the
      // dot model's energy bit for bit.
      const MatrixD X = states.cast<double>();
      for (int n = 0; n < N; ++n) out(n) = X.col(n).squaredNorm();
      break;
    }
    case SimilarityKind::MeanProjected:
      for (int n = 0; n < N; ++n) {
        double along = meanDirection_.cast<double>().dot(states.col(n).cast<double>());
        out(n) = states.col(n).cast<double>().squaredNorm() - along * along;
      }
      break;
    case SimilarityKind::Kernel: {
      const MatrixD features = featureMap_ * states.cast<double>();
      for (int n = 0; n < N; ++n) out(n) = features.col(n).squaredNorm();
      break;
    }
    default: out.setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

double SimilarityOperator::maxMemorySelfSimilarity() const {
  if (!isInnerProduct(kind_)) return std::numeric_limits<double>::quiet_NaN();
  return selfSimilarity(*memories_).maxCoeff();
}

}  // namespace uhop
