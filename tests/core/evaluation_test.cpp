// Tests core/evaluation.*: every memory as a query, retrieved in chunks whose working set is
// bounded, gives what one batch gives; the chunk size follows from M, d and the byte bound.
#include "core/evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <vector>

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
  const EvaluationResult whole = evaluateAllMemories(set, patterns, model, nullptr, mask, 7, 3,
                                                     true, kDefaultMemoryBudgetBytes, true);
  // 9920 bytes per query (M = 64, d = 784): a 50000-byte bound makes chunks of 5 (13 chunks, the
  // last one of 4).
  const EvaluationResult chunked = evaluateAllMemories(
      set, patterns, model, nullptr, mask, 7, 3, true, kDefaultMemoryBudgetBytes, true, 50000);
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

TEST(Evaluation, ProgressRisesToOneAndTheResultEqualsARunWithoutHooks) {
  const MemorySet set = loadBuiltin({});
  auto patterns = std::make_shared<const Matrix>(set.patterns);
  ModelConfig model;
  model.beta = 0.05;
  const Corruption mask = Corruption::parse("mask:0.5");
  std::atomic<bool> cancel{false};
  std::vector<double> seen;
  RetrievalControl control;
  control.cancel = &cancel;
  control.progress = [&](double f) { seen.push_back(f); };
  // Chunks of 5 (50000 bytes, see above): 13 chunks × (T + 1) = 4 products, then the final 1.
  const EvaluationResult hooked =
      evaluateAllMemories(set, patterns, model, nullptr, mask, 7, 3, false,
                          kDefaultMemoryBudgetBytes, false, 50000, control);
  EXPECT_FALSE(hooked.cancelled);
  ASSERT_EQ(seen.size(), 13u * 4 + 1);
  // After the first product of the first chunk: 5 queries × ¼ of 64.
  EXPECT_NEAR(seen.front(), 5 * 0.25 / 64, 1e-12);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), 1.0);
  // The hooks change nothing computed: the same chunks without them give the same bits.
  const EvaluationResult plain = evaluateAllMemories(
      set, patterns, model, nullptr, mask, 7, 3, false, kDefaultMemoryBudgetBytes, false, 50000);
  ASSERT_EQ(hooked.outcomes.size(), plain.outcomes.size());
  for (size_t i = 0; i < plain.outcomes.size(); ++i) {
    EXPECT_EQ(hooked.outcomes[i].error, plain.outcomes[i].error) << i;
    EXPECT_EQ(hooked.outcomes[i].support, plain.outcomes[i].support) << i;
  }
}

TEST(Evaluation, CancelStopsBeforeTheNextProduct) {
  const MemorySet set = loadBuiltin({});
  auto patterns = std::make_shared<const Matrix>(set.patterns);
  const Corruption mask = Corruption::parse("mask:0.5");
  std::atomic<bool> cancel{false};
  int products = 0;
  RetrievalControl control;
  control.cancel = &cancel;
  // The user cancels while the first product of the second chunk is under way.
  control.progress = [&](double) {
    if (++products == 5) cancel = true;
  };
  const EvaluationResult r =
      evaluateAllMemories(set, patterns, ModelConfig{}, nullptr, mask, 7, 3, false,
                          kDefaultMemoryBudgetBytes, false, 50000, control);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(products, 5);  // no product after the cancel
  EXPECT_LT(r.outcomes.size(), 64u);
  // Cancelled before the start: nothing is computed.
  products = 0;
  const EvaluationResult none =
      evaluateAllMemories(set, patterns, ModelConfig{}, nullptr, mask, 7, 3, false,
                          kDefaultMemoryBudgetBytes, false, 50000, control);
  EXPECT_TRUE(none.cancelled);
  EXPECT_EQ(products, 0);
  EXPECT_TRUE(none.outcomes.empty());
}

TEST(Evaluation, CancellableChunksBoundTheWorkOfOneProduct) {
  // With a cancel hook a product of M · d · n multiply-adds stays under kCancellableChunkWork =
  // 2^30: M = 60000, d = 784 give ⌊1073741824 / 47040000⌋ = 22 queries per chunk (instead of
  // 548 from the byte bound); M = 64 gives 21399, more than the builtin set has.
  EXPECT_EQ(cancellableChunkSize(60000, 784), 22);
  EXPECT_EQ(cancellableChunkSize(64, 784), 21399);
  EXPECT_EQ(cancellableChunkSize(2000000, 784), 1);  // at least one query
}

}  // namespace
}  // namespace uhop
