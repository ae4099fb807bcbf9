#include "core/evaluation.h"

namespace uhop {

EvaluationResult evaluateAllMemories(const MemorySet& memories,
                                     std::shared_ptr<const Matrix> patterns,
                                     const ModelConfig& model, const Matrix* featureMap,
                                     const Corruption& corruption, uint64_t seed, int steps,
                                     bool recordEnergy, std::size_t memoryBudgetBytes) {
  RetrievalOptions options;
  options.steps = steps;
  options.recordEnergy = recordEnergy;
  options.memoryBudgetBytes = memoryBudgetBytes;
  checkTraceBudget(memories.count(), memories.dimension(), options);  // before building anything
  HopfieldModel hopfield(patterns, model, featureMap);
  Matrix queries = corruptMemories(corruption, memories, seed);
  RetrievalTrace trace = retrieve(hopfield, queries, options);
  EvaluationResult result;
  result.outcomes.reserve(memories.count());
  for (int m = 0; m < memories.count(); ++m)
    result.outcomes.push_back(assessQuery(trace.finalStates, trace.finalWeights, *patterns, m, m, model.separation));
  result.summary = summarize(result.outcomes);
  result.energies = std::move(trace.energies);
  return result;
}

Matrix trainFeatureMap(std::shared_ptr<const Matrix> patterns, const Stage1Config& config) {
  Stage1 stage1(std::move(patterns), config);
  stage1.run();
  if (stage1.diverged()) throw UhopError(stage1.divergenceMessage());
  return stage1.finalFeatureMap();
}

}  // namespace uhop
