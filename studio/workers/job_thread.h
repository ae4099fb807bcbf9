// A worker thread that runs the newest job it was given and publishes the result as an immutable
// snapshot (docs/architecture.md "Threads"). Starting a job while one runs asks the running one to
// stop (its compute function polls `cancel`) and queues the new one; only the newest queued job
// ever runs. The UI thread reads latest(), never waits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace uhop::ui {

void limitWorkerThreads();  // studio/workers/stage1_worker.h

template <class Job, class Result>
class JobThread {
 public:
  // Returns the result, or null when it stopped because `cancel` became true.
  using Compute = std::function<std::shared_ptr<const Result>(
      const Job&, const std::atomic<bool>& cancel, std::atomic<double>& progress)>;

  explicit JobThread(Compute compute) : compute_(std::move(compute)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~JobThread() {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
      cancel_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  void start(Job job) {
    {
      std::lock_guard lock(mutex_);
      pending_ = std::move(job);
      cancel_ = true;  // the running job, if any; reset before the next one starts
    }
    wake_.notify_all();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    pending_.reset();
    cancel_ = true;
  }
  // Running, or a job queued and not yet picked up.
  bool busy() const {
    std::lock_guard lock(mutex_);
    return running_ || pending_.has_value();
  }
  double progress() const { return progress_.load(); }
  std::shared_ptr<const Result> latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }
  bool waitIdle(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return !running_ && !pending_; });
  }

 private:
  void loop() {
    limitWorkerThreads();
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return quit_ || pending_.has_value(); });
      if (quit_) return;
      Job job = std::move(*pending_);
      pending_.reset();
      cancel_ = false;
      running_ = true;
      progress_ = 0;
      lock.unlock();
      std::shared_ptr<const Result> result;
      try {
        result = compute_(job, cancel_, progress_);
      } catch (...) {
        result = nullptr;  // compute reports its own errors inside Result; nothing may escape
      }
      lock.lock();
      if (result && !cancel_) latest_ = std::move(result);
      running_ = false;
      if (!pending_) idle_.notify_all();
    }
  }

  Compute compute_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  mutable std::condition_variable idle_;
  bool quit_ = false;
  bool running_ = false;
  std::optional<Job> pending_;
  std::shared_ptr<const Result> latest_;
  std::atomic<bool> cancel_{false};
  std::atomic<double> progress_{0};
  std::thread thread_;
};

}  // namespace uhop::ui
