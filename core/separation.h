// Separation functions sep: R^M → simplex (docs/method.md §2.2), and the matching
// Tsallis entropy H_α and its convex conjugate Ψ*_α used by the energies.
//
//   softmax      α = 1   p_i = exp(z_i) / Σ_j exp(z_j)
//   sparsemax    α = 2   p = argmin_{p ∈ Δ} ‖p − z‖²   (exact, threshold found by sorting)
//   entmax:A     1<A≤2   p_i = [(α−1) z_i − τ]₊^{1/(α−1)},  τ such that Σ p = 1 (bisection)
//   poly:N       N ≥ 1   p_i ∝ max(z_i, 0)^N, normalised (uniform when every z_i ≤ 0)
//
// All of them are stable for |z| up to 1e6: scores are shifted by their maximum first.
#pragma once

#include <string>

#include "core/types.h"

namespace uhop {

enum class SeparationKind { Softmax, Sparsemax, Entmax, Polynomial };

struct Separation {
  SeparationKind kind = SeparationKind::Softmax;
  double alpha = 1.0;  // Tsallis α: 1 softmax, 2 sparsemax, (1, 2] entmax
  int degree = 2;      // polynomial-n exponent

  static Separation softmax() { return {SeparationKind::Softmax, 1.0, 2}; }
  static Separation sparsemax() { return {SeparationKind::Sparsemax, 2.0, 2}; }
  static Separation entmax(double alpha);  // throws ConfigError unless 1 < α ≤ 2
  static Separation polynomial(int degree);  // throws ConfigError unless 1 ≤ n ≤ 64

  // "softmax" | "sparsemax" | "entmax:A" | "poly:N"; throws ConfigError naming the spec.
  static Separation parse(const std::string& spec);
  std::string name() const;  // inverse of parse

  // True when the separation is the gradient of a convex Ψ*_α, so retrieval has an energy.
  bool hasEnergy() const { return kind != SeparationKind::Polynomial; }
  // True when p can contain exact zeros (support counted with ε = 0, docs/method.md).
  bool isSparse() const { return kind == SeparationKind::Sparsemax || kind == SeparationKind::Entmax; }

  bool operator==(const Separation&) const = default;
};

// p = sep(z) for one score vector (z and p may alias).
void separate(const Separation& sep, const float* z, float* p, int count);

// Applies sep to each column of `scores` in place (columns = queries), in parallel.
void separateColumns(const Separation& sep, Matrix& scores);

// H_α(p) (Shannon for α = 1), in double precision.
double tsallisEntropy(const Separation& sep, const double* p, int count);
// H_α of the uniform distribution over `count` items: log M, or (1 − M^{1−α}) / (α(α−1)).
double uniformEntropy(const Separation& sep, int count);
// Ψ*_α(z) = max_{p∈Δ} ⟨p, z⟩ + H_α(p), attained at p* = sep(z); log-sum-exp for α = 1.
// Throws ConfigError for the polynomial separation, which has no such conjugate.
double conjugateEntropy(const Separation& sep, const double* z, int count);

}  // namespace uhop
