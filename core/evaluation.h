// Every memory as a query (PAPER.md "Metastable states" and "Experiments"): memory μ is
// corrupted with the stream deriveSeed(seed, μ), retrieved for T steps with one batched model,
// and scored against ξ_μ. This is what `uhop retrieve`, the metastable panel and the sweeps share.
#pragma once

#include <memory>
#include <vector>

#include "core/corruption.h"
#include "core/hopfield.h"
#include "core/metrics.h"
#include "core/stage1.h"

namespace uhop {

struct EvaluationResult {
  std::vector<QueryOutcome> outcomes;  // one per memory, in memory order
  OutcomeSummary summary;
  MatrixD energies;                    // (T+1) × M, empty unless requested
};

// `featureMap` is required for the kernel similarity (W as used, already scaled). An energy
// trace over `memoryBudgetBytes` ((T+1)·M doubles) is refused with a UhopError before any
// work (checkTraceBudget, core/hopfield.h).
EvaluationResult evaluateAllMemories(const MemorySet& memories,
                                     std::shared_ptr<const Matrix> patterns,
                                     const ModelConfig& model, const Matrix* featureMap,
                                     const Corruption& corruption, uint64_t seed, int steps,
                                     bool recordEnergy,
                                     std::size_t memoryBudgetBytes = kDefaultMemoryBudgetBytes);

// Runs Stage I to the end (config.steps) and returns the W to use for the kernel
// (rows normalised when config.normalizeRows). Throws UhopError if Stage I diverges.
Matrix trainFeatureMap(std::shared_ptr<const Matrix> patterns, const Stage1Config& config);

}  // namespace uhop
