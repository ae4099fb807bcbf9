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

QueryOutcome assessQuery(const Matrix& finalStates, const Matrix& finalWeights, const Matrix& memories,
                         int column, int targetIndex, const Separation& separation) {
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
    if (o.support <= 0) s.diffuseCount += 1;  // its own bar: not a single-memory retrieval
    else s.supportHistogram[std::min(o.support, 10) - 1] += 1;
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
  MatrixD features = W ? MatrixD((*W * memories).cast<double>()) : memories.cast<double>();
  MatrixD gram = features.transpose() * features;
  SeparationStats s;
  s.margins = separationMargins(gram);
  s.minMargin = s.margins.minCoeff();
  s.meanMargin = s.margins.mean();
  const int M = static_cast<int>(gram.rows());
  double minD2 = std::numeric_limits<double>::infinity();
  for (int j = 1; j < M; ++j)
    for (int i = 0; i < j; ++i) minD2 = std::min(minD2, gram(i, i) + gram(j, j) - 2 * gram(i, j));
  s.minPairDistance = M > 1 ? std::sqrt(std::max(minD2, 0.0)) : 0.0;
  s.maxNorm = std::sqrt(gram.diagonal().maxCoeff());
  return s;
}

}  // namespace uhop
