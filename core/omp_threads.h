// The calling thread's OpenMP thread count, set for a scope and restored after it.
//
// omp_set_num_threads changes only the calling thread's count, which is what core/'s product
// splits (parallel_product.h) and OpenBLAS's OpenMP build read. Eigen::setNbThreads would be
// process-wide. Used by sweep cells (one thread each), the GUI's UI thread (every core for a
// kernel-model build) and tests that compare bits.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#endif

namespace uhop {

class OmpThreadsScope {
 public:
  // threads ≤ 0 leaves the count as it is.
  explicit OmpThreadsScope(int threads) {
#ifdef _OPENMP
    previous_ = omp_get_max_threads();
    if (threads > 0) omp_set_num_threads(threads);
#else
    (void)threads;
#endif
  }
  ~OmpThreadsScope() {
#ifdef _OPENMP
    omp_set_num_threads(previous_);
#endif
  }
  OmpThreadsScope(const OmpThreadsScope&) = delete;
  OmpThreadsScope& operator=(const OmpThreadsScope&) = delete;

 private:
  int previous_ = 1;
};

}  // namespace uhop
