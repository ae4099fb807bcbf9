// The energy playground's worker (studio/playground.h): both landscapes of the current points, the
// baseline's and U-Hop's, each one batched retrieval of the whole grid (core/landscape.h), plus
// the contour lines of the energy and the fixed points the dynamics settles on. A JobThread: a
// newer job supersedes the one running, and the UI draws the newest result without waiting.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/hopfield.h"
#include "core/landscape.h"
#include "studio/workers/job_thread.h"

namespace uhop::ui {

// Contour levels drawn over the energy heat map, evenly spaced over the colour span of the map
// ([min E, 90th percentile of E], as plot/landscape_plot.h colours it).
inline constexpr int kPlaygroundContourLevels = 12;
// Fixed points are sought from a kFixedPointSeeds² grid of starts (plus every memory) run for
// kFixedPointSteps steps; a start whose last step moved less than kFixedPointTolerance is taken
// as settled, and settled ends closer than kFixedPointMerge (in units of the range's width) are
// one fixed point.
inline constexpr int kFixedPointSeeds = 24;
inline constexpr int kFixedPointSteps = 200;
inline constexpr double kFixedPointTolerance = 1e-5;
inline constexpr double kFixedPointMerge = 1e-3;

struct PlaygroundJob {
  std::shared_ptr<const Matrix> points;  // 2 × M
  // [0] the baseline, [1] U-Hop (kernel; W below).
  std::array<ModelConfig, 2> configs;
  std::shared_ptr<const Matrix> W;  // the kernel's W (D_Φ × 2), already row-normalised
  int grid = 256;
  LandscapeRange range;
  int steps = 5;
  uint64_t version = 0;  // of the playground state the job was made from
  // The newest result so far: a map whose inputs (points, model, W for U-Hop, grid, range, T) are
  // those of this job is taken from it instead of computed again (the baseline while Stage I
  // plays, U-Hop while only the baseline's knobs move).
  std::shared_ptr<const struct PlaygroundResult> previous;
};

struct PlaygroundSide {
  Landscape land;  // empty grid (0) when `error` is set
  // Contour segments as polylines of two points separated by NaN (a PlotSeries draws them so).
  std::vector<double> contourX, contourY;
  std::vector<std::array<double, 2>> fixedPoints;
  double milliseconds = 0;  // computeLandscape alone: the grid's energy and T steps
  bool reused = false;      // taken from the previous result (same inputs)
  std::string error;
};

struct PlaygroundResult {
  uint64_t version = 0;
  int grid = 0;
  PlaygroundJob job;  // what it was computed from (job.previous cleared)
  std::array<PlaygroundSide, 2> sides;
  double milliseconds = 0;  // the whole job (both sides, contours, fixed points)
};

// What one job computes (pure: the worker runs this, tests call it). Null when cancelled.
std::shared_ptr<const PlaygroundResult> computePlayground(const PlaygroundJob& job,
                                                          const std::atomic<bool>& cancel);

// The contour segments of a landscape's energy at `levels` evenly spaced levels inside
// [lo, hi] (marching squares on the grid; cells with a NaN corner are skipped).
void energyContours(const Landscape& land, int levels, double lo, double hi,
                    std::vector<double>& xs, std::vector<double>& ys);

// The distinct points where the dynamics of `model` comes to rest from a grid of starts over
// `range` and from every memory (see kFixedPoint* above).
std::vector<std::array<double, 2>> findFixedPoints(const HopfieldModel& model,
                                                   const LandscapeRange& range,
                                                   const std::atomic<bool>* cancel = nullptr);

using PlaygroundWorker = JobThread<PlaygroundJob, PlaygroundResult>;
std::unique_ptr<PlaygroundWorker> makePlaygroundWorker();

}  // namespace uhop::ui
