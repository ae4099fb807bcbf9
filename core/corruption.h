// Query corruptions (docs/method.md §8), all seeded and deterministic:
// A pixel is all its channels (HWC): mask, mask-rescale, salt & pepper and occlusion act on
// whole pixels (every channel alike), noise draws for every channel of every pixel.
//   none
//   mask:P          each pixel zeroed with probability P
//   mask-rescale:P  the public scripts' dropout: zeroed with probability P, kept pixels × 1/(1−P)
//   noise:S         clip(|x + N(0, S²)|, 0, 1), as the public scripts
//   occlude:F       the bottom fraction F of image rows zeroed (round(F·h) rows; no randomness)
//   saltpepper:P    each pixel set to 0 or 1 (even odds) with probability P
#pragma once

#include <cstdint>
#include <string>

#include "core/memory_set.h"

namespace uhop {

enum class CorruptionKind { None, Mask, MaskRescale, Noise, Occlude, SaltPepper };

struct Corruption {
  CorruptionKind kind = CorruptionKind::None;
  double amount = 0;

  // Throws ConfigError naming the spec when it is unknown or its amount is out of range
  // (probabilities and fractions in [0, 1], mask-rescale in [0, 1), σ in [0, 100]).
  static Corruption parse(const std::string& spec);
  std::string name() const;
  bool operator==(const Corruption&) const = default;
};

// Corrupts one image x (d values in HWC order, shape gives the rows) in place.
void corrupt(const Corruption& corruption, const ImageShape& shape, uint64_t seed, float* x, int d);

// One corrupted query per memory (d × M): column μ uses the stream deriveSeed(seed, μ), so a
// query is the same whichever other memories are in the batch.
Matrix corruptMemories(const Corruption& corruption, const MemorySet& memories, uint64_t seed);

}  // namespace uhop
