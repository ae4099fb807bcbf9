// Pictures of the memories themselves (docs/method.md §4.3, "Seeing the feature space"): where the
// memories lie in the plane, raw and in U-Hop's feature space, and how similar each pair is.
//
//   raw layout       the first two principal axes of the centred memories ξ_μ (fixed at load)
//   feature layout   the same for the normalised features Φ(ξ_μ)/‖Φ(ξ_μ)‖ with Φ(x) = Wx, after
//                    an orthogonal Procrustes alignment to the previous layout, so that when W
//                    moves during Stage I the points move only as much as the geometry changed (a
//                    PCA basis alone can spin or flip from one step to the next)
//   similarity map   K(ξ_μ, ξ_ν) for all pairs, raw ⟨ξ_μ, ξ_ν⟩ or the kernel ⟨Wξ_μ, Wξ_ν⟩, with
//                    the memories ordered by label when there are labels
#pragma once

#include <vector>

#include "core/types.h"

namespace uhop {

// 2 × N coordinates: column n is point n in the plane.
using PlaneLayout = Eigen::Matrix<double, 2, Eigen::Dynamic>;

// The projection of the columns of X (d × N) onto their two leading principal axes (centred at the
// column mean). Each coordinate row's sign is fixed so that its largest-magnitude entry is
// positive, so the layout does not depend on the eigen-solver's sign choice. Fewer than 3 points or
// a set of lower rank give zeros in the missing directions.
PlaneLayout principalLayout(const Matrix& X);

// The orthogonal 2 × 2 matrix R (a rotation or a reflection) minimising ‖R·current − target‖_F,
// from the SVD of target·currentᵀ = UΣVᵀ: R = UVᵀ. Both layouts must have the same points.
Eigen::Matrix2d procrustesRotation(const PlaneLayout& current, const PlaneLayout& target);

// The feature-space layout of the memories (d × M) under W (D_Φ × d): principalLayout of the
// normalised features, rotated onto `previous` when it holds the same number of points.
PlaneLayout featureLayout(const Matrix& memories, const Matrix& W, const PlaneLayout* previous);

// Indices 0..M−1 ordered by label (stable: within a label in index order); 0..M−1 without labels.
std::vector<int> labelOrder(const std::vector<int>& labels, int count);

// K(ξ_order[i], ξ_order[j]) as an M × M matrix (row i, column j): the dot product when W is null,
// otherwise ⟨Wξ, Wξ'⟩. Refused with a ConfigError above maxCount memories (the map is for looking
// at, and M² grows fast).
MatrixD similarityMap(const Matrix& memories, const Matrix* W, const std::vector<int>& order,
                      int maxCount = 1000);

}  // namespace uhop
