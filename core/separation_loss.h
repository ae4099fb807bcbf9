// The Stage I separation loss on normalised features φ̂_μ = Wξ_μ / ‖Wξ_μ‖ (PAPER.md, Stage I):
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

// Needs M ≥ 2 memories and no memory mapped to the zero vector (ConfigError otherwise).
LossEvaluation separationLoss(const Matrix& W, const Matrix& memories, const LossConfig& config,
                              bool withGradient);

// Pairwise distances of the normalised columns of `features`: min and mean over pairs.
void pairwiseDistanceStats(const Matrix& features, double& minDistance, double& meanDistance);

}  // namespace uhop
