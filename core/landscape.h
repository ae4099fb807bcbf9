// The 2-D toy landscape (docs/method.md §9): a handful of memories in the plane, the energy on a
// regular grid of queries, and where each grid point ends after T retrieval steps (its basin).
//
// Grid layout (a contract of `uhop landscape --json`): N × N points stored row-major, index
// j·N + i, row j at y = y0 + j·(y1 − y0)/(N − 1), column i at x = x0 + i·(x1 − x0)/(N − 1).
// The whole grid is one batched retrieval through retrieve(): N² queries, d = 2.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/hopfield.h"

namespace uhop {

inline constexpr int kLandscapeMaxMemories = 64;
// 512² queries × 64 memories: the energy's double scores alone take 128 MiB, so larger grids are
// refused.
inline constexpr int kLandscapeMaxGrid = 512;
// A grid point belongs to a basin when one memory holds at least this weight (docs/method.md §5).
inline constexpr double kBasinWeight = 0.9;

struct LandscapeRange {
  double x0 = -1.5, x1 = 1.5, y0 = -1.5, y1 = 1.5;
};

// The preset memory sets: "pairs" (two close pairs), "cluster-outlier" (five close points and one
// far away), "ring8" (eight points on the unit circle), "random12" (twelve uniform points in
// [−1, 1]², drawn from `seed`; the other presets ignore it).
const std::vector<std::string>& landscapePresetNames();
// 2 × M, one memory per column. Throws ConfigError naming the preset when it is unknown.
Matrix landscapePreset(const std::string& name, uint64_t seed = 0);

// "x1,y1;x2,y2;..." → 2 × M. Throws ConfigError naming the bad entry: not two finite numbers,
// an empty entry, no point at all, or more than kLandscapeMaxMemories points.
Matrix parseLandscapePoints(const std::string& text);
// "x0,x1,y0,y1" with finite x0 < x1 and y0 < y1; ConfigError otherwise.
LandscapeRange parseLandscapeRange(const std::string& text);

// The 2 × N² query matrix of the grid in the layout above. ConfigError unless
// 2 ≤ N ≤ kLandscapeMaxGrid and the range is valid.
Matrix landscapeGrid(int grid, const LandscapeRange& range);

struct Landscape {
  int grid = 0;
  LandscapeRange range;
  std::vector<double> energy;     // E(x) at each grid point, with the model's constant; NaN
                                  // when the model has no energy (l1, l2, poly)
  std::vector<int> basin;         // argmax p after T steps, −1 when max p < kBasinWeight
  std::vector<double> maxWeight;  // max p after T steps
};

// One batched retrieval of the whole grid for `steps` steps. The model's memories must be
// 2-dimensional with 1 ≤ M ≤ kLandscapeMaxMemories (ConfigError otherwise).
Landscape computeLandscape(const HopfieldModel& model, int grid, const LandscapeRange& range,
                           int steps);

}  // namespace uhop
