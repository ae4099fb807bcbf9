// The theory of docs/method.md §6 and §10 beside a measurement, per memory: the separation Δ_μ in
// the chosen similarity's feature space, the radius R of the spheres around the memories, the
// softmax retrieval error bound, the exact-retrieval condition of α-entmax (α > 1), and the
// error one step actually makes from a query inside the sphere.
//
// Feature spaces Φ with K(u, v) = ⟨Φu, Φv⟩: dot Φ = I; meanproj Φ = I − μ̂μ̂ᵀ; kernel Φ = W.
// Nothing here holds an M × M matrix: Gram blocks and query batches are sized by a byte budget,
// and Δ_μ is a running maximum per column over the blocks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/evaluation.h"
#include "core/hopfield.h"

namespace uhop {

struct FeatureSeparation {
  VectorD delta;              // Δ_μ = K(ξ_μ, ξ_μ) − max_{ν≠μ} K(ξ_ν, ξ_μ)
  double minDistance = 0;     // min_{μ≠ν} ‖Φξ_μ − Φξ_ν‖
  double maxFeatureNorm = 0;  // m_Φ = max_μ ‖Φξ_μ‖
  bool cancelled = false;     // control.cancel stopped it: nothing above holds
};

// Δ, the minimum pairwise distance and the largest norm of the feature columns F = ΦΞ (D × M,
// M ≥ 2), from Gram blocks FᵀF of at most `blockBytes` (one row of M at least). With
// control.cancel set, blocks also stay under kCancellableChunkWork multiply-adds and the cancel is
// read between them; control.progress gets the fraction of Gram rows done.
FeatureSeparation featureSeparation(const Matrix& features, std::size_t blockBytes,
                                    const RetrievalControl& control = {});

// The softmax bound of PAPER.md "Theory": 2 m (M − 1) exp(−β (Δ − 2 m_Φ R)), and its natural log
// (finite where the bound itself overflows).
double retrievalErrorBound(double m, int memories, double beta, double delta, double mPhi,
                           double radius);
double logRetrievalErrorBound(double m, int memories, double beta, double delta, double mPhi,
                              double radius);

// α-entmax (α > 1) of scores z is one-hot on the top score exactly when the top beats the
// runner-up by at least 1/(α − 1); `scaledGap` is β (s_μ − max_{ν≠μ} s_ν).
bool exactRetrievalCondition(double scaledGap, double alpha);

struct TheoryConfig {
  ModelConfig model;           // dot | meanproj | kernel with softmax, sparsemax or entmax
  double queryFraction = 0.5;  // the query sits at feature distance queryFraction · R from ξ_μ
  uint64_t seed = 0;           // the query's direction: N(0, I_d) from deriveSeed(seed, μ)
  std::size_t blockBytes = std::size_t{64} << 20;
  // Cancel read between blocks (which then stay short, as in evaluateAllMemories); progress is
  // the fraction of the whole report done (the Gram blocks first, then the query batches).
  RetrievalControl control;
};

struct MemoryTheory {
  int index = 0;
  double delta = 0;
  double bound = 0;      // NaN unless softmax
  double logBound = 0;   // NaN unless softmax
  bool vacuous = false;  // bound ≥ 2m, the largest error a convex combination of memories can have
  double measuredError = 0;   // ‖T(x) − ξ_μ‖₂ after one step from the query x
  double queryGap = 0;        // β (K(ξ_μ, x) − max_{ν≠μ} K(ξ_ν, x)) at the query
  std::optional<bool> exact;  // α > 1: exactRetrievalCondition(queryGap, α); empty for softmax
  std::optional<bool> exactAtMemory;  // α > 1: the condition at x = ξ_μ, i.e. β Δ_μ ≥ 1/(α − 1)
};

struct TheoryReport {
  double radius = 0;          // R = half the minimum pairwise feature distance
  double maxNorm = 0;         // m = max_μ ‖ξ_μ‖
  double maxFeatureNorm = 0;  // m_Φ
  double maxError = 0;        // 2m
  std::vector<MemoryTheory> memories;
  bool cancelled = false;  // config.control.cancel stopped it: the rest is incomplete
};

// The whole report for memories Ξ (d × M, M ≥ 2). `featureMap` is W for the kernel.
// Throws ConfigError for a similarity without feature space (l1, l2), the polynomial separation,
// β after the separation, or fewer than two memories.
TheoryReport computeTheory(std::shared_ptr<const Matrix> memories, const TheoryConfig& config,
                           const Matrix* featureMap = nullptr);

}  // namespace uhop
