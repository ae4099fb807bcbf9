#include "studio/workers/metastable_worker.h"

#include <cstdio>
#include <vector>

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

bool runOutcomes(const HopfieldModel& model, const Matrix& queries, int steps,
                 const std::atomic<bool>& cancel, std::atomic<double>& progress, double from,
                 double to, OutcomeSummary& summary) {
  Matrix X = queries, next, P;
  for (int t = 0; t < steps; ++t) {
    if (cancel) return false;
    model.step(X, next, P);
    X.swap(next);
    progress = from + (to - from) * (t + 1) / (steps + 1.0);
  }
  if (cancel) return false;
  model.weights(X, P);
  std::vector<QueryOutcome> outcomes;
  outcomes.reserve(X.cols());
  for (int n = 0; n < X.cols(); ++n)
    outcomes.push_back(assessQuery(X, P, model.similarity().memories(), n, n, model.config().separation));
  summary = summarize(outcomes);
  progress = to;
  return true;
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
    const Matrix queries = corruptMemories(job.corruption, *job.memories, job.seed);
    std::shared_ptr<const Matrix> patterns(job.memories, &job.memories->patterns);
    const Matrix* W = job.featureMap.get();
    const double share = job.beforeStage1 ? 0.25 : 0.5;
    HopfieldModel baseline(patterns, job.baseline, W);
    if (!runOutcomes(baseline, queries, job.steps, cancel_, progress_, 0.0, share,
                     result->baseline))
      return nullptr;
    HopfieldModel uhop(patterns, job.uhop, W);
    if (!runOutcomes(uhop, queries, job.steps, cancel_, progress_, share, 2 * share, result->uhop))
      return nullptr;
    if (job.beforeStage1) {
      const int d = job.memories->dimension();
      Matrix W0 = job.initialW
                      ? *job.initialW
                      : initFeatureMap(job.stage1.init,
                                       job.stage1.featureDim > 0 ? job.stage1.featureDim : d, d,
                                       job.stage1.seed);
      if (job.stage1.normalizeRows) normalizeRows(W0);
      W0 = scaleFeatureMap(W0, job.kernelScale);
      const ModelConfig* configs[] = {&job.baseline, &job.uhop};
      OutcomeSummary* after[] = {&result->baseline, &result->uhop};
      OutcomeSummary* before[] = {&result->baselineBefore, &result->uhopBefore};
      for (int s = 0; s < 2; ++s) {
        if (configs[s]->similarity != SimilarityKind::Kernel) {
          *before[s] = *after[s];
          continue;
        }
        HopfieldModel model(patterns, *configs[s], &W0);
        if (!runOutcomes(model, queries, job.steps, cancel_, progress_, 0.5 + 0.25 * s,
                         0.75 + 0.25 * s, *before[s]))
          return nullptr;
      }
      result->hasBefore = true;
    }
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
    progress_ = 0;
    lock.unlock();
    auto result = compute(job, id);
    lock.lock();
    if (result && !pending_) latest_ = std::move(result);
    if (!pending_) running_ = false;
    idle_.notify_all();
  }
  running_ = false;
  idle_.notify_all();
}

}  // namespace uhop::ui
