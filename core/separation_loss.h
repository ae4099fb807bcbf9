// The Stage I separation loss on normalised features φ̂_μ = Wξ_μ / ‖Wξ_μ‖ (docs/method.md §4):
//
//   average     L_Φ = log mean_{μ<ν} exp(−t ‖φ̂_μ − φ̂_ν‖²) = −2t + log mean_{μ<ν} exp(2t G_μν)
//   worst-pair  L_max = max_{μ<ν} −t ‖φ̂_μ − φ̂_ν‖² = −2t + 2t max_{μ<ν} G_μν
//
// with G = F̂ᵀF̂ the Gram matrix of the normalised features. The gradient follows the chain
// G → F̂ → F = WΞ → W:  ∂L/∂F̂ = 2t F̂ Ω (Ω the symmetric pair-softmax weights, or the one-hot
// worst pair), ∂L/∂F_μ = (I − φ̂_μφ̂_μᵀ) ∂L/∂F̂_μ / ‖F_μ‖, ∂L/∂W = (∂L/∂F) Ξᵀ.
// Cost O(D·d·M + D·M²).
#pragma once

#include <string>

#include "core/types.h"

namespace uhop {

enum class LossKind { Average, WorstPair };
LossKind parseLossKind(const std::string& name);  // "avg" | "max"
std::string lossKindName(LossKind kind);

struct LossConfig {
  LossKind kind = LossKind::Average;
  double t = 2.0;  // temperature of the uniformity loss
};

struct LossEvaluation {
  double loss = 0;
  double minDistance = 0;   // min_{μ<ν} ‖φ̂_μ − φ̂_ν‖
  double meanDistance = 0;  // mean_{μ<ν} ‖φ̂_μ − φ̂_ν‖
  Matrix gradient;          // ∂L/∂W (D_Φ × d); empty unless requested
};

// Buffers reused between calls of the fast separationLoss, so a Stage I step allocates nothing
// once the shapes are known. Contents are scratch: only the shapes carry over.
struct LossWorkspace {
  Matrix features;      // F = WΞ, D × M
  Matrix pairs;         // M × M: the Gram FᵀF, then the normalised Gram, then the pair weights Q
  Matrix featureGrad;   // ∂L/∂F, D × M
  Vector inverseNorms;  // 1 / ‖F_μ‖
  VectorD columnSums;   // per-column partial sums (summed serially: deterministic bits)
};

// Needs M ≥ 2 memories and no memory mapped to the zero vector (ConfigError otherwise).
LossEvaluation separationLoss(const Matrix& W, const Matrix& memories, const LossConfig& config,
                              bool withGradient);

// The same, into `out` (out.gradient is resized only when its shape changes), using `workspace`.
// Fast path (why it is fast, docs/method.md §4: the gradient rewritten in F instead of F̂):
//   ∂L/∂W = (2t / Σ_{μ<ν} e_μν) · F Q Ξᵀ,   e_μν = exp(2t (G_μν − max G)),
//   Q_μν = e_μν / (‖F_μ‖‖F_ν‖) (μ ≠ ν),      Q_μμ = −Σ_ν e_μν G_μν / ‖F_μ‖²,
// so the pair weights and the 1/‖F‖ scaling are one pass over the strict lower triangle of the
// M × M matrix (each pair once) and the diagonal term is a column pass after the product (see the
// .cpp); only the lower half of the Gram is multiplied (SYRK/GEMM tiles on all cores); the
// worst-pair gradient is a rank-2 update.
void separationLoss(const Matrix& W, const Matrix& memories, const LossConfig& config, bool withGradient,
                    LossWorkspace& workspace, LossEvaluation& out);

// The straightforward implementation (normalise F, full Gram, dense Ω, separate projection pass),
// kept as the reference the fast path is tested against.
LossEvaluation separationLossReference(const Matrix& W, const Matrix& memories, const LossConfig& config,
                                       bool withGradient);

// Upper bound of the floating-point operations of one loss + gradient evaluation counted as the four
// dense matrix products (WΞ, FᵀF, FQ, ∂L/∂F Ξᵀ): 4·D·d·M + 4·D·M². Used to report GFLOP/s.
double separationLossFlops(int featureDim, int dimension, int memoryCount);

// Pairwise distances of the normalised columns of `features`: min and mean over pairs.
void pairwiseDistanceStats(const Matrix& features, double& minDistance, double& meanDistance);

}  // namespace uhop
