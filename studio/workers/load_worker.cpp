#include "studio/workers/load_worker.h"

#include "core/datasets.h"
#include "studio/workers/stage1_worker.h"

namespace uhop::ui {

std::shared_ptr<const MemorySet> readMemorySet(const LoadRequest& request) {
  if (request.count == 0 || request.count < -1) throw ConfigError("M must be at least 2");
  LoadOptions options;
  options.offset = request.offset;
  options.count = request.count;
  if (request.memoryBudgetBytes > 0) options.memoryBudgetBytes = request.memoryBudgetBytes;
  options.grayscale = request.grayscale;
  options.width = request.width;
  options.height = request.height;
  auto loaded = std::make_shared<MemorySet>(loadDataSource(request.source, options));
  loaded->validate();
  if (loaded->count() < 2)
    throw ConfigError("only " + std::to_string(loaded->count()) +
                      " image(s) found; Hopfield retrieval needs at least 2 memories");
  return loaded;
}

LoadWorker::LoadWorker() : thread_([this] { loop(); }) {}

LoadWorker::~LoadWorker() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
    cancel_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

uint64_t LoadWorker::start(LoadRequest request) {
  uint64_t id;
  {
    std::lock_guard lock(mutex_);
    cancel_ = true;  // the job under way stops at its next block
    pending_ = std::move(request);
    id = ++id_;
    busy_ = true;
  }
  wake_.notify_all();
  return id;
}

void LoadWorker::cancel() {
  std::lock_guard lock(mutex_);
  pending_.reset();
  cancel_ = true;
  ++id_;  // whatever the job under way still publishes belongs to no current job
  // A job not yet picked up is simply gone; one under way clears busy_ when it stops.
  if (phase_ == static_cast<int>(Phase::Idle)) busy_ = false;
  idle_.notify_all();
}

std::shared_ptr<const LoadSnapshot> LoadWorker::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

bool LoadWorker::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return !busy_ && !pending_; });
}

void LoadWorker::publish(std::shared_ptr<const LoadSnapshot> snapshot) {
  // A snapshot of a job that was replaced or cancelled meanwhile is dropped.
  if (snapshot->id != id_ || pending_) return;
  latest_ = std::move(snapshot);
}

void LoadWorker::loop() {
  limitWorkerThreads();
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return quit_ || pending_.has_value(); });
    if (quit_) break;
    LoadRequest request = std::move(*pending_);
    pending_.reset();
    const uint64_t id = id_;
    cancel_ = false;
    busy_ = true;
    phase_ = static_cast<int>(Phase::Reading);
    progress_ = 0;
    lock.unlock();

    auto read = std::make_shared<LoadSnapshot>();
    read->id = id;
    read->request = request;
    read->request.preloaded.reset();  // the snapshot's set holds it
    try {
      read->set = request.preloaded ? request.preloaded : readMemorySet(request);
    } catch (const std::exception& e) {
      read->error = e.what();
    }
    lock.lock();
    publish(read);
    lock.unlock();

    if (read->set && !cancel_) {
      phase_ = static_cast<int>(Phase::Statistics);
      progress_ = 0;
      auto done = std::make_shared<LoadSnapshot>(*read);
      StatsOptions options;
      options.blockBytes = statsBlockBytes_;
      options.cancel = &cancel_;
      options.progress = &progress_;
      if (separationStats(read->set->patterns, nullptr, options, done->stats)) {
        done->statsReady = true;
        lock.lock();
        publish(std::move(done));
        lock.unlock();
      }
    }
    lock.lock();
    phase_ = static_cast<int>(Phase::Idle);
    if (!pending_) busy_ = false;
    idle_.notify_all();
  }
  phase_ = static_cast<int>(Phase::Idle);
  busy_ = false;
  idle_.notify_all();
}

}  // namespace uhop::ui
