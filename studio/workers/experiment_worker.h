// A sweep of core/experiments (capacity / noise / Stage I steps / β) on a worker thread, for the
// Experiments tab. The worker owns the Sweep; after every finished cell it
// publishes an immutable ExperimentSnapshot (rows so far and their mean ± std over seeds), so the
// figure fills in live. Cancel is an atomic flag the Sweep checks between cells and at every
// Stage I step; the UI thread never waits on the sweep.
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

#include "core/experiments.h"
#include "core/memory_set.h"

namespace uhop::ui {

struct ExperimentSnapshot {
  uint64_t id = 0;                 // of the run (bumps on every start)
  SweepConfig config;              // grid and models resolved
  std::vector<SweepRow> rows;      // finished cells, in cell order
  std::vector<SweepPoint> points;  // aggregate(rows): mean ± std over seeds per (x, model)
  int cellsDone = 0, totalCells = 0;
  double seconds = 0;      // wall time since the run started (at publication)
  bool finished = false;   // every cell done
  bool cancelled = false;  // stopped by cancel() before finishing
  std::string error;       // the run failed (exception from the sweep)
};

class ExperimentWorker {
 public:
  ExperimentWorker() = default;
  ~ExperimentWorker();
  ExperimentWorker(const ExperimentWorker&) = delete;
  ExperimentWorker& operator=(const ExperimentWorker&) = delete;

  // Builds the Sweep in the calling thread (so a bad config throws ConfigError here, with the
  // old results kept), cancels a run under way, then runs the new one on a worker thread with
  // `threads` pool threads (0 = hardware concurrency − 1, at least 1). Returns the run id.
  uint64_t start(std::shared_ptr<const MemorySet> pool, SweepConfig config, int threads = 0);
  // Asks the run to stop (prompt: checked between cells and at every Stage I step). Never waits.
  void cancel();
  bool running() const { return running_.load(); }
  // Estimated fraction of the run done (Sweep::progress), 0 without a run.
  double progress() const;
  // Seconds since the run started, and the estimated seconds left (negative: unknown yet).
  double elapsedSeconds() const;
  double etaSeconds() const;
  std::shared_ptr<const ExperimentSnapshot> latest() const;
  // For tests and shutdown: waits until no run is under way.
  bool waitIdle(std::chrono::milliseconds timeout) const;

 private:
  void publish(bool finished, bool cancelled, const std::string& error);
  void join();

  mutable std::mutex mutex_;  // guards sweep_, latest_, start_
  mutable std::condition_variable idle_;
  std::shared_ptr<Sweep> sweep_;
  std::shared_ptr<const ExperimentSnapshot> latest_;
  std::chrono::steady_clock::time_point start_{};
  uint64_t id_ = 0;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> running_{false};
  std::thread thread_;
};

// The Experiments tab's grid text: comma- (or space-) separated numbers, e.g. "10, 20, 50".
// Throws ConfigError naming the bad entry, or when the list is empty.
std::vector<double> parseGridText(const std::string& text);
// The grid as text ("10, 20, 30"), shortest exact form of each value.
std::string gridToText(const std::vector<double>& grid);
// defaultGrid(kind), for capacity without the M beyond the `loaded` memories (at least {loaded}).
std::vector<double> defaultGridFor(SweepKind kind, int loaded);

// "1h 02m", "3m 05s", "12 s": a duration for the ETA text.
std::string formatDuration(double seconds);

}  // namespace uhop::ui
