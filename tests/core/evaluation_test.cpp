// Tests core/evaluation.*: every memory as a query, retrieved in chunks whose working set is
// bounded, gives what one batch gives; the chunk size follows from M, d and the byte bound.
#include "core/evaluation.h"

#include <gtest/gtest.h>

#include "core/datasets.h"

namespace uhop {
namespace {

TEST(Evaluation, ChunkSizeFollowsTheWorkingSetBound) {
  // Per query: 2·M + 3·d floats. M = 60000, d = 784: 122352 floats = 489408 bytes, so 256 MiB
  // hold 548 queries (268435456 / 489408 = 548.5).
  EXPECT_EQ(retrievalChunkSize(60000, 784, 60000), 548);
  // Small sets are one chunk: every query at once.
  EXPECT_EQ(retrievalChunkSize(500, 784, 500), 500);
  // A bound below one query still makes progress, one query at a time.
  EXPECT_EQ(retrievalChunkSize(60000, 784, 60000, 100), 1);
  // 10 queries of M = 64, d = 784: 2480 floats = 9920 bytes each; 50000 bytes hold 5.
  EXPECT_EQ(retrievalChunkSize(64, 784, 10, 50000), 5);
}

TEST(Evaluation, ChunkedRetrievalEqualsOneBatch) {
  const MemorySet set = loadBuiltin({});
  auto patterns = std::make_shared<const Matrix>(set.patterns);
  ModelConfig model;
  model.beta = 0.05;  // a mixture regime: weights spread, so a wrong column shows
  const Corruption mask = Corruption::parse("mask:0.5");
  const EvaluationResult whole =
      evaluateAllMemories(set, patterns, model, nullptr, mask, 7, 3, true, kDefaultMemoryBudgetBytes,
                          true);
  // 9920 bytes per query (M = 64, d = 784): a 50000-byte bound makes chunks of 5 (13 chunks, the
  // last one of 4).
  const EvaluationResult chunked =
      evaluateAllMemories(set, patterns, model, nullptr, mask, 7, 3, true, kDefaultMemoryBudgetBytes,
                          true, 50000);
  ASSERT_EQ(chunked.outcomes.size(), 64u);
  ASSERT_EQ(chunked.finalStates.cols(), 64);
  ASSERT_EQ(chunked.energies.cols(), 64);
  for (int m = 0; m < 64; ++m) {
    EXPECT_EQ(chunked.outcomes[m].retrieved, whole.outcomes[m].retrieved) << m;
    EXPECT_NEAR(chunked.outcomes[m].error, whole.outcomes[m].error, 1e-3) << m;
    EXPECT_NEAR(chunked.outcomes[m].maxWeight, whole.outcomes[m].maxWeight, 1e-5) << m;
    EXPECT_LT((chunked.finalStates.col(m) - whole.finalStates.col(m)).cwiseAbs().maxCoeff(), 1e-5)
        << m;
    for (int t = 0; t <= 3; ++t)
      EXPECT_NEAR(chunked.energies(t, m), whole.energies(t, m),
                  1e-6 * std::abs(whole.energies(t, m)))
          << m;
  }
  EXPECT_NEAR(chunked.summary.meanError, whole.summary.meanError, 1e-4);
  // The final states are the retrieval's: a fresh one-step check of memory 0's query would differ;
  // here at least they are not the queries themselves.
  EXPECT_GT((whole.finalStates - corruptMemories(mask, set, 7)).norm(), 1.0f);
}

}  // namespace
}  // namespace uhop
