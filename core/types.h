// Shared numeric types of core/. Float32 matrices are the hot-path currency (docs/method.md §1:
// memories Ξ are d × M, one column per memory; batches of queries are d × N).
#pragma once

// GCC 12 reports -Wmaybe-uninitialized (at -O2/-O3) and -Wuninitialized (at -O1) inside its own
// AVX-512 intrinsics when Eigen's packet math (pexp, pmin, ...) is inlined for -march=x86-64-v4:
// a known false positive of the intrinsics' deliberately undefined "__Y" operands. GCC checks a
// middle-end warning against the pragmas in force where the warning's location was read, so
// ignoring the two warnings while Eigen (and through it <immintrin.h>) is first included
// silences exactly those locations and nothing in our own code.
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop
#else
#include <Eigen/Dense>
#endif
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace uhop {

// Default bound on the bytes one user-sized allocation may take: a data load
// (LoadOptions::memoryBudgetBytes) or a retrieval trace (RetrievalOptions::memoryBudgetBytes).
// The CLI's --memory-budget and the studio's memory-budget setting change it.
inline constexpr std::size_t kDefaultMemoryBudgetBytes = std::size_t{2} << 30;

using Matrix = Eigen::MatrixXf;
using Vector = Eigen::VectorXf;
using MatrixD = Eigen::MatrixXd;
using VectorD = Eigen::VectorXd;

// Every user-facing failure in core/ is one of these: the message names the file or the
// setting and says what is wrong, so the CLI and the GUI can show it verbatim.
class UhopError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input data (unreadable, truncated or wrong-format files, empty folders).
class DataError : public UhopError {
 public:
  using UhopError::UhopError;
};

// A setting that cannot be used (β ≤ 0, α outside (1, 2], unknown names, ...).
class ConfigError : public UhopError {
 public:
  using UhopError::UhopError;
};

}  // namespace uhop
