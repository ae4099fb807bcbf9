// Similarities s(ξ, x) between a memory and a state (docs/method.md §2.1):
//   dot        ⟨ξ, x⟩                         classic modern Hopfield
//   meanproj   ξᵀ(I − μ̂μ̂ᵀ)x, μ̂ = unit mean memory  dot product without the shared mean
//                                             direction: a fair control for the learned kernel
//   l2         −‖ξ − x‖₂                     Universal Hopfield Networks (note the minus)
//   l1         −‖ξ − x‖₁
//   kernel     K(ξ, x) = ⟨Wξ, Wx⟩            U-Hop, W from Stage I
//
// The inner-product similarities are all s = A x for a fixed M × d matrix A (Ξᵀ, Ξᵀ(I − μ̂μ̂ᵀ),
// ΞᵀWᵀW), which SimilarityOperator caches so a U-Hop step costs what a dot step costs.
#pragma once

#include <memory>
#include <string>

#include "core/types.h"

namespace uhop {

enum class SimilarityKind { Dot, MeanProjected, NegL2, NegL1, Kernel };

SimilarityKind parseSimilarity(const std::string& name);  // dot|meanproj|l2|l1|kernel
std::string similarityName(SimilarityKind kind);
// True for similarities of the form ⟨Pξ, Px⟩ (a PSD kernel), which have an energy.
inline bool isInnerProduct(SimilarityKind k) { return k != SimilarityKind::NegL2 && k != SimilarityKind::NegL1; }

class SimilarityOperator {
 public:
  // memories: d × M. featureMap: D_Φ × d, required for Kernel (ConfigError otherwise).
  SimilarityOperator(SimilarityKind kind, std::shared_ptr<const Matrix> memories,
                     const Matrix* featureMap = nullptr);

  SimilarityKind kind() const { return kind_; }
  const Matrix& memories() const { return *memories_; }

  // S = s(Ξ, X): M × N for states X (d × N), one matrix product for inner products.
  void scores(const Matrix& states, Matrix& out) const;

  // S = s(Ξ, X) in double from the float states (inner products only; ConfigError for l1/l2), for
  // the energy: at a converged state ½K(x, x) and β⁻¹Ψ*(β s) are both ≈ ½‖ξ‖² and cancel, so
  // float scores (error ~1e-7·‖ξ‖²) would make E rise by ~1e-4 relative. Same A as scores().
  void scoresDouble(const Matrix& states, MatrixD& out) const;

  // K(x, x) for each column, accumulated in double: ‖x‖², ‖x‖² − (μ̂ᵀx)², ‖Wx‖². NaN for l1/l2.
  VectorD selfSimilarity(const Matrix& states) const;
  // max_μ K(ξ_μ, ξ_μ), the energy constant's second term. NaN for l1/l2.
  double maxMemorySelfSimilarity() const;

  // The cached M × d matrix A with s = A x (empty for l1/l2).
  const Matrix& scoreMatrix() const { return scoreMatrix_; }

 private:
  SimilarityKind kind_;
  std::shared_ptr<const Matrix> memories_;
  Matrix scoreMatrix_;   // A (M × d)
  MatrixD featureMap_;   // W in double, kernel only (for K(x, x) = ‖Wx‖² without float rounding)
  Vector meanDirection_; // μ̂, meanproj only
  VectorD memoryNorms2_; // ‖ξ_μ‖² for l2
};

}  // namespace uhop
