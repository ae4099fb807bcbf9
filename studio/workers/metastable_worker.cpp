#include "studio/workers/metastable_worker.h"

#include <cstdio>
#include <vector>

#include "core/evaluation.h"
#include "studio/workers/stage1_worker.h"

namespace uhop::ui {

MetastableWorker::MetastableWorker() : thread_([this] { loop(); }) {}

MetastableWorker::~MetastableWorker() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
    cancel_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

uint64_t MetastableWorker::start(MetastableJob job) {
  uint64_t id;
  {
    std::lock_guard lock(mutex_);
    cancel_ = true;  // the run under way (if any) stops at its next step
    pending_ = std::move(job);
    id = ++nextId_;
    running_ = true;
  }
  wake_.notify_all();
  return id;
}

void MetastableWorker::cancel() {
  std::lock_guard lock(mutex_);
  pending_.reset();
  cancel_ = true;
  // A job queued by start() but not picked up yet never runs: nothing is running any more.
  if (!computing_) {
    running_ = false;
    idle_.notify_all();
  }
}

std::shared_ptr<const MetastableResult> MetastableWorker::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

bool MetastableWorker::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return !running_ && !pending_; });
}

static std::string modelCaption(const ModelConfig& c) {
  char beta[32];
  std::snprintf(beta, sizeof beta, "%g", c.beta);
  return similarityName(c.similarity) + "/" + c.separation.name() + " β = " + beta +
         (c.betaAfterSeparation ? " after sep" : "");
}

std::string metastableCaption(const MetastableResult& r) {
  std::string text = std::to_string(r.queries) + " queries of " + r.source + " · " +
                     r.corruption.name() + " (seed " + std::to_string(r.seed) +
                     ") · T = " + std::to_string(r.steps) + " · baseline " +
                     modelCaption(r.baselineConfig) + " · U-Hop " + modelCaption(r.uhopConfig);
  const bool kernel = r.baselineConfig.similarity == SimilarityKind::Kernel ||
                      r.uhopConfig.similarity == SimilarityKind::Kernel;
  if (kernel)
    text += " · W of Stage I step " + std::to_string(r.stage1Step) + ", " +
            kernelScaleName(r.kernelScale);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, " · %.2f s", r.seconds);
  return text + seconds;
}

std::shared_ptr<MetastableResult> MetastableWorker::compute(const MetastableJob& job, uint64_t id) {
  auto result = std::make_shared<MetastableResult>();
  result->id = id;
  result->source = job.source;
  result->memoriesVersion = job.memoriesVersion;
  result->corruption = job.corruption;
  result->seed = job.seed;
  result->baselineConfig = job.baseline;
  result->uhopConfig = job.uhop;
  result->kernelScale = job.kernelScale;
  result->steps = job.steps;
  result->stage1Step = job.stage1Step;
  const auto start = std::chrono::steady_clock::now();
  try {
    if (!job.memories) throw ConfigError("no memories loaded");
    result->queries = job.memories->count();
    std::shared_ptr<const Matrix> patterns(job.memories, &job.memories->patterns);
    // Every memory as a query through core (evaluateAllMemories: the same corrupted queries and
    // retrieval as `uhop retrieve`), with this run's share [from, to] of the progress bar.
    // False when a newer job or cancel() stopped it.
    auto evaluate = [&](const ModelConfig& config, const Matrix* W, double from, double to,
                        OutcomeSummary& summary) {
      RetrievalControl control;
      control.cancel = &cancel_;
      control.progress = [&](double f) { progress_ = from + (to - from) * f; };
      EvaluationResult r = evaluateAllMemories(
          *job.memories, patterns, config, W, job.corruption, job.seed, job.steps, false,
          kDefaultMemoryBudgetBytes, false, kRetrievalChunkBytes, control);
      summary = r.summary;
      return !r.cancelled;
    };
    const Matrix* W = job.featureMap.get();
    const double share = job.beforeStage1 ? 0.25 : 0.5;
    if (!evaluate(job.baseline, W, 0.0, share, result->baseline)) return nullptr;
    if (!evaluate(job.uhop, W, share, 2 * share, result->uhop)) return nullptr;
    if (job.beforeStage1) {
      // A W loaded from a file (File ▸ Load W) is what Stage I started from.
      const Matrix W0 =
          job.initialW
              ? kernelFeatureMap(*job.initialW, job.stage1.normalizeRows, job.kernelScale)
              : initialKernelFeatureMap(job.stage1, job.memories->dimension(), job.kernelScale);
      const ModelConfig* configs[] = {&job.baseline, &job.uhop};
      OutcomeSummary* after[] = {&result->baseline, &result->uhop};
      OutcomeSummary* before[] = {&result->baselineBefore, &result->uhopBefore};
      for (int s = 0; s < 2; ++s) {
        if (configs[s]->similarity != SimilarityKind::Kernel) {
          *before[s] = *after[s];
          continue;
        }
        if (!evaluate(*configs[s], &W0, 0.5 + 0.25 * s, 0.75 + 0.25 * s, *before[s]))
          return nullptr;
      }
      result->hasBefore = true;
    }
    progress_ = 1.0;
  } catch (const std::exception& e) {
    result->error = e.what();
  }
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void MetastableWorker::loop() {
  limitWorkerThreads();
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return quit_ || pending_.has_value(); });
    if (quit_) break;
    MetastableJob job = std::move(*pending_);
    pending_.reset();
    const uint64_t id = nextId_;
    cancel_ = false;
    running_ = true;
    computing_ = true;
    progress_ = 0;
    lock.unlock();
    auto result = compute(job, id);
    lock.lock();
    computing_ = false;
    if (result && !pending_) latest_ = std::move(result);
    if (!pending_) running_ = false;
    idle_.notify_all();
  }
  running_ = false;
  idle_.notify_all();
}

}  // namespace uhop::ui
