#include "studio/workers/column_model_worker.h"

#include <thread>

#include "core/omp_threads.h"

namespace uhop::ui {

double modelBuildWork(SimilarityKind similarity, long long dimension, long long memories,
                      long long featureDim) {
  const double dM = static_cast<double>(dimension) * static_cast<double>(memories);
  return similarity == SimilarityKind::Kernel ? 3.0 * static_cast<double>(featureDim) * dM
                                              : 100.0 * dM;
}

std::shared_ptr<const ColumnModelResult> buildColumnModel(const ColumnModelJob& job) {
  auto result = std::make_shared<ColumnModelResult>();
  result->id = job.id;
  result->tag = job.tag;
  const auto start = std::chrono::steady_clock::now();
  try {
    // The same thread count as the UI thread's inline build (ensureModel), so both give the same
    // bits; this thread's low priority still yields the cores to the UI when it needs them.
    OmpThreadsScope allCores(static_cast<int>(std::thread::hardware_concurrency()));
    result->model =
        std::make_shared<const HopfieldModel>(job.patterns, job.config, job.featureMap.get());
  } catch (const std::exception& e) {
    result->error = e.what();
  }
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

ColumnModelWorker::ColumnModelWorker()
    : thread_([this](const ColumnModelJob& job, const std::atomic<bool>&, std::atomic<double>&) {
        auto result = buildColumnModel(job);
        if (result->model && result->seconds > 0) rate_ = job.work / result->seconds;
        return result;
      }) {}

uint64_t ColumnModelWorker::start(ColumnModelJob job) {
  job.id = ++nextId_;
  const uint64_t id = job.id;
  thread_.start(std::move(job));
  return id;
}

double ColumnModelWorker::expectedSeconds(double work) const {
  const double rate = rate_.load();
  return rate > 0 ? work / rate : 0;
}

}  // namespace uhop::ui
