#include "core/parallel_product.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace uhop {

namespace {

// C (n × n, lower triangle) = Aᵀ A for A = k × n, leading dimensions lda and ldc (BLAS SSYRK).
void syrkLower(const float* A, int lda, int n, int k, float* C, int ldc) {
  const char uplo = 'L', trans = 'T';
  const float one = 1.0f, zero = 0.0f;
  ssyrk_(&uplo, &trans, &n, &k, &one, A, &lda, &zero, C, &ldc);
}

// Number of column blocks parallelProduct uses for n columns: one per core, none thinner than 16.
int productChunks(int n) {
#ifdef _OPENMP
  const int cores = omp_get_max_threads();
#else
  const int cores = 1;
#endif
  constexpr int kMinColumns = 16;  // below this a block is too thin to run at full speed
  return std::max(1, std::min(cores, n / kMinColumns));
}

}  // namespace

void parallelProduct(Matrix& dst, const GemmOperand& a, const GemmOperand& b, float alpha) {
  if (a.cols != b.rows)
    throw std::logic_error("parallelProduct: inner dimensions differ (" + std::to_string(a.cols) +
                           " vs " + std::to_string(b.rows) + ")");
  const int m = a.rows, n = b.cols, k = a.cols;
  dst.resize(m, n);
  if (m == 0 || n == 0) return;
  const int chunks = productChunks(n);
  const char transA = a.transposed ? 'T' : 'N', transB = b.transposed ? 'T' : 'N';
  const int lda = std::max(1, a.ld), ldb = std::max(1, b.ld), ldc = m;
  const float zero = 0.0f;
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (int c = 0; c < chunks; ++c) {
    const int c0 = static_cast<int>(static_cast<long>(n) * c / chunks);
    const int cols = static_cast<int>(static_cast<long>(n) * (c + 1) / chunks) - c0;
    // Columns c0.. of op(B): columns of B, or rows of B when it is used transposed.
    const float* bBlock = b.transposed ? b.data + c0 : b.data + static_cast<long>(c0) * b.ld;
    sgemm_(&transA, &transB, &m, &cols, &k, &alpha, a.data, &lda, bBlock, &ldb, &zero,
           dst.data() + static_cast<long>(c0) * m, &ldc);
  }
}

void lowerGram(const Matrix& F, Matrix& G) {
  const int M = static_cast<int>(F.cols()), D = static_cast<int>(F.rows());
  G.resize(M, M);
  if (M == 0) return;
  constexpr int kBlock = 256;  // M = 500 on 2 cores: 2 SYRK + 1 GEMM tiles, the same work per core
  const int blocks = std::max(1, (M + kBlock - 1) / kBlock);
  std::vector<std::pair<int, int>> tiles;  // (row block, column block), row ≥ column
  for (int j = 0; j < blocks; ++j)
    for (int i = j; i < blocks; ++i) tiles.emplace_back(i, j);
  auto start = [&](int b) { return static_cast<int>(static_cast<long>(M) * b / blocks); };
#pragma omp parallel for schedule(dynamic, 1) if (tiles.size() > 1)
  for (int k = 0; k < static_cast<int>(tiles.size()); ++k) {
    const int i0 = start(tiles[k].first), i1 = start(tiles[k].first + 1);
    const int j0 = start(tiles[k].second), j1 = start(tiles[k].second + 1);
    if (i0 == j0)
      syrkLower(F.col(i0).data(), D, i1 - i0, D, &G(i0, i0), M);
    else
      G.block(i0, j0, i1 - i0, j1 - j0).noalias() =
          F.middleCols(i0, i1 - i0).transpose() * F.middleCols(j0, j1 - j0);
  }
}

void mirrorLowerToUpper(Matrix& A) {
  const int M = static_cast<int>(A.cols());
  constexpr int kTile = 64;
  const int tiles = (M + kTile - 1) / kTile;
#pragma omp parallel for schedule(dynamic, 1) if (worthSplitting(static_cast <long>(M) * M))
  for (int tj = 0; tj < tiles; ++tj) {
    const int j0 = tj * kTile, j1 = std::min(M, j0 + kTile);
    for (int ti = 0; ti <= tj; ++ti) {
      const int i0 = ti * kTile, i1 = std::min(M, i0 + kTile);
      for (int j = j0; j < j1; ++j)
        for (int i = i0; i < std::min(i1, j); ++i) A(i, j) = A(j, i);  // upper (i < j) ← lower
    }
  }
}

double squaredNormSplit(const Matrix& A) {
  constexpr int kBlocks = 8;  // fixed, whatever the thread count
  const long n = A.size();
  double partial[kBlocks] = {};
  const float* data = A.data();
#pragma omp parallel for schedule(static) if (worthSplitting(n))
  for (int b = 0; b < kBlocks; ++b) {
    const long b0 = n * b / kBlocks, b1 = n * (b + 1) / kBlocks;
    // Float sums of 1024 entries (vectorised), added up in double.
    double sum = 0;
    for (long p = b0; p < b1; p += 1024)
      sum += Eigen::Map<const Eigen::VectorXf>(data + p, std::min(1024L, b1 - p)).squaredNorm();
    partial[b] = sum;
  }
  double sum = 0;
  for (double p : partial) sum += p;
  return sum;
}

}  // namespace uhop
