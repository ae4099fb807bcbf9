// Seeded random numbers that give the same bits on every platform: std::mt19937_64 is fully
// specified by the standard, but std::normal_distribution is not, so normals are drawn here.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace uhop {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Standard normal by Box–Muller (the spare value is kept for the next call).
  double normal() {
    if (hasSpare_) {
      hasSpare_ = false;
      return spare_;
    }
    double u1 = 0;
    while (u1 <= 0) u1 = uniform();
    double u2 = uniform();
    double radius = std::sqrt(-2.0 * std::log(u1));
    spare_ = radius * std::sin(2.0 * M_PI * u2);
    hasSpare_ = true;
    return radius * std::cos(2.0 * M_PI * u2);
  }

  uint64_t next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool hasSpare_ = false;
};

// Derives an independent stream seed for item `index` of a run seeded with `seed`
// (splitmix64 finaliser), so query μ's corruption does not depend on which others are in a batch.
inline uint64_t deriveSeed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace uhop
