#include "core/feature_view.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace uhop {
namespace {

// Makes the largest-magnitude entry of each row non-negative.
void fixSigns(PlaneLayout& layout) {
  for (int r = 0; r < 2; ++r) {
    if (layout.cols() == 0) return;
    Eigen::Index at = 0;
    layout.row(r).cwiseAbs().maxCoeff(&at);
    if (layout(r, at) < 0) layout.row(r) *= -1;
  }
}

// The two leading eigenpairs (eigenvalues descending) of the symmetric positive semi-definite S.
// A full eigen-decomposition of a 784 × 784 matrix takes about a second; block subspace iteration
// (six vectors, re-orthonormalised each round, then Rayleigh–Ritz) needs only matrix–block
// products and converges at the rate λ₇/λ₂. Small matrices take the direct solver.
void leadingEigenpairs(const MatrixD& S, Eigen::Vector2d& values,
                       Eigen::Matrix<double, Eigen::Dynamic, 2>& vectors) {
  const Eigen::Index n = S.rows();
  if (n <= 64) {
    Eigen::SelfAdjointEigenSolver<MatrixD> eig(S);
    vectors.setZero(n, 2);
    values.setZero();
    for (int k = 0; k < 2 && k < n; ++k) {
      values(k) = eig.eigenvalues()(n - 1 - k);
      vectors.col(k) = eig.eigenvectors().col(n - 1 - k);
    }
    return;
  }
  const Eigen::Index block = 6;
  // A fixed start (not random) keeps the layout reproducible run to run.
  MatrixD Q(n, block);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < block; ++j)
      Q(i, j) = std::cos(0.7 * double(i + 1) * double(j + 1)) + (i % (j + 2) == 0);
  Eigen::VectorXd previous = Eigen::VectorXd::Zero(block);
  Eigen::SelfAdjointEigenSolver<MatrixD> ritz;
  for (int iteration = 0; iteration < 500; ++iteration) {
    Eigen::HouseholderQR<MatrixD> qr(S * Q);
    Q = qr.householderQ() * MatrixD::Identity(n, block);
    ritz.compute(Q.transpose() * S * Q);
    const Eigen::VectorXd current = ritz.eigenvalues();
    const double scale = std::max(std::abs(current(block - 1)), 1e-300);
    const bool settled = std::abs(current(block - 1) - previous(block - 1)) <= 1e-13 * scale &&
                         std::abs(current(block - 2) - previous(block - 2)) <= 1e-13 * scale;
    previous = current;
    if (settled && iteration > 2) break;
  }
  vectors.resize(n, 2);
  for (int k = 0; k < 2; ++k) {
    values(k) = ritz.eigenvalues()(block - 1 - k);
    vectors.col(k) = Q * ritz.eigenvectors().col(block - 1 - k);
  }
}

}  // namespace

PlaneLayout principalLayout(const Matrix& X) {
  const Eigen::Index d = X.rows(), n = X.cols();
  PlaneLayout layout = PlaneLayout::Zero(2, n);
  if (n < 2 || d == 0) return layout;
  const Vector mean = X.rowwise().mean();
  const Matrix centred = X.colwise() - mean;
  // C = UΣVᵀ: the coordinates on the axes U are ΣVᵀ. Whichever of CCᵀ (d × d) and CᵀC (N × N) is
  // smaller gives them: from CCᵀ as U_kᵀC, from CᵀC as √λ_k v_kᵀ. The product runs in float (one
  // SGEMM), the eigen-decomposition in double.
  Eigen::Vector2d values;
  Eigen::Matrix<double, Eigen::Dynamic, 2> vectors;
  if (d <= n) {
    const MatrixD cov = (centred * centred.transpose()).cast<double>();
    leadingEigenpairs(cov, values, vectors);
    const MatrixD centredD = centred.cast<double>();
    for (int k = 0; k < 2; ++k)
      if (values(k) > 1e-12 * std::max(1.0, values(0)))
        layout.row(k) = vectors.col(k).transpose() * centredD;
  } else {
    const MatrixD gram = (centred.transpose() * centred).cast<double>();
    leadingEigenpairs(gram, values, vectors);
    for (int k = 0; k < 2; ++k)
      if (values(k) > 1e-12 * std::max(1.0, values(0)))
        layout.row(k) = std::sqrt(values(k)) * vectors.col(k).transpose();
  }
  fixSigns(layout);
  return layout;
}

Eigen::Matrix2d procrustesRotation(const PlaneLayout& current, const PlaneLayout& target) {
  if (current.cols() != target.cols())
    throw ConfigError("Procrustes alignment of " + std::to_string(current.cols()) + " onto " +
                      std::to_string(target.cols()) + " points");
  const Eigen::Matrix2d m = target * current.transpose();
  Eigen::JacobiSVD<Eigen::Matrix2d> svd(m, Eigen::ComputeFullU | Eigen::ComputeFullV);
  return svd.matrixU() * svd.matrixV().transpose();
}

PlaneLayout featureLayout(const Matrix& memories, const Matrix& W, const PlaneLayout* previous) {
  if (W.cols() != memories.rows())
    throw ConfigError("feature layout: W has " + std::to_string(W.cols()) +
                      " columns, the memories " + std::to_string(memories.rows()) + " rows");
  Matrix features = W * memories;
  for (Eigen::Index m = 0; m < features.cols(); ++m) {
    const float norm = features.col(m).norm();
    if (norm > 0) features.col(m) /= norm;
  }
  PlaneLayout layout = principalLayout(features);
  if (previous && previous->cols() == layout.cols() && layout.cols() > 0)
    layout = procrustesRotation(layout, *previous) * layout;
  return layout;
}

std::vector<int> labelOrder(const std::vector<int>& labels, int count) {
  std::vector<int> order(std::max(count, 0));
  std::iota(order.begin(), order.end(), 0);
  if (static_cast<int>(labels.size()) >= count)
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return labels[a] < labels[b]; });
  return order;
}

MatrixD similarityMap(const Matrix& memories, const Matrix* W, const std::vector<int>& order,
                      int maxCount) {
  const int m = static_cast<int>(order.size());
  if (m > maxCount)
    throw ConfigError("similarity map of " + std::to_string(m) + " memories: at most " +
                      std::to_string(maxCount) + " are drawn");
  Matrix picked(memories.rows(), m);
  for (int i = 0; i < m; ++i) {
    if (order[i] < 0 || order[i] >= memories.cols())
      throw ConfigError("similarity map: memory " + std::to_string(order[i]) + " does not exist");
    picked.col(i) = memories.col(order[i]);
  }
  if (W && W->cols() != memories.rows())
    throw ConfigError("similarity map: W does not match the memories' dimension");
  const MatrixD features =
      W ? MatrixD((*W * picked).cast<double>()) : MatrixD(picked.cast<double>());
  return features.transpose() * features;
}

}  // namespace uhop
