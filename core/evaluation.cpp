#include "core/evaluation.h"

#include <algorithm>
#include <cmath>

namespace uhop {

int retrievalChunkSize(int memories, int dimension, int queries, std::size_t chunkBytes) {
  // Per query: its scores and weights (M each) and its state, next state and query (d each).
  const std::size_t perQuery =
      (2 * static_cast<std::size_t>(memories) + 3 * static_cast<std::size_t>(dimension)) *
      sizeof(float);
  const std::size_t fit = std::max<std::size_t>(1, chunkBytes / std::max<std::size_t>(perQuery, 1));
  return static_cast<int>(
      std::min<std::size_t>(fit, static_cast<std::size_t>(std::max(queries, 1))));
}

int cancellableChunkSize(int memories, int dimension) {
  return static_cast<int>(
      std::max(1.0, std::floor(kCancellableChunkWork / (double(memories) * dimension))));
}

EvaluationResult evaluateAllMemories(const MemorySet& memories,
                                     std::shared_ptr<const Matrix> patterns,
                                     const ModelConfig& model, const Matrix* featureMap,
                                     const Corruption& corruption, uint64_t seed, int steps,
                                     bool recordEnergy, std::size_t memoryBudgetBytes,
                                     bool keepFinalStates, std::size_t chunkBytes,
                                     const RetrievalControl& control) {
  RetrievalOptions options;
  options.steps = steps;
  options.recordEnergy = recordEnergy;
  options.memoryBudgetBytes = memoryBudgetBytes;
  RetrievalControl chunkControl;
  chunkControl.cancel = control.cancel;
  const int count = memories.count(), d = memories.dimension();
  checkTraceBudget(count, d, options);  // before building anything
  EvaluationResult result;
  // The preparation (the kernel's operator is a D·d·M product; corrupting and the operator take
  // seconds at M = 60,000) is not started, or not continued, for a run already abandoned.
  auto abandoned = [&] {
    result.cancelled = control.cancel && control.cancel->load(std::memory_order_relaxed);
    return result.cancelled;
  };
  if (abandoned()) return result;
  HopfieldModel hopfield(patterns, model, featureMap);
  if (abandoned()) return result;
  const Matrix queries = corruptMemories(corruption, memories, seed);
  if (abandoned()) return result;
  result.outcomes.reserve(static_cast<std::size_t>(count));
  if (recordEnergy) result.energies.resize(steps + 1, count);
  if (keepFinalStates) result.finalStates.resize(d, count);
  const int M = static_cast<int>(patterns->cols());
  int chunk = retrievalChunkSize(M, d, count, chunkBytes);
  if (control.cancel) chunk = std::min(chunk, cancellableChunkSize(M, d));
  for (int start = 0; start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    if (control.progress)
      chunkControl.progress = [&](double f) { control.progress((start + f * n) / double(count)); };
    RetrievalTrace trace =
        chunk >= count ? retrieve(hopfield, queries, options, chunkControl)
                       : retrieve(hopfield, queries.middleCols(start, n), options, chunkControl);
    if (trace.cancelled) {
      result.cancelled = true;
      return result;
    }
    for (int j = 0; j < n; ++j)
      result.outcomes.push_back(assessQuery(trace.finalStates, trace.finalWeights, *patterns, j,
                                            start + j, model.separation));
    if (recordEnergy) result.energies.middleCols(start, n) = trace.energies;
    if (keepFinalStates) result.finalStates.middleCols(start, n) = trace.finalStates;
  }
  result.summary = summarize(result.outcomes);
  if (control.progress) control.progress(1.0);
  return result;
}

Matrix trainFeatureMap(std::shared_ptr<const Matrix> patterns, const Stage1Config& config) {
  Stage1 stage1(std::move(patterns), config);
  stage1.run();
  if (stage1.diverged()) throw UhopError(stage1.divergenceMessage());
  return stage1.finalFeatureMap();
}

}  // namespace uhop
