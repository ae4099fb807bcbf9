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

#include "core/types.h"

namespace uhop {

// Whether a memory-bound pass over `entries` floats is worth splitting over the cores: below 2¹⁶
// a join costs more than it saves (and on a shared machine it can cost a scheduler time slice).
// One threshold for every such pass in core/ (pair passes, column passes, the Adam update).
inline bool worthSplitting(long entries) {
  return entries >= (1L << 16);
}

// A GEMM operand: a column-major float matrix, used as is or transposed. op(X) is rows × cols.
struct GemmOperand {
  const float* data;
  int rows, cols;  // of op(X)
  int ld;          // leading dimension of the stored matrix
  bool transposed;
};

inline GemmOperand gemmOperand(const Matrix& m) {
  return {m.data(), static_cast<int>(m.rows()), static_cast<int>(m.cols()),
          static_cast<int>(m.rows()), false};
}

template <typename Stored>
GemmOperand gemmOperand(const Eigen::Transpose<Stored>& t) {
  const Matrix& m = t.nestedExpression();
  return {m.data(), static_cast<int>(m.cols()), static_cast<int>(m.rows()),
          static_cast<int>(m.rows()), true};
}

// dst = α · lhs · rhs (dst resized to fit; it must not share storage with lhs or rhs), the columns
// of dst split into one block per core, each block one SGEMM with β = 0 (no zeroing pass first,
// which Eigen's own product expression would add).
void parallelProduct(Matrix& dst, const GemmOperand& lhs, const GemmOperand& rhs,
                     float alpha = 1.0f);

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

// ‖A‖², float sums of 1024 consecutive entries added up in double, in eight fixed blocks of the
// storage (split over the cores) summed in a fixed order: the bits do not depend on the threads.
double squaredNormSplit(const Matrix& A);

}  // namespace uhop
