// Every memory as a query (docs/method.md §5 and §8): memory μ is
// corrupted with the stream deriveSeed(seed, μ), retrieved for T steps with one batched model,
// and scored against ξ_μ. This is what `uhop retrieve`, the metastable panel and the sweeps share.
#pragma once

#include <atomic>
#include <functional>
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
  MatrixD energies;        // (T+1) × M, empty unless requested
  Matrix finalStates;      // x_T of every query, d × M; empty unless requested
  bool cancelled = false;  // RetrievalControl::cancel stopped it: nothing above holds
};

// `featureMap` is required for the kernel similarity (W as used, already scaled). An energy
// trace over `memoryBudgetBytes` ((T+1)·M doubles) is refused with a UhopError before any
// work (checkTraceBudget, core/hopfield.h). The queries are retrieved in chunks whose working set
// (M scores and weights and a few d-vectors per query) stays within kRetrievalChunkBytes, so a
// large M never needs an M × M score matrix; below that size there is one chunk.
// `control`: its cancel is checked before every similarity product of every chunk, and with it
// set the chunks are also kept to kCancellableChunkWork multiply-adds per product, so a true
// value stops the run within one such product (well under a second) even at M = 60,000; the
// result then has `cancelled` set. Its progress is the fraction of all queries' steps done and
// reaches 1 at the end.
inline constexpr std::size_t kRetrievalChunkBytes = std::size_t{256} << 20;
// Multiply-adds of one similarity product (M · d · queries) a cancellable chunk stays under:
// about 0.1 s on one core, so a cancel is seen that often.
inline constexpr double kCancellableChunkWork = double(1 << 30);
EvaluationResult evaluateAllMemories(
    const MemorySet& memories, std::shared_ptr<const Matrix> patterns, const ModelConfig& model,
    const Matrix* featureMap, const Corruption& corruption, uint64_t seed, int steps,
    bool recordEnergy, std::size_t memoryBudgetBytes = kDefaultMemoryBudgetBytes,
    bool keepFinalStates = false, std::size_t chunkBytes = kRetrievalChunkBytes,
    const RetrievalControl& control = {});

// Queries per chunk with a cancel hook: M · d · n ≤ kCancellableChunkWork (at least 1).
int cancellableChunkSize(int memories, int dimension);

// Queries per chunk for M memories of dimension d (at least 1, at most `queries`).
int retrievalChunkSize(int memories, int dimension, int queries,
                       std::size_t chunkBytes = kRetrievalChunkBytes);

// Runs Stage I to the end (config.steps) and returns the W to use for the kernel
// (rows normalised when config.normalizeRows). Throws UhopError if Stage I diverges.
Matrix trainFeatureMap(std::shared_ptr<const Matrix> patterns, const Stage1Config& config);

}  // namespace uhop
