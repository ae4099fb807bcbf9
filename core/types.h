// Shared numeric types of core/. Float32 matrices are the hot-path currency (PAPER.md:
// memories Ξ are d × M, one column per memory; batches of queries are d × N).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace uhop {

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
