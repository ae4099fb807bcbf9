// Loading memories on a worker thread (docs/architecture.md "Threads"): reading a source and its
// separation statistics (Δ_μ needs every pair of memories: minutes at M = 60,000) never run on
// the UI thread. A job publishes two immutable snapshots: the memory set as soon as it is read
// (the studio installs it at once), then the same set with its statistics. Starting a new job or
// cancelling drops the one under way; the statistics check the cancel flag between blocks of
// columns (core separationStats), so an abandoned job stops within a block (≤ 64 MiB of scores).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/memory_set.h"
#include "core/metrics.h"

namespace uhop::ui {

struct LoadRequest {
  std::string source;
  int count = 64;  // M; -1 = all that remain
  int offset = 0;
  std::size_t memoryBudgetBytes = 0;  // 0 = the core default
  bool grayscale = false;             // LoadOptions::grayscale (false keeps colour)
  int width = 0, height = 0;          // LoadOptions::width/height for mixed-size folders
  // Already read (a session checks its data before applying it): only the statistics are computed.
  std::shared_ptr<const MemorySet> preloaded;
};

struct LoadSnapshot {
  uint64_t id = 0;  // of the job (LoadWorker::start's return value)
  LoadRequest request;
  std::shared_ptr<const MemorySet> set;  // null when the load failed
  std::string error;                     // why it failed (the set stays null)
  bool statsReady = false;               // stats below are computed
  SeparationStats stats;                 // raw-space Δ_μ (docs/method.md §4.2)
};

// Reads and checks a source as the studio accepts it (at least 2 memories). Throws DataError /
// ConfigError with a message for the user. Runs on whichever thread calls it.
std::shared_ptr<const MemorySet> readMemorySet(const LoadRequest& request);

class LoadWorker {
 public:
  enum class Phase { Idle = 0, Reading = 1, Statistics = 2 };

  LoadWorker();
  ~LoadWorker();
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  // Drops the job under way (if any) and starts this one. Returns its id.
  uint64_t start(LoadRequest request);
  // Drops the job under way; its snapshots, if not taken yet, are not published.
  void cancel();
  bool busy() const { return busy_.load(); }  // a job pending or running
  Phase phase() const { return static_cast<Phase>(phase_.load()); }
  double progress() const { return progress_.load(); }  // 0..1 of the current phase
  uint64_t currentId() const { return id_.load(); }     // of the newest job started
  // The newest published snapshot of the newest job (null before it has read its set).
  std::shared_ptr<const LoadSnapshot> latest() const;
  // Blocks until no job is pending or running (tests and shutdown only; the UI never calls it).
  bool waitIdle(std::chrono::milliseconds timeout) const;

  // Statistics block size (bytes of scores at a time); tests make it small.
  void setStatsBlockBytes(std::size_t bytes) { statsBlockBytes_ = bytes; }

 private:
  void loop();
  void publish(std::shared_ptr<const LoadSnapshot> snapshot);  // mutex_ held

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  mutable std::condition_variable idle_;
  bool quit_ = false;
  std::optional<LoadRequest> pending_;
  std::shared_ptr<const LoadSnapshot> latest_;
  std::atomic<uint64_t> id_{0};
  std::atomic<bool> cancel_{false};
  std::atomic<bool> busy_{false};
  std::atomic<int> phase_{0};
  std::atomic<double> progress_{0};
  std::atomic<std::size_t> statsBlockBytes_{std::size_t{64} << 20};
  std::thread thread_;
};

}  // namespace uhop::ui
