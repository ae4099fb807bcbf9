// dst = α · lhs · rhs with the columns of dst split into one block per core, each block a
// single-threaded Eigen GEMM inside one OpenMP parallel loop.
//
// Why: Eigen's own threaded GEMM synchronises its threads inside the product (spin-waits on shared
// packed blocks); when a core is shared (the GUI thread, a compiler, another sweep) one preempted
// thread stalls the other and the rate collapses. Independent column blocks need one join at the
// end and degrade gracefully. The split depends only on omp_get_max_threads() and the shape (not
// on how many threads actually run, e.g. 1 when nested), so the bits are the same either way.
#pragma once

#include <algorithm>

#include "core/types.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace uhop {

template <typename Dst, typename Lhs, typename Rhs>
void parallelProduct(Dst&& dst, const Lhs& lhs, const Rhs& rhs, float alpha = 1.0f) {
  const int n = static_cast<int>(rhs.cols());
#ifdef _OPENMP
  const int cores = omp_get_max_threads();
#else
  const int cores = 1;
#endif
  constexpr int kMinColumns = 16;  // below this a block is too thin to run at full speed
  const int chunks = std::max(1, std::min(cores, n / kMinColumns));
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (int c = 0; c < chunks; ++c) {
    const int c0 = static_cast<int>(static_cast<long>(n) * c / chunks);
    const int c1 = static_cast<int>(static_cast<long>(n) * (c + 1) / chunks);
    if (alpha == 1.0f)
      dst.middleCols(c0, c1 - c0).noalias() = lhs * rhs.middleCols(c0, c1 - c0);
    else
      dst.middleCols(c0, c1 - c0).noalias() = (alpha * lhs) * rhs.middleCols(c0, c1 - c0);
  }
}

}  // namespace uhop
