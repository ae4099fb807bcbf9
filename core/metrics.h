// Retrieval metrics (docs/method.md §5; docs/metrics.md says the same for users):
//   error       Σ_pixels (clip(x_T) − clip(ξ_target))², clip to [0, 1]
//   retrieved   argmax_μ p_μ with p = sep(β s(Ξ, x_T)) the weights at the final state
//   correct     retrieved == target and max p ≥ 0.9
//   wrong       retrieved != target and max p ≥ 0.9 (another memory holds 90 % of the weight)
//   metastable  max p < 0.9 (the state is a mixture of several memories)
//   support     |{μ : p_μ > ε}| with ε = 0 (the exact non-zeros) for sparsemax and α-entmax,
//               whose zeros are exact, and ε = 0.01 for softmax and poly:N, whose p is dense
//               (poly's zeros are exact only for scores ≤ 0, which non-negative images with the
//               dot similarity never give, so exact counting would report k = M for every query)
//   diffuse     support 0: every weight ≤ ε (softmax at small β with M > 100), a state near the
//               global average; counted apart, never as k = 1
//   k90         the fewest memories whose weights sum to at least 0.9
// and the separation of memory μ: Δ_μ = K(ξ_μ, ξ_μ) − max_{ν≠μ} K(ξ_μ, ξ_ν).
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "core/separation.h"
#include "core/types.h"

namespace uhop {

constexpr double kMetastableThreshold = 0.9;
constexpr double kSupportEpsilon = 0.01;

struct QueryOutcome {
  double error = 0;
  int retrieved = -1;
  double maxWeight = 0;
  int support = 0;
  int k90 = 0;
  bool correct = false;
  bool metastable = false;
};

double retrievalError(const float* state, const float* target, int d);
int supportSize(const float* p, int M, double epsilon = kSupportEpsilon);
// The ε of the support for a separation: 0 for sparsemax and entmax, kSupportEpsilon otherwise.
double supportEpsilon(const Separation& separation);
int k90(const float* p, int M);

// Outcome of query n: column n of finalStates/finalWeights against memory targetIndex. The
// separation that produced the weights decides how the support is counted (supportEpsilon).
QueryOutcome assessQuery(const Matrix& finalStates, const Matrix& finalWeights,
                         const Matrix& memories, int column, int targetIndex,
                         const Separation& separation);

struct OutcomeSummary {
  double meanError = 0;
  double correctFraction = 0;
  double wrongSingleFraction =
      0;  // not metastable, but the wrong memory (or the right one with p < 0.9 … never)
  double metastableFraction = 0;
  // [k-1] = queries with support k for k = 1..9, [9] = support ≥ 10. Diffuse queries (support 0)
  // are in none of the bins: Σ supportHistogram + diffuseCount = number of queries.
  std::vector<int> supportHistogram;
  int diffuseCount = 0;
  double diffuseFraction = 0;  // diffuseCount / number of queries
};
OutcomeSummary summarize(const std::vector<QueryOutcome>& outcomes);

// Δ_μ from a Gram matrix K(ξ_μ, ξ_ν) (M × M).
VectorD separationMargins(const MatrixD& gram);

struct SeparationStats {
  VectorD margins;  // Δ_μ
  double minMargin = 0;
  double meanMargin = 0;
  double minPairDistance = 0;  // min_{μ≠ν} ‖Φ(ξ_μ) − Φ(ξ_ν)‖ (R = half of it)
  double maxNorm = 0;          // max_μ ‖Φ(ξ_μ)‖
};
// How separationStats walks the M × M scores: never all at once. Column block [j0, j1) takes the
// scores of memories 0..j1 against it (the upper triangle, the Gram matrix being symmetric), at
// most blockBytes of doubles, so memory stays bounded (60,000 memories: 14 GB as one matrix).
// Between blocks it checks *cancel and stores the fraction of the pairs done in *progress.
struct StatsOptions {
  std::size_t blockBytes = std::size_t{64} << 20;
  const std::atomic<bool>* cancel = nullptr;
  std::atomic<double>* progress = nullptr;
};
// Raw space (Φ = identity) when W is null, otherwise feature space Φ(x) = Wx.
SeparationStats separationStats(const Matrix& memories, const Matrix* W = nullptr);
// The same with explicit blocking; returns false (out unspecified) when cancelled.
bool separationStats(const Matrix& memories, const Matrix* W, const StatsOptions& options,
                     SeparationStats& out);

}  // namespace uhop
