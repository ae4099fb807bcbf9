#include "studio/workers/stage1_worker.h"

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace uhop::ui {

void limitWorkerThreads() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  omp_set_num_threads(std::max(1, cores - 1));
  // Lower this thread's scheduling priority (Linux nice is per thread): when the UI thread and
  // the OpenGL rasteriser need a core, they get it first and the worker takes what is left.
  // Failure (a sandbox that forbids it) only costs smoothness.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kWorkerNice);
}

int resolveStage1Batch(int setting, int memories) {
  int batch = setting;
  if (setting < 0) batch = memories > kAutoFullBatchLimit ? kAutoBatch : 0;
  if (batch == 0 && memories > kMaxStage1Batch) batch = kMaxStage1Batch;
  batch = std::min(batch, kMaxStage1Batch);
  return batch >= memories ? 0 : batch;
}

Stage1Worker::Stage1Worker() : thread_([this] { loop(); }) {}

Stage1Worker::~Stage1Worker() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
    playing_ = false;
  }
  wake_.notify_all();
  thread_.join();
}

uint64_t Stage1Worker::reset(std::shared_ptr<const Matrix> memories, const Stage1Config& config,
                             std::shared_ptr<const Matrix> initialW) {
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    playing_ = false;
    resetPending_ = true;
    pendingMemories_ = std::move(memories);
    pendingInitialW_ = std::move(initialW);
    pendingConfig_ = config;
    pendingSteps_ = 0;
    targetSteps_ = config.steps;
    generation = ++generation_;
    stepsDone_ = 0;
  }
  wake_.notify_all();
  return generation;
}

void Stage1Worker::setTargetSteps(int steps) {
  targetSteps_ = std::max(0, steps);
  wake_.notify_all();
}

void Stage1Worker::play() {
  {
    std::lock_guard lock(mutex_);
    playing_ = true;
  }
  wake_.notify_all();
}

void Stage1Worker::pause() {
  playing_ = false;
}

void Stage1Worker::requestStep() {
  {
    std::lock_guard lock(mutex_);
    playing_ = false;
    ++pendingSteps_;
  }
  wake_.notify_all();
}

std::shared_ptr<const Stage1Snapshot> Stage1Worker::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

bool Stage1Worker::hasWork() const {
  if (quit_ || resetPending_) return true;
  if (!stage_ || stage_->diverged()) return false;
  return pendingSteps_ > 0 || (playing_ && stage_->stepsDone() < targetSteps_);
}

bool Stage1Worker::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return !busy_ && !hasWork(); });
}

bool Stage1Worker::idle() const {
  std::lock_guard lock(mutex_);
  return !busy_ && !hasWork();
}

void Stage1Worker::publish(std::shared_ptr<const Stage1Snapshot> snapshot, uint64_t generation) {
  // mutex_ held. A snapshot of a run that was reset meanwhile is dropped.
  if (generation != generation_ || resetPending_) return;
  stepsDone_ = snapshot->stepsDone;
  latest_ = std::move(snapshot);
}

static std::shared_ptr<const Stage1Snapshot> snapshotOf(const Stage1& stage, uint64_t generation) {
  auto s = std::make_shared<Stage1Snapshot>();
  s->generation = generation;
  s->history = stage.history();
  s->W = std::make_shared<const Matrix>(stage.featureMap());
  s->stepsDone = stage.stepsDone();
  s->diverged = stage.diverged();
  s->message = stage.divergenceMessage();
  s->rate = stage.learningRate();
  s->stall = stage.stallMessage();
  s->batchSize = stage.config().batchSize;
  return s;
}

void Stage1Worker::loop() {
  limitWorkerThreads();
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return hasWork(); });
    if (quit_) break;
    busy_ = true;
    if (resetPending_) {
      resetPending_ = false;
      auto memories = std::move(pendingMemories_);
      auto initialW = std::move(pendingInitialW_);
      Stage1Config config = pendingConfig_;
      config.steps = 1000000;  // the worker stops at targetSteps_ itself, so steps can grow later
      const uint64_t generation = generation_;
      lock.unlock();
      stage_.reset();
      std::shared_ptr<const Stage1Snapshot> snapshot;
      try {
        stage_ = initialW ? std::make_unique<Stage1>(memories, config, *initialW)
                          : std::make_unique<Stage1>(memories, config);
        snapshot = snapshotOf(*stage_, generation);
      } catch (const std::exception& e) {
        auto failed = std::make_shared<Stage1Snapshot>();
        failed->generation = generation;
        failed->diverged = true;
        failed->message = e.what();
        snapshot = failed;
      }
      lock.lock();
      publish(std::move(snapshot), generation);
    } else {
      if (pendingSteps_ > 0) --pendingSteps_;
      const uint64_t generation = generation_;
      lock.unlock();
      stage_->step();
      auto snapshot = snapshotOf(*stage_, generation);
      lock.lock();
      publish(std::move(snapshot), generation);
      // A stall is final with the full batch (later steps would not move W): stop playing there.
      if (stage_->stepsDone() >= targetSteps_ || stage_->diverged() || stage_->stalled())
        playing_ = false;
    }
    busy_ = false;
    idle_.notify_all();
  }
  busy_ = false;
  idle_.notify_all();
}

}  // namespace uhop::ui
