// Independent, deliberately plain double-precision reference implementations shared by the
// core test suites. Nothing here calls into core/ except the seeded Random (so test data is
// reproducible) and the matrix typedefs.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include "core/random.h"
#include "core/types.h"

namespace uhop::testref {

inline Matrix uniformMatrix(int rows, int cols, uint64_t seed, double lo = 0.0, double hi = 1.0) {
  Random rng(seed);
  Matrix m(rows, cols);
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r) m(r, c) = static_cast<float>(lo + (hi - lo) * rng.uniform());
  return m;
}

inline Matrix normalMatrix(int rows, int cols, uint64_t seed, double scale = 1.0) {
  Random rng(seed);
  Matrix m(rows, cols);
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r) m(r, c) = static_cast<float>(scale * rng.normal());
  return m;
}

inline std::vector<double> toDouble(const float* v, int n) { return std::vector<double>(v, v + n); }

// --- separations -----------------------------------------------------------------------------

inline std::vector<double> softmax(const std::vector<double>& z) {
  double zmax = -std::numeric_limits<double>::infinity();
  for (double v : z) zmax = std::max(zmax, v);
  std::vector<double> p(z.size());
  double s = 0;
  for (size_t i = 0; i < z.size(); ++i) s += (p[i] = std::exp(z[i] - zmax));
  for (double& v : p) v /= s;
  return p;
}

inline double logSumExp(const std::vector<double>& z) {
  double zmax = -std::numeric_limits<double>::infinity();
  for (double v : z) zmax = std::max(zmax, v);
  double s = 0;
  for (double v : z) s += std::exp(v - zmax);
  return zmax + std::log(s);
}

// Euclidean projection onto the simplex by a full sort (Held et al. / Duchi et al.).
inline std::vector<double> sparsemax(const std::vector<double>& z) {
  std::vector<double> s = z;
  std::sort(s.begin(), s.end(), std::greater<double>());
  double cum = 0, tau = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    cum += s[k];
    double t = (cum - 1.0) / static_cast<double>(k + 1);
    if (s[k] - t > 0) tau = t;
  }
  std::vector<double> p(z.size());
  for (size_t i = 0; i < z.size(); ++i) p[i] = std::max(z[i] - tau, 0.0);
  return p;
}

// Exact sort-based 1.5-entmax (Peters, Niculae & Martins 2019, Algorithm 2):
// p_i = [z_i/2 − τ]₊², τ from the largest consistent support.
inline std::vector<double> entmax15(const std::vector<double>& z) {
  const size_t n = z.size();
  std::vector<double> y(n);
  for (size_t i = 0; i < n; ++i) y[i] = 0.5 * z[i];
  std::vector<double> s = y;
  std::sort(s.begin(), s.end(), std::greater<double>());
  double sum = 0, sum2 = 0, tau = s[0] - 1.0;
  for (size_t k = 1; k <= n; ++k) {
    sum += s[k - 1];
    sum2 += s[k - 1] * s[k - 1];
    double mean = sum / k, meanSq = sum2 / k;
    double delta = (1.0 - k * (meanSq - mean * mean)) / k;
    if (delta < 0) break;
    double t = mean - std::sqrt(delta);
    if (t <= s[k - 1]) tau = t;
    else break;
  }
  std::vector<double> p(n);
  for (size_t i = 0; i < n; ++i) {
    double v = std::max(y[i] - tau, 0.0);
    p[i] = v * v;
  }
  return p;
}

// Generic α-entmax: bisection on τ over a wide bracket, 200 iterations, long double sums.
inline std::vector<double> entmaxBisect(const std::vector<double>& z, double alpha) {
  const double am1 = alpha - 1.0;
  double zmax = *std::max_element(z.begin(), z.end());
  auto mass = [&](double tau) {
    long double s = 0;
    for (double v : z) {
      double u = am1 * v - tau;
      if (u > 0) s += std::pow(static_cast<long double>(u), 1.0L / am1);
    }
    return static_cast<double>(s);
  };
  double lo = am1 * zmax - 1.0, hi = am1 * zmax;  // mass(lo) >= 1 >= mass(hi)
  for (int it = 0; it < 200; ++it) {
    double mid = 0.5 * (lo + hi);
    if (mass(mid) >= 1.0) lo = mid;
    else hi = mid;
  }
  std::vector<double> p(z.size());
  double s = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    double u = am1 * z[i] - lo;
    s += (p[i] = u > 0 ? std::pow(u, 1.0 / am1) : 0.0);
  }
  for (double& v : p) v /= s;
  return p;
}

// α = 1 softmax, α = 2 sparsemax, else entmax.
inline std::vector<double> entmaxAlpha(const std::vector<double>& z, double alpha) {
  if (alpha == 1.0) return softmax(z);
  if (alpha == 2.0) return sparsemax(z);
  if (alpha == 1.5) return entmax15(z);
  return entmaxBisect(z, alpha);
}

// Tsallis entropy straight from the definition.
inline double tsallis(const std::vector<double>& p, double alpha) {
  double h = 0;
  if (alpha == 1.0) {
    for (double v : p)
      if (v > 0) h -= v * std::log(v);
    return h;
  }
  for (double v : p) h += v - std::pow(v, alpha);
  return h / (alpha * (alpha - 1.0));
}

// Ψ*_α(z) = ⟨p*, z⟩ + H_α(p*) (log-sum-exp for α = 1).
inline double conjugate(const std::vector<double>& z, double alpha) {
  if (alpha == 1.0) return logSumExp(z);
  std::vector<double> p = entmaxAlpha(z, alpha);
  double inner = 0;
  for (size_t i = 0; i < z.size(); ++i) inner += p[i] * z[i];
  return inner + tsallis(p, alpha);
}

}  // namespace uhop::testref
