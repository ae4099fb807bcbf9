#include "studio/theory_view.h"

#include <chrono>

#include "studio/app_model.h"

namespace uhop::ui {
namespace {

bool sameConfig(const ModelConfig& a, const ModelConfig& b) {
  return a.similarity == b.similarity && a.separation == b.separation && a.beta == b.beta &&
         a.betaAfterSeparation == b.betaAfterSeparation;
}

bool usesKernel(const TheoryKey& key) {
  for (const ModelConfig& c : key.configs)
    if (c.similarity == SimilarityKind::Kernel) return true;
  return false;
}

}  // namespace

bool TheoryKey::sameButW(const TheoryKey& o) const {
  return memoriesVersion == o.memoriesVersion && sameConfig(configs[0], o.configs[0]) &&
         sameConfig(configs[1], o.configs[1]) && wGeneration == o.wGeneration &&
         normalizeRows == o.normalizeRows && kernelScale == o.kernelScale &&
         queryFraction == o.queryFraction;
}

bool TheoryKey::operator==(const TheoryKey& o) const {
  return sameButW(o) && wStep == o.wStep;
}

std::shared_ptr<const TheoryViewResult> computeTheoryView(const TheoryViewJob& job,
                                                          const std::atomic<bool>& cancel,
                                                          std::atomic<double>& progress) {
  const auto start = std::chrono::steady_clock::now();
  auto r = std::make_shared<TheoryViewResult>();
  r->key = job.key;
  if (!job.patterns || job.patterns->cols() == 0) {
    r->errors = {"no memories loaded", "no memories loaded"};
    return r;
  }
  // The kernel's W exactly as the U-Hop column uses it (AppModel::scaledFeatureMap), made here
  // rather than on the UI thread.
  std::optional<Matrix> W;
  if (usesKernel(job.key) && job.stage1W && job.stage1W->size() > 0)
    W = kernelFeatureMap(*job.stage1W, job.key.normalizeRows, job.key.kernelScale);
  for (int side = 0; side < 2; ++side) {
    const ModelConfig& mc = job.key.configs[side];
    if (mc.similarity == SimilarityKind::Kernel && !W) {
      r->errors[side] = "waiting for Stage I's W";
      continue;
    }
    TheoryConfig config;
    config.model = mc;
    config.queryFraction = job.key.queryFraction;
    config.seed = kTheorySeed;
    config.blockBytes = job.blockBytes;
    config.control.cancel = &cancel;
    // The two reports are the two halves of the job's progress.
    config.control.progress = [&progress, side](double f) { progress = 0.5 * (side + f); };
    try {
      TheoryReport report = computeTheory(job.patterns, config, W ? &*W : nullptr);
      if (report.cancelled) return nullptr;
      r->reports[side] = std::move(report);
    } catch (const std::exception& e) {
      r->errors[side] = e.what();
    }
    if (cancel) return nullptr;
  }
  progress = 1;
  r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

TheoryViewState::TheoryViewState()
    : worker(std::make_unique<JobThread<TheoryViewJob, TheoryViewResult>>(
          [](const TheoryViewJob& job, const std::atomic<bool>& cancel,
             std::atomic<double>& progress) { return computeTheoryView(job, cancel, progress); })) {
}

TheoryKey currentTheoryKey(const AppModel& model) {
  TheoryKey key;
  key.memoriesVersion = model.memories.version;
  key.configs = {model.column(Side::Baseline).config, model.column(Side::UHop).config};
  key.normalizeRows = model.stage1.config.normalizeRows;
  key.kernelScale = model.fairness.kernelScale;
  if (usesKernel(key)) {
    const Stage1Snapshot* snap = model.stage1.snapshot.get();
    key.wStep = snap && snap->W ? snap->stepsDone : -1;
    key.wGeneration = snap ? snap->generation : 0;
  }
  return key;
}

bool theoryWanted(const AppModel& model) {
  if (!model.memories.set) return false;
  return model.theoryView.shown || model.memories.count() <= kTheoryStage2MaxMemories;
}

const TheoryViewResult* currentTheory(const AppModel& model) {
  const TheoryViewResult* r = model.theoryView.result.get();
  return r && r->key == currentTheoryKey(model) ? r : nullptr;
}

void updateTheoryView(AppModel& model) {
  TheoryViewState& view = model.theoryView;
  auto latest = view.worker->latest();
  // A result for memories no longer loaded is never taken (the worker keeps its last one).
  if (latest && latest != view.result && latest->key.memoriesVersion == model.memories.version)
    view.result = latest;
  if (view.result && view.result->key.memoriesVersion != model.memories.version)
    view.result.reset();
  if (!theoryWanted(model)) return;
  const TheoryKey key = currentTheoryKey(model);
  if (view.result && view.result->key == key) return;
  if (view.started && *view.started == key && view.worker->busy()) return;
  // A newer W of the same Stage I run waits for the job under way: superseding it at every step
  // would never let a large M finish while Stage I plays.
  if (view.worker->busy() && view.started && view.started->sameButW(key)) return;
  TheoryViewJob job;
  job.key = key;
  job.patterns = model.memories.patterns;
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  job.stage1W = snap ? snap->W : nullptr;
  view.started = key;
  view.worker->start(std::move(job));
}

}  // namespace uhop::ui
