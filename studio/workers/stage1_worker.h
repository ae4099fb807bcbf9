// Stage I on a worker thread (docs/architecture.md "Threads"): the worker owns the core::Stage1
// optimiser and, after every step, publishes an immutable Stage1Snapshot (loss history, a copy of
// W) under a mutex. The UI thread only flips atomics and swaps in the newest snapshot; it never
// waits. Pause acts at once: the flag is read before every step, so at most the step already under
// way (one W update, ~30–60 ms at M = 500, d = D_Φ = 784) completes after it. W's initialisation
// and the first loss evaluation also run on the worker (a reset returns at once); above
// kAutoFullBatchLimit memories the "auto" batch keeps both short.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/stage1.h"

namespace uhop::ui {

struct Stage1Snapshot {
  uint64_t generation = 0;            // which reset produced it
  std::vector<Stage1Record> history;  // record 0 = the initial W
  std::shared_ptr<const Matrix> W;    // W after the last step, as learned (rows not normalised)
  int stepsDone = 0;
  bool diverged = false;
  std::string message;  // divergence or configuration error, empty when fine
  double rate = 0;      // Stage1::learningRate(): backtracking's last accepted step, else the rate
  std::string stall;    // backtracking found no decreasing step (not an error), empty otherwise
  int batchSize = 0;    // memories per step of this run (0 = full batch)
};

// The studio's Stage I batch setting (Stage1Config::batchSize as the model holds it) and what the
// worker gets (core: 0 = full batch, else B memories per step). A full-batch step costs
// O(D·d·M + D·M²) and holds an M × M matrix of pair weights (core/separation_loss.h): about
// 35 ms at M = 1,000 and 1.9 s at M = 10,000 (README, Performance), 14 GB at M = 60,000. So:
//   auto (kStage1BatchAuto)  full batch up to kAutoFullBatchLimit memories, above that
//                            minibatches of kAutoBatch (a step then costs the same whatever M is);
//   0 (full batch)           as asked, but never more than kMaxStage1Batch memories per step;
//   B ≥ 2                    B memories per step (full batch when B ≥ M), at most kMaxStage1Batch.
constexpr int kStage1BatchAuto = -1;
constexpr int kAutoFullBatchLimit = 1000;
constexpr int kAutoBatch = 1000;
constexpr int kMaxStage1Batch = 8192;  // 8192² floats of pair weights: 268 MB
int resolveStage1Batch(int setting, int memories);

class Stage1Worker {
 public:
  Stage1Worker();
  ~Stage1Worker();
  Stage1Worker(const Stage1Worker&) = delete;
  Stage1Worker& operator=(const Stage1Worker&) = delete;

  // Drops the current run and starts a new one; W is initialised on the worker (config.init), or
  // is `initialW` when given (File ▸ Load W…: D_Φ × d, d the memories' dimension). Pauses.
  // Returns the generation number that snapshots of the new run carry.
  uint64_t reset(std::shared_ptr<const Matrix> memories, const Stage1Config& config,
                 std::shared_ptr<const Matrix> initialW = nullptr);
  // Playing stops by itself once this many steps are done (config.steps is ignored).
  void setTargetSteps(int steps);
  void play();
  void pause();
  void requestStep();  // one step (pauses first)

  bool playing() const { return playing_.load(); }
  bool busy() const { return busy_.load(); }
  int stepsDone() const { return stepsDone_.load(); }
  int targetSteps() const { return targetSteps_.load(); }
  uint64_t generation() const { return generation_.load(); }
  // The newest published snapshot (null before the first run has initialised W).
  std::shared_ptr<const Stage1Snapshot> latest() const;
  // Blocks until nothing is pending or running (tests and shutdown only; the UI never calls it).
  bool waitIdle(std::chrono::milliseconds timeout) const;
  // Nothing pending or running (a step asked for counts as pending before the worker wakes).
  bool idle() const;

 private:
  void loop();
  bool hasWork() const;  // mutex_ held
  void publish(std::shared_ptr<const Stage1Snapshot> snapshot, uint64_t generation);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  mutable std::condition_variable idle_;
  bool quit_ = false;
  bool resetPending_ = false;
  std::shared_ptr<const Matrix> pendingMemories_;
  std::shared_ptr<const Matrix> pendingInitialW_;  // null: W from config.init
  Stage1Config pendingConfig_;
  int pendingSteps_ = 0;
  std::shared_ptr<const Stage1Snapshot> latest_;
  std::unique_ptr<Stage1> stage_;  // touched only by the worker thread

  std::atomic<bool> playing_{false};
  std::atomic<bool> busy_{false};
  std::atomic<int> stepsDone_{0};
  std::atomic<int> targetSteps_{100};
  std::atomic<uint64_t> generation_{0};
  std::thread thread_;
};

// Worker threads leave one core to the UI thread: OpenMP (our product splits, OpenBLAS) in this
// thread gets hardware_concurrency − 1 threads (at least 1), and the thread runs at nice
// kWorkerNice so the UI thread and the OpenGL rasteriser win a contended core.
constexpr int kWorkerNice = 10;
void limitWorkerThreads();

}  // namespace uhop::ui
