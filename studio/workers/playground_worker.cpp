#include "studio/workers/playground_worker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace uhop::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double millisecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// [min, 90th percentile] of the finite energies: the span the heat map colours.
bool energySpan(const std::vector<double>& energy, double& lo, double& hi) {
  std::vector<double> finite;
  finite.reserve(energy.size());
  for (double e : energy)
    if (std::isfinite(e)) finite.push_back(e);
  if (finite.empty()) return false;
  const size_t k = std::min(finite.size() - 1, size_t(0.9 * double(finite.size())));
  std::nth_element(finite.begin(), finite.begin() + std::ptrdiff_t(k), finite.end());
  hi = finite[k];
  lo = *std::min_element(finite.begin(), finite.end());
  return hi > lo;
}

bool sameConfig(const ModelConfig& a, const ModelConfig& b) {
  return a.similarity == b.similarity && a.separation.name() == b.separation.name() &&
         a.beta == b.beta && a.betaAfterSeparation == b.betaAfterSeparation;
}

// Side s of `a` and `b` are the same computation. Points and W are compared by identity: the
// state makes a new matrix whenever they change.
bool sameInputs(const PlaygroundJob& a, const PlaygroundJob& b, int s) {
  return a.points == b.points && sameConfig(a.configs[s], b.configs[s]) && a.grid == b.grid &&
         a.steps == b.steps && a.range.x0 == b.range.x0 && a.range.x1 == b.range.x1 &&
         a.range.y0 == b.range.y0 && a.range.y1 == b.range.y1 &&
         (a.configs[s].similarity != SimilarityKind::Kernel || a.W == b.W);
}

}  // namespace

void energyContours(const Landscape& land, int levels, double lo, double hi,
                    std::vector<double>& xs, std::vector<double>& ys) {
  const int n = land.grid;
  if (n < 2 || levels < 1 || !(hi > lo)) return;
  const double dx = (land.range.x1 - land.range.x0) / (n - 1);
  const double dy = (land.range.y1 - land.range.y0) / (n - 1);
  auto energy = [&](int i, int j) { return land.energy[size_t(j) * n + size_t(i)]; };
  for (int l = 0; l < levels; ++l) {
    // Levels at the centres of `levels` equal bands of [lo, hi].
    const double level = lo + (l + 0.5) * (hi - lo) / levels;
    for (int j = 0; j + 1 < n; ++j)
      for (int i = 0; i + 1 < n; ++i) {
        // Corners counter-clockwise from the bottom left; edge k runs from corner k to k + 1.
        const int ci[4] = {i, i + 1, i + 1, i}, cj[4] = {j, j, j + 1, j + 1};
        double e[4];
        bool finite = true;
        for (int k = 0; k < 4; ++k) {
          e[k] = energy(ci[k], cj[k]);
          finite &= std::isfinite(e[k]);
        }
        if (!finite) continue;
        double px[4], py[4];
        int crossings = 0;
        for (int k = 0; k < 4; ++k) {
          const int m = (k + 1) % 4;
          if ((e[k] >= level) == (e[m] >= level)) continue;
          // Linear interpolation of E along the edge to where it equals the level.
          const double t = (level - e[k]) / (e[m] - e[k]);
          px[crossings] = land.range.x0 + (ci[k] + t * (ci[m] - ci[k])) * dx;
          py[crossings] = land.range.y0 + (cj[k] + t * (cj[m] - cj[k])) * dy;
          ++crossings;
        }
        // Two crossings: one segment; four (a saddle cell): two, pairing neighbouring edges.
        for (int s = 0; s + 1 < crossings; s += 2) {
          xs.insert(xs.end(), {px[s], px[s + 1], kNaN});
          ys.insert(ys.end(), {py[s], py[s + 1], kNaN});
        }
      }
  }
}

std::vector<std::array<double, 2>> findFixedPoints(const HopfieldModel& model,
                                                   const LandscapeRange& range,
                                                   const std::atomic<bool>* cancel) {
  const int seeds = kFixedPointSeeds, m = model.memoryCount();
  const Matrix grid = landscapeGrid(seeds, range);
  Matrix starts(2, grid.cols() + m);
  starts << grid, model.similarity().memories();
  RetrievalStep step = model.evaluate(starts, false);
  Matrix previous;
  for (int t = 0; t < kFixedPointSteps; ++t) {
    if (cancel && *cancel) return {};
    previous = step.state;
    model.advance(step, false);
  }
  std::vector<std::array<double, 2>> out;
  const double merge = kFixedPointMerge * (range.x1 - range.x0);
  for (Eigen::Index q = 0; q < step.state.cols(); ++q) {
    const double x = step.state(0, q), y = step.state(1, q);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    if ((step.state.col(q) - previous.col(q)).cwiseAbs().maxCoeff() >= kFixedPointTolerance)
      continue;
    const bool known = std::any_of(out.begin(), out.end(), [&](const auto& p) {
      return std::hypot(p[0] - x, p[1] - y) < merge;
    });
    if (!known) out.push_back({x, y});
  }
  return out;
}

std::shared_ptr<const PlaygroundResult> computePlayground(const PlaygroundJob& job,
                                                          const std::atomic<bool>& cancel) {
  const auto start = std::chrono::steady_clock::now();
  auto result = std::make_shared<PlaygroundResult>();
  result->version = job.version;
  result->grid = job.grid;
  result->job = job;
  result->job.previous = nullptr;  // no chain of old results kept alive
  for (int s = 0; s < 2; ++s) {
    if (cancel) return nullptr;
    PlaygroundSide& side = result->sides[s];
    if (job.previous && sameInputs(job, job.previous->job, s)) {
      side = job.previous->sides[s];
      side.reused = true;
      continue;
    }
    try {
      const bool kernel = job.configs[s].similarity == SimilarityKind::Kernel;
      const HopfieldModel model(job.points, job.configs[s], kernel ? job.W.get() : nullptr);
      const auto t0 = std::chrono::steady_clock::now();
      side.land = computeLandscape(model, job.grid, job.range, job.steps);
      side.milliseconds = millisecondsSince(t0);
      if (cancel) return nullptr;
      double lo = 0, hi = 0;
      if (energySpan(side.land.energy, lo, hi))
        energyContours(side.land, kPlaygroundContourLevels, lo, hi, side.contourX, side.contourY);
      side.fixedPoints = findFixedPoints(model, job.range, &cancel);
    } catch (const std::exception& e) {
      side = PlaygroundSide{};
      side.error = e.what();
    }
  }
  if (cancel) return nullptr;
  result->milliseconds = millisecondsSince(start);
  return result;
}

std::unique_ptr<PlaygroundWorker> makePlaygroundWorker() {
  return std::make_unique<PlaygroundWorker>(
      [](const PlaygroundJob& job, const std::atomic<bool>& cancel, std::atomic<double>&) {
        return computePlayground(job, cancel);
      });
}

}  // namespace uhop::ui
