#include "core/separation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <type_traits>
#include <vector>

namespace uhop {
namespace {

template <typename T>
void softmaxInto(const T* z, T* p, int n) {
  T zmax = *std::max_element(z, z + n);
  T sum = 0;
  for (int i = 0; i < n; ++i) {
    p[i] = std::exp(z[i] - zmax);
    sum += p[i];
  }
  for (int i = 0; i < n; ++i) p[i] /= sum;
}

// Sparsemax threshold τ: the largest k with 1 + k z_(k) > Σ_{j≤k} z_(j) in sorted order gives
// τ = (Σ_{j≤k} z_(j) − 1) / k (Martins & Astudillo 2016). Only scores above max − 1 can be in
// the support, so we sort just those: usually a handful, never a full sort of M scores.
template <typename T>
T sparsemaxThreshold(const T* z, int n, std::vector<T>& buffer) {
  T zmax = *std::max_element(z, z + n);
  buffer.clear();
  for (int i = 0; i < n; ++i)
    if (z[i] > zmax - T(1)) buffer.push_back(z[i]);
  std::sort(buffer.begin(), buffer.end(), std::greater<T>());
  T cumulative = 0, tau = zmax - T(1);
  for (size_t k = 0; k < buffer.size(); ++k) {
    cumulative += buffer[k];
    T candidate = (cumulative - T(1)) / T(k + 1);
    if (buffer[k] > candidate) tau = candidate;
    else break;
  }
  return tau;
}

template <typename T>
void sparsemaxInto(const T* z, T* p, int n, std::vector<T>& buffer) {
  T tau = sparsemaxThreshold(z, n, buffer);
  for (int i = 0; i < n; ++i) p[i] = std::max(z[i] - tau, T(0));
}

// Float fast paths for the per-query separation in Stage II: the max, exp, sum and scaling passes
// run on the machine's vector width (Eigen's vectorised exp), so the separation costs a small
// fraction of the two matrix products of a step. Same formulas as the scalar templates above.
// Eigen peels vector loops up to the first aligned element, so a reduction or exp over unaligned
// memory would give bits that depend on the address. The work happens in an aligned per-thread copy:
// the result depends only on the values (a batch column equals a single call, in place or not).
void softmaxFast(const float* z, float* p, int n) {
  thread_local Eigen::ArrayXf work;
  work = Eigen::Map<const Eigen::ArrayXf>(z, n);
  const float zmax = work.maxCoeff();
  work = (work - zmax).exp();
  const float sum = work.sum();
  Eigen::Map<Eigen::ArrayXf>(p, n) = work / sum;  // may alias z: element-wise, so safe
}

void sparsemaxFast(const float* z, float* p, int n, std::vector<float>& buffer) {
  Eigen::Map<const Eigen::ArrayXf> zIn(z, n);
  const float zmax = zIn.maxCoeff();
  // Only scores above max − 1 can be in the support: collect those (a handful), sort them.
  buffer.clear();
  const float floor = zmax - 1.0f;
  for (int i = 0; i < n; ++i)
    if (z[i] > floor) buffer.push_back(z[i]);
  std::sort(buffer.begin(), buffer.end(), std::greater<float>());
  float cumulative = 0, tau = floor;
  for (size_t k = 0; k < buffer.size(); ++k) {
    cumulative += buffer[k];
    const float candidate = (cumulative - 1.0f) / static_cast<float>(k + 1);
    if (buffer[k] > candidate) tau = candidate;
    else break;
  }
  Eigen::Map<Eigen::ArrayXf> out(p, n);
  out = (zIn - tau).max(0.0f);
}

// α-entmax by bisection on τ (Peters et al. 2019). With y = (α−1)(z − max z), the threshold lies
// in [−1, −(1/M)^{α−1}]; 50 halvings reach double precision. Computed in double then stored.
template <typename T>
void entmaxInto(const T* z, T* p, int n, double alpha) {
  const double am1 = alpha - 1.0, inv = 1.0 / am1;
  double zmax = *std::max_element(z, z + n);
  double lo = -1.0, hi = -std::pow(1.0 / n, am1);
  auto mass = [&](double tau) {
    double s = 0;
    for (int i = 0; i < n; ++i) {
      double v = am1 * (double(z[i]) - zmax) - tau;
      if (v > 0) s += std::pow(v, inv);
    }
    return s;
  };
  for (int it = 0; it < 60; ++it) {
    double mid = 0.5 * (lo + hi);
    if (mass(mid) >= 1.0) lo = mid;
    else hi = mid;
  }
  double tau = lo, sum = 0;
  for (int i = 0; i < n; ++i) {
    double v = am1 * (double(z[i]) - zmax) - tau;
    double pi = v > 0 ? std::pow(v, inv) : 0.0;
    p[i] = T(pi);
    sum += pi;
  }
  for (int i = 0; i < n; ++i) p[i] = T(double(p[i]) / sum);  // remove bisection residue
}

template <typename T>
void polynomialInto(const T* z, T* p, int n, int degree) {
  // Scale by the largest positive score first so z^n cannot overflow for |z| ≤ 1e6.
  T zmax = *std::max_element(z, z + n);
  if (!(zmax > T(0))) {
    std::fill(p, p + n, T(1) / T(n));
    return;
  }
  T sum = 0;
  for (int i = 0; i < n; ++i) {
    p[i] = z[i] > T(0) ? T(std::pow(double(z[i] / zmax), degree)) : T(0);
    sum += p[i];
  }
  for (int i = 0; i < n; ++i) p[i] /= sum;
}

template <typename T>
void separateAny(const Separation& sep, const T* z, T* p, int n, std::vector<T>& buffer) {
  if (n <= 0) return;
  if constexpr (std::is_same_v<T, float>) {
    if (sep.kind == SeparationKind::Softmax) return softmaxFast(z, p, n);
    if (sep.kind == SeparationKind::Sparsemax) return sparsemaxFast(z, p, n, buffer);
  }
  switch (sep.kind) {
    case SeparationKind::Softmax: softmaxInto(z, p, n); break;
    case SeparationKind::Sparsemax: sparsemaxInto(z, p, n, buffer); break;
    case SeparationKind::Entmax: entmaxInto(z, p, n, sep.alpha); break;
    case SeparationKind::Polynomial: polynomialInto(z, p, n, sep.degree); break;
  }
}

}  // namespace

Separation Separation::entmax(double alpha) {
  if (!(alpha > 1.0 && alpha <= 2.0)) {
    std::ostringstream msg;
    msg << "entmax needs 1 < alpha <= 2 (got " << alpha << "); use softmax for alpha = 1";
    throw ConfigError(msg.str());
  }
  if (alpha == 2.0) return sparsemax();
  return {SeparationKind::Entmax, alpha, 2};
}

Separation Separation::polynomial(int degree) {
  if (degree < 1 || degree > 64)
    throw ConfigError("poly needs a degree between 1 and 64 (got " + std::to_string(degree) + ")");
  return {SeparationKind::Polynomial, 1.0, degree};
}

Separation Separation::parse(const std::string& spec) {
  auto colon = spec.find(':');
  std::string head = spec.substr(0, colon);
  std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  auto number = [&]() {
    try {
      size_t used = 0;
      double v = std::stod(arg, &used);
      if (used != arg.size()) throw std::invalid_argument("trailing");
      return v;
    } catch (const std::exception&) {
      throw ConfigError("separation '" + spec + "': '" + arg + "' is not a number");
    }
  };
  if (head == "softmax" && arg.empty()) return softmax();
  if (head == "sparsemax" && arg.empty()) return sparsemax();
  if (head == "entmax") return entmax(arg.empty() ? 1.5 : number());
  if (head == "poly") {
    double n = arg.empty() ? 2.0 : number();
    if (n != std::floor(n)) throw ConfigError("separation '" + spec + "': degree must be whole");
    // Range check before the cast: converting e.g. 1e10 to int is undefined behaviour.
    if (!(n >= 1 && n <= 64)) throw ConfigError("poly needs a degree between 1 and 64 (got " + arg + ")");
    return polynomial(static_cast<int>(n));
  }
  throw ConfigError("unknown separation '" + spec +
                    "' (expected softmax, sparsemax, entmax:A with 1<A<=2, or poly:N)");
}

std::string Separation::name() const {
  switch (kind) {
    case SeparationKind::Softmax: return "softmax";
    case SeparationKind::Sparsemax: return "sparsemax";
    case SeparationKind::Entmax: {
      // Shortest text that reads back as the same double, so parse(name()) == *this.
      char buf[32];
      auto end = std::to_chars(buf, buf + sizeof buf, alpha).ptr;
      return "entmax:" + std::string(buf, end);
    }
    case SeparationKind::Polynomial: return "poly:" + std::to_string(degree);
  }
  return "?";
}

void separate(const Separation& sep, const float* z, float* p, int count) {
  std::vector<float> buffer;
  separateAny(sep, z, p, count, buffer);
}

void separateColumns(const Separation& sep, Matrix& scores) {
  const int n = static_cast<int>(scores.rows());
  const int cols = static_cast<int>(scores.cols());
  // Softmax and sparsemax are a few vectorised passes per column: below ~10⁶ scores one core does
  // them in well under a millisecond, less than a parallel join costs on a shared machine.
  const bool cheap = sep.kind == SeparationKind::Softmax || sep.kind == SeparationKind::Sparsemax;
  const bool parallel = !cheap || static_cast<long>(n) * cols >= (1L << 20);
#pragma omp parallel if (parallel)
  {
    std::vector<float> buffer;
#pragma omp for schedule(static)
    for (int c = 0; c < cols; ++c) separateAny(sep, scores.col(c).data(), scores.col(c).data(), n, buffer);
  }
}

double tsallisEntropy(const Separation& sep, const double* p, int count) {
  double h = 0;
  if (sep.kind == SeparationKind::Softmax) {
    for (int i = 0; i < count; ++i)
      if (p[i] > 0) h -= p[i] * std::log(p[i]);
    return h;
  }
  const double a = sep.alpha;
  // Zeros contribute exactly 0 (sparse p is mostly zeros), and p² needs no pow.
  if (a == 2.0) {
    for (int i = 0; i < count; ++i)
      if (p[i] > 0) h += p[i] - p[i] * p[i];
  } else {
    for (int i = 0; i < count; ++i)
      if (p[i] > 0) h += p[i] - std::pow(p[i], a);
  }
  return h / (a * (a - 1.0));
}

double uniformEntropy(const Separation& sep, int count) {
  if (sep.kind == SeparationKind::Softmax) return std::log(static_cast<double>(count));
  const double a = sep.alpha;
  return (1.0 - std::pow(static_cast<double>(count), 1.0 - a)) / (a * (a - 1.0));
}

double conjugateEntropy(const Separation& sep, const double* z, int count) {
  if (!sep.hasEnergy())
    throw ConfigError("the polynomial separation has no convex conjugate, so no energy");
  const double zmax = *std::max_element(z, z + count);
  if (sep.kind == SeparationKind::Softmax) {  // log-sum-exp, vectorised (aligned copy: see softmaxFast)
    thread_local Eigen::ArrayXd work;
    work = Eigen::Map<const Eigen::ArrayXd>(z, count);
    return zmax + std::log((work - zmax).exp().sum());
  }
  // Ψ*(z) = ⟨p*, z⟩ + H(p*) with p* = entmax(z); shift-invariance lets us use z − max z.
  thread_local std::vector<double> shifted, p, buffer;  // reused: no allocation per query
  shifted.assign(z, z + count);
  p.resize(count);
  for (double& v : shifted) v -= zmax;
  separateAny(sep, shifted.data(), p.data(), count, buffer);
  double inner = 0;
  for (int i = 0; i < count; ++i) inner += p[i] * shifted[i];
  return zmax + inner + tsallisEntropy(sep, p.data(), count);
}

}  // namespace uhop
