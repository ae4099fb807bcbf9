// The linear feature map Φ(x) = W x, W ∈ R^{D_Φ × d} (docs/method.md §4), its initialisations
// and the scalings that make the kernel K(u, v) = ⟨Wu, Wv⟩ comparable with the dot product.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/types.h"

namespace uhop {

enum class FeatureInit {
  Gaussian,        // N(0, 1) entries, as the public scripts
  GaussianScaled,  // N(0, 1/D_Φ): E[WᵀW] = I, so K ≈ ⟨u, v⟩ at the start
  Identity,        // W = [I; 0]: U-Hop starts exactly at the dot-product baseline
};

FeatureInit parseFeatureInit(const std::string& name);  // "gaussian" | "gaussian-scaled" | "identity"
std::string featureInitName(FeatureInit init);

// D_Φ × d matrix; Identity needs D_Φ ≥ d. Throws ConfigError on bad sizes (≤ 0, > 16384).
Matrix initFeatureMap(FeatureInit init, int featureDim, int inputDim, uint64_t seed);

// Divides each row of W by its Euclidean norm (the paper's Algorithm 1, step 2); zero rows stay.
void normalizeRows(Matrix& W);

// How the kernel's scale is set before Stage II (fair-comparison control, docs/method.md §7 item 2).
enum class KernelScale {
  Raw,            // W as learned
  RowNormalized,  // rows of unit norm (the paper's step 2)
  Matched,        // W scaled so trace(WᵀW)/d = 1, the dot product's scale
};
KernelScale parseKernelScale(const std::string& name);  // "raw" | "row-normalized" | "matched"
std::string kernelScaleName(KernelScale scale);
Matrix scaleFeatureMap(const Matrix& W, KernelScale scale);

// The W the kernel retrieves with, from a W of Stage I (docs/method.md §4 step 2, then §7 item 2):
// rows normalised when `normalizeRows`, then scaleFeatureMap(·, *scale) when a scale is given.
// Everything that hands a Stage I W to Stage II goes through here.
Matrix kernelFeatureMap(Matrix W, bool normalizeRows, std::optional<KernelScale> scale);

}  // namespace uhop

namespace uhop {

// W on disk: 8-byte magic "UHOPW001", int32 rows, int32 cols (little-endian), then rows·cols
// float32 values in column-major order. Load throws DataError naming the file on any mismatch.
// A path ending in .npy (or, when loading, a file with the NumPy magic) is a NumPy array of shape
// (D_Φ, d) instead (core/npy.h).
void saveFeatureMap(const std::string& path, const Matrix& W);
Matrix loadFeatureMap(const std::string& path);

}  // namespace uhop
