// The studio's "Feature space" view (docs/method.md §4.3): where the memories lie, raw and in
// U-Hop's feature space, while Stage I plays; the raw and kernel similarity maps; and the
// separations Δ_μ and Δ^Φ_μ. Computed on a worker (a principal layout of 784-dimensional features,
// an M × M map) whenever the memories or W change and the view is shown; the panel draws the newest
// result.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/feature_map.h"
#include "core/feature_view.h"
#include "core/memory_set.h"
#include "studio/workers/job_thread.h"

namespace uhop::ui {

struct AppModel;

// At most this many memories are laid out (evenly spaced through the set) and, for the maps,
// drawn; above it the view says that it shows a sample.
inline constexpr int kFeatureViewMaxPoints = 2000;
inline constexpr int kSimilarityMapMaxMemories = 1000;

struct FeatureViewJob {
  std::shared_ptr<const MemorySet> memories;
  uint64_t memoriesVersion = 0;
  // Stage I's W (null = none yet); the worker turns it into the kernel's W as the U-Hop column
  // uses it (kernelFeatureMap with these settings).
  std::shared_ptr<const Matrix> stage1W;
  bool normalizeRows = true;
  KernelScale kernelScale = KernelScale::RowNormalized;
  int wStep = -1;
  uint64_t wGeneration = 0;
  std::shared_ptr<const struct FeatureViewResult> previous;  // aligns the new layout to it
};

struct FeatureViewResult {
  uint64_t memoriesVersion = 0;
  int wStep = -1;
  uint64_t wGeneration = 0;
  std::vector<int> shown;     // memory indices laid out (all, or an even sample)
  std::vector<int> labels;    // label of each shown memory (empty: no labels)
  PlaneLayout raw;            // 2 × shown
  PlaneLayout feature;        // 2 × shown; empty without W
  std::vector<int> mapOrder;  // memory indices of the map rows (label order); empty above the cap
  std::vector<float> rawMap,
      kernelMap;  // RGB heat maps, mapOrder² pixels each (kernel: empty without W)
  double rawMapMin = 0, rawMapMax = 0, kernelMapMin = 0, kernelMapMax = 0;
  std::vector<double> rawMargins, kernelMargins;  // Δ_μ and Δ^Φ_μ among the shown memories
  double seconds = 0;
  std::string error;
};

// What the layouts, maps and margins of one job are (pure: the worker runs this; tests call it).
std::shared_ptr<const FeatureViewResult> computeFeatureView(const FeatureViewJob& job,
                                                            const std::atomic<bool>& cancel);

struct FeatureViewState {
  FeatureViewState();
  bool shown = false;  // the panel is visible this frame (SetFeatureViewShown)
  std::shared_ptr<const FeatureViewResult> result;
  std::unique_ptr<JobThread<FeatureViewJob, FeatureViewResult>> worker;
  bool busy() const { return worker && worker->busy(); }
};

// Called by updateModel: takes in a finished result, and starts a job when the view is shown and
// the memories or the W the U-Hop column would use have changed since the newest result.
void updateFeatureView(AppModel& model);

// Heat-map colour of t ∈ [0, 1] (dark blue → teal → yellow, monotone in lightness), RGB in [0, 1].
void heatColour(double t, float rgb[3]);

}  // namespace uhop::ui
