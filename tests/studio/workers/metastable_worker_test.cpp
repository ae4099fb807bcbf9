// Tests studio/workers/metastable_worker.*: the worker retrieves through core (its summaries are
// evaluateAllMemories' for the same job), its progress ends at 1, and a cancel abandons a run
// without publishing it.
#include "studio/workers/metastable_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/datasets.h"
#include "core/evaluation.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

MetastableJob builtinJob(int steps) {
  MetastableJob job;
  job.memories = std::make_shared<const MemorySet>(loadBuiltin({}));
  job.corruption = Corruption::parse("mask:0.5");
  job.seed = 3;
  job.steps = steps;
  job.baseline.beta = 0.05;  // a mixture regime: outcomes are not all "correct"
  job.uhop.similarity = SimilarityKind::MeanProjected;
  job.uhop.separation = Separation::sparsemax();
  return job;
}

TEST(MetastableWorkerTest, SummariesAreCoreEvaluationsAndProgressEndsAtOne) {
  MetastableWorker worker;
  const MetastableJob job = builtinJob(3);
  worker.start(job);
  ASSERT_TRUE(worker.waitIdle(60s));
  const auto result = worker.latest();
  ASSERT_TRUE(result);
  ASSERT_TRUE(result->error.empty()) << result->error;
  EXPECT_EQ(worker.progress(), 1.0);
  std::shared_ptr<const Matrix> patterns(job.memories, &job.memories->patterns);
  const ModelConfig* configs[] = {&job.baseline, &job.uhop};
  const OutcomeSummary* got[] = {&result->baseline, &result->uhop};
  for (int s = 0; s < 2; ++s) {
    const OutcomeSummary want = evaluateAllMemories(*job.memories, patterns, *configs[s], nullptr,
                                                    job.corruption, job.seed, job.steps, false)
                                    .summary;
    // The worker runs fewer OpenMP threads (limitWorkerThreads): products split differently
    // round differently in the last float bits.
    EXPECT_NEAR(got[s]->meanError, want.meanError, 1e-5 * want.meanError) << s;
    EXPECT_EQ(got[s]->correctFraction, want.correctFraction) << s;
    EXPECT_EQ(got[s]->metastableFraction, want.metastableFraction) << s;
    EXPECT_EQ(got[s]->supportHistogram, want.supportHistogram) << s;
  }
  EXPECT_LT(result->baseline.correctFraction, 1.0);  // the two models are not trivially equal
}

TEST(MetastableWorkerTest, CancelAbandonsTheRunWithoutPublishingIt) {
  MetastableWorker worker;
  // Far more steps than finish before the cancel: it lands between two similarity products.
  worker.start(builtinJob(1000000));
  std::this_thread::sleep_for(50ms);
  worker.cancel();
  ASSERT_TRUE(worker.waitIdle(30s));
  EXPECT_FALSE(worker.running());
  EXPECT_FALSE(worker.latest());
  EXPECT_LT(worker.progress(), 1.0);
}

}  // namespace
}  // namespace uhop::ui
