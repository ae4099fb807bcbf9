// Dense products split over the cores by us, each piece a single-threaded OpenBLAS call (through
// Eigen's EIGEN_USE_BLAS).
//
// Why we split instead of letting the BLAS thread: a threaded GEMM synchronises its threads inside
// the product (spin-waits on shared packed blocks); when a core is shared (the GUI thread, a
// compiler, another sweep) one preempted thread stalls the other and the rate collapses.
// Independent column blocks need one join at the end and degrade gracefully. Measured quiet
// (tests/bench), the split is as fast as OpenBLAS's own threading at these shapes. The split
// depends only on omp_get_max_threads() and the shape, not on how many threads actually run (one
// when nested inside another parallel region), so the bits are the same either way.
//
// OpenBLAS's OpenMP build runs one thread inside an OpenMP parallel region (so each block here is
// single-threaded) and otherwise follows the calling thread's omp_get_max_threads() (so a sweep
// cell pinned to one thread stays at one; see EigenThreadsScope in experiments.cpp).
#pragma once

#include <algorithm>
#include <stdexcept>

#include "core/types.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace uhop {

// Number of column blocks parallelProduct uses for n columns.
inline int productChunks(int n) {
#ifdef _OPENMP
  const int cores = omp_get_max_threads();
#else
  const int cores = 1;
#endif
  constexpr int kMinColumns = 16;  // below this a block is too thin to run at full speed
  return std::max(1, std::min(cores, n / kMinColumns));
}

// A GEMM operand: a column-major float matrix, used as is or transposed. op(X) is rows × cols.
struct GemmOperand {
  const float* data;
  int rows, cols;  // of op(X)
  int ld;          // leading dimension of the stored matrix
  bool transposed;
};

inline GemmOperand gemmOperand(const Matrix& m) {
  return {m.data(), static_cast<int>(m.rows()), static_cast<int>(m.cols()), static_cast<int>(m.rows()), false};
}

template <typename Stored>
GemmOperand gemmOperand(const Eigen::Transpose<Stored>& t) {
  const Matrix& m = t.nestedExpression();
  return {m.data(), static_cast<int>(m.cols()), static_cast<int>(m.rows()), static_cast<int>(m.rows()), true};
}

// dst = α · lhs · rhs (dst resized to fit; it must not share storage with lhs or rhs), the columns
// of dst split into one block per core, each block one SGEMM with β = 0 (no zeroing pass first,
// which Eigen's own product expression would add).
void parallelProduct(Matrix& dst, const GemmOperand& lhs, const GemmOperand& rhs, float alpha = 1.0f);

template <typename Lhs, typename Rhs>
void parallelProduct(Matrix& dst, const Lhs& lhs, const Rhs& rhs, float alpha = 1.0f) {
  parallelProduct(dst, gemmOperand(lhs), gemmOperand(rhs), alpha);
}

// The lower triangle (diagonal included) of G = FᵀF, M × M for F of M columns: half the work of
// the full product (SYRK on the diagonal tiles, GEMM below them, tiles spread over the cores).
// The strict upper triangle of G is left as it was.
void lowerGram(const Matrix& F, Matrix& G);

// Copies the strict lower triangle of the square matrix A onto its strict upper triangle
// (cache-blocked, on all cores when large).
void mirrorLowerToUpper(Matrix& A);

// ‖A‖² accumulated in double over fixed column blocks (split over the cores), summed in a fixed
// order: the bits do not depend on the thread count.
double squaredNormSplit(const Matrix& A);

}  // namespace uhop
