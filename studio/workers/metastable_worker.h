// The metastable-states run (docs/method.md §5 item 5) on a worker thread:
// every memory, corrupted with the current query settings, is retrieved by the baseline and by
// U-Hop for T steps; each final state is classified (correct / wrong single memory / metastable)
// and its support size counted. Results are published as an immutable MetastableResult.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/corruption.h"
#include "core/feature_map.h"
#include "core/hopfield.h"
#include "core/memory_set.h"
#include "core/metrics.h"
#include "core/stage1.h"

namespace uhop::ui {

struct MetastableJob {
  std::shared_ptr<const MemorySet> memories;
  std::string source;            // what the user loaded (the caption names it)
  uint64_t memoriesVersion = 0;  // MemoryState::version the memories are from
  Corruption corruption;
  uint64_t seed = 1;
  int steps = 10;  // T
  ModelConfig baseline, uhop;
  std::shared_ptr<const Matrix> featureMap;  // scaled W for kernel similarities (may be null)
  int stage1Step = -1;                       // Stage I step W comes from, for the caption
  // "Before vs after Stage I": also run the kernel models with W at its init (what
  // Stage I starts from: initialKernelFeatureMap(stage1, d, kernelScale), core/stage1.h).
  bool beforeStage1 = false;
  Stage1Config stage1;
  std::shared_ptr<const Matrix> initialW;  // a loaded W Stage I started from (null: stage1.init)
  KernelScale kernelScale = KernelScale::RowNormalized;
};

// Everything the panel's caption names comes from the result itself, not from the settings of
// the moment: a result shown is always described by the parameters it was computed with.
struct MetastableResult {
  uint64_t id = 0;
  std::string source;
  uint64_t memoriesVersion = 0;  // a result of an older memory set is never shown
  Corruption corruption;
  uint64_t seed = 1;
  ModelConfig baselineConfig, uhopConfig;
  KernelScale kernelScale = KernelScale::RowNormalized;
  OutcomeSummary baseline, uhop;
  // With job.beforeStage1: the same models with W at its init (equal to the above for models
  // without the kernel).
  bool hasBefore = false;
  OutcomeSummary baselineBefore, uhopBefore;
  int queries = 0;
  int steps = 0;
  int stage1Step = -1;
  double seconds = 0;
  std::string error;  // non-empty when the run failed (e.g. kernel without W)
};

// The one-line description of what a result was computed with: queries, data, corruption and
// seed, T, both models with their β, and (for a kernel model) the Stage I step and scale of W.
std::string metastableCaption(const MetastableResult& result);

class MetastableWorker {
 public:
  MetastableWorker();
  ~MetastableWorker();
  MetastableWorker(const MetastableWorker&) = delete;
  MetastableWorker& operator=(const MetastableWorker&) = delete;

  // Cancels any run under way and starts this one. Returns its id.
  uint64_t start(MetastableJob job);
  void cancel();
  bool running() const { return running_.load(); }
  double progress() const { return progress_.load(); }  // 0..1 of the run under way
  std::shared_ptr<const MetastableResult> latest() const;
  bool waitIdle(std::chrono::milliseconds timeout) const;

 private:
  void loop();
  std::shared_ptr<MetastableResult> compute(const MetastableJob& job, uint64_t id);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  mutable std::condition_variable idle_;
  bool quit_ = false;
  std::optional<MetastableJob> pending_;
  bool computing_ = false;  // compute() under way (guarded by mutex_)
  uint64_t nextId_ = 0;
  std::shared_ptr<const MetastableResult> latest_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> running_{false};
  std::atomic<double> progress_{0};
  std::thread thread_;
};

}  // namespace uhop::ui
