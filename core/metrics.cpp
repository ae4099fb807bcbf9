#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace uhop {

double retrievalError(const float* state, const float* target, int d) {
  double sum = 0;
  for (int i = 0; i < d; ++i) {
    double diff = std::clamp(state[i], 0.0f, 1.0f) - std::clamp(target[i], 0.0f, 1.0f);
    sum += diff * diff;
  }
  return sum;
}

int supportSize(const float* p, int M, double epsilon) {
  int count = 0;
  for (int i = 0; i < M; ++i) count += p[i] > epsilon;
  return count;
}

double supportEpsilon(const Separation& separation) {
  return separation.isSparse() ? 0.0 : kSupportEpsilon;
}

int k90(const float* p, int M) {
  std::vector<float> sorted(p, p + M);
  std::sort(sorted.begin(), sorted.end(), std::greater<float>());
  double total = 0;
  for (int k = 0; k < M; ++k) {
    total += sorted[k];
    // A hair of tolerance so a one-hot p rounded to 0.8999999 still counts as one memory.
    if (total >= kMetastableThreshold - 1e-6) return k + 1;
  }
  return M;
}

QueryOutcome assessQuery(const Matrix& finalStates, const Matrix& finalWeights,
                         const Matrix& memories, int column, int targetIndex,
                         const Separation& separation) {
  QueryOutcome out;
  const int M = static_cast<int>(finalWeights.rows());
  const float* p = finalWeights.col(column).data();
  out.error = retrievalError(finalStates.col(column).data(), memories.col(targetIndex).data(),
                             static_cast<int>(memories.rows()));
  out.retrieved = static_cast<int>(std::max_element(p, p + M) - p);
  out.maxWeight = p[out.retrieved];
  out.support = supportSize(p, M, supportEpsilon(separation));
  out.k90 = k90(p, M);
  out.metastable = out.maxWeight < kMetastableThreshold;
  out.correct = !out.metastable && out.retrieved == targetIndex;
  return out;
}

OutcomeSummary summarize(const std::vector<QueryOutcome>& outcomes) {
  OutcomeSummary s;
  s.supportHistogram.assign(10, 0);
  if (outcomes.empty()) return s;
  for (const QueryOutcome& o : outcomes) {
    s.meanError += o.error;
    s.correctFraction += o.correct;
    s.metastableFraction += o.metastable;
    s.wrongSingleFraction += !o.correct && !o.metastable;
    if (o.support <= 0)
      s.diffuseCount += 1;  // its own bar: not a single-memory retrieval
    else
      s.supportHistogram[std::min(o.support, 10) - 1] += 1;
  }
  const double n = static_cast<double>(outcomes.size());
  s.meanError /= n;
  s.correctFraction /= n;
  s.metastableFraction /= n;
  s.wrongSingleFraction /= n;
  s.diffuseFraction = s.diffuseCount / n;
  return s;
}

VectorD separationMargins(const MatrixD& gram) {
  const int M = static_cast<int>(gram.rows());
  VectorD margins(M);
  for (int m = 0; m < M; ++m) {
    double best = -std::numeric_limits<double>::infinity();
    for (int n = 0; n < M; ++n)
      if (n != m) best = std::max(best, gram(m, n));
    margins(m) = M > 1 ? gram(m, m) - best : std::numeric_limits<double>::infinity();
  }
  return margins;
}

SeparationStats separationStats(const Matrix& memories, const Matrix* W) {
  SeparationStats s;
  separationStats(memories, W, StatsOptions{}, s);
  return s;
}

bool separationStats(const Matrix& memories, const Matrix* W, const StatsOptions& options,
                     SeparationStats& s) {
  const MatrixD features =
      W ? MatrixD((*W * memories).cast<double>()) : MatrixD(memories.cast<double>());
  const int M = static_cast<int>(features.cols());
  const VectorD norms2 = features.colwise().squaredNorm().transpose();  // K(ξ_μ, ξ_μ)
  // best(μ) = max_{ν≠μ} K(ξ_μ, ξ_ν), built from the upper triangle: each score G(μ, ν), μ < ν,
  // counts for both columns.
  VectorD best = VectorD::Constant(M, -std::numeric_limits<double>::infinity());
  double minD2 = std::numeric_limits<double>::infinity();
  // The widest block whose scores (≤ M rows) fit in blockBytes; at least one column.
  const std::size_t perColumn = sizeof(double) * static_cast<std::size_t>(std::max(M, 1));
  const int width =
      static_cast<int>(std::clamp<std::size_t>(options.blockBytes / perColumn, 1, std::max(M, 1)));
  const double pairs = 0.5 * static_cast<double>(M) * (M + 1.0);
  MatrixD scores;
  for (int j0 = 0; j0 < M; j0 += width) {
    if (options.cancel && options.cancel->load()) return false;
    const int j1 = std::min(M, j0 + width);
    // Rows 0..j1 against columns j0..j1: every pair μ < ν with ν in the block, once.
    scores.noalias() = features.leftCols(j1).transpose() * features.middleCols(j0, j1 - j0);
    for (int c = 0; c < j1 - j0; ++c) {
      const int nu = j0 + c;
      const double* g = scores.col(c).data();
      double bestNu = best(nu);
      for (int mu = 0; mu < nu; ++mu) {
        bestNu = std::max(bestNu, g[mu]);
        best(mu) = std::max(best(mu), g[mu]);
        minD2 = std::min(minD2, norms2(mu) + norms2(nu) - 2 * g[mu]);
      }
      best(nu) = bestNu;
    }
    if (options.progress)
      options.progress->store(0.5 * static_cast<double>(j1) * (j1 + 1.0) / pairs);
  }
  // Δ_μ = K(ξ_μ, ξ_μ) − max_{ν≠μ} K(ξ_μ, ξ_ν) (docs/method.md §4.2); a lone memory has no rival.
  s.margins = M > 1 ? VectorD(norms2 - best)
                    : VectorD::Constant(M, std::numeric_limits<double>::infinity());
  s.minMargin = M > 0 ? s.margins.minCoeff() : 0.0;
  s.meanMargin = M > 0 ? s.margins.mean() : 0.0;
  s.minPairDistance = M > 1 ? std::sqrt(std::max(minD2, 0.0)) : 0.0;
  s.maxNorm = M > 0 ? std::sqrt(norms2.maxCoeff()) : 0.0;
  return true;
}

}  // namespace uhop
