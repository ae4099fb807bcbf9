// Tests for core/parallel_product: the column-split SGEMM, the lower-triangle Gram, the mirror and
// the split squared norm, each against products and sums computed in double by plain loops.
#include "core/parallel_product.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/omp_threads.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

// op(X) as a double matrix, entry by entry.
MatrixD applyOp(const Matrix& X, bool transposed) {
  MatrixD out = X.cast<double>();
  return transposed ? MatrixD(out.transpose()) : out;
}

MatrixD naiveProduct(const MatrixD& A, const MatrixD& B) {
  MatrixD C = MatrixD::Zero(A.rows(), B.cols());
  for (int j = 0; j < B.cols(); ++j)
    for (int i = 0; i < A.rows(); ++i) {
      double sum = 0;
      for (int k = 0; k < A.cols(); ++k) sum += A(i, k) * B(k, j);
      C(i, j) = sum;
    }
  return C;
}

// Largest entry-wise difference relative to the scale of the entries.
double maxRelativeError(const Matrix& got, const MatrixD& want) {
  return (got.cast<double>() - want).cwiseAbs().maxCoeff() /
         std::max(1e-300, want.cwiseAbs().maxCoeff());
}

TEST(ParallelProduct, EveryTranspositionAndScaleMatchesANaiveProduct) {
  // n below and above the split threshold (16 columns per core), odd sizes.
  for (int n : {1, 5, 17, 40, 123})
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (float alpha : {1.0f, -0.37f}) {
          const int m = 29, k = 33;
          Matrix A = ta ? testref::normalMatrix(k, m, 10 + n) : testref::normalMatrix(m, k, 10 + n);
          Matrix B = tb ? testref::normalMatrix(n, k, 20 + n) : testref::normalMatrix(k, n, 20 + n);
          Matrix C(3, 3);  // wrong shape on purpose: resized
          if (ta && tb)
            parallelProduct(C, A.transpose(), B.transpose(), alpha);
          else if (ta)
            parallelProduct(C, A.transpose(), B, alpha);
          else if (tb)
            parallelProduct(C, A, B.transpose(), alpha);
          else
            parallelProduct(C, A, B, alpha);
          MatrixD want = alpha * naiveProduct(applyOp(A, ta), applyOp(B, tb));
          ASSERT_EQ(C.rows(), m);
          ASSERT_EQ(C.cols(), n);
          EXPECT_LT(maxRelativeError(C, want), 1e-5)
              << "n=" << n << " ta=" << ta << " tb=" << tb << " alpha=" << alpha;
        }
}

TEST(ParallelProduct, EmptyInnerDimensionGivesZerosAndMismatchThrows) {
  Matrix A(4, 0), B(0, 40), C = Matrix::Constant(4, 40, 7.0f);
  parallelProduct(C, A, B);
  EXPECT_EQ(C.rows(), 4);
  EXPECT_EQ(C.cols(), 40);
  EXPECT_EQ(C.cwiseAbs().maxCoeff(), 0.0f);
  Matrix X(4, 5), Y(6, 3);
  EXPECT_THROW(parallelProduct(C, X, Y), std::logic_error);
}

// The split follows omp_get_max_threads(), not the threads that actually run: called from inside
// another parallel region (a team of one), the product has the same bits.
TEST(ParallelProduct, BitsDoNotDependOnNesting) {
  Matrix A = testref::normalMatrix(64, 80, 1), B = testref::normalMatrix(80, 200, 2), top, nested;
  parallelProduct(top, A, B);
#pragma omp parallel num_threads(2)
  {
#pragma omp single
    parallelProduct(nested, A, B);
  }
  ASSERT_EQ(top.size(), nested.size());
  EXPECT_EQ(0, std::memcmp(top.data(), nested.data(), sizeof(float) * top.size()));
}

TEST(LowerGram, LowerTriangleMatchesFtFAndTheUpperIsUntouched) {
  // One tile (M ≤ 256), two tiles, several with a ragged last tile.
  for (int M : {1, 2, 37, 256, 257, 500, 813}) {
    Matrix F = testref::normalMatrix(50, M, 300 + M);
    Matrix G = Matrix::Constant(M, M, -123.0f);
    lowerGram(F, G);
    MatrixD want = naiveProduct(applyOp(F, true), applyOp(F, false));
    const double scale = want.cwiseAbs().maxCoeff();
    double worst = 0;
    bool upperKept = true;
    for (int j = 0; j < M; ++j)
      for (int i = 0; i < M; ++i) {
        if (i >= j)
          worst = std::max(worst, std::abs(G(i, j) - want(i, j)));
        else
          upperKept = upperKept && G(i, j) == -123.0f;
      }
    EXPECT_LT(worst / scale, 1e-5) << "M=" << M;
    EXPECT_TRUE(upperKept) << "M=" << M;
  }
}

TEST(MirrorLowerToUpper, MakesTheMatrixSymmetricFromItsLowerTriangle) {
  for (int M : {1, 3, 64, 65, 300}) {
    Matrix A = testref::normalMatrix(M, M, 700 + M);
    Matrix original = A;
    mirrorLowerToUpper(A);
    for (int j = 0; j < M; ++j)
      for (int i = 0; i < M; ++i) {
        const float want = i >= j ? original(i, j) : original(j, i);
        ASSERT_EQ(A(i, j), want) << "M=" << M << " (" << i << "," << j << ")";
      }
  }
}

TEST(SquaredNormSplit, MatchesADoubleSumAndIsIndependentOfThreads) {
  for (int n : {0, 1, 7, 1000, 300000}) {
    Matrix A = testref::normalMatrix(n > 0 ? 3 : 0, n / 3 + (n > 0 ? 1 : 0), 900 + n);
    double want = 0;
    for (Eigen::Index i = 0; i < A.size(); ++i)
      want += static_cast<double>(A.data()[i]) * A.data()[i];
    const double got = squaredNormSplit(A);
    EXPECT_NEAR(got, want, 1e-6 * (1 + want)) << "n=" << n;
    OmpThreadsScope one(1);
    EXPECT_EQ(squaredNormSplit(A), got);
  }
}

}  // namespace
}  // namespace uhop
