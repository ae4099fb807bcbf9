// The studio's "Theory" view (docs/method.md §6 and §10): for every memory, the separation Δ_μ of
// the baseline column and Δ^Φ_μ of the U-Hop column, the radii R and R_Φ, the softmax retrieval
// error bound, the error one step makes from a query inside the sphere, and for α > 1 whether the
// exact-retrieval condition holds at the current β — core/theory.h for both columns, computed on
// a worker while the Theory window is shown or the Stage II panel shows the target's numbers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/feature_map.h"
#include "core/hopfield.h"
#include "core/theory.h"
#include "studio/workers/job_thread.h"

namespace uhop::ui {

struct AppModel;

// The query of each memory sits at this fraction of R from it (as `uhop theory`'s default).
inline constexpr double kTheoryQueryFraction = 0.5;
// Seed of the queries' directions (as `uhop theory`'s default), so the CLI reproduces the numbers.
inline constexpr uint64_t kTheorySeed = 0;
// Above this many memories the Stage II panel does not start the O(M² d) job by itself: the
// Theory window (F7) does when opened.
inline constexpr int kTheoryStage2MaxMemories = 5000;

// Everything a result depends on: equal keys, equal numbers.
struct TheoryKey {
  uint64_t memoriesVersion = 0;
  std::array<ModelConfig, 2> configs;  // baseline, U-Hop (as the columns hold them)
  int wStep = -1;                      // Stage I step of W (−1: none, or no kernel column)
  uint64_t wGeneration = 0;
  bool normalizeRows = true;
  KernelScale kernelScale = KernelScale::RowNormalized;
  double queryFraction = kTheoryQueryFraction;
  bool operator==(const TheoryKey& o) const;
  // Equal but for the Stage I step (the same run has moved on).
  bool sameButW(const TheoryKey& o) const;
};

struct TheoryViewJob {
  TheoryKey key;
  std::shared_ptr<const Matrix> patterns;  // Ξ, d × M
  // Stage I's W (null = none yet); the worker turns it into the kernel's W as the U-Hop column
  // uses it (kernelFeatureMap with key.normalizeRows, key.kernelScale).
  std::shared_ptr<const Matrix> stage1W;
  std::size_t blockBytes = std::size_t{64} << 20;
};

struct TheoryViewResult {
  TheoryKey key;
  // reports[0]: the baseline column's similarity (raw Δ_μ, R); reports[1]: U-Hop's (Δ^Φ_μ, R_Φ).
  std::array<std::optional<TheoryReport>, 2> reports;
  std::array<std::string, 2> errors;  // why a report is missing (no feature space, no W yet)
  double seconds = 0;
};

// Both reports of one job (pure: the worker runs this; tests call it). Null when cancelled.
std::shared_ptr<const TheoryViewResult> computeTheoryView(const TheoryViewJob& job,
                                                          const std::atomic<bool>& cancel,
                                                          std::atomic<double>& progress);

struct TheoryViewState {
  TheoryViewState();
  bool shown = false;  // the Theory window is on screen (SetTheoryViewShown)
  std::shared_ptr<const TheoryViewResult> result;  // newest result for the loaded memories
  std::optional<TheoryKey> started;                // key of the newest job started
  std::unique_ptr<JobThread<TheoryViewJob, TheoryViewResult>> worker;
  bool busy() const { return worker && worker->busy(); }
  double progress() const { return worker ? worker->progress() : 0; }
};

// The key the model's current settings give.
TheoryKey currentTheoryKey(const AppModel& model);
// Whether anything wants the numbers: the window is shown, or the Stage II panel shows the
// target's line (memories loaded, M ≤ kTheoryStage2MaxMemories).
bool theoryWanted(const AppModel& model);
// The result, if it was computed for exactly the current settings.
const TheoryViewResult* currentTheory(const AppModel& model);

// Called by updateModel: takes in a finished result for the loaded memories and, while wanted,
// starts a job when the key changed (a running job is superseded, except by a newer W step of the
// same Stage I run: that one waits for it, so a playing Stage I still gets numbers).
void updateTheoryView(AppModel& model);

}  // namespace uhop::ui
